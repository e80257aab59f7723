"""Benchmark: the phone channel's hot paths through the full Django stack (test client, no network).

* CTI events: whole calls (newCall, answer, hangup) posted to /telephony/cti/events/;
* screen-pop: an agent's unchanged poll (``?v=<current>``, answered 204) and the queries it costs;
* menus: signed TwiML requests (entry document, then a digit) for the example menu;
* statistics: recomputing one interval holding 200 calls.

Runs on PostgreSQL in its own database (recreated) with DEBUG=0 and a local-memory cache. Reports
medians of wall time and of process CPU time (the CPU figure holds up on a busy machine).

    .venv/bin/python bench/telephony.py [--calls 300] [--rounds 3] [--database ek_telephony_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn, n: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="ek_telephony_bench")
    args = parser.parse_args()
    for sql in (f"DROP DATABASE IF EXISTS {args.database}", f"CREATE DATABASE {args.database}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1/{args.database}",
        DEBUG="0",
        SECRET_KEY="bench-only",  # noqa: S106 - a throw-away database
        ALLOWED_HOSTS="testserver",
        VAR_DIR="/tmp/ek-telephony-bench",
        DJANGO_SETTINGS_MODULE="erhvervskontakt.settings",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from erhvervskontakt.telephony import auth
    from erhvervskontakt.telephony import statistics as stats
    from erhvervskontakt.telephony.examples import build_example_menu
    from erhvervskontakt.telephony.models import Call
    from tests import factories

    org = factories.build_organisation()
    catalogue = factories.build_catalogue(org)
    personas = factories.build_personas(org)
    build_example_menu(
        code="bench", area_topic=catalogue.udeservering, licence_topic=catalogue.alkoholbevilling
    )
    _integration, token, secret = auth.create_integration("bench")
    cti = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    agent = Client()
    agent.force_login(personas.agent)
    base = int(time.time()) - 86400  # yesterday: timestamps may not lie in the future

    def post_calls(round_no: int) -> None:
        for n in range(args.calls):
            call_id = f"r{round_no}-{n}"
            for event, extra in (
                ("newCall", {"from": "+4520000001", "queue": "kc-erhvervskontakt"}),
                ("answer", {"answeringNumber": "4533661001"}),
                ("hangup", {"cause": "normalClearing"}),
            ):
                body = json.dumps({"event": event, "callId": call_id, "timestamp": base + n * 5, **extra})
                response = cti.post("/telephony/cti/events/", body, content_type="application/json")
                assert response.status_code == 200, response.content

    def poll(version: str, count: int) -> None:
        for _ in range(count):
            assert agent.get("/telephony/screen-pop/", {"v": version}).status_code == 204

    def documents(round_no: int, count: int) -> None:
        for n in range(count):
            params = {"CallSid": f"ivr-{round_no}-{n}", "From": "+4520000001"}
            url = "http://testserver/telephony/ivr/bench/"
            signed = auth.signature(secret, url, params.items())
            doc = (
                Client()
                .post("/telephony/ivr/bench/", params, HTTP_X_TWILIO_SIGNATURE=signed)
                .content.decode()
            )
            action = doc.split('action="')[1].split('"')[0].replace("&amp;", "&")
            params["Digits"] = "1"
            signed = auth.signature(secret, action, params.items())
            Client().post(action.replace("http://testserver", ""), params, HTTP_X_TWILIO_SIGNATURE=signed)

    results: dict[str, list] = {
        "cti_event": [],
        "pop_poll_unchanged": [],
        "twiml_document": [],
        "recompute": [],
    }
    for round_no in range(args.rounds):
        results["cti_event"].append(_timed(lambda r=round_no: post_calls(r), args.calls * 3))
        first = agent.get("/telephony/screen-pop/").content.decode()
        version = first.split('data-version="')[1].split('"')[0]
        results["pop_poll_unchanged"].append(_timed(lambda v=version: poll(v, 1000), 1000))
        results["twiml_document"].append(_timed(lambda r=round_no: documents(r, 100), 200))
        queued = Call.objects.filter(call_id__startswith=f"r{round_no}-").order_by("pk").first().queued_at
        start = stats.interval_start_for(queued)
        per_interval = Call.objects.filter(queue="kc-erhvervskontakt", interval_start=start).count()
        results["recompute"].append(_timed(lambda q=start: stats.recompute("kc-erhvervskontakt", q), 1))
    with CaptureQueriesContext(connection) as queries:
        agent.get("/telephony/screen-pop/", {"v": version})
    with open("/proc/cpuinfo") as cpuinfo:
        cpu_model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    summary = {
        key: {
            "wall_ms": round(1000 * statistics.median(w for w, _c in rows), 2),
            "cpu_ms": round(1000 * statistics.median(c for _w, c in rows), 2),
        }
        for key, rows in results.items()
    }
    machine = {"nproc": os.cpu_count(), "cpu": cpu_model, "python": platform.python_version()}
    machine["load1"] = round(os.getloadavg()[0], 1)
    report = {"machine": machine, "calls_per_round": args.calls, "rounds": args.rounds}
    report.update(calls_in_recomputed_interval=per_interval, pop_poll_queries=len(queries), median=summary)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
