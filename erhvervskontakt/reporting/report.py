"""Build a report: every figure for a period and filters, the service goals, an optional baseline.

About ten aggregate queries in all, whatever the number of inquiries; see docs/reporting.md
for the definitions and docs/benchmarks.md for the time they take on a million inquiries.
"""

from __future__ import annotations

import datetime as dt

from erhvervskontakt.core import clock
from erhvervskontakt.reporting import goals
from erhvervskontakt.reporting.compute_inquiries import add_inquiry_figures
from erhvervskontakt.reporting.compute_matters import (
    MatterTotals,
    add_breakdowns,
    add_matter_figures,
    add_response_days,
    matter_groups,
)
from erhvervskontakt.reporting.compute_other import (
    add_call_figures,
    add_callback_figures,
    add_coordination_figures,
    add_satisfaction_figures,
)
from erhvervskontakt.reporting.figures import Report
from erhvervskontakt.reporting.periods import Period
from erhvervskontakt.reporting.scope import Scope
from erhvervskontakt.reporting.session import reporting_session

# The figures compared with a baseline period, in the order they are shown.
KEY_FIGURES = (
    "inquiries.count",
    "businesses.count",
    "inquiries.first_contact_pct",
    "matters.count",
    "response.compliance_pct",
    "closed.compliance_pct",
    "response_days.median",
    "transfers.more_pct",
    "insufficient.pct",
    "callbacks.on_time_pct",
    "multi.count",
    "multi.on_time_pct",
    "survey.accessibility.average",
    "survey.web_quality.average",
    "survey.responsiveness.average",
    "survey.professional_benefit.average",
    "calls.service_level_pct",
)


def build(
    period: Period,
    scope: Scope,
    *,
    baseline: Period | None = None,
    now: dt.datetime | None = None,
    with_goals: bool = True,
) -> Report:
    """Compute the report for ``period`` within ``scope`` (already restricted to what the user may see)."""
    with reporting_session():
        return _build(period, scope, baseline=baseline, now=now, with_goals=with_goals)


def _build(period: Period, scope: Scope, *, baseline, now, with_goals: bool) -> Report:
    report = Report(period=period, scope=scope, now=now or clock.now())
    add_inquiry_figures(report)
    groups = matter_groups(report)
    totals = MatterTotals(groups)
    add_matter_figures(report, totals)
    add_breakdowns(report, groups, totals)
    add_response_days(report)
    add_callback_figures(report)
    add_satisfaction_figures(report)
    add_coordination_figures(report)
    add_call_figures(report)
    if with_goals:
        report.goals = goals.evaluate(report, totals)
    if baseline is not None:
        report.baseline = _build(baseline, scope, baseline=None, now=report.now, with_goals=False)
    return report


def comparison(report: Report) -> list[dict]:
    """Key figures of the report next to the baseline's, with the change (points for percentages)."""
    if report.baseline is None:
        return []
    from erhvervskontakt.reporting.layout import labels

    names = labels(report)
    rows = []
    for key in KEY_FIGURES:
        current = report.figures.get(key)
        base = report.baseline.figures.get(key)
        if current is None or base is None:
            continue
        change = None
        if current.value is not None and base.value is not None:
            change = current.value - base.value
        rows.append(
            {"key": key, "label": names.get(key, key), "current": current, "baseline": base, "change": change}
        )
    return rows
