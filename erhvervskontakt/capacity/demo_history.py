"""Synthetic call history for the demo, so the plan page has something to forecast from.

The pattern is what a municipal business line typically shows: Monday is the busiest day and Friday
the quietest (and shortest), calls peak mid-morning, dip at lunch and rise again after it, with a slow
upward trend and ordinary day-to-day noise. Days the contact centre is closed (weekends, public
holidays, the city's closed days) have no calls. Answered, abandoned and waiting figures follow an
Erlang A queue with a roster that is usually, but not always, large enough.

The rows are written through telephony's statistics import (the same door as a historical CSV file),
never directly, and only for a queue that has no statistics yet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import numpy as np

from erhvervskontakt.capacity import erlang

# Calls on an average day, before the weekday factor.
BASE_DAILY_CALLS = 330.0
WEEKDAY_FACTOR = [1.35, 1.1, 1.0, 0.95, 0.72, 0.0, 0.0]
WEEKLY_GROWTH = 0.004
TALK_SECONDS = 215.0
PATIENCE_SECONDS = 240.0
COLUMNS = [
    "queue",
    "interval_start",
    "interval_seconds",
    "offered",
    "answered",
    "abandoned",
    "answered_within_target",
    "service_target_seconds",
    "total_wait_answered_seconds",
    "total_wait_abandoned_seconds",
    "total_handle_seconds",
]


def slot_weight(minute_of_day: int) -> float:
    """Relative call volume of the half hour starting at ``minute_of_day``: peak, lunch dip, second bump."""
    hour = minute_of_day / 60 + 0.25  # the middle of the slot
    morning = 1.3 * np.exp(-((hour - 10.4) ** 2) / 1.6)
    afternoon = 0.95 * np.exp(-((hour - 13.6) ** 2) / 1.2)
    lunch_dip = 1.0 - 0.35 * np.exp(-((hour - 12.25) ** 2) / 0.15)
    return float((0.35 + morning + afternoon) * lunch_dip)


def generate_rows(
    queue: str,
    first_day: dt.date,
    last_day: dt.date,
    *,
    opening_hours: Callable[[dt.date], tuple[dt.time, dt.time] | None],
    tz: dt.tzinfo,
    seed: int = 20240902,
    target_seconds: int = 20,
) -> list[dict]:
    """Statistics rows (dicts with :data:`COLUMNS`) for every open half hour from first to last day."""
    rng = np.random.default_rng(seed)
    slots: list[tuple[dt.datetime, float]] = []
    day = first_day
    while day <= last_day:
        hours = opening_hours(day)
        factor = WEEKDAY_FACTOR[day.weekday()]
        if hours is not None and factor > 0:
            weeks = (day - first_day).days / 7
            total = BASE_DAILY_CALLS * factor * (1 + WEEKLY_GROWTH * weeks) * rng.gamma(400, 1 / 400)
            opens = hours[0].hour * 60 + hours[0].minute
            closes = hours[1].hour * 60 + hours[1].minute
            starts = list(range(opens - opens % 30, closes, 30))
            weights = np.array([slot_weight(minute) for minute in starts])
            means = total * weights / weights.sum()
            for minute, mean in zip(starts, means, strict=True):
                local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=tz)
                slots.append((local, float(mean)))
        day += dt.timedelta(days=1)
    if not slots:
        return []

    offered = rng.poisson([mean for _, mean in slots])
    # Staff each half hour for roughly the 80 % / 20 s target, sometimes one or two short.
    needed = erlang.plan(
        [{"calls": float(mean)} for _, mean in slots],
        aht_seconds=TALK_SECONDS,
        target_seconds=target_seconds,
        target_level=0.8,
    )
    staffed = [max(1, result.agents - int(rng.choice([0, 0, 0, 1, 2]))) for result in needed]
    outcome = erlang.plan(
        [{"calls": float(mean), "agents": agents} for (_, mean), agents in zip(slots, staffed, strict=True)],
        aht_seconds=TALK_SECONDS,
        target_seconds=target_seconds,
        target_level=0.8,
        patience_seconds=PATIENCE_SECONDS,
    )
    rows = []
    for (start, _), calls, result in zip(slots, offered.tolist(), outcome, strict=True):
        if calls == 0:
            continue
        abandoned = int(rng.binomial(calls, min(1.0, result.p_abandon or 0.0)))
        answered = calls - abandoned
        within_share = min(1.0, result.service_level / max(1e-9, 1.0 - (result.p_abandon or 0.0)))
        within = int(rng.binomial(answered, within_share)) if answered else 0
        wait_answered = answered * result.asa_seconds * rng.uniform(0.8, 1.2) if answered else 0.0
        wait_abandoned = abandoned * rng.uniform(30, 90) if abandoned else 0.0
        handle = float(rng.gamma(answered * 4, TALK_SECONDS / 4)) if answered else 0.0
        rows.append(
            {
                "queue": queue,
                "interval_start": start.isoformat(),
                "interval_seconds": 1800,
                "offered": calls,
                "answered": answered,
                "abandoned": abandoned,
                "answered_within_target": within,
                "service_target_seconds": target_seconds,
                "total_wait_answered_seconds": round(wait_answered, 1),
                "total_wait_abandoned_seconds": round(wait_abandoned, 1),
                "total_handle_seconds": round(handle, 1),
            }
        )
    return rows


def to_csv(rows: list[dict]) -> str:
    """The rows as a CSV file in telephony's import format."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def load_call_history(queue: str | None = None, *, weeks: int = 12, seed: int = 20240902) -> int:
    """Import ``weeks`` weeks of synthetic history up to yesterday for ``queue``, if it has none.

    Returns the number of intervals imported (0 when the queue already had statistics).
    Raises ValueError when telephony's import refuses the rows (it reports every problem).
    """
    from django.conf import settings

    from erhvervskontakt.capacity import selectors
    from erhvervskontakt.core import clock, workdays
    from erhvervskontakt.telephony import stats_import

    queue = queue or selectors.default_queue()
    if selectors.has_history(queue):
        return 0
    today = clock.today()
    rows = generate_rows(
        queue,
        today - dt.timedelta(weeks=weeks),
        today - dt.timedelta(days=1),
        opening_hours=workdays.opening_hours,
        tz=clock.COPENHAGEN,
        seed=seed,
        target_seconds=settings.TELEPHONY_SERVICE_LEVEL_SECONDS,
    )
    result = stats_import.read(to_csv(rows))
    if not result.errors:
        result = stats_import.import_rows(result)
    if result.errors:
        raise ValueError("; ".join(result.errors[:5]))
    return result.created
