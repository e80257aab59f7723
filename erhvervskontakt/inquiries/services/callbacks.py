"""Booking, completing and cancelling callbacks ("we find out who you need and have them call
you")."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import access, notifications
from erhvervskontakt.inquiries.models import (
    Callback,
    CallbackStatus,
    Matter,
)
from erhvervskontakt.inquiries.services.common import WorkflowError, _lock_matter, record
from erhvervskontakt.inquiries.services.conversation import _mark_responded
from erhvervskontakt.inquiries.workflow import (
    EventKind,
)
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of


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


def _lock_pending(callback: Callback, actor) -> Callback:
    """The callback, locked, if ``actor`` may handle it and nobody has yet."""
    callback = (
        Callback.objects.select_for_update().select_related("matter", "matter__inquiry").get(pk=callback.pk)
    )
    if actor is not None and not access.can_act_on_callback(actor, callback):
        raise PermissionDenied
    if callback.status != CallbackStatus.PENDING:
        raise WorkflowError(_("The callback has already been handled."), code="callback_done")
    return callback


@transaction.atomic
def callback_complete(callback: Callback, *, actor, reached: bool, note: str = "") -> Callback:
    callback = _lock_pending(callback, actor)
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
    callback = _lock_pending(callback, actor)
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
