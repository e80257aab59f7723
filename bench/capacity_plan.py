"""Benchmark: a four-week staffing plan of half-hour intervals with Erlang A (budget: 0.5 s).

Three measurements, each the median of ``--runs`` timed runs after one warm-up run:

* ``staffing``: ``erlang.plan`` alone on 4 weeks x 7 days x 48 slots = 1,344 intervals. By default
  every interval has calls and all call volumes are distinct floats, so neither the zero-call shortcut
  nor the duplicate cache helps: the worst case. ``--realistic`` closes nights and weekends.
* ``plan``: ``planning.compute_plan``, the function behind the plan page, for the same 28 days:
  Holt-Winters forecast from 26 weeks of synthetic history (the demo generator, Danish holidays
  closed), spread over the half hours within opening hours, then Erlang C and Erlang A (patience,
  abandonment cap) for every slot and the planned agents evaluated in every open slot. Uncached.
* ``plan_with_backtest``: the same plus the held-back-weeks forecast error the page shows.

``--around-the-clock`` opens the calendar every day, all day (history with calls in every slot), so
the plan staffs 1,344 busy intervals: the worst case for the full function.

``--django`` instead times ``weekplan.plan_for`` (database reads included) for the contact-centre
queue of the configured database, which needs call history (``manage.py load_call_history``).

    .venv/bin/python bench/capacity_plan.py [--runs 9] [--scale 1.0] [--realistic] [--around-the-clock]
    DEBUG=1 .venv/bin/python bench/capacity_plan.py --django

Prints one JSON object: date, machine, parameters, every run's seconds and the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erhvervskontakt.capacity.erlang import Interval, plan  # noqa: E402

BUDGET_SECONDS = 0.5
WEEKS = 4
SLOTS_PER_DAY = 48
HISTORY_WEEKS = 26


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def build_intervals(scale: float, realistic: bool, seed: int = 20240601) -> list[Interval]:
    """Four weeks of half-hour intervals with a double-peaked day; peaks of ~100 calls x ``scale``."""
    rng = np.random.default_rng(seed)
    intervals = []
    for day in range(WEEKS * 7):
        weekday = day % 7
        day_factor = [1.15, 1.0, 0.95, 0.95, 0.8, 0.25, 0.15][weekday]
        for slot in range(SLOTS_PER_DAY):
            hour = slot / 2
            open_hours = 8 <= hour < 16 and weekday < 5
            if realistic and not open_hours:
                calls = 0.0
            else:
                # Morning and early-afternoon peaks over a small night-time floor.
                shape = 0.03 + math.exp(-((hour - 10) ** 2) / 3) + 0.7 * math.exp(-((hour - 13.5) ** 2) / 2)
                calls = 100.0 * scale * day_factor * shape * rng.uniform(0.9, 1.1)
            intervals.append(
                Interval(
                    calls=calls,
                    aht_seconds=float(rng.uniform(170, 260)),
                    target_seconds=20.0,
                    target_level=0.8,
                    shrinkage=0.3,
                    max_occupancy=0.85,
                    patience_seconds=300.0,
                    max_abandon=0.05,
                )
            )
    return intervals


def _time(function: Callable[[], object], runs: int) -> dict:
    """Median wall-clock and CPU seconds of ``runs`` runs after a warm-up run.

    CPU time is reported too because a shared machine's load inflates wall-clock time; the budget is
    judged on wall-clock time, as a manager waits for it.
    """
    function()  # warm-up: imports, numpy and statsmodels caches
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(wall)
    return {
        "runs_seconds": [round(s, 4) for s in wall],
        "median_seconds": round(median, 4),
        "median_cpu_seconds": round(statistics.median(cpu), 4),
        "within_budget": median < BUDGET_SECONDS,
    }


def plan_inputs(scale: float, around_the_clock: bool):
    """Inputs of ``compute_plan`` for 28 days after 26 weeks of synthetic history."""
    import holidays

    from erhvervskontakt.capacity.demo_history import generate_rows
    from erhvervskontakt.capacity.forecast import DailyHistory
    from erhvervskontakt.capacity.planning import PlanInputs, Targets

    danish = holidays.country_holidays("DK", years=range(2024, 2027))

    def opening_hours(day: dt.date):
        if around_the_clock:
            return (dt.time(0), dt.time(23, 59))
        if day.weekday() >= 5 or day in danish:
            return None
        return (dt.time(9), dt.time(14) if day.weekday() == 4 else dt.time(16))

    first_day = dt.date(2025, 3, 3)  # a Monday; the plan then covers May 2025 with its holidays
    last_day = first_day + dt.timedelta(weeks=HISTORY_WEEKS, days=-1)
    rows = generate_rows("bench", first_day, last_day, opening_hours=opening_hours, tz=None, seed=11)
    records = [(dt.datetime.fromisoformat(row["interval_start"]), row["offered"] * scale) for row in rows]
    history = DailyHistory.from_records(records, last_day=last_day)
    plan_start = last_day + dt.timedelta(days=1)
    planned = {}
    for offset in range(WEEKS * 7):
        day = plan_start + dt.timedelta(days=offset)
        hours = opening_hours(day)
        if hours is None:
            continue
        for slot in range(SLOTS_PER_DAY):
            start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=30 * slot)
            if hours[0] <= start.time() < hours[1]:
                planned[start] = 10 + slot % 5
    return PlanInputs(
        history=history,
        first_day=plan_start,
        days=WEEKS * 7,
        targets=Targets(
            service_level=0.8,
            target_seconds=20,
            aht_seconds=215,
            max_occupancy=0.85,
            shrinkage=0.3,
            patience_seconds=300,
            max_abandon=0.05,
        ),
        is_open=lambda day: opening_hours(day) is not None,
        opening_hours=opening_hours,
        planned=planned,
    )


def django_plan(runs: int) -> dict:
    """Time ``weekplan.plan_for`` for 28 days against the configured database, uncached."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erhvervskontakt.settings")
    import django

    django.setup()
    from django.conf import settings

    from erhvervskontakt.capacity import selectors
    from erhvervskontakt.capacity.weekplan import monday_of, plan_for
    from erhvervskontakt.core import clock

    settings.CAPACITY_FORECAST_CACHE_SECONDS = 0
    queue = selectors.default_queue()
    if not selectors.has_history(queue):
        raise SystemExit(f"queue {queue} has no call history: run `manage.py load_call_history` first")
    start = monday_of(clock.today()) + dt.timedelta(weeks=1)
    week = plan_for(queue, start, WEEKS * 7, with_backtest=False)
    return {
        "queue": queue,
        "first_day": start.isoformat(),
        "intervals": len(week.plan.slots),
        "busy_intervals": sum(1 for slot in week.plan.slots if slot.busy),
        "plan_for": _time(lambda: plan_for(queue, start, WEEKS * 7, with_backtest=False), runs),
        "plan_for_with_backtest": _time(lambda: plan_for(queue, start, WEEKS * 7), runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9, help="timed runs (after one warm-up run)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply all call volumes")
    parser.add_argument("--realistic", action="store_true", help="staffing: zero calls outside weekdays 8-16")
    parser.add_argument(
        "--around-the-clock", action="store_true", help="plan: open every day, all day (worst case)"
    )
    parser.add_argument("--django", action="store_true", help="time plan_for against the database")
    args = parser.parse_args()

    report: dict = {
        "benchmark": "capacity_plan",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "node": platform.node(),
            "cpu": _cpu_model(),
            "cpus": os.cpu_count(),
            "memory": _memory(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
        },
        "budget_seconds": BUDGET_SECONDS,
    }
    if args.django:
        report["django"] = django_plan(args.runs)
        print(json.dumps(report, indent=2))
        return

    intervals = build_intervals(args.scale, args.realistic)
    results = plan(intervals)
    report["staffing"] = {
        "model": "erlang_a",
        "intervals": len(intervals),
        "intervals_with_calls": sum(1 for r in results if r.traffic_erlangs > 0),
        "scale": args.scale,
        "realistic": args.realistic,
        "peak_agents": max((r.agents for r in results), default=0),
        **_time(lambda: plan(intervals), args.runs),
    }

    from erhvervskontakt.capacity.planning import compute_plan

    inputs = plan_inputs(args.scale, args.around_the_clock)
    full = compute_plan(inputs, with_backtest=False)
    report["plan"] = {
        "function": "erhvervskontakt.capacity.planning.compute_plan",
        "history_weeks": HISTORY_WEEKS,
        "around_the_clock": args.around_the_clock,
        "forecast_method": full.method,
        "intervals": len(full.slots),
        "busy_intervals": sum(1 for slot in full.slots if slot.busy),
        "planned_intervals": sum(1 for slot in full.slots if slot.planned is not None),
        "peak_agents_to_roster": max(slot.to_roster for slot in full.slots),
        **_time(lambda: compute_plan(inputs, with_backtest=False), args.runs),
    }
    report["plan_with_backtest"] = _time(lambda: compute_plan(inputs), args.runs)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
