"""Forecast offered calls per interval (30 minutes by default) for the coming weeks.

Method
------
1. History, given as ``(interval_start, offered)`` records, is summed into days x slots. Slots without
   a record count as zero calls (telephony exports usually omit empty intervals); several records in
   one slot are added up (e.g. several queues). History should consist of whole days.
2. Daily totals are forecast with Holt-Winters (statsmodels ``ExponentialSmoothing``: additive damped
   trend, additive weekly seasonality over all calendar days, ``seasonal_periods=7``). Closed days
   (``is_open(day)`` is False) on a weekday that is normally open, e.g. a public holiday on a Tuesday, are
   replaced before fitting by the mean of the nearest open same weekdays, so that a holiday neither
   drags the level down nor shifts the weekly pattern. Weekdays that are never open stay at their
   actual values (normally zero), which the additive seasonality represents directly.
3. Each day's total is spread over the slots with that weekday's intra-day profile: the share of the
   day's calls per slot, estimated from the open days of the last ``profile_weeks`` weeks and shrunk
   towards the profile of all weekdays with a prior worth ``profile_prior_calls`` calls (so a weekday
   with little data borrows shape from the others). Profiles sum to 1.
4. Closed future days get zero. A manual override (day -> total calls) replaces the forecast total of
   that day and keeps the profile; an explicit override wins even on a closed day.
5. With less than two weeks of history Holt-Winters is not identifiable; the forecast then uses each
   weekday's average open-day total ("average"). If the Holt-Winters fit fails, the same fallback is
   used and :attr:`Forecast.method` says so.

Also here: a naive "same slot last week" forecast, a weighted MAPE (sum |error| / sum actual) and a
backtest that holds back the last K weeks and scores both methods.

The calendar is passed in as ``is_open(date) -> bool`` (the product's working-day calendar knows the
public holidays); this module imports nothing from Django.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "BacktestResult",
    "DailyHistory",
    "Forecast",
    "backtest",
    "forecast",
    "naive_forecast",
    "wmape",
]

# Two full weekly cycles are the minimum for estimating weekly seasonality.
MIN_HOLT_WINTERS_DAYS = 14


@dataclass(frozen=True)
class DailyHistory:
    """History as a dense days x slots matrix.

    ``counts[i, s]`` is the number of calls offered on ``first_day + i days`` in slot ``s``
    (slot s starts at s * slot_minutes after midnight, local wall-clock time).
    """

    first_day: dt.date
    counts: np.ndarray
    slot_minutes: int
    tzinfo: dt.tzinfo | None = None

    @property
    def days(self) -> int:
        return int(self.counts.shape[0])

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days - 1)

    def day(self, index: int) -> dt.date:
        return self.first_day + dt.timedelta(days=index)

    def until(self, last_day: dt.date) -> DailyHistory:
        """The history up to and including ``last_day``."""
        keep = (last_day - self.first_day).days + 1
        if keep < 1:
            raise ValueError("no history before the cut-off day")
        return DailyHistory(self.first_day, self.counts[:keep], self.slot_minutes, self.tzinfo)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Sequence[Any]],
        slot_minutes: int = 30,
        *,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
    ) -> DailyHistory:
        """Build the matrix from ``(interval_start, offered)`` records.

        The history runs from the first to the last day with a record unless ``first_day`` /
        ``last_day`` extend it (with zero calls): a history that ends on a closed weekend has no
        records for it, so pass ``last_day`` (or ``start`` to :func:`forecast`) to say where it ends.

        ``interval_start`` is a :class:`datetime.datetime` (naive or aware; its wall-clock date and time
        are used) or a ``numpy.datetime64``. Starts not on a slot boundary are floored to their slot.
        Raises ValueError for an empty history, negative or non-finite counts, or a slot length that
        does not divide a day.
        """
        if slot_minutes <= 0 or 1440 % slot_minutes:
            raise ValueError(f"slot_minutes must divide 1440, got {slot_minutes}")
        slots_per_day = 1440 // slot_minutes
        cells: dict[tuple[dt.date, int], float] = {}
        tzinfo: dt.tzinfo | None = None
        for record in records:
            try:
                start, offered = record
            except (TypeError, ValueError):
                raise ValueError(
                    f"history records must be (interval_start, offered) pairs, got {record!r}"
                ) from None
            if isinstance(start, np.datetime64):
                start = start.astype("datetime64[us]").item()
            if not isinstance(start, dt.datetime):
                raise ValueError(f"interval_start must be a datetime, got {start!r}")
            value = float(offered)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"offered calls must be finite and not negative, got {offered!r} at {start}")
            tzinfo = start.tzinfo or tzinfo
            key = (start.date(), (start.hour * 60 + start.minute) // slot_minutes)
            cells[key] = cells.get(key, 0.0) + value
        if not cells:
            raise ValueError("history is empty")
        first = min(day for day, _ in cells)
        last = max(day for day, _ in cells)
        if first_day is not None:
            if first_day > first:
                raise ValueError(f"first_day {first_day} is after the first record ({first})")
            first = first_day
        if last_day is not None:
            if last_day < last:
                raise ValueError(f"last_day {last_day} is before the last record ({last})")
            last = last_day
        counts = np.zeros(((last - first).days + 1, slots_per_day))
        for (day, slot), value in cells.items():
            counts[(day - first).days, slot] += value
        return cls(first, counts, slot_minutes, tzinfo)


@dataclass(frozen=True)
class Forecast:
    """Forecast offered calls.

    * ``intervals``: ``(interval_start, calls)`` for every slot of every forecast day, in order;
    * ``daily``: forecast total per day (after closed days and overrides);
    * ``profiles``: weekday (Monday = 0) -> share of the day's calls per slot (sums to 1);
    * ``method``: "holt_winters", "average" (short history or failed fit) or "naive".
    """

    intervals: list[tuple[dt.datetime, float]]
    daily: dict[dt.date, float]
    profiles: dict[int, np.ndarray]
    method: str
    notes: list[str] = field(default_factory=list)

    def values(self) -> np.ndarray:
        """The interval forecasts as a float array (same order as ``intervals``)."""
        return np.array([calls for _, calls in self.intervals], dtype=float)


@dataclass(frozen=True)
class BacktestResult:
    """Weighted MAPE of both methods on the held-back weeks, per interval and per day."""

    weeks: int
    first_day: dt.date
    last_day: dt.date
    method: str  # the method the main forecast actually used
    wmape: float
    naive_wmape: float
    daily_wmape: float
    naive_daily_wmape: float


def wmape(actual: Iterable[float], forecast_values: Iterable[float]) -> float:
    """Weighted mean absolute percentage error: sum |actual - forecast| / sum actual.

    Unlike the plain MAPE it is defined when some actuals are zero (closed days, night slots) and weighs
    busy intervals more. Raises ValueError if the lengths differ or the actuals sum to zero.
    """
    a = np.asarray(list(actual) if not isinstance(actual, np.ndarray) else actual, dtype=float)
    f = np.asarray(
        list(forecast_values) if not isinstance(forecast_values, np.ndarray) else forecast_values, dtype=float
    )
    if a.shape != f.shape:
        raise ValueError(f"actual and forecast differ in length: {a.shape} vs {f.shape}")
    total = a.sum()
    if total <= 0:
        raise ValueError("WMAPE is undefined when the actual values sum to zero")
    return float(np.abs(a - f).sum() / total)


def _history(history: DailyHistory | Iterable[Sequence[Any]], slot_minutes: int) -> DailyHistory:
    if isinstance(history, DailyHistory):
        return history
    return DailyHistory.from_records(history, slot_minutes)


def _horizon(hist: DailyHistory, start: dt.date | None, days: int) -> list[dt.date]:
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    first = hist.last_day + dt.timedelta(days=1) if start is None else start
    if first <= hist.last_day:
        raise ValueError(f"start {first} must be after the last day of history {hist.last_day}")
    return [first + dt.timedelta(days=offset) for offset in range(days)]


def _calendar(
    hist: DailyHistory, is_open: Callable[[dt.date], bool] | None
) -> tuple[np.ndarray, Callable[[dt.date], bool]]:
    """Open/closed flag per history day and the open test for future days.

    Without a calendar, a history day without a single call is taken to be closed (a staffed line
    with no calls all day is implausible) and a future day is open if its weekday had calls in the
    last four weeks; public holidays can then not be foreseen, which is why callers pass ``is_open``.
    """
    totals = hist.counts.sum(axis=1)
    if is_open is not None:
        return np.array([bool(is_open(hist.day(i))) for i in range(hist.days)]), is_open
    mask = totals > 0
    recent = range(max(0, hist.days - 28), hist.days)
    open_weekdays = {hist.day(i).weekday() for i in recent if mask[i]}

    def inferred(day: dt.date) -> bool:
        return day.weekday() in open_weekdays

    return mask, inferred


def _profiles(
    hist: DailyHistory, open_mask: np.ndarray, profile_weeks: int, prior_calls: float
) -> dict[int, np.ndarray]:
    """Intra-day share per slot for each weekday, from recent open days, shrunk towards the pooled shape."""
    slots = hist.counts.shape[1]
    recent = max(0, hist.days - 7 * profile_weeks)
    weekdays = np.array([hist.day(i).weekday() for i in range(hist.days)])
    use = open_mask.copy()
    use[:recent] = False
    pooled_counts = hist.counts[use].sum(axis=0)
    # With no calls at all there is nothing better than a flat day.
    pooled = pooled_counts / pooled_counts.sum() if pooled_counts.sum() > 0 else np.full(slots, 1.0 / slots)
    profiles = {}
    for weekday in range(7):
        counts = hist.counts[use & (weekdays == weekday)].sum(axis=0)
        # Posterior mean of a Dirichlet with the pooled profile as prior worth `prior_calls` calls.
        shares = (counts + prior_calls * pooled) / (counts.sum() + prior_calls)
        profiles[weekday] = shares / shares.sum()
    return profiles


def _impute_closed(totals: np.ndarray, hist: DailyHistory, open_mask: np.ndarray) -> np.ndarray:
    """Replace closed days on normally open weekdays by the mean of the nearest open same weekdays."""
    filled = totals.copy()
    weekdays = np.array([hist.day(i).weekday() for i in range(hist.days)])
    for index in np.flatnonzero(~open_mask):
        same = np.flatnonzero((weekdays == weekdays[index]) & open_mask)
        if same.size == 0:
            continue  # this weekday is never open: keep its (zero) values, the seasonality handles them
        nearest = same[np.argsort(np.abs(same - index), kind="stable")[:4]]
        filled[index] = totals[nearest].mean()
    return filled


def _average_totals(
    totals: np.ndarray, hist: DailyHistory, open_mask: np.ndarray, horizon: list[dt.date]
) -> np.ndarray:
    """Per-weekday mean of open-day totals (all open days if that weekday was never open)."""
    weekdays = np.array([hist.day(i).weekday() for i in range(hist.days)])
    overall = float(totals[open_mask].mean()) if open_mask.any() else float(totals.mean())
    means = {}
    for weekday in range(7):
        chosen = open_mask & (weekdays == weekday)
        means[weekday] = float(totals[chosen].mean()) if chosen.any() else overall
    return np.array([means[day.weekday()] for day in horizon])


# statsmodels' heuristic initial states need 10 + 2 * (seasonal_periods // 2) observations.
_HEURISTIC_MIN_DAYS = 10 + 2 * (7 // 2)


def _holt_winters_totals(filled: np.ndarray, steps: int) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from threadpoolctl import threadpool_limits

    # Heuristic initial states (from the first cycles) and no brute-force start search fit about five
    # times faster than optimising the nine initial states too, with the same held-back accuracy on
    # our test and demo histories (docs/decisions/0010-holt-winters-fit-speed.md). The plan page fits on
    # every uncached view, so this is what keeps a four-week plan well under half a second.
    heuristic = filled.size >= _HEURISTIC_MIN_DAYS
    model = ExponentialSmoothing(
        filled,
        trend="add",
        damped_trend=True,
        seasonal="add",
        seasonal_periods=7,
        initialization_method="heuristic" if heuristic else "estimated",
    )
    # One BLAS thread: the optimiser's tiny matrix steps only pay for thread start-up and hand-over,
    # which made each L-BFGS-B step ~100 times slower on a busy two-core server.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        # The optimiser often reports non-convergence on short or flat series; the fit is still usable,
        # and a genuinely broken fit is caught by the finiteness check below.
        warnings.simplefilter("ignore")
        fitted = model.fit(use_brute=not heuristic)
    predicted = np.asarray(fitted.forecast(steps), dtype=float)
    if not np.all(np.isfinite(predicted)):
        raise ValueError("Holt-Winters produced non-finite forecasts")
    return predicted


def _assemble(
    hist: DailyHistory,
    horizon: list[dt.date],
    totals: np.ndarray,
    profiles: dict[int, np.ndarray],
    is_open: Callable[[dt.date], bool],
    overrides: Mapping[dt.date, float] | None,
    method: str,
    notes: list[str],
) -> Forecast:
    overrides = dict(overrides or {})
    for day, value in overrides.items():
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValueError(f"override keys must be dates, got {day!r}")
        if not math.isfinite(float(value)) or float(value) < 0:
            raise ValueError(f"override for {day} must be finite and not negative, got {value!r}")
    slot = dt.timedelta(minutes=hist.slot_minutes)
    intervals: list[tuple[dt.datetime, float]] = []
    daily: dict[dt.date, float] = {}
    for day, total in zip(horizon, totals, strict=True):
        if day in overrides:
            day_total = float(overrides[day])
        elif is_open(day):
            day_total = max(0.0, float(total))  # a falling trend must not forecast negative calls
        else:
            day_total = 0.0
        daily[day] = day_total
        midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=hist.tzinfo)
        shares = profiles[day.weekday()]
        for index, share in enumerate(shares.tolist()):
            intervals.append((midnight + index * slot, day_total * share))
    return Forecast(intervals=intervals, daily=daily, profiles=profiles, method=method, notes=notes)


def forecast(
    history: DailyHistory | Iterable[Sequence[Any]],
    *,
    days: int = 28,
    start: dt.date | None = None,
    is_open: Callable[[dt.date], bool] | None = None,
    overrides: Mapping[dt.date, float] | None = None,
    slot_minutes: int = 30,
    profile_weeks: int = 8,
    profile_prior_calls: float = 50.0,
) -> Forecast:
    """Forecast offered calls per slot for ``days`` days from ``start`` (default: the day after history).

    See the module docstring for the method. Without ``is_open`` the calendar is inferred from the
    history (days without calls are closed; see :func:`_calendar`).
    ``overrides`` maps days to total calls (dates outside the horizon are ignored).
    Raises ValueError for empty history, a start inside the history, or invalid overrides.
    """
    hist = _history(history, slot_minutes)
    horizon = _horizon(hist, start, days)
    open_mask, is_open = _calendar(hist, is_open)
    totals = hist.counts.sum(axis=1)
    profiles = _profiles(hist, open_mask, profile_weeks, profile_prior_calls)
    notes: list[str] = []
    method = "holt_winters"
    if hist.days < MIN_HOLT_WINTERS_DAYS:
        method = "average"
        notes.append(f"only {hist.days} days of history; using weekday averages")
    else:
        steps = (horizon[-1] - hist.last_day).days
        try:
            predicted = _holt_winters_totals(_impute_closed(totals, hist, open_mask), steps)[-len(horizon) :]
        except (ValueError, np.linalg.LinAlgError) as exc:
            method = "average"
            notes.append(f"Holt-Winters failed ({exc}); using weekday averages")
    if method == "average":
        predicted = _average_totals(totals, hist, open_mask, horizon)
    return _assemble(hist, horizon, predicted, profiles, is_open, overrides, method, notes)


def naive_forecast(
    history: DailyHistory | Iterable[Sequence[Any]],
    *,
    days: int = 28,
    start: dt.date | None = None,
    is_open: Callable[[dt.date], bool] | None = None,
    slot_minutes: int = 30,
) -> Forecast:
    """Seasonal naive forecast: each slot gets the value of the same slot on the latest same weekday.

    "Latest" means the most recent open occurrence in history, so a holiday last Tuesday does not
    forecast zero for an ordinary Tuesday; if that weekday was never open, the most recent occurrence.
    Closed forecast days get zero. Needs at least one day of history per weekday to be useful; a weekday
    missing from history (less than a week) is forecast from the latest open day of any weekday.
    """
    hist = _history(history, slot_minutes)
    horizon = _horizon(hist, start, days)
    open_mask, is_open = _calendar(hist, is_open)
    weekdays = np.array([hist.day(i).weekday() for i in range(hist.days)])
    latest_any = int(np.flatnonzero(open_mask)[-1]) if open_mask.any() else hist.days - 1
    source: dict[int, int] = {}
    for weekday in range(7):
        open_same = np.flatnonzero((weekdays == weekday) & open_mask)
        any_same = np.flatnonzero(weekdays == weekday)
        source[weekday] = (
            int(open_same[-1]) if open_same.size else int(any_same[-1]) if any_same.size else latest_any
        )
    slot = dt.timedelta(minutes=hist.slot_minutes)
    intervals: list[tuple[dt.datetime, float]] = []
    daily: dict[dt.date, float] = {}
    for day in horizon:
        row = hist.counts[source[day.weekday()]] if is_open(day) else np.zeros(hist.counts.shape[1])
        daily[day] = float(row.sum())
        midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=hist.tzinfo)
        intervals.extend((midnight + index * slot, value) for index, value in enumerate(row.tolist()))
    profiles = {}
    for weekday, index in source.items():
        row = hist.counts[index]
        profiles[weekday] = row / row.sum() if row.sum() > 0 else np.full(row.size, 1.0 / row.size)
    return Forecast(intervals=intervals, daily=daily, profiles=profiles, method="naive")


def backtest(
    history: DailyHistory | Iterable[Sequence[Any]],
    weeks: int = 4,
    *,
    is_open: Callable[[dt.date], bool] | None = None,
    slot_minutes: int = 30,
    profile_weeks: int = 8,
    profile_prior_calls: float = 50.0,
) -> BacktestResult:
    """Hold back the last ``weeks`` weeks, forecast them from the rest with both methods, score them.

    Returns the interval-level and day-level WMAPE of the main forecast and of the naive one.
    Raises ValueError when fewer than one week would remain for fitting.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    hist = _history(history, slot_minutes)
    held_days = 7 * weeks
    if hist.days - held_days < 7:
        raise ValueError(f"need at least {held_days + 7} days of history to hold back {weeks} weeks")
    cut = hist.last_day - dt.timedelta(days=held_days)
    train = hist.until(cut)
    actual = hist.counts[-held_days:]
    main = forecast(
        train,
        days=held_days,
        is_open=is_open,
        profile_weeks=profile_weeks,
        profile_prior_calls=profile_prior_calls,
    )
    naive = naive_forecast(train, days=held_days, is_open=is_open)
    return BacktestResult(
        weeks=weeks,
        first_day=cut + dt.timedelta(days=1),
        last_day=hist.last_day,
        method=main.method,
        wmape=wmape(actual.ravel(), main.values()),
        naive_wmape=wmape(actual.ravel(), naive.values()),
        daily_wmape=wmape(actual.sum(axis=1), np.array(list(main.daily.values()))),
        naive_daily_wmape=wmape(actual.sum(axis=1), np.array(list(naive.daily.values()))),
    )
