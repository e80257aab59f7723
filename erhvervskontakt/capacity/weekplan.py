"""The plan a manager sees: gather a queue's history, settings, overrides and roster, then compute.

:func:`plan_for` is the one function the plan page, the CSV export and the simulation check use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.translation import gettext as _

from erhvervskontakt.capacity import selectors
from erhvervskontakt.capacity.models import DayOverride, StaffingSettings
from erhvervskontakt.capacity.planning import Plan, PlanInputs, Targets, compute_plan
from erhvervskontakt.core import clock, workdays


@dataclass(frozen=True)
class WhatIf:
    """Targets tried out on the page without saving them (None = keep the saved value)."""

    service_level: float | None = None  # fraction
    target_seconds: int | None = None
    aht_seconds: int | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in (self.service_level, self.target_seconds, self.aht_seconds))


@dataclass
class WeekPlan:
    queue: str
    plan: Plan
    settings: StaffingSettings
    aht_source: str  # "setting", "history", "default" or "what-if"
    talk_seconds: float | None
    overrides: dict[dt.date, DayOverride]
    what_if: WhatIf
    first_day: dt.date
    days: int

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days - 1)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def history_cut(first_day: dt.date, today: dt.date) -> dt.date:
    """The last day the forecast for a plan starting on ``first_day`` learns from.

    Yesterday (today is still incomplete), or the day before the plan when it starts earlier: a plan
    for the current or a past week is the one that could have been made before it began.
    """
    return min(today - dt.timedelta(days=1), first_day - dt.timedelta(days=1))


def closed_label(day: dt.date) -> str:
    """Why the contact centre is closed on ``day`` (a holiday's Danish name), or '' when open."""
    reason = workdays.closed_reason(day)
    if reason is None:
        return "" if workdays.opening_hours(day) else _("Closed")
    return {"weekend": _("Weekend"), "city closed": _("City closed"), "closed day": _("Closed day")}.get(
        reason, reason
    )


def settings_targets(row: StaffingSettings, aht_seconds: float) -> Targets:
    return Targets(
        service_level=float(row.service_level_percent) / 100,
        target_seconds=float(row.service_level_seconds),
        aht_seconds=float(aht_seconds),
        max_occupancy=float(row.max_occupancy_percent) / 100,
        shrinkage=float(row.shrinkage_percent) / 100,
        patience_seconds=None if row.patience_seconds is None else float(row.patience_seconds),
        max_abandon=None if row.max_abandon_percent is None else float(row.max_abandon_percent) / 100,
    )


def choose_aht(row: StaffingSettings, talk_seconds: float | None) -> tuple[float, str]:
    """Handling time to plan with and where it came from."""
    if row.aht_seconds:
        return float(row.aht_seconds), "setting"
    if talk_seconds:
        return talk_seconds + row.after_call_work_seconds, "history"
    return float(settings.CAPACITY_DEFAULT_AHT_SECONDS + row.after_call_work_seconds), "default"


def plan_for(
    queue: str,
    first_day: dt.date,
    days: int = 7,
    *,
    what_if: WhatIf | None = None,
    with_backtest: bool = True,
    today: dt.date | None = None,
) -> WeekPlan:
    """Forecast and staffing for ``days`` days of ``queue`` from ``first_day`` (what-if targets applied).

    Raises :class:`planning.PlanError` when the targets cannot be met by any number of agents.
    """
    what_if = what_if or WhatIf()
    today = today or clock.today()
    last_day = first_day + dt.timedelta(days=days - 1)
    row = selectors.staffing_settings(queue)
    hist = selectors.history(queue, history_cut(first_day, today), settings.CAPACITY_HISTORY_WEEKS)
    aht, source = choose_aht(row, hist.talk_seconds)
    targets = settings_targets(row, aht)
    if what_if:
        source = "what-if" if what_if.aht_seconds is not None else source
        targets = replace(
            targets,
            service_level=targets.service_level if what_if.service_level is None else what_if.service_level,
            target_seconds=targets.target_seconds
            if what_if.target_seconds is None
            else what_if.target_seconds,
            aht_seconds=targets.aht_seconds if what_if.aht_seconds is None else float(what_if.aht_seconds),
        )
    day_overrides = selectors.overrides(queue, first_day, last_day)

    # The calendar is asked about every history day; closed days come from the cache or database.
    @cache
    def hours(day: dt.date) -> tuple[dt.time, dt.time] | None:
        return workdays.opening_hours(day)

    inputs = PlanInputs(
        history=hist.daily,
        first_day=first_day,
        days=days,
        targets=targets,
        is_open=lambda day: hours(day) is not None,
        opening_hours=hours,
        overrides={day: override.total_calls for day, override in day_overrides.items()},
        planned=selectors.planned_agents(queue, first_day, days),
        actual=selectors.actual_calls(queue, first_day, days),
        backtest_weeks=settings.CAPACITY_BACKTEST_WEEKS,
    )
    plan = compute_plan(
        inputs,
        with_backtest=with_backtest,
        cache=django_cache if settings.CAPACITY_FORECAST_CACHE_SECONDS else None,
        cache_timeout=settings.CAPACITY_FORECAST_CACHE_SECONDS,
    )
    return WeekPlan(
        queue=queue,
        plan=plan,
        settings=row,
        aht_source=source,
        talk_seconds=hist.talk_seconds,
        overrides=day_overrides,
        what_if=what_if,
        first_day=first_day,
        days=days,
    )
