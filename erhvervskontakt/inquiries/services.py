"""The one door for every state change of inquiries, matters and callbacks.

Each function runs in a transaction, checks the rules (``workflow.TRANSITIONS``, the
permission rules in ``access``), changes the rows, appends to the timeline and writes any
email to the outbox in the same transaction; delivery happens after commit. Views, tasks,
email ingestion, the portal and a future REST API all call these functions; none of them
saves a status directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.core.references import next_references
from erhvervskontakt.inquiries import access, notifications
from erhvervskontakt.inquiries.models import (
    Attachment,
    Callback,
    CallbackStatus,
    Event,
    Inquiry,
    Matter,
)
from erhvervskontakt.inquiries.workflow import (
    Channel,
    EventKind,
    InquiryStatus,
    MatterStatus,
    Outcome,
    can_move,
    inquiry_status_for,
)
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import MessageKind


class WorkflowError(ValidationError):
    """A requested change breaks a rule; the message says which, in the user's language."""


# --- helpers -------------------------------------------------------------------------------


def _actor_label(actor) -> str:
    if actor is None:
        return _("System")
    return actor.get_full_name() or actor.get_username()


def record(inquiry: Inquiry, kind: str, **fields) -> Event:
    """Append one event to the inquiry's timeline (``fields`` as for ``new_event``)."""
    event = new_event(inquiry, kind, **fields)
    event.save(force_insert=True)
    return event


def record_many(events: list[Event]) -> list[Event]:
    """Append events made by ``new_event`` with one statement, in the order given (batches)."""
    return Event.objects.bulk_create(events)


def new_event(
    inquiry: Inquiry,
    kind: str,
    *,
    actor=None,
    matter: Matter | None = None,
    text: str = "",
    public: bool = False,
    data: dict | None = None,
    actor_label: str | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """An unsaved timeline event; ``record`` appends one, ``record_many`` several."""
    return Event(
        inquiry=inquiry,
        matter=matter,
        kind=kind,
        actor=actor,
        actor_label=actor_label if actor_label is not None else _actor_label(actor),
        created_at=at or clock.now(),
        public=public,
        text=text,
        data=data or {},
    )


def _lock_matter(matter: Matter) -> Matter:
    return Matter.objects.select_for_update().select_related("inquiry", "topic", "unit").get(pk=matter.pk)


def _move(matter: Matter, target: str) -> str:
    previous = matter.status
    if not can_move(previous, target):
        raise WorkflowError(
            _("A matter cannot go from “%(from)s” to “%(to)s”.")
            % {"from": MatterStatus(previous).label, "to": MatterStatus(target).label},
            code="transition",
        )
    matter.status = target
    return previous


def _refresh_inquiry(inquiry: Inquiry, now: dt.datetime | None = None) -> None:
    """Recompute the inquiry's one status, due time and flags from its matters."""
    matters = list(
        Matter.objects.filter(inquiry=inquiry).values(
            "status", "due_at", "answered_first_contact", "insufficient_info"
        )
    )
    _summarise(inquiry, matters, now or clock.now())
    inquiry.save(
        update_fields=[
            "status",
            "due_at",
            "closed_at",
            "answered_first_contact",
            "insufficient_info",
            "updated_at",
        ]
    )


def _summarise(inquiry: Inquiry, matters: list[dict], now: dt.datetime) -> None:
    """Set (not save) the inquiry's status, due time and flags from its matters' values."""
    status = inquiry_status_for([m["status"] for m in matters])
    open_due = [m["due_at"] for m in matters if m["status"] != MatterStatus.CLOSED]
    inquiry.status = status
    inquiry.due_at = max(open_due) if open_due else max((m["due_at"] for m in matters), default=None)
    inquiry.closed_at = (inquiry.closed_at or now) if status == InquiryStatus.CLOSED else None
    inquiry.answered_first_contact = bool(matters) and all(m["answered_first_contact"] for m in matters)
    inquiry.insufficient_info = any(m["insufficient_info"] for m in matters)


def contact_centre_unit() -> Unit:
    return Unit.objects.get(code=settings.CONTACT_CENTRE_UNIT)


def _require_matter_actor(actor, matter: Matter) -> None:
    if actor is None:
        return
    # Decide on the matter as it is now, not on a copy the caller loaded before a forward.
    current = Matter.objects.filter(pk=matter.pk).only("pk", "unit_id").first() or matter
    if not access.can_act_on_matter(actor, current):
        raise PermissionDenied


# --- registration ------------------------------------------------------------------------


@dataclass
class MatterSpec:
    """A matter to register: the topic, and where it goes first.

    ``unit`` None means: straight to the topic's responsible unit when ``direct`` is true
    (web forms, confident routing), otherwise to the contact centre for triage.
    """

    topic: Topic
    unit: Unit | None = None
    direct: bool = False
    assignee: object | None = None


@dataclass
class Registration:
    channel: str
    subject: str
    text: str = ""
    matters: list[MatterSpec] = field(default_factory=list)
    company: Company | None = None
    contact: ContactPerson | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = "da"
    received_at: dt.datetime | None = None
    coordinator_unit: Unit | None = None
    coordinator: object | None = None
    source_ref: str = ""


def new_tracking_token() -> tuple[str, str]:
    """A long random token for the tracking link and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tracking_url(token: str) -> str:
    return f"{settings.SITE_URL}/track/{token}/"


def find_by_tracking_token(token: str) -> Inquiry | None:
    """The inquiry a tracking token opens, compared in constant time; None when unknown or revoked."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    inquiry = Inquiry.objects.filter(tracking_token_hash=digest, tracking_revoked_at__isnull=True).first()
    if inquiry is None or not hmac.compare_digest(inquiry.tracking_token_hash, digest):
        return None
    return inquiry


def inquiry_register(reg: Registration, *, actor=None, send_receipt: bool = True) -> tuple[Inquiry, str]:
    """Register an inquiry with its matters; return it and its tracking token (shown once).

    The receipt goes to the business's email (when known) after commit, naming per matter
    the responsible unit, contact person and expected response date. (In a transaction: that
    of ``inquiry_register_many``.)
    """
    return inquiry_register_many([reg], actor=actor, send_receipt=send_receipt)[0]


@transaction.atomic
def inquiry_register_many(
    regs: list[Registration], *, actor=None, send_receipt: bool | list[bool] = True
) -> list[tuple[Inquiry, str]]:
    """Register several inquiries at once, in order: for each exactly what ``inquiry_register`` does.

    The rows of all of them are written with one statement per table (the mail poller registers a
    run of new emails together). ``send_receipt``: one flag for all, or one per registration. Any
    rule broken by any of them raises, and none is registered.
    """
    receipts = send_receipt if isinstance(send_receipt, list) else [send_receipt] * len(regs)
    if len(receipts) != len(regs):
        raise ValueError("one send_receipt flag per registration")
    for reg in regs:
        _check_registration(reg)
    kc: list[Unit] = []  # read at most once, when some matter goes to the contact centre

    def contact_centre() -> Unit:
        if not kc:
            kc.append(contact_centre_unit())
        return kc[0]

    closed = workdays.extra_closed_days()
    planned = [_plan_registration(reg, actor, contact_centre, closed) for reg in regs]
    years: dict[int, list[Inquiry]] = {}
    for plan in planned:
        years.setdefault(clock.local(plan.inquiry.received_at).year, []).append(plan.inquiry)
    for year, inquiries in years.items():
        for inquiry, reference in zip(inquiries, next_references(len(inquiries), year=year), strict=True):
            inquiry.reference = reference
    Inquiry.objects.bulk_create([plan.inquiry for plan in planned])
    Matter.objects.bulk_create([matter for plan in planned for matter in plan.matters])
    events, messages = [], []
    for plan, receipt in zip(planned, receipts, strict=True):
        inquiry, now = plan.inquiry, plan.now
        events.append(
            new_event(
                inquiry,
                EventKind.REGISTERED,
                actor=actor,
                public=True,
                text=_("Your inquiry was registered (%(channel)s).")
                % {"channel": Channel(inquiry.channel).label},
                data={"channel": inquiry.channel},
                at=now,
            )
        )
        events += [
            new_event(
                inquiry,
                EventKind.MATTER_ADDED,
                actor=actor,
                matter=matter,
                public=True,
                text=matter.topic.name_da,
                data={
                    "topic": matter.topic.code,
                    "unit": matter.unit.code,
                    "due_at": matter.due_at.isoformat(),
                },
                at=now,
            )
            for matter in plan.matters
        ]
        # The rows are ours (inserted in this transaction): the receipt is built from them as they are.
        message = (
            notifications.receipt_message(
                inquiry, tracking_url=tracking_url(plan.token), matters=plan.matters
            )
            if receipt
            else None
        )
        if message is not None:
            messages.append(message)
            events.append(_receipt_event(inquiry, message, actor))
    outbox.enqueue_many(messages)
    record_many(events)
    return [(plan.inquiry, plan.token) for plan in planned]


def _check_registration(reg: Registration) -> None:
    if reg.channel not in Channel.values:
        raise WorkflowError(_("Unknown channel."), code="channel")
    if not reg.subject.strip():
        raise WorkflowError(_("Write a short subject."), code="subject")
    if not reg.matters:
        raise WorkflowError(_("Choose at least one topic."), code="matters")
    topics = [spec.topic.pk for spec in reg.matters]
    if len(set(topics)) != len(topics):
        raise WorkflowError(_("The same topic is chosen twice."), code="duplicate_topic")


@dataclass
class _Plan:
    """A registration about to be written: the unsaved inquiry (status, due time and coordinator
    already follow from its matters; no reference number yet), its token, matters, and time."""

    inquiry: Inquiry
    token: str
    matters: list[Matter]
    now: dt.datetime


def _plan_registration(reg: Registration, actor, contact_centre, closed: frozenset[dt.date]) -> _Plan:
    now = clock.now()
    received = reg.received_at or now
    contact = reg.contact
    token, token_hash = new_tracking_token()
    inquiry = Inquiry(
        channel=reg.channel,
        company=reg.company,
        contact=contact,
        contact_name=reg.contact_name or (contact.name if contact else ""),
        contact_email=(reg.contact_email or (contact.email if contact else "")).strip().lower(),
        contact_phone=reg.contact_phone or (contact.phone if contact else ""),
        language=reg.language if reg.language in ("da", "en") else "da",
        subject=reg.subject.strip()[:300],
        text=reg.text,
        received_at=received,
        coordinator_unit=reg.coordinator_unit,
        coordinator=reg.coordinator,
        created_by=actor,
        source_ref=reg.source_ref[:500],
        tracking_token_hash=token_hash,
    )
    matters = []
    for spec in reg.matters:
        if spec.unit is not None:
            unit = spec.unit
        elif spec.direct:
            unit = spec.topic.unit
        else:
            unit = contact_centre()
        assignee = spec.assignee
        if assignee is not None and unit_id_of(assignee) != unit.pk and not has_role(assignee, Role.AGENT):
            raise WorkflowError(_("The assignee does not work in the unit."), code="assignee")
        matters.append(
            Matter(
                inquiry=inquiry,
                topic=spec.topic,
                unit=unit,
                status=MatterStatus.IN_PROGRESS if assignee else MatterStatus.NEW,
                assignee=assignee,
                received_at=received,
                due_at=workdays.due_at(received, spec.topic.response_days, extra=closed),
            )
        )
    if len(matters) > 1 and inquiry.coordinator_unit is None and inquiry.coordinator is None:
        # One project touching several departments gets one coordinator: the contact centre.
        inquiry.coordinator_unit = contact_centre()
    _summarise(
        inquiry,
        [
            {
                "status": m.status,
                "due_at": m.due_at,
                "answered_first_contact": m.answered_first_contact,
                "insufficient_info": m.insufficient_info,
            }
            for m in matters
        ],
        now,
    )
    return _Plan(inquiry, token, matters, now)


@transaction.atomic
def inquiry_send_receipt(inquiry: Inquiry, *, actor=None, token: str | None = None) -> bool:
    """Email the receipt (if an address is known) and record it; return whether one was queued.

    Without ``token`` a fresh tracking link is issued, which revokes the previous one.
    """
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if token is None:
        token, inquiry.tracking_token_hash = new_tracking_token()
        inquiry.tracking_revoked_at = None
        inquiry.save(update_fields=["tracking_token_hash", "tracking_revoked_at", "updated_at"])
    return _queue_receipt(inquiry, actor=actor, token=token)


def _queue_receipt(inquiry: Inquiry, *, actor, token: str) -> bool:
    message = notifications.send_receipt(inquiry, tracking_url=tracking_url(token))
    if message is None:
        return False
    _receipt_event(inquiry, message, actor).save(force_insert=True)
    return True


def _receipt_event(inquiry: Inquiry, message, actor) -> Event:
    return new_event(
        inquiry,
        EventKind.RECEIPT_SENT,
        actor=actor,
        public=True,
        text=_("Receipt sent by email."),
        data={"to": message.to, "message_id": message.message_id},
    )


@transaction.atomic
def inquiry_revoke_tracking(inquiry: Inquiry, *, actor=None) -> None:
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    inquiry.tracking_revoked_at = clock.now()
    inquiry.save(update_fields=["tracking_revoked_at", "updated_at"])
    record(inquiry, EventKind.TRACKING_LINK, actor=actor, text=_("Tracking link revoked."))


@transaction.atomic
def inquiry_new_tracking_link(inquiry: Inquiry, *, actor=None) -> str:
    """Issue a new tracking token (the old one stops working) and return it."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    token, inquiry.tracking_token_hash = new_tracking_token()
    inquiry.tracking_revoked_at = None
    inquiry.save(update_fields=["tracking_token_hash", "tracking_revoked_at", "updated_at"])
    record(inquiry, EventKind.TRACKING_LINK, actor=actor, text=_("New tracking link issued."))
    return token


@transaction.atomic
def matter_add(inquiry: Inquiry, topic: Topic, *, actor=None, direct: bool = False) -> Matter:
    """Add a matter to an existing inquiry (one project, several departments)."""
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.matters.filter(topic=topic).exclude(status=MatterStatus.CLOSED).exists():
        raise WorkflowError(
            _("The inquiry already has an open matter on this topic."), code="duplicate_topic"
        )
    now = clock.now()
    unit = topic.unit if direct else contact_centre_unit()
    matter = Matter.objects.create(
        inquiry=inquiry,
        topic=topic,
        unit=unit,
        received_at=now,
        due_at=workdays.due_at(now, topic.response_days),
    )
    record(
        inquiry,
        EventKind.MATTER_ADDED,
        actor=actor,
        matter=matter,
        public=True,
        text=topic.name_da,
        data={"topic": topic.code, "unit": unit.code, "due_at": matter.due_at.isoformat()},
    )
    if inquiry.matters.count() > 1 and inquiry.coordinator_unit_id is None and inquiry.coordinator_id is None:
        inquiry.coordinator_unit = contact_centre_unit()
        inquiry.save(update_fields=["coordinator_unit"])
    _refresh_inquiry(inquiry)
    return matter


@transaction.atomic
def inquiry_set_coordinator(inquiry: Inquiry, *, actor=None, unit: Unit | None = None, person=None) -> None:
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    inquiry.coordinator_unit = unit
    inquiry.coordinator = person
    inquiry.save(update_fields=["coordinator_unit", "coordinator", "updated_at"])
    label = (person.get_full_name() if person else "") or (unit.name_da if unit else "")
    record(
        inquiry,
        EventKind.COORDINATOR_SET,
        actor=actor,
        public=True,
        text=_("Coordinated by %(name)s.") % {"name": label},
    )


# --- forwarding and assignment -----------------------------------------------------------


@dataclass
class ForwardNote:
    """The structured note that travels with a forwarded matter."""

    wants: str
    told: str = ""
    documents: str = ""

    def as_text(self) -> str:
        parts = [f"{_('What the business wants')}: {self.wants}"]
        if self.told:
            parts.append(f"{_('Already told')}: {self.told}")
        if self.documents:
            parts.append(f"{_('Documents')}: {self.documents}")
        return "\n".join(parts)


@transaction.atomic
def matter_forward(
    matter: Matter,
    *,
    to_unit: Unit,
    actor,
    note: ForwardNote,
    reason: str = "",
    assignee=None,
) -> Matter:
    """Hand a matter to another unit with a full note.

    The promise is at most one transfer. A unit that forwards onwards (anything but the
    contact centre's first hand-over) must give a reason; a second transfer is flagged on the
    timeline and counted in reports. The due date the business was given does not move.
    """
    _require_matter_actor(actor, matter)
    matter = _lock_matter(matter)
    if matter.status == MatterStatus.CLOSED:
        raise WorkflowError(_("A closed matter cannot be forwarded; reopen it first."), code="closed")
    if to_unit.pk == matter.unit_id:
        raise WorkflowError(_("The matter is already with that unit."), code="same_unit")
    if not (note.wants or "").strip():
        raise WorkflowError(_("Describe what the business wants."), code="note")
    from_contact_centre = matter.unit.code == settings.CONTACT_CENTRE_UNIT
    onward = matter.transfer_count >= 1 or not from_contact_centre
    if onward and not reason.strip():
        raise WorkflowError(
            _("Give a reason: the business was promised at most one transfer."), code="reason_required"
        )
    if assignee is not None and unit_id_of(assignee) != to_unit.pk:
        raise WorkflowError(_("The caseworker does not work in that unit."), code="assignee")
    previous_unit = matter.unit
    if matter.status == MatterStatus.AWAITING_BUSINESS and matter.paused_at:
        # The new unit starts working now: the pause ends and the due date moves by the days lost.
        matter.due_at = workdays.shift_due(matter.due_at, matter.paused_at, clock.now())
        matter.paused_at = None
    _move(matter, MatterStatus.IN_PROGRESS if assignee else MatterStatus.NEW)
    matter.unit = to_unit
    matter.assignee = assignee
    matter.transfer_count += 1
    matter.save(update_fields=["unit", "assignee", "status", "transfer_count", "due_at", "paused_at"])
    inquiry = matter.inquiry
    record(
        inquiry,
        EventKind.FORWARDED,
        actor=actor,
        matter=matter,
        public=True,
        text=note.as_text(),
        data={
            "from_unit": previous_unit.code,
            "to_unit": to_unit.code,
            "transfer": matter.transfer_count,
            "reason": reason,
            "wants": note.wants,
            "told": note.told,
            "documents": note.documents,
            "assignee": assignee.pk if assignee else None,
        },
    )
    if matter.transfer_count > 1:
        record(
            inquiry,
            EventKind.SECOND_TRANSFER,
            actor=actor,
            matter=matter,
            text=reason,
            data={"transfer": matter.transfer_count},
        )
    recipients = [to_unit.email]
    if assignee is not None and assignee.email:
        recipients.append(assignee.email)
    notifications.notify_staff(
        recipients,
        inquiry,
        _("New matter for %(unit)s: %(topic)s") % {"unit": to_unit.name_da, "topic": matter.topic.name_da},
        note.as_text(),
    )
    _refresh_inquiry(inquiry)
    return matter


@transaction.atomic
def matter_assign(matter: Matter, *, actor, assignee) -> Matter:
    """Claim a matter (assignee = actor) or reassign it within the unit."""
    _require_matter_actor(actor, matter)
    matter = _lock_matter(matter)
    if assignee is not None and unit_id_of(assignee) != matter.unit_id and not has_role(assignee, Role.AGENT):
        raise WorkflowError(_("Matters can only be assigned within the unit."), code="assignee")
    if matter.status == MatterStatus.CLOSED:
        raise WorkflowError(_("The matter is closed."), code="closed")
    matter.assignee = assignee
    if matter.status == MatterStatus.NEW and assignee is not None:
        _move(matter, MatterStatus.IN_PROGRESS)
    elif matter.status == MatterStatus.IN_PROGRESS and assignee is None:
        # Unassigned work belongs in the unit's queue, where colleagues look for new matters.
        _move(matter, MatterStatus.NEW)
    matter.save(update_fields=["assignee", "status"])
    record(
        matter.inquiry,
        EventKind.ASSIGNED,
        actor=actor,
        matter=matter,
        text=_actor_label(assignee) if assignee else _("Back to the unit's queue"),
        data={"assignee": assignee.pk if assignee else None},
    )
    _refresh_inquiry(matter.inquiry)
    return matter


# --- answering and conversation ----------------------------------------------------------


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


# --- callbacks ---------------------------------------------------------------------------


@transaction.atomic
def callback_book(
    matter: Matter,
    *,
    actor,
    phone: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    unit: Unit | None = None,
    assignee=None,
    note: str = "",
) -> Callback:
    """Promise the business a call in a time window, from a named caseworker or a unit's queue.

    The business gets a confirmation naming who will call and when, with an .ics file.
    """
    if actor is not None and not (access.can_act_on_matter(actor, matter) or has_role(actor, Role.AGENT)):
        raise PermissionDenied
    if not phone.strip():
        raise WorkflowError(_("A phone number is needed for a callback."), code="phone")
    if window_end <= window_start:
        raise WorkflowError(_("The time window must end after it starts."), code="window")
    if window_end <= clock.now():
        raise WorkflowError(_("The time window has already passed."), code="window")
    matter = _lock_matter(matter)
    unit = unit or matter.topic.unit
    if assignee is not None and unit_id_of(assignee) != unit.pk:
        raise WorkflowError(_("The caseworker does not work in that unit."), code="assignee")
    callback = Callback.objects.create(
        matter=matter,
        unit=unit,
        assignee=assignee,
        phone=phone.strip(),
        window_start=window_start,
        window_end=window_end,
        note=note,
    )
    caller = assignee.get_full_name() if assignee else unit.name_da
    record(
        matter.inquiry,
        EventKind.CALLBACK_BOOKED,
        actor=actor,
        matter=matter,
        public=True,
        text=_("%(caller)s will call %(phone)s between %(start)s and %(end)s.")
        % {
            "caller": caller,
            "phone": phone,
            "start": clock.local(window_start).strftime("%d-%m-%Y %H:%M"),
            "end": clock.local(window_end).strftime("%H:%M"),
        },
        data={"callback": callback.pk, "unit": unit.code, "assignee": assignee.pk if assignee else None},
    )
    notifications.send_callback_confirmation(callback)
    notifications.notify_staff(
        [assignee.email if assignee else unit.email],
        matter.inquiry,
        _("Callback to %(phone)s") % {"phone": phone},
        note or matter.inquiry.subject,
    )
    return callback


@transaction.atomic
def callback_complete(callback: Callback, *, actor, reached: bool, note: str = "") -> Callback:
    callback = (
        Callback.objects.select_for_update().select_related("matter", "matter__inquiry").get(pk=callback.pk)
    )
    if actor is not None and not access.can_act_on_callback(actor, callback):
        raise PermissionDenied
    if callback.status != CallbackStatus.PENDING:
        raise WorkflowError(_("The callback has already been handled."), code="callback_done")
    now = clock.now()
    callback.status = CallbackStatus.DONE if reached else CallbackStatus.MISSED
    callback.done_at = now
    callback.save(update_fields=["status", "done_at"])
    matter = callback.matter
    if reached:
        _mark_responded(matter, now)
        matter.save(update_fields=["responded_at"])
    record(
        matter.inquiry,
        EventKind.CALLBACK_DONE,
        actor=actor,
        matter=matter,
        public=reached,
        text=note or (_("We called you.") if reached else _("We could not reach you.")),
        data={"callback": callback.pk, "reached": reached, "on_time": now <= callback.window_end},
    )
    return callback


@transaction.atomic
def callback_cancel(callback: Callback, *, actor, reason: str) -> Callback:
    callback = (
        Callback.objects.select_for_update().select_related("matter", "matter__inquiry").get(pk=callback.pk)
    )
    if actor is not None and not access.can_act_on_callback(actor, callback):
        raise PermissionDenied
    if callback.status != CallbackStatus.PENDING:
        raise WorkflowError(_("The callback has already been handled."), code="callback_done")
    callback.status = CallbackStatus.CANCELLED
    callback.done_at = clock.now()
    callback.save(update_fields=["status", "done_at"])
    record(
        callback.matter.inquiry,
        EventKind.CALLBACK_CANCELLED,
        actor=actor,
        matter=callback.matter,
        text=reason,
        data={"callback": callback.pk},
    )
    return callback


# --- documents ---------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    inquiry: Inquiry,
    *,
    filename: str,
    content: bytes,
    content_type: str,
    actor=None,
    matter: Matter | None = None,
    public: bool = False,
    source: str = "staff",
) -> Attachment:
    """Store a document on an inquiry. Type and size are checked by the face that received it."""
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise WorkflowError(_("The file is too large."), code="too_large")
    safe_name = (filename or "document").replace("/", "_").replace("\\", "_")[:255]
    attachment = Attachment(
        inquiry=inquiry,
        matter=matter,
        filename=safe_name,
        content_type=content_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        public=public,
        source=source,
        uploaded_by=actor,
    )
    attachment.file.save(safe_name, ContentFile(content), save=False)
    attachment.save()
    record(
        inquiry,
        EventKind.ATTACHMENT_ADDED,
        actor=actor,
        matter=matter,
        public=public,
        text=safe_name,
        actor_label=_("The business") if actor is None and source != "system" else None,
        data={"attachment": attachment.pk, "size": len(content), "source": source},
    )
    return attachment
