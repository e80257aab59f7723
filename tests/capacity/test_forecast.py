"""Forecasting offered calls: Holt-Winters x intra-day profiles, closed days, overrides, naive, backtest.

Synthetic history with a known weekly pattern, a linear trend and Poisson noise (seeded), open on
weekdays 8-16 except a few public holidays.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from erhvervskontakt.capacity.forecast import (
    DailyHistory,
    backtest,
    forecast,
    naive_forecast,
    wmape,
)

FIRST_DAY = dt.date(2024, 1, 1)  # a Monday
HOLIDAYS = {
    dt.date(2024, 3, 28),
    dt.date(2024, 3, 29),
    dt.date(2024, 4, 1),
    dt.date(2024, 5, 9),
    dt.date(2024, 5, 20),
    dt.date(2024, 7, 9),  # a Tuesday inside the forecast horizon
}
WEEKDAY_FACTOR = [1.2, 1.0, 0.95, 0.9, 0.75, 0.0, 0.0]
SLOT_HOURS = np.arange(48) / 2
SHAPE = np.where(
    (SLOT_HOURS >= 8) & (SLOT_HOURS < 16),
    np.exp(-((SLOT_HOURS - 10) ** 2) / 4) + 0.6 * np.exp(-((SLOT_HOURS - 13.5) ** 2) / 2),
    0.0,
)
SHAPE = SHAPE / SHAPE.sum()


def is_open(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def expected_total(index: int) -> float:
    """True mean daily total on day ``index`` (0 = FIRST_DAY), before closures."""
    day = FIRST_DAY + dt.timedelta(days=index)
    return (300 + 1.5 * index) * WEEKDAY_FACTOR[day.weekday()]


def make_history(weeks: int = 26, seed: int = 7, tz: dt.tzinfo | None = None):
    rng = np.random.default_rng(seed)
    records = []
    for index in range(weeks * 7):
        day = FIRST_DAY + dt.timedelta(days=index)
        mean = expected_total(index) if is_open(day) else 0.0
        counts = rng.poisson(mean * SHAPE)
        for slot in np.flatnonzero(counts):  # empty slots are omitted, like a telephony export
            start = dt.datetime.combine(day, dt.time(int(slot) // 2, 30 * (int(slot) % 2)), tzinfo=tz)
            records.append((start, int(counts[slot])))
    return records


@pytest.fixture(scope="module")
def history():
    return make_history()


@pytest.fixture(scope="module")
def four_weeks(history):
    return forecast(history, days=28, is_open=is_open)


def test_holt_winters_beats_or_matches_naive_on_held_back_weeks(history):
    result = backtest(history, weeks=4, is_open=is_open)
    assert result.method == "holt_winters"
    assert (result.first_day, result.last_day) == (dt.date(2024, 6, 1), dt.date(2024, 6, 28))
    assert result.wmape <= result.naive_wmape
    assert result.daily_wmape <= result.naive_daily_wmape
    # Poisson noise alone limits interval-level accuracy; the daily totals should be close.
    assert result.daily_wmape < 0.06


def test_backtest_without_calendar_infers_closed_days(history):
    # Days without calls count as closed, so the holidays in the history do not distort the fit.
    result = backtest(history, weeks=4)
    assert result.wmape <= result.naive_wmape
    assert result.daily_wmape <= result.naive_daily_wmape


def test_forecast_follows_level_weekly_pattern_and_trend(four_weeks):
    assert four_weeks.method == "holt_winters"
    last_index = 26 * 7 - 1
    for offset in range(1, 29):
        day = FIRST_DAY + dt.timedelta(days=last_index + offset)
        if is_open(day):
            truth = expected_total(last_index + offset)
            # A damped trend flattens out, so allow a little more error further ahead.
            assert four_weeks.daily[day] == pytest.approx(truth, rel=0.05 + 0.002 * offset), day


def test_closed_days_are_zero(four_weeks):
    closed = [day for day in four_weeks.daily if not is_open(day)]
    assert dt.date(2024, 7, 9) in closed  # the holiday, not only weekends
    assert all(four_weeks.daily[day] == 0 for day in closed)
    for start, calls in four_weeks.intervals:
        if not is_open(start.date()):
            assert calls == 0


def test_intervals_cover_every_slot_and_sum_to_the_daily_totals(four_weeks):
    assert len(four_weeks.intervals) == 28 * 48
    assert four_weeks.intervals[0][0] == dt.datetime(2024, 6, 29, 0, 0)
    assert four_weeks.intervals[1][0] == dt.datetime(2024, 6, 29, 0, 30)
    values = four_weeks.values()
    assert (values >= 0).all()
    per_day = values.reshape(28, 48).sum(axis=1)
    assert per_day == pytest.approx(list(four_weeks.daily.values()))


def test_profiles_sum_to_one_and_follow_the_history(four_weeks):
    for weekday, profile in four_weeks.profiles.items():
        assert profile.sum() == pytest.approx(1.0), weekday
        assert (profile >= 0).all()
    monday = four_weeks.profiles[0]
    assert np.abs(monday - SHAPE).sum() < 0.1  # estimated shape is close to the true one
    assert monday[:16].sum() == 0  # nobody calls a closed line at night


def test_overrides_replace_the_total_and_keep_the_profile(history):
    plain = forecast(history, days=14, is_open=is_open)
    overrides = {dt.date(2024, 7, 2): 1000.0, dt.date(2024, 7, 6): 50.0}  # a Tuesday and a closed Saturday
    changed = forecast(history, days=14, is_open=is_open, overrides=overrides)
    assert changed.daily[dt.date(2024, 7, 2)] == 1000.0
    assert changed.daily[dt.date(2024, 7, 6)] == 50.0  # an explicit override wins over "closed"
    tuesday = [calls for start, calls in changed.intervals if start.date() == dt.date(2024, 7, 2)]
    assert np.array(tuesday) == pytest.approx(1000.0 * changed.profiles[1])
    untouched = [day for day in plain.daily if day not in overrides]
    assert all(changed.daily[day] == plain.daily[day] for day in untouched)


def test_overrides_are_validated(history):
    with pytest.raises(ValueError, match="must be finite and not negative"):
        forecast(history, days=7, is_open=is_open, overrides={dt.date(2024, 7, 2): -1})
    with pytest.raises(ValueError, match="override keys must be dates"):
        forecast(history, days=7, is_open=is_open, overrides={"2024-07-02": 10})


def test_start_after_a_gap_and_not_inside_history(history):
    later = forecast(history, days=7, start=dt.date(2024, 7, 8), is_open=is_open)
    assert min(later.daily) == dt.date(2024, 7, 8)
    with pytest.raises(ValueError, match="must be after the last day of history"):
        forecast(history, days=7, start=dt.date(2024, 6, 1), is_open=is_open)


def test_short_history_falls_back_to_weekday_averages():
    short = make_history(weeks=1)  # Monday to Friday with calls: too short for weekly seasonality
    result = forecast(short, days=7, start=dt.date(2024, 1, 8), is_open=is_open)
    assert result.method == "average"
    hist = DailyHistory.from_records(short)
    monday_actual = hist.counts[0].sum()
    assert result.daily[dt.date(2024, 1, 8)] == pytest.approx(monday_actual)
    assert result.daily[dt.date(2024, 1, 13)] == 0  # Saturday, closed
    assert DailyHistory.from_records(short, last_day=dt.date(2024, 1, 7)).last_day == dt.date(2024, 1, 7)
    assert any("days of history" in note for note in result.notes)


def test_naive_repeats_the_same_slot_last_week(history):
    hist = DailyHistory.from_records(history)
    result = naive_forecast(history, days=14, is_open=is_open)
    assert result.method == "naive"
    values = result.values().reshape(14, 48)
    # Saturday 29 June .. Friday 5 July repeat 22 .. 28 June; the second week repeats them again.
    assert values[:7] == pytest.approx(hist.counts[-7:])
    tuesday_9_july = 10
    assert values[tuesday_9_july].sum() == 0  # holiday
    assert values[3] == pytest.approx(hist.counts[-7 + 3])


def test_naive_skips_a_holiday_in_the_last_week():
    records = make_history(weeks=20)  # ends Sunday 19 May; Thursday 9 May was a holiday
    hist = DailyHistory.from_records(records)
    result = naive_forecast(records, days=7, is_open=is_open)
    thursday = result.values().reshape(7, 48)[3]
    assert thursday.sum() > 0
    assert thursday == pytest.approx(hist.counts[-7 + 3])  # Thursday 16 May, the latest open one


def test_wmape():
    assert wmape([10, 0, 30], [12, 1, 27]) == pytest.approx(6 / 40)
    assert wmape(np.array([5.0, 5.0]), np.array([5.0, 5.0])) == 0
    with pytest.raises(ValueError, match="sum to zero"):
        wmape([0, 0], [1, 1])
    with pytest.raises(ValueError, match="differ in length"):
        wmape([1, 2], [1])


def test_history_from_records():
    tz = ZoneInfo("Europe/Copenhagen")
    records = [
        (dt.datetime(2024, 1, 1, 9, 0, tzinfo=tz), 3),
        (dt.datetime(2024, 1, 1, 9, 10, tzinfo=tz), 2),  # same slot, not on the boundary: floored and added
        (np.datetime64("2024-01-03T10:30"), 4),
    ]
    hist = DailyHistory.from_records(records)
    assert hist.first_day == dt.date(2024, 1, 1)
    assert hist.counts.shape == (3, 48)
    assert hist.counts[0, 18] == 5
    assert hist.counts[1].sum() == 0  # a day without records is a day without calls
    assert hist.counts[2, 21] == 4
    assert hist.tzinfo is tz
    with pytest.raises(ValueError, match="history is empty"):
        DailyHistory.from_records([])
    with pytest.raises(ValueError, match="not negative"):
        DailyHistory.from_records([(dt.datetime(2024, 1, 1, 9), -1)])
    with pytest.raises(ValueError, match="must be a datetime"):
        DailyHistory.from_records([(dt.date(2024, 1, 1), 1)])
    with pytest.raises(ValueError, match="slot_minutes must divide 1440"):
        DailyHistory.from_records(records, slot_minutes=7)


def test_aware_history_gives_aware_forecast_times():
    tz = ZoneInfo("Europe/Copenhagen")
    result = forecast(make_history(weeks=3, tz=tz), days=2, is_open=is_open)
    assert result.intervals[0][0].tzinfo is tz


def test_backtest_needs_enough_history():
    with pytest.raises(ValueError, match="need at least 35 days"):
        backtest(make_history(weeks=4), weeks=4)
