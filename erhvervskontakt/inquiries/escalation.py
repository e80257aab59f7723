"""SLA escalation: warn before a matter is due, tell the manager when it is overdue.

A plain function run by a periodic task. Each warning is sent once: the matter row carries
the time it was sent, claimed with a conditional UPDATE so two workers never both send it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import notifications
from erhvervskontakt.inquiries.models import Matter
from erhvervskontakt.inquiries.services import record
from erhvervskontakt.inquiries.workflow import EventKind, MatterStatus
from erhvervskontakt.organisation.roles import Role

log = logging.getLogger(__name__)

# Paused matters (waiting for the business) are not escalated: their clock is stopped.
ESCALATED_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS]


def warning_day(due: dt.datetime) -> dt.date:
    """The working day on which the 'due tomorrow' warning goes out."""
    return workdays.working_day_before(clock.local(due).date())


def _managers_for(matter: Matter) -> list[str]:
    users = get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).exclude(email="")
    same_department = users.filter(staff_profile__unit__department_id=matter.unit.department_id)
    chosen = same_department if same_department.exists() else users
    return list(chosen.values_list("email", flat=True))


def escalate(now: dt.datetime | None = None) -> dict[str, int]:
    """Send due warnings and overdue notices that are due at ``now``; return how many."""
    now = now or clock.now()
    today = clock.local(now).date()
    counts = {"warned": 0, "overdue": 0}
    # Warnings: due within the next working day or two; the exact day is checked per matter.
    horizon = workdays.end_of_day(workdays.add_working_days(today, 1))
    candidates = Matter.objects.filter(
        status__in=ESCALATED_STATUSES, warned_at__isnull=True, due_at__lte=horizon
    )
    for matter in candidates.select_related("inquiry", "unit", "unit__contact_person", "assignee", "topic"):
        if today < warning_day(matter.due_at):
            continue
        with transaction.atomic():
            if not Matter.objects.filter(pk=matter.pk, warned_at__isnull=True).update(warned_at=now):
                continue
            recipients = [
                matter.assignee.email if matter.assignee else "",
                matter.unit.email,
                matter.unit.contact_person.email if matter.unit.contact_person else "",
            ]
            notifications.notify_staff(
                recipients,
                matter.inquiry,
                _("Due %(date)s: %(topic)s")
                % {"date": notifications.due_date_text(matter.due_at), "topic": matter.topic.name_da},
                _("The matter is due on the next working day."),
            )
            record(
                matter.inquiry,
                EventKind.ESCALATION_WARNING,
                matter=matter,
                at=now,
                data={"to": [r for r in recipients if r], "due_at": matter.due_at.isoformat()},
            )
            counts["warned"] += 1
    overdue = Matter.objects.filter(
        status__in=ESCALATED_STATUSES, overdue_notified_at__isnull=True, due_at__lt=now
    )
    for matter in overdue.select_related("inquiry", "unit", "topic"):
        with transaction.atomic():
            if not Matter.objects.filter(pk=matter.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            ):
                continue
            recipients = _managers_for(matter)
            notifications.notify_staff(
                recipients,
                matter.inquiry,
                _("Overdue: %(topic)s (%(unit)s)")
                % {"topic": matter.topic.name_da, "unit": matter.unit.name_da},
                _("The matter passed its due date %(date)s without being closed.")
                % {"date": notifications.due_date_text(matter.due_at)},
            )
            record(
                matter.inquiry,
                EventKind.ESCALATION_OVERDUE,
                matter=matter,
                at=now,
                data={"to": recipients, "due_at": matter.due_at.isoformat()},
            )
            counts["overdue"] += 1
    if counts["warned"] or counts["overdue"]:
        log.info("escalation: %(warned)s warnings, %(overdue)s overdue notices", counts)
    return counts
