"""The monthly goal report: on the first days of a month, managers get last month's service goals.

A plain function run by a periodic task. The month is claimed by inserting its
``GoalReportDispatch`` row, so two workers (or a re-run) never send it twice; the email goes
through the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import MessageKind
from erhvervskontakt.reporting import periods, report
from erhvervskontakt.reporting.formatting import format_value
from erhvervskontakt.reporting.models import GoalReportDispatch
from erhvervskontakt.reporting.scope import Scope

log = logging.getLogger(__name__)


def manager_emails() -> list[str]:
    users = get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def previous_month(now: dt.datetime) -> periods.Period:
    first = clock.local(now).date().replace(day=1)
    return periods.month(first - dt.timedelta(days=1))


def send_monthly_goal_report(now: dt.datetime | None = None) -> GoalReportDispatch | None:
    """Email last month's service goals to the managers once; None when already sent (or switched off)."""
    if not settings.REPORTING_MONTHLY_GOAL_REPORT:
        return None
    now = now or clock.now()
    period = previous_month(now)
    if GoalReportDispatch.objects.filter(month=period.start).exists():
        return None
    result = report.build(period, Scope(), now=now)
    decided = [g for g in result.goals if g.met is not None]
    met = sum(1 for g in decided if g.met)
    recipients = manager_emails()
    try:
        with transaction.atomic():
            dispatch = GoalReportDispatch.objects.create(
                month=period.start,
                sent_at=now,
                recipients=len(recipients),
                goals_met=met,
                goals_missed=len(decided) - met,
            )
            if recipients:
                with translation.override(settings.LANGUAGE_CODE):
                    rows = [
                        {
                            "goal": g.goal,
                            "actual": format_value(g.actual, "percent" if g.goal.is_percentage else "score"),
                            "target": format_value(
                                g.goal.target, "percent" if g.goal.is_percentage else "score"
                            ),
                            "met": g.met,
                        }
                        for g in result.goals
                    ]
                    query = urlencode(period.as_params())
                    url = f"{settings.SITE_URL}{reverse('reporting:report')}?{query}"
                    body = render_to_string(
                        "reporting/email/goals.txt",
                        {"period": period, "rows": rows, "met": met, "decided": len(decided), "url": url},
                    )
                    subject = _("Service goals for %(month)s") % {"month": period.start.strftime("%m.%Y")}
                outbox.enqueue(kind=MessageKind.NOTIFICATION, to=recipients, subject=subject, body_text=body)
    except IntegrityError:
        return None  # another worker claimed the month first
    log.info("reporting: goal report for %s sent to %d managers", period.start, len(recipients))
    return dispatch
