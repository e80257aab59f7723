"""Forwarding a matter to the unit that owns it (at most once, with a note) and assigning it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import notifications
from erhvervskontakt.inquiries.models import (
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
)
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of


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
