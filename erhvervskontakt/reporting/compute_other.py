"""Callbacks, satisfaction, coordination of multi-matter inquiries, and calls: one query each."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, Sum

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.figures import PERCENT, SCORE, SECONDS, Report, pct, ratio
from erhvervskontakt.reporting.periods import Period
from erhvervskontakt.telephony.models import IntervalStatistic


def add_callback_figures(report: Report) -> None:
    """Callbacks whose promised window starts in the period.

    ``callbacks.on_time``: the call was made (reached or not) by the end of the window;
    ``callbacks.late``: made after the window, or the window passed without a call;
    ``callbacks.on_time_pct`` = on time / (on time + late). Cancelled callbacks and callbacks
    whose window has not yet ended are counted separately and left out of the share.
    """
    now = report.now
    keys = (
        "callbacks",
        "callbacks_on_time",
        "callbacks_late",
        "callbacks_pending",
        "callbacks_cancelled",
        "callbacks_not_reached",
    )
    r = scopes.callbacks(report.period, report.scope).aggregate(
        **{key: Count("pk", filter=measures.MEASURES[key].q(now)) for key in keys}
    )
    report.add("callbacks.count", r["callbacks"], measure="callbacks")
    for key in keys[1:]:
        report.add(f"callbacks.{key.removeprefix('callbacks_')}", r[key], measure=key)
    report.add(
        "callbacks.on_time_pct",
        pct(r["callbacks_on_time"], r["callbacks_on_time"] + r["callbacks_late"]),
        PERCENT,
        measure="callbacks_on_time",
    )


def satisfaction(period: Period, scope: scopes.Scope) -> dict | None:
    """Counts and averages per dimension of the survey answers; None while there are no surveys."""
    base = scopes.survey_responses(period, scope)
    if base is None:
        return None
    aggregates = {"responses": Count("pk")}
    for dim in measures.DIMENSIONS:
        aggregates[f"{dim}_n"] = Count(dim)
        aggregates[f"{dim}_avg"] = Avg(dim)
        aggregates[f"{dim}_satisfied"] = Count("pk", filter=Q(**{f"{dim}__gte": measures.SATISFIED_FROM}))
    return base.aggregate(**aggregates)


def add_satisfaction_figures(report: Report) -> None:
    """Per dimension (accessibility, web quality, responsiveness, professional benefit):

    ``survey.<dim>.answers`` (answers with a score for that dimension), ``.average`` (mean score
    1–5), ``.satisfied`` (scores of 4 or 5) and ``.satisfied_pct``. Answers are counted by
    when they were submitted and belong to the inquiry they were asked about.
    """
    r = satisfaction(report.period, report.scope)
    report.surveys_available = r is not None
    r = r or {}
    report.add("survey.responses", r.get("responses", 0), measure="survey_responses")
    for dim in measures.DIMENSIONS:
        n = r.get(f"{dim}_n", 0)
        satisfied = r.get(f"{dim}_satisfied", 0)
        report.add(f"survey.{dim}.answers", n, measure=f"survey_{dim}")
        avg = r.get(f"{dim}_avg")
        report.add(
            f"survey.{dim}.average", None if avg is None else float(avg), SCORE, measure=f"survey_{dim}"
        )
        report.add(f"survey.{dim}.satisfied", satisfied, measure=f"survey_{dim}_satisfied")
        report.add(
            f"survey.{dim}.satisfied_pct", pct(satisfied, n), PERCENT, measure=f"survey_{dim}_satisfied"
        )


def add_coordination_figures(report: Report) -> None:
    """Inquiries with two or more matters ("multi-matter"), looked at over all their matters.

    - ``multi.count`` and ``multi.pct`` (of all inquiries in the report).
    - ``multi.departments_1|2|3plus`` and ``multi.departments_average``: how many departments
      (of the units holding the matters) each involved.
    - ``multi.coordinated``: with a coordinating unit or person; ``multi.coordinator_person``:
      with a named coordinator; ``multi.coordinator_unit.<unit code>``: per coordinating unit.
    - ``multi.on_time``: every matter closed by its own due time; ``multi.late``: some matter
      closed late or open past due; ``multi.open``: the rest; ``multi.on_time_pct`` = on time /
      (on time + late).
    """
    now = report.now
    base = measures.multi_base(report.period, report.scope, now, report.inquiry_id_range)
    keys = (
        "multi",
        "multi_departments_1",
        "multi_departments_2",
        "multi_departments_3plus",
        "multi_coordinated",
        "multi_coordinator_person",
        "multi_on_time",
        "multi_late",
        "multi_open",
    )
    # Units that have ever coordinated (a handful; read from the foreign key's index).
    unit_ids = list(
        Inquiry.objects.filter(coordinator_unit__isnull=False)
        .order_by()
        .values_list("coordinator_unit_id", flat=True)
        .distinct()
    )
    aggregates = {key: Count("pk", filter=measures.MEASURES[key].q(now)) for key in keys}
    aggregates["department_sum"] = Sum("n_departments", filter=measures.MULTI_Q)
    for unit_id in unit_ids:
        aggregates[f"unit_{unit_id}"] = Count("pk", filter=measures.MULTI_Q & Q(coordinator_unit_id=unit_id))
    r = base.aggregate(**aggregates)
    multi = r["multi"]
    report.add("multi.count", multi, measure="multi")
    report.add("multi.pct", pct(multi, report.value("inquiries.count")), PERCENT, measure="multi")
    for key in keys[1:]:
        report.add(f"multi.{key.removeprefix('multi_')}", r[key], measure=key)
    report.add("multi.departments_average", ratio(r["department_sum"], multi), "ratio", measure="multi")
    report.add(
        "multi.coordinated_pct", pct(r["multi_coordinated"], multi), PERCENT, measure="multi_coordinated"
    )
    report.add(
        "multi.on_time_pct",
        pct(r["multi_on_time"], r["multi_on_time"] + r["multi_late"]),
        PERCENT,
        measure="multi_on_time",
    )
    report.coordinator_units = []
    for unit in Unit.objects.filter(pk__in=unit_ids).select_related("department").order_by("code"):
        n = r[f"unit_{unit.pk}"]
        if n:
            report.coordinator_units.append(unit)
            report.add(f"multi.coordinator_unit.{unit.code}", n, measure=f"multi_coordinator_unit:{unit.pk}")


def calls_apply(scope: scopes.Scope) -> bool:
    """Calls are counted per telephone queue for the whole contact centre, not per department."""
    return not scope.filters_matters and scope.channel in (None, "", Channel.PHONE)


def call_totals(period: Period, target_seconds: int | None = None) -> dict:
    qs = IntervalStatistic.objects.filter(scopes.in_period("interval_start", period))
    if target_seconds is not None:
        qs = qs.filter(service_target_seconds=target_seconds)
    r = qs.aggregate(
        offered=Sum("offered"),
        answered=Sum("answered"),
        abandoned=Sum("abandoned"),
        within=Sum("answered_within_target"),
        wait=Sum("total_wait_answered_seconds"),
    )
    return {key: value or 0 for key, value in r.items()}


def add_call_figures(report: Report) -> None:
    """From the 30-minute interval statistics of the period (all queues).

    ``calls.service_level_pct`` = calls answered within the interval's target (20 s unless
    configured otherwise) / calls offered; ``calls.answer_rate_pct`` = answered / offered;
    ``calls.average_wait_seconds`` = total wait of answered calls / answered calls.
    """
    report.calls_included = calls_apply(report.scope)
    if not report.calls_included:
        return
    r = call_totals(report.period)
    report.add("calls.offered", r["offered"])
    report.add("calls.answered", r["answered"])
    report.add("calls.abandoned", r["abandoned"])
    report.add("calls.within_target", r["within"])
    report.add("calls.service_level_pct", pct(r["within"], r["offered"]), PERCENT)
    report.add("calls.answer_rate_pct", pct(r["answered"], r["offered"]), PERCENT)
    report.add("calls.average_wait_seconds", ratio(r["wait"], r["answered"]), SECONDS)
