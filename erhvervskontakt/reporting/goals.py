"""Service goals measured against a report: met, not met, or no data in the period.

A goal is shown on a report when its scope fits the report's filters (a KFF goal is not
shown on a TMF report; a city-wide goal is measured on whatever the report covers). Goals on
matters reuse the report's grouped matter counts; the others need one small query each only
when their scope is narrower than the report's.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count

from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.compute_matters import MatterTotals, closed_rate, response_rate
from erhvervskontakt.reporting.compute_other import call_totals, calls_apply, satisfaction
from erhvervskontakt.reporting.figures import GoalResult, Report, pct
from erhvervskontakt.reporting.models import SATISFACTION_METRICS, GoalMetric, ServiceGoal


def goal_scope(goal: ServiceGoal, scope: scopes.Scope) -> scopes.Scope | None:
    """The report's scope narrowed to the goal's department or topic; None when they do not fit."""
    if goal.metric == GoalMetric.CALL_SERVICE_LEVEL:
        return scope if calls_apply(scope) else None
    if goal.department_id:
        if scope.department_id and scope.department_id != goal.department_id:
            return None
        if scope.unit_id and _unit_department(scope.unit_id) != goal.department_id:
            return None
        return replace(scope, department_id=goal.department_id)
    if goal.topic_id:
        if scope.topic_id and scope.topic_id != goal.topic_id:
            return None
        if scope.department_id and goal.topic.department_id != scope.department_id:
            return None
        return replace(scope, topic_id=goal.topic_id)
    return scope


def _unit_department(unit_id: int) -> int | None:
    return Unit.objects.filter(pk=unit_id).values_list("department_id", flat=True).first()


def evaluate(report: Report, totals: MatterTotals) -> list[GoalResult]:
    results = []
    goals = ServiceGoal.objects.filter(is_active=True).select_related("department", "topic")
    for goal in goals:
        narrowed = goal_scope(goal, report.scope)
        if narrowed is None:
            continue
        results.append(_measure(goal, report, narrowed, totals))
    return results


def _params(goal: ServiceGoal) -> dict[str, str]:
    if goal.department_id:
        return {"department": str(goal.department_id)}
    if goal.topic_id:
        return {"topic": str(goal.topic_id)}
    return {}


def _measure(goal: ServiceGoal, report: Report, narrowed: scopes.Scope, totals: MatterTotals) -> GoalResult:
    params = _params(goal)
    own_scope = narrowed == report.scope
    metric = goal.metric
    if metric in (GoalMetric.RESPONSE_WITHIN_DUE, GoalMetric.CLOSED_WITHIN_DUE):
        t = totals.get(department=goal.department_id, topic=goal.topic_id)
        response = metric == GoalMetric.RESPONSE_WITHIN_DUE
        actual = response_rate(t) if response else closed_rate(t)
        key = "response.compliance_pct" if response else "closed.compliance_pct"
        return GoalResult(
            goal,
            actual,
            key if own_scope else None,
            "response_on_time" if response else "closed_on_time",
            params,
        )
    if metric == GoalMetric.FIRST_CONTACT:
        if own_scope:
            return GoalResult(
                goal,
                report.value("inquiries.first_contact_pct"),
                "inquiries.first_contact_pct",
                "inquiries_first_contact",
                params,
            )
        r = scopes.inquiries(report.period, narrowed).aggregate(
            n=Count("pk"), fc=Count("pk", filter=measures.MEASURES["inquiries_first_contact"].q(report.now))
        )
        return GoalResult(goal, pct(r["fc"], r["n"]), None, "inquiries_first_contact", params)
    if metric == GoalMetric.CALLBACKS_ON_TIME:
        if own_scope:
            return GoalResult(
                goal,
                report.value("callbacks.on_time_pct"),
                "callbacks.on_time_pct",
                "callbacks_on_time",
                params,
            )
        m = measures.MEASURES
        r = scopes.callbacks(report.period, narrowed).aggregate(
            on_time=Count("pk", filter=m["callbacks_on_time"].q(report.now)),
            late=Count("pk", filter=m["callbacks_late"].q(report.now)),
        )
        return GoalResult(
            goal, pct(r["on_time"], r["on_time"] + r["late"]), None, "callbacks_on_time", params
        )
    if metric == GoalMetric.CALL_SERVICE_LEVEL:
        r = call_totals(report.period, goal.call_target_seconds)
        return GoalResult(goal, pct(r["within"], r["offered"]), None, None, {})
    dim = SATISFACTION_METRICS[metric]
    if own_scope:
        return GoalResult(
            goal, report.value(f"survey.{dim}.average"), f"survey.{dim}.average", f"survey_{dim}", params
        )
    r = satisfaction(report.period, narrowed) or {}
    avg = r.get(f"{dim}_avg")
    return GoalResult(goal, None if avg is None else float(avg), None, f"survey_{dim}", params)
