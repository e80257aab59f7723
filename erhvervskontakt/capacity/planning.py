"""A staffing plan for a run of days: forecast calls per 30-minute slot, then agents per slot.

Pure computation (no database): :mod:`erhvervskontakt.capacity.weekplan` gathers the inputs from the
database and the calendar and calls :func:`compute_plan`; the benchmark calls it directly.

Per slot the plan holds the forecast calls, the agents needed on the phones by Erlang C and (when a
mean patience is set) Erlang A, the number to roster once shrinkage is added, the manager's planned
agents, and the service level, abandonment, speed of answer and occupancy those planned agents give.

Planned agents are the people rostered; ``floor(planned * (1 - shrinkage))`` of them are taken to be
on the phones (docs/decisions/0009-capacity-plan-conventions.md).

Times are local wall-clock (Europe/Copenhagen) naive datetimes: slot s of a day starts s x 30 minutes
after midnight, as in the forecast. Converting to and from aware datetimes is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from erhvervskontakt.capacity import erlang
from erhvervskontakt.capacity.erlang import StaffingResult
from erhvervskontakt.capacity.forecast import BacktestResult, DailyHistory, Forecast, backtest, forecast
from erhvervskontakt.capacity.plan_result import MIN_CALLS, SLOT_MINUTES, SLOT_SECONDS, DayPlan, Plan, Slot

__all__ = [
    "MIN_CALLS",
    "SLOTS_PER_DAY",
    "SLOT_MINUTES",
    "SLOT_SECONDS",
    "DayPlan",
    "Plan",
    "PlanError",
    "PlanInputs",
    "Slot",
    "Targets",
    "backtest_for",
    "compute_plan",
    "forecast_for",
    "on_phones",
]

SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES


class PlanError(ValueError):
    """The plan cannot be computed with these inputs (the message says why)."""


class Cache(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = None) -> None: ...


@dataclass(frozen=True)
class Targets:
    """Service targets and assumptions; fractions, not percentages."""

    service_level: float
    target_seconds: float
    aht_seconds: float
    max_occupancy: float = 1.0
    shrinkage: float = 0.0
    patience_seconds: float | None = None
    max_abandon: float | None = None

    @property
    def model(self) -> str:
        return "erlang_c" if self.patience_seconds is None else "erlang_a"

    def staffing_kwargs(self) -> dict[str, Any]:
        return {
            "aht_seconds": self.aht_seconds,
            "target_seconds": self.target_seconds,
            "target_level": self.service_level,
            "interval_seconds": SLOT_SECONDS,
            "shrinkage": self.shrinkage,
            "max_occupancy": self.max_occupancy,
        }


@dataclass(frozen=True)
class PlanInputs:
    """Everything :func:`compute_plan` needs.

    ``history`` ends on the last day the forecast may learn from (``None``: no history); the plan
    covers ``days`` days from ``first_day``, which must be after the history. ``is_open`` and
    ``opening_hours`` are the calendar; ``planned`` and ``actual`` map slot starts to agents / calls.
    """

    history: DailyHistory | None
    first_day: dt.date
    days: int
    targets: Targets
    is_open: Callable[[dt.date], bool]
    opening_hours: Callable[[dt.date], tuple[dt.time, dt.time] | None]
    overrides: Mapping[dt.date, float] = field(default_factory=dict)
    planned: Mapping[dt.datetime, int] = field(default_factory=dict)
    actual: Mapping[dt.datetime, float] = field(default_factory=dict)
    backtest_weeks: int = 4


# --- forecast ------------------------------------------------------------------------------------


def _digest(*parts: Any) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.tobytes() if isinstance(part, np.ndarray) else repr(part).encode())
        hasher.update(b"|")
    return hasher.hexdigest()


def _flags(is_open: Callable[[dt.date], bool], first: dt.date, days: int) -> tuple[bool, ...]:
    return tuple(bool(is_open(first + dt.timedelta(days=i))) for i in range(days))


def _cached(cache: Cache | None, timeout: int | None, key: str, compute: Callable[[], Any]) -> Any:
    if cache is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def forecast_for(
    inputs: PlanInputs, *, cache: Cache | None = None, timeout: int | None = None
) -> Forecast | None:
    """The forecast for the plan's days (overrides applied); None without history."""
    history = inputs.history
    if history is None:
        return None
    last = inputs.first_day + dt.timedelta(days=inputs.days - 1)
    steps = (last - history.last_day).days
    if inputs.first_day <= history.last_day:
        raise PlanError("the plan must start after the last day of history")
    overrides = {
        day: float(total) for day, total in inputs.overrides.items() if inputs.first_day <= day <= last
    }
    key = "capacity:forecast:" + _digest(
        history.first_day,
        history.counts,
        _flags(inputs.is_open, history.first_day, history.days + steps),
        steps,
        sorted(overrides.items()),
    )
    return _cached(
        cache,
        timeout,
        key,
        lambda: forecast(
            history,
            days=steps,
            start=history.last_day + dt.timedelta(days=1),
            is_open=inputs.is_open,
            overrides=overrides,
        ),
    )


def backtest_for(
    inputs: PlanInputs, *, cache: Cache | None = None, timeout: int | None = None
) -> BacktestResult | None:
    """Forecast error on the last held-back weeks of history; None when history is too short."""
    history = inputs.history
    if history is None:
        return None
    # Hold back fewer weeks rather than leave too little to fit Holt-Winters on (three weeks); with a
    # very short history, compare the weekday averages with the naive forecast instead.
    weeks = min(inputs.backtest_weeks, (history.days - 21) // 7)
    if weeks < 1:
        weeks = min(inputs.backtest_weeks, (history.days - 7) // 7)
    if weeks < 1:
        return None
    key = "capacity:backtest:" + _digest(
        history.first_day, history.counts, _flags(inputs.is_open, history.first_day, history.days), weeks
    )

    def compute() -> BacktestResult | bool:
        try:
            return backtest(history, weeks=weeks, is_open=inputs.is_open)
        except ValueError:  # e.g. no calls at all in the held-back weeks
            return False

    return _cached(cache, timeout, key, compute) or None


def _open_mask(hours: tuple[dt.time, dt.time] | None) -> np.ndarray | None:
    """Slots that overlap the opening hours, or None when the day has none."""
    if hours is None:
        return None
    opens = hours[0].hour * 60 + hours[0].minute
    closes = hours[1].hour * 60 + hours[1].minute
    starts = np.arange(SLOTS_PER_DAY) * SLOT_MINUTES
    return (starts + SLOT_MINUTES > opens) & (starts < closes)


def _day_calls(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Move calls forecast outside the opening hours into the open slots, keeping the day total.

    The intra-day profiles borrow shape from all weekdays, so a day that closes early (Friday) would
    otherwise get a trickle of calls after closing time and a requirement nobody can roster.
    """
    if mask is None:
        return values
    inside = values[mask].sum()
    if inside <= 0:
        return values
    moved = np.zeros_like(values)
    moved[mask] = values[mask] * values.sum() / inside
    return moved


# --- staffing ------------------------------------------------------------------------------------


def on_phones(planned: int, shrinkage: float) -> int:
    """Agents actually on the phones out of ``planned`` rostered (rounded down)."""
    return math.floor(planned * (1.0 - shrinkage) + 1e-9)


def _staff(rows: list[dict[str, Any]], what: str) -> list[StaffingResult]:
    try:
        return erlang.plan(rows)
    except ValueError as exc:
        raise PlanError(f"{what}: {exc}") from None


def _staff_slots(calls: list[float], arguments: dict[str, Any], what: str) -> list[StaffingResult]:
    """Required staffing for every slot; slots without calls (nights, closed days) share one result."""
    idle = _staff([{**arguments, "calls": 0.0}], what)[0]
    busy = [index for index, value in enumerate(calls) if value > 0]
    results = [idle] * len(calls)
    solved = _staff([{**arguments, "calls": calls[index]} for index in busy], what)
    for index, result in zip(busy, solved, strict=True):
        results[index] = result
    return results


def compute_plan(
    inputs: PlanInputs,
    *,
    with_backtest: bool = True,
    cache: Cache | None = None,
    cache_timeout: int | None = None,
) -> Plan:
    """Forecast and staff every slot of the plan's days (see the module docstring)."""
    if inputs.days < 1:
        raise PlanError("a plan needs at least one day")
    targets = inputs.targets
    fc = forecast_for(inputs, cache=cache, timeout=cache_timeout)
    days = [inputs.first_day + dt.timedelta(days=i) for i in range(inputs.days)]
    if fc is None:
        values = np.zeros((inputs.days, SLOTS_PER_DAY))
    else:
        offset = (inputs.first_day - inputs.history.last_day).days - 1  # type: ignore[union-attr]
        values = fc.values().reshape(-1, SLOTS_PER_DAY)[offset : offset + inputs.days]
    hours = [inputs.opening_hours(day) for day in days]
    open_flags = [bool(inputs.is_open(day)) for day in days]
    for index, day_hours in enumerate(hours):
        values[index] = _day_calls(values[index], _open_mask(day_hours))

    starts = [
        dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=SLOT_MINUTES * s)
        for day in days
        for s in range(SLOTS_PER_DAY)
    ]
    calls = [float(v) for v in values.ravel()]
    base = targets.staffing_kwargs()
    required_c = _staff_slots(calls, base, "Erlang C")
    required_a = None
    if targets.patience_seconds is not None:
        erlang_a_args = {
            **base,
            "patience_seconds": targets.patience_seconds,
            "max_abandon": targets.max_abandon,
        }
        required_a = _staff_slots(calls, erlang_a_args, "Erlang A")

    planned = [inputs.planned.get(start) for start in starts]
    evaluate_at = [i for i, p in enumerate(planned) if p is not None]
    expected: dict[int, StaffingResult] = {}
    if evaluate_at:
        model_args = {**base, "patience_seconds": targets.patience_seconds}
        rows = [
            {**model_args, "calls": calls[i], "agents": on_phones(planned[i], targets.shrinkage)}  # type: ignore[arg-type]
            for i in evaluate_at
        ]
        expected = dict(zip(evaluate_at, _staff(rows, "planned agents"), strict=True))

    day_plans = []
    for d, day in enumerate(days):
        slots = []
        for s in range(SLOTS_PER_DAY):
            i = d * SLOTS_PER_DAY + s
            slots.append(
                Slot(
                    start=starts[i],
                    calls=calls[i],
                    required_c=required_c[i],
                    required_a=None if required_a is None else required_a[i],
                    planned=planned[i],
                    on_phones=None if planned[i] is None else on_phones(planned[i], targets.shrinkage),
                    expected=expected.get(i),
                    actual=inputs.actual.get(starts[i]),
                )
            )
        mask = _open_mask(hours[d])
        for s, slot in enumerate(slots):
            slot.is_open = bool(mask[s]) if mask is not None else False
        override = inputs.overrides.get(day)
        day_plans.append(
            DayPlan(
                day=day,
                is_open=open_flags[d],
                hours=hours[d],
                override=None if override is None else float(override),
                slots=slots,
            )
        )

    plan = Plan(
        days=day_plans,
        targets=targets,
        method="none" if fc is None else fc.method,
        notes=[] if fc is None else list(fc.notes),
        history_first_day=None if inputs.history is None else inputs.history.first_day,
        history_last_day=None if inputs.history is None else inputs.history.last_day,
        backtest=backtest_for(inputs, cache=cache, timeout=cache_timeout) if with_backtest else None,
        visible_slots=_visible_slots(day_plans),
    )
    return plan


def _visible_slots(days: list[DayPlan]) -> list[int]:
    """Slot indices worth a row: opening hours, forecast calls, planned agents or actual calls."""
    keep = set()
    for day in days:
        for index, slot in enumerate(day.slots):
            if slot.is_open or slot.busy or slot.planned is not None or slot.actual:
                keep.add(index)
    if not keep:
        return []
    return list(range(min(keep), max(keep) + 1))
