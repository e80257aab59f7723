"""Call statistics per queue and 30-minute interval, for managers (and a CSV download)."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.organisation.roles import Role, has_role
from erhvervskontakt.telephony import stats_import
from erhvervskontakt.telephony.ivr import queue_label
from erhvervskontakt.telephony.models import IntervalStatistic

MAX_DAYS = 92


def _day(value: str | None, default: dt.date) -> tuple[dt.date, str]:
    if not value:
        return default, ""
    try:
        return dt.date.fromisoformat(value), ""
    except ValueError:
        return default, _("Write the date as YYYY-MM-DD.")


SUMMED = (
    "offered", "answered", "abandoned", "answered_within_target",
    "total_wait_answered_seconds", "total_wait_abandoned_seconds", "total_handle_seconds",
)  # fmt: skip


def _total(rows) -> IntervalStatistic:
    total = IntervalStatistic(queue="", interval_start=clock.now())
    for name in SUMMED:
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total


def _line(stat: IntervalStatistic, label: str) -> dict:
    def rounded(value):
        # Half up, as people round (Python's round() would show 22.5 s as 22).
        return None if value is None else math.floor(value + 0.5)

    level = stat.service_level
    return {
        "stat": stat,
        "label": label,
        "local_start": clock.local(stat.interval_start) if stat.queue else None,
        "service_level": rounded(None if level is None else 100 * level),
        "asa": rounded(stat.average_speed_of_answer),
        "aht": rounded(stat.average_handle_time),
        "abandon_wait": rounded(stat.average_abandon_time),
    }


@login_required
def statistics(request):
    """Intervals of one period (default today), all queues or one; ``?format=csv`` downloads them."""
    if not has_role(request.user, Role.MANAGER, Role.ADMINISTRATOR):
        raise PermissionDenied
    today = clock.today()
    since, since_error = _day(request.GET.get("since"), today)
    until, until_error = _day(request.GET.get("until"), since)
    errors = {k: v for k, v in (("since", since_error), ("until", until_error)) if v}
    if not errors and until < since:
        errors["until"] = _("The last day cannot be before the first.")
    if not errors and (until - since).days >= MAX_DAYS:
        errors["until"] = _("Choose at most %(days)d days.") % {"days": MAX_DAYS}
    if errors:
        until = since
    start = dt.datetime.combine(since, dt.time(), tzinfo=clock.COPENHAGEN)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=clock.COPENHAGEN)
    queues = list(IntervalStatistic.objects.values_list("queue", flat=True).distinct().order_by("queue"))
    queue = request.GET.get("queue", "")
    rows = IntervalStatistic.objects.filter(interval_start__gte=start, interval_start__lt=end)
    if queue:
        rows = rows.filter(queue=queue)
    rows = list(rows.order_by("interval_start", "queue"))
    if request.GET.get("format") == "csv" and not errors:
        response = HttpResponse(stats_import.export_rows(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="call-statistics-{since}-{until}.csv"'
        return response
    labels = {q: queue_label(q) for q in queues}
    context = {
        "since": since,
        "until": until,
        "queue": queue,
        "queues": list(labels.items()),
        "lines": [_line(row, labels.get(row.queue, row.queue)) for row in rows],
        "total": _line(_total(rows), _("Total")) if rows else None,
        "errors": errors,
        "target": rows[0].service_target_seconds if rows else None,
    }
    return render(request, "telephony/statistics.html", context)
