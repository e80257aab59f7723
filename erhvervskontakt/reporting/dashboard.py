"""The live dashboard: open matters per unit right now, and today's calls.

Two queries: open matters grouped by unit (served by the matter status/due indexes, so its cost
follows the number of open matters, not the size of the history) and today's interval
statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum

from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting.figures import pct
from erhvervskontakt.reporting.scope import Scope
from erhvervskontakt.telephony.models import IntervalStatistic

COUNTS = ("live_open", "live_new", "live_due_today", "live_overdue", "live_waiting")


@dataclass
class UnitLine:
    unit: Unit
    counts: dict[str, int]


@dataclass
class Dashboard:
    now: dt.datetime
    units: list[UnitLine]
    totals: dict[str, int]
    calls: dict
    queues: list[dict]


def units_for(*, unit_id: int | None = None, department_id: int | None = None):
    qs = Unit.objects.filter(is_active=True, department__is_external=False).select_related("department")
    if unit_id:
        qs = qs.filter(pk=unit_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.order_by("department__sort", "department__code", "name_da")


def build(now: dt.datetime, *, unit_id: int | None = None, department_id: int | None = None) -> Dashboard:
    units = list(units_for(unit_id=unit_id, department_id=department_id))
    scope = Scope(unit_id=unit_id, department_id=department_id)
    aggregates = {key: Count("pk", filter=measures.MEASURES[key].q(now)) for key in COUNTS}
    rows = {
        row["unit_id"]: row
        for row in measures.live_matters(scope).order_by().values("unit_id").annotate(**aggregates)
    }
    lines = [UnitLine(unit, {key: rows.get(unit.pk, {}).get(key, 0) for key in COUNTS}) for unit in units]
    totals = {key: sum(line.counts[key] for line in lines) for key in COUNTS}
    calls, queues = calls_today(now)
    return Dashboard(now=now, units=lines, totals=totals, calls=calls, queues=queues)


def calls_today(now: dt.datetime) -> tuple[dict, list[dict]]:
    """Today's calls so far from the interval statistics: totals and per queue.

    Service level = answered within the interval's target / offered.
    """
    start, end = measures.today_bounds(now)
    grouped = (
        IntervalStatistic.objects.filter(interval_start__gte=start, interval_start__lt=end)
        .order_by()
        .values("queue")
        .annotate(
            n_offered=Sum("offered"),
            n_answered=Sum("answered"),
            n_abandoned=Sum("abandoned"),
            n_within=Sum("answered_within_target"),
        )
        .order_by("queue")
    )
    rows = []
    for row in grouped:
        line = {key: row[f"n_{key}"] or 0 for key in ("offered", "answered", "abandoned", "within")}
        line["queue"] = row["queue"]
        line["service_level_pct"] = pct(line["within"], line["offered"])
        rows.append(line)
    totals = {key: sum(row[key] for row in rows) for key in ("offered", "answered", "abandoned", "within")}
    totals["service_level_pct"] = pct(totals["within"], totals["offered"])
    return totals, rows
