"""The plan computation without a database: forecast, opening hours, staffing, planned agents, cache."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from erhvervskontakt.capacity.demo_history import generate_rows
from erhvervskontakt.capacity.erlang import staffing
from erhvervskontakt.capacity.forecast import DailyHistory
from erhvervskontakt.capacity.planning import PlanInputs, Targets, backtest_for, compute_plan, on_phones

FIRST = dt.date(2025, 1, 6)  # a Monday
CLOSED = {dt.date(2025, 4, 17), dt.date(2025, 4, 18)}


def hours(day: dt.date):
    if day.weekday() >= 5 or day in CLOSED:
        return None
    return (dt.time(9), dt.time(14) if day.weekday() == 4 else dt.time(16))


def is_open(day: dt.date) -> bool:
    return hours(day) is not None


@pytest.fixture(scope="module")
def history() -> DailyHistory:
    rows = generate_rows("q", FIRST, dt.date(2025, 4, 6), opening_hours=hours, tz=None, seed=3)
    records = [(dt.datetime.fromisoformat(row["interval_start"]), row["offered"]) for row in rows]
    return DailyHistory.from_records(records, last_day=dt.date(2025, 4, 6))


def inputs(history, **changes) -> PlanInputs:
    base = {
        "history": history,
        "first_day": dt.date(2025, 4, 14),
        "days": 7,
        "targets": Targets(
            service_level=0.8, target_seconds=20, aht_seconds=210, max_occupancy=0.85, shrinkage=0.3
        ),
        "is_open": is_open,
        "opening_hours": hours,
    }
    return PlanInputs(**{**base, **changes})


@pytest.mark.parametrize(("planned", "expected"), [(20, 14), (21, 14), (0, 0), (1, 0), (10, 7)])
def test_planned_agents_on_the_phones_after_shrinkage(planned, expected):
    assert on_phones(planned, 0.3) == expected


def test_no_calls_after_closing_time_and_none_on_closed_days(history):
    plan = compute_plan(inputs(history), with_backtest=False)
    friday = plan.days[4]
    assert friday.day == dt.date(2025, 4, 18) and friday.calls == 0  # Good Friday
    plan = compute_plan(inputs(history, first_day=dt.date(2025, 4, 21)), with_backtest=False)
    friday = plan.days[4]
    assert friday.calls > 0
    assert all(slot.calls == 0 for slot in friday.slots if slot.start.hour >= 14)
    assert all(slot.calls == 0 for slot in plan.days[0].slots if slot.start.hour < 9 or slot.start.hour >= 16)
    assert plan.visible_slots == list(range(18, 32))  # 09:00-16:00


def test_each_slot_is_staffed_like_the_formula(history):
    start = dt.datetime(2025, 4, 14, 10, 0)
    plan = compute_plan(inputs(history, planned={start: 12}), with_backtest=False)
    slot = plan.slot(start)
    direct = staffing(slot.calls, 1800, 210, 20, 0.8, shrinkage=0.3, max_occupancy=0.85)
    assert (slot.required_c.agents, slot.to_roster) == (direct.agents, direct.agents_with_shrinkage)
    evaluated = staffing(slot.calls, 1800, 210, 20, 0.8, shrinkage=0.3, max_occupancy=0.85, agents=8)
    assert slot.on_phones == 8 and slot.expected.service_level == pytest.approx(evaluated.service_level)
    assert slot.required_a is None and plan.slot(start + dt.timedelta(minutes=30)).expected is None


def test_erlang_a_meets_the_abandonment_cap(history):
    targets = Targets(0.8, 20, 210, 0.85, 0.3, patience_seconds=120, max_abandon=0.02)
    plan = compute_plan(inputs(history, targets=targets), with_backtest=False)
    busy = [slot for slot in plan.slots if slot.busy]
    assert busy and all(slot.required_a.p_abandon <= 0.02 + 1e-9 for slot in busy)
    assert all(slot.required_a.service_level >= 0.8 - 1e-9 for slot in busy)
    assert all(slot.to_roster == slot.required_a.agents_with_shrinkage for slot in busy)


def test_the_backtest_keeps_three_weeks_to_fit_on(history):
    result = backtest_for(inputs(history))
    assert result.weeks == 4 and result.method == "holt_winters"
    short = DailyHistory(history.first_day, history.counts[:35], history.slot_minutes)
    assert backtest_for(inputs(short, first_day=dt.date(2025, 2, 17))).weeks == 2
    tiny = DailyHistory(history.first_day, history.counts[:10], history.slot_minutes)
    assert backtest_for(inputs(tiny, first_day=dt.date(2025, 2, 17))) is None


def test_without_history_nothing_is_forecast():
    plan = compute_plan(inputs(None, overrides={dt.date(2025, 4, 15): 100}))
    assert plan.method == "none" and plan.calls == 0 and plan.backtest is None


class CountingCache(dict):
    sets = 0

    def get(self, key, default=None):
        return super().get(key, default)

    def set(self, key, value, timeout=None):
        self.sets += 1
        self[key] = value


def test_forecasts_are_cached_by_the_value_of_their_inputs(history):
    cache = CountingCache()
    first = compute_plan(inputs(history), cache=cache)
    again = compute_plan(inputs(history), cache=cache)
    assert cache.sets == 2  # one forecast and one backtest
    assert np.allclose([s.calls for s in first.slots], [s.calls for s in again.slots])
    compute_plan(inputs(history, overrides={dt.date(2025, 4, 15): 500}), cache=cache)
    assert cache.sets == 3  # an override changes the forecast, not the backtest
