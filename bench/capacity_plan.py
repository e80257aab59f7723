"""Benchmark: staffing for a four-week plan of half-hour intervals with Erlang A.

Builds 4 weeks x 7 days x 48 slots = 1,344 intervals. By default every interval has calls (a night-time
trickle, a daytime peak, weekends lower) and all call volumes are distinct floats, so neither the
zero-call shortcut nor the duplicate cache helps: this is the worst case for ``plan``. ``--realistic``
instead closes nights and weekends (zero calls), as the municipal centre actually is.

Prints one JSON object: date, machine, parameters, every run's seconds and the median.

    .venv/bin/python bench/capacity_plan.py [--runs 9] [--scale 1.0] [--realistic]
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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erhvervskontakt.capacity.erlang import Interval, plan  # noqa: E402

BUDGET_SECONDS = 0.5
WEEKS = 4
SLOTS_PER_DAY = 48


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9, help="timed runs (after one warm-up run)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply all call volumes")
    parser.add_argument("--realistic", action="store_true", help="zero calls outside weekdays 8-16")
    args = parser.parse_args()

    intervals = build_intervals(args.scale, args.realistic)
    results = plan(intervals)  # warm-up (imports, numpy caches)
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        plan(intervals)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    busy = [r for r in results if r.traffic_erlangs > 0]
    print(
        json.dumps(
            {
                "benchmark": "capacity_plan",
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {
                    "node": platform.node(),
                    "cpu": _cpu_model(),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "numpy": np.__version__,
                    "platform": platform.platform(),
                },
                "model": "erlang_a",
                "intervals": len(intervals),
                "intervals_with_calls": len(busy),
                "scale": args.scale,
                "realistic": args.realistic,
                "peak_agents": max((r.agents for r in results), default=0),
                "runs_seconds": [round(s, 4) for s in seconds],
                "median_seconds": round(median, 4),
                "budget_seconds": BUDGET_SECONDS,
                "within_budget": median < BUDGET_SECONDS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
