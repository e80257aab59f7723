#!/usr/bin/env python3
"""Benchmark of routing as the product runs it: ``route_train`` from the catalogue in the database,
and ``route_text`` (model + database look-ups for names and units) in a fresh serving process.

    .venv/bin/python bench/routing/bench_service.py [--heldout bench/routing/heldout.jsonl] [--rounds 3]

Uses a throw-away SQLite database under a temporary VAR_DIR (migrate, load_catalogue), pins itself
to one CPU core, and prints one JSON object: training wall and CPU seconds and peak memory; in a
separate fresh process, resident memory before and after the model is loaded and after routing every
held-out inquiry, and per-inquiry route_text wall and CPU time (median, p95) over ``--rounds`` passes.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def django_setup(var_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "erhvervskontakt.settings",
            "DEBUG": "0",  # as in production (no query log growing in memory)
            "SECRET_KEY": "bench-only-secret-key",
            "VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    import django

    django.setup()


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 2**20, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def train(var_dir: str) -> dict:
    """Parent process: fresh database, catalogue loaded, first model trained through the service."""
    django_setup(var_dir)
    from django.core.management import call_command

    quiet = io.StringIO()  # standard output carries only the JSON result
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("load_catalogue", verbosity=0, stdout=quiet)
    from erhvervskontakt.routing.training import retrain

    w0, c0 = time.perf_counter(), time.process_time()
    run = retrain(trigger="command")
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "status": run.status,
        "version": run.model.version if run.model else "",
        "training_size": run.training_size,
        "training_sources": run.training_sources,
        "holdout": {"source": run.holdout_source, **run.candidate_metrics},
        "train_wall_s": round(wall, 1),
        "train_cpu_s": round(cpu, 1),
        "engine_fit_wall_s": run.train_seconds,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def serve(var_dir: str, heldout: str, rounds: int) -> dict:
    """Child process: a serving process as a web worker would be, measured from a fresh start."""
    pin_one_core()
    base = rss_mb()
    django_setup(var_dir)
    from erhvervskontakt.routing import api, serving

    after_django = rss_mb()
    with open(heldout, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    t0 = time.perf_counter()
    serving.ensure()
    load_s = time.perf_counter() - t0
    after_load = rss_mb()
    walls, cpus = [], []
    correct = 0
    for r in range(rounds):
        for row in rows:
            w0, c0 = time.perf_counter(), time.process_time()
            routing = api.route_text(row["text"])
            cpus.append((time.process_time() - c0) * 1000)
            walls.append((time.perf_counter() - w0) * 1000)
            if r == 0:
                correct += bool(routing.top) and routing.top.code in row["topics"]
    after_routing = rss_mb()

    def p95(xs):
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    return {
        "inquiries": len(rows),
        "rounds": rounds,
        "top1_via_route_text": round(correct / len(rows), 3),
        "load_model_s": round(load_s, 2),
        "rss_python_mb": round(base, 1),
        "rss_after_django_mb": round(after_django, 1),
        "rss_after_model_mb": round(after_load, 1),
        "rss_after_routing_mb": round(after_routing, 1),
        "model_memory_mb": round(after_routing - after_django, 1),
        "route_text_median_cpu_ms": round(statistics.median(cpus), 2),
        "route_text_p95_cpu_ms": round(p95(cpus), 2),
        "route_text_median_wall_ms": round(statistics.median(walls), 2),
        "route_text_p95_wall_ms": round(p95(walls), 2),
        "first_round_median_cpu_ms": round(statistics.median(cpus[: len(rows)]), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", default=os.path.join(HERE, "heldout.jsonl"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--serve-only", metavar="VAR_DIR", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve_only:
        print(json.dumps(serve(a.serve_only, a.heldout, a.rounds)))
        return
    pin_one_core()
    with tempfile.TemporaryDirectory(prefix="ek-routing-bench-") as var_dir:
        result = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "training": train(var_dir)}
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--serve-only",
                var_dir,
                "--heldout",
                a.heldout,
                "--rounds",
                str(a.rounds),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result["serving"] = json.loads(child.stdout.strip().splitlines()[-1])
        result["machine"]["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
