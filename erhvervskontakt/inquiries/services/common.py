"""What every service function shares: the workflow error, timeline events, moving a matter
through ``workflow.TRANSITIONS`` and keeping the inquiry's summary fields in step."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import (
    Event,
    Inquiry,
    Matter,
)
from erhvervskontakt.inquiries.workflow import (
    InquiryStatus,
    MatterStatus,
    can_move,
    inquiry_status_for,
)
from erhvervskontakt.organisation.models import Unit


class WorkflowError(ValidationError):
    """A requested change breaks a rule; the message says which, in the user's language."""


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
