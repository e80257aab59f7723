"""Benchmark: the yearly report for the whole city (budget 5 s) and the dashboard (budget 300 ms).

Runs against a PostgreSQL database filled by ``bench/generate_inquiries.py`` (1,000,000
inquiries in ``ek_bench_1m``), through the Django test client as a logged-in manager, so the
times include the queries, the Python around them and the template:

* ``dashboard``: the dashboard page, all units; ``dashboard_live``: the part htmx polls.
* ``report_year``: the report page for the last full calendar year, whole city, no filters.
* ``report_year_tmf``: the same for one department (TMF).
* ``report_year_baseline``: the whole city compared with the year before (two reports).
* ``xlsx_year`` and ``pdf_year``: the downloads of the yearly report (informative; no budget).
* ``report_year_cached``: the report page again within the report cache's five minutes.

All but the last are measured with the report cache off, so every run computes the report.

Each is the median of ``--runs`` timed runs after one warm-up run. Nothing is written to the
inquiry tables: sessions are signed cookies, ``last_login`` is not updated; the only writes are
the reporting calendar table (built once, a few thousand rows).

    .venv/bin/python bench/reporting_speed.py [--runs 5]      # DATABASE_URL defaults to ek_bench_1m
    ... bench/reporting_speed.py --explain     # EXPLAIN ANALYZE of every query of the yearly report

Prints one JSON object: date, machine, database size, every run's seconds, medians and ratios
to the budgets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erhvervskontakt.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ek_bench_1m")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BUDGETS = {"dashboard": 0.3, "dashboard_live": 0.3, "report_year": 5.0, "report_year_tmf": 5.0}


def _machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": memory_gb, "python": platform.python_version()}


def _backend_cpu(pid: int) -> float:
    """CPU seconds used so far by a local PostgreSQL backend process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu(call, runs: int, backend_pid: int) -> list[float]:
    call()
    seconds = []
    for _ in range(runs):
        own, backend = time.process_time(), _backend_cpu(backend_pid)
        call()
        seconds.append(round(time.process_time() - own + _backend_cpu(backend_pid) - backend, 4))
    return seconds


def _timed(call, runs: int) -> list[float]:
    call()  # warm-up: connections, templates, the calendar table
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(round(time.perf_counter() - started, 4))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="the report year (default: last year)")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the report's queries"
    )
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="also measure CPU seconds (this process + its PostgreSQL backend, parallel workers off): "
        "a figure other work on a shared machine does not inflate",
    )
    args = parser.parse_args()

    import django
    from django.conf import settings

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    # Measure computing the report, not reading it back from the report cache (see below).
    settings.REPORTING_CACHE_SECONDS = 0
    # Production settings (DEBUG=0) without needing collectstatic's manifest for page rendering.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()

    from django.contrib.auth import get_user_model, user_logged_in
    from django.contrib.auth.models import update_last_login
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from erhvervskontakt.core import clock
    from erhvervskontakt.inquiries.models import Event, Inquiry, Matter
    from erhvervskontakt.organisation.models import Department
    from erhvervskontakt.organisation.roles import Role
    from erhvervskontakt.reporting import periods, report
    from erhvervskontakt.reporting.scope import Scope

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    year = args.year or clock.today().year - 1
    manager = (
        get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).order_by("pk").first()
    )
    if manager is None:
        sys.exit("no manager in the database: run bench/generate_inquiries.py first")
    client = Client()
    client.force_login(manager)
    tmf = Department.objects.filter(code="TMF").values_list("pk", flat=True).first()
    span = periods.year(year)
    params = {"from": span.start.isoformat(), "to": span.end.isoformat()}

    def get(path, query=None):
        def call():
            response = client.get(path, query or {})
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    if args.explain:
        with CaptureQueriesContext(connection) as captured:
            report.build(span, Scope())
        from erhvervskontakt.reporting.session import reporting_session

        with reporting_session(), connection.cursor() as cursor:
            for query in captured.captured_queries:
                if not query["sql"].startswith("SELECT") or "set_config" in query["sql"]:
                    continue
                # Logged SQL has its parameters filled in; run it without parameters.
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"].replace("%%", "%"))
                print(query["time"], query["sql"][:300])
                print("\n".join(row[0] for row in cursor.fetchall()))
                print("-" * 80)
        return

    with CaptureQueriesContext(connection) as captured:
        report.build(span, Scope())
    report_queries = len(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        get("/reporting/overblik/live/")()
    dashboard_queries = len(captured.captured_queries)

    cases = {
        "dashboard": get("/reporting/overblik/"),
        "dashboard_live": get("/reporting/overblik/live/"),
        "report_year": get("/reporting/rapporter/", params),
        "report_year_tmf": get("/reporting/rapporter/", {**params, "department": str(tmf)}),
        "report_year_baseline": get(
            "/reporting/rapporter/", {**params, "bfrom": f"{year - 1}-01-01", "bto": f"{year - 1}-12-31"}
        ),
        "xlsx_year": get("/reporting/rapporter/tal.xlsx", params),
    }
    if not args.skip_pdf:
        cases["pdf_year"] = get("/reporting/rapporter/aarsrapport.pdf", params)

    def cached_page():
        # The page a second time within the cache's time slot (e.g. after downloading the PDF).
        with override_settings(REPORTING_CACHE_SECONDS=300):
            get("/reporting/rapporter/", params)()

    cases["report_year_cached"] = cached_page
    load_before = os.getloadavg()
    results = {}
    for name, call in cases.items():
        runs = _timed(call, args.runs)
        median = statistics.median(runs)
        results[name] = {"runs": runs, "median": median, "best": min(runs)}
        if name in BUDGETS:
            results[name]["budget"] = BUDGETS[name]
            results[name]["ratio_to_budget"] = round(median / BUDGETS[name], 3)
    if args.cpu:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
            # One process does all the work, so its CPU time is all the work.
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        for name, call in cases.items():
            runs = _cpu(call, args.runs, backend_pid)
            results[name]["cpu_seconds"] = {"runs": runs, "median": statistics.median(runs)}
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    year_inquiries = Inquiry.objects.filter(received_at__gte=span.since, received_at__lt=span.until).count()
    print(
        json.dumps(
            {
                "benchmark": "reporting_speed",
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": _machine(),
                "database": {
                    "vendor": connection.vendor,
                    "name": connection.settings_dict["NAME"],
                    "inquiries": Inquiry.objects.count(),
                    "matters": Matter.objects.count(),
                    "events": Event.objects.count(),
                    "inquiries_in_year": year_inquiries,
                },
                "year": year,
                # Other work on the machine slows every figure; the load is recorded with them.
                "load_average_before_after": [list(load_before), list(os.getloadavg())],
                "queries": {"report_year": report_queries, "dashboard_live": dashboard_queries},
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
