"""Answering at first contact, replies, calls, notes, requests for information and the
business's answer to them, closing and reopening matters."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import access, notifications
from erhvervskontakt.inquiries.models import (
    Event,
    Inquiry,
    Matter,
)
from erhvervskontakt.inquiries.services.common import (
    WorkflowError,
    _actor_label,
    _lock_matter,
    _move,
    _refresh_inquiry,
    _require_matter_actor,
    record,
)
from erhvervskontakt.inquiries.workflow import (
    EventKind,
    MatterStatus,
    Outcome,
)
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of
from erhvervskontakt.outbox.models import MessageKind


def _mark_responded(matter: Matter, now: dt.datetime) -> None:
    if matter.responded_at is None:
        matter.responded_at = now


@transaction.atomic
def matter_answer_first_contact(
    matter: Matter, *, actor, answer: str, outcome: str = Outcome.ANSWERED
) -> Matter:
    """Light casework: the agent answers at once and the matter closes as answered at first contact."""
    _require_matter_actor(actor, matter)
    if not answer.strip():
        raise WorkflowError(_("Write down the answer you gave."), code="answer")
    matter = _lock_matter(matter)
    if matter.transfer_count:
        raise WorkflowError(
            _("A forwarded matter is no longer a first-contact answer; close it instead."), code="forwarded"
        )
    now = clock.now()
    _move(matter, MatterStatus.CLOSED)
    matter.outcome = outcome
    matter.answered_first_contact = True
    matter.closed_at = now
    _mark_responded(matter, now)
    matter.save(update_fields=["status", "outcome", "answered_first_contact", "closed_at", "responded_at"])
    record(
        matter.inquiry,
        EventKind.ANSWERED,
        actor=actor,
        matter=matter,
        public=True,
        text=answer,
        data={"first_contact": True, "outcome": outcome},
    )
    _refresh_inquiry(matter.inquiry, now)
    return matter


@transaction.atomic
def matter_send_links(matter: Matter, *, actor, text: str, close: bool = True) -> Matter:
    """Email the business forms/guides for its matter; by default that settles it at first contact."""
    _require_matter_actor(actor, matter)
    matter = _lock_matter(matter)
    inquiry = matter.inquiry
    if not inquiry.requester_email:
        raise WorkflowError(
            _("The business has no email address; add one or give the links by phone."), code="no_email"
        )
    message = notifications.send_reply(inquiry, matter, text, _actor_label(actor), MessageKind.FORM_LINKS)
    now = clock.now()
    record(
        inquiry,
        EventKind.FORM_SENT,
        actor=actor,
        matter=matter,
        public=True,
        text=text,
        data={"message_id": message.message_id, "outbox_id": message.pk} if message else {},
    )
    _mark_responded(matter, now)
    fields = ["responded_at"]
    if close:
        _move(matter, MatterStatus.CLOSED)
        matter.outcome = Outcome.FORM_SENT
        matter.closed_at = now
        matter.answered_first_contact = matter.transfer_count == 0
        fields += ["status", "outcome", "closed_at", "answered_first_contact"]
        record(
            inquiry,
            EventKind.CLOSED,
            actor=actor,
            matter=matter,
            public=True,
            text=Outcome.FORM_SENT.label,
            data={"outcome": Outcome.FORM_SENT},
        )
    matter.save(update_fields=fields)
    _refresh_inquiry(inquiry, now)
    return matter


@transaction.atomic
def matter_reply(matter: Matter, *, actor, text: str) -> Matter:
    """Reply to the business by email (through the outbox) and show it on the timeline."""
    _require_matter_actor(actor, matter)
    if not text.strip():
        raise WorkflowError(_("The reply is empty."), code="text")
    matter = _lock_matter(matter)
    inquiry = matter.inquiry
    message = notifications.send_reply(inquiry, matter, text, _actor_label(actor), MessageKind.REPLY)
    if message is None:
        raise WorkflowError(
            _("The business has no email address; log a phone call instead."), code="no_email"
        )
    now = clock.now()
    _mark_responded(matter, now)
    if matter.status == MatterStatus.NEW:
        matter.assignee = matter.assignee or actor
        _move(matter, MatterStatus.IN_PROGRESS)
    matter.save(update_fields=["responded_at", "status", "assignee"])
    record(
        inquiry,
        EventKind.REPLY_SENT,
        actor=actor,
        matter=matter,
        public=True,
        text=text,
        data={"message_id": message.message_id, "outbox_id": message.pk},
    )
    _refresh_inquiry(inquiry, now)
    return matter


@transaction.atomic
def matter_log_call(
    matter: Matter, *, actor, text: str, direction: str = "out", public: bool = False
) -> Matter:
    """Record a phone call with the business (a call counts as a response)."""
    _require_matter_actor(actor, matter)
    if not text.strip():
        raise WorkflowError(_("Write what was said."), code="text")
    matter = _lock_matter(matter)
    now = clock.now()
    _mark_responded(matter, now)
    matter.save(update_fields=["responded_at"])
    record(
        matter.inquiry,
        EventKind.CALL_LOGGED,
        actor=actor,
        matter=matter,
        public=public,
        text=text,
        data={"direction": direction if direction in ("in", "out") else "out"},
    )
    return matter


@transaction.atomic
def inquiry_note(inquiry: Inquiry, *, actor, text: str) -> Event:
    """An internal note (never shown to the business)."""
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    if not text.strip():
        raise WorkflowError(_("The note is empty."), code="text")
    return record(inquiry, EventKind.NOTE, actor=actor, text=text)


@transaction.atomic
def matter_request_info(matter: Matter, *, actor, text: str) -> Matter:
    """Ask the business for missing information: the due date pauses until it answers.

    The matter is counted as an application with insufficient information.
    """
    _require_matter_actor(actor, matter)
    if not text.strip():
        raise WorkflowError(_("Say what information is missing."), code="text")
    matter = _lock_matter(matter)
    if matter.status == MatterStatus.AWAITING_BUSINESS:
        raise WorkflowError(_("The matter is already waiting for the business."), code="already_waiting")
    now = clock.now()
    _move(matter, MatterStatus.AWAITING_BUSINESS)
    matter.paused_at = now
    matter.insufficient_info = True
    matter.assignee = matter.assignee or actor
    _mark_responded(matter, now)
    matter.save(update_fields=["status", "paused_at", "insufficient_info", "assignee", "responded_at"])
    inquiry = matter.inquiry
    message = notifications.send_reply(inquiry, matter, text, _actor_label(actor), MessageKind.INFO_REQUEST)
    data = {"paused_at": now.isoformat()}
    if message is not None:
        data.update(message_id=message.message_id, outbox_id=message.pk)
    record(inquiry, EventKind.INFO_REQUESTED, actor=actor, matter=matter, public=True, text=text, data=data)
    _refresh_inquiry(inquiry, now)
    return matter


def _resume(matter: Matter, now: dt.datetime, actor, via: str) -> None:
    old_due = matter.due_at
    matter.due_at = workdays.shift_due(matter.due_at, matter.paused_at, now)
    paused_from = matter.paused_at
    matter.paused_at = None
    _move(matter, MatterStatus.IN_PROGRESS if matter.assignee_id else MatterStatus.NEW)
    matter.save(update_fields=["due_at", "paused_at", "status"])
    record(
        matter.inquiry,
        EventKind.RESUMED,
        actor=actor,
        matter=matter,
        public=True,
        text=_("Processing resumed; expected response by %(date)s.")
        % {"date": notifications.due_date_text(matter.due_at)},
        data={
            "paused_from": paused_from.isoformat(),
            "old_due": old_due.isoformat(),
            "new_due": matter.due_at.isoformat(),
            "via": via,
        },
    )


@transaction.atomic
def inquiry_business_replied(
    inquiry: Inquiry,
    *,
    text: str,
    via: str,
    actor=None,
    matter: Matter | None = None,
    source_ref: str = "",
) -> Event:
    """The business answered (by email, on the tracking page, or as told to staff).

    Every matter of the inquiry that waits for the business resumes (or only ``matter`` when
    given); each resumed due date moves later by the working days it was paused.
    """
    if actor is not None:
        allowed = (
            access.can_act_on_matter(actor, matter)
            if matter is not None
            else access.can_act_on_inquiry(actor, inquiry)
        )
        if not allowed:
            raise PermissionDenied
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    now = clock.now()
    event = record(
        inquiry,
        EventKind.BUSINESS_REPLIED,
        actor=actor,
        matter=matter,
        public=True,
        text=text,
        actor_label=_("The business") if actor is None else None,
        data={"via": via, "source_ref": source_ref[:500]},
    )
    waiting = Matter.objects.select_for_update().filter(
        inquiry=inquiry, status=MatterStatus.AWAITING_BUSINESS
    )
    if matter is not None:
        waiting = waiting.filter(pk=matter.pk)
    elif actor is not None and not has_role(actor, Role.AGENT):
        # A unit's caseworker records an answer to their unit's question; other units'
        # matters resume when the business answers them (or an agent records it).
        waiting = waiting.filter(unit_id=unit_id_of(actor))
    for waiting_matter in waiting.select_related("inquiry"):
        _resume(waiting_matter, now, actor, via)
        if waiting_matter.assignee is not None and waiting_matter.assignee.email:
            notifications.notify_staff(
                [waiting_matter.assignee.email], inquiry, _("The business has replied"), text[:2000]
            )
    _refresh_inquiry(inquiry, now)
    return event


@transaction.atomic
def matter_close(matter: Matter, *, actor, outcome: str, note: str = "") -> Matter:
    """Close a matter with an outcome; the inquiry closes when its last matter does."""
    _require_matter_actor(actor, matter)
    if outcome not in Outcome.values:
        raise WorkflowError(_("Choose an outcome."), code="outcome")
    matter = _lock_matter(matter)
    now = clock.now()
    if matter.status == MatterStatus.AWAITING_BUSINESS and matter.paused_at:
        # Closing while paused (e.g. no reply): the pause still ends, for honest statistics.
        matter.due_at = workdays.shift_due(matter.due_at, matter.paused_at, now)
        matter.paused_at = None
    _move(matter, MatterStatus.CLOSED)
    matter.outcome = outcome
    matter.closed_at = now
    _mark_responded(matter, now)
    matter.save(update_fields=["status", "outcome", "closed_at", "responded_at", "due_at", "paused_at"])
    record(
        matter.inquiry,
        EventKind.CLOSED,
        actor=actor,
        matter=matter,
        public=True,
        text=note or Outcome(outcome).label,
        data={"outcome": outcome},
    )
    _refresh_inquiry(matter.inquiry, now)
    return matter


@transaction.atomic
def matter_reopen(matter: Matter, *, actor, reason: str) -> Matter:
    _require_matter_actor(actor, matter)
    if not reason.strip():
        raise WorkflowError(_("Give a reason for reopening."), code="reason_required")
    matter = _lock_matter(matter)
    _move(matter, MatterStatus.IN_PROGRESS if matter.assignee_id else MatterStatus.NEW)
    matter.closed_at = None
    matter.outcome = ""
    matter.answered_first_contact = False
    matter.save(update_fields=["status", "closed_at", "outcome", "answered_first_contact"])
    record(matter.inquiry, EventKind.REOPENED, actor=actor, matter=matter, public=True, text=reason)
    inquiry = matter.inquiry
    inquiry.closed_at = None
    _refresh_inquiry(inquiry)
    return matter
