"""Benchmark: the unit queue page and the inquiry search with 20 concurrent users on 1M inquiries.

Requirement (issue 2): 95th percentile under 150 ms with 20 concurrent users.

Usage (from the repository root; PostgreSQL at 127.0.0.1 as user postgres)::

    .venv/bin/python bench/generate_inquiries.py          # once: fills ek_bench_1m (minutes)
    .venv/bin/python bench/workflow_queue_search.py       # starts gunicorn, measures, prints a table
    .venv/bin/python bench/workflow_queue_search.py --users 20 --duration 60 --think 0

What it does: runs the real application under gunicorn (DEBUG off, persistent database
connections, static files collected) against the generated database, logs in as the demo
staff (``caseworker`` of Byens Anvendelse, ``caseworker_b`` of the Licensing Secretariat, the
two largest queues, and ``agent``, who may search everything), then drives the pages with
``--users`` threads, each with its own session and keep-alive connection, sending its next
request as soon as the previous one answered (``--think 0``: a closed loop, the hardest reading
of "20 concurrent users"; give ``--think 2`` for people who read the page in between).

Scenarios, each measured on its own and then mixed:

* ``queue``: the unit queue (first page, overdue filter, "assigned to me", the next page by
  its keyset cursor), for both caseworkers;
* ``search``: the inquiry search by reference, CVR number, phone, email, a person's name, part
  of a company's name and words of a subject, as the agent (everything visible) and as a
  caseworker (only inquiries with a matter in the unit).

Latencies are measured by the client, from sending the request to the last byte of the page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ek_bench_1m")
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each user waits between requests")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: 2 x CPUs + 1)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--scenarios", default="cost,queue,search,mixed")
    return parser.parse_args(argv)


# --- the server -------------------------------------------------------------------------------


def server_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{args.user}@{args.host}/{args.database}",
        DEBUG="0",
        DEMO_MODE="1",
        SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        VAR_DIR=env.get("BENCH_VAR_DIR", "/tmp/ek-bench-var"),
        DJANGO_SETTINGS_MODULE="erhvervskontakt.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def check_database(env) -> int:
    code = "from erhvervskontakt.inquiries.models import Inquiry; print(Inquiry.objects.count())"
    out = subprocess.run(
        [str(PY), "-c", f"import django; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return int(out.stdout.strip().splitlines()[-1])


def prepare_static(env) -> None:
    manifest = Path(env["VAR_DIR"]) / "static" / "staticfiles.json"
    if not manifest.exists():
        subprocess.run(
            [str(PY), "manage.py", "collectstatic", "--no-input", "-v0"], env=env, check=True, cwd=ROOT
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args, env) -> subprocess.Popen:
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    args.port = args.port or free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "erhvervskontakt.wsgi:application", "-w", str(workers), "-b",
         f"127.0.0.1:{args.port}", "--log-level", "warning", "--timeout", "60"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); is port {args.port} free?")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not come up")


# --- clients ----------------------------------------------------------------------------------


class Session:
    """One logged-in user with a keep-alive connection."""

    def __init__(self, port: int, username: str, password: str = "demo"):  # noqa: S107 - demo login
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        page = self.get("/staff/login/")[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _ = self.request("POST", "/staff/login/", body, form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not log in as {username} (status {status}); is the demo staff loaded?")

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, str]:
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers["Referer"] = f"http://127.0.0.1:{self.port}/staff/login/"
        headers["Accept-Language"] = "da"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)


def sample_terms(env) -> dict[str, list[str]]:
    """Search terms taken from the data: references, CVR numbers, phones, emails, names."""
    code = """
import json, django; django.setup()
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.businesses.models import Company, ContactPerson
step = max(Inquiry.objects.count() // 200, 1)
refs = list(Inquiry.objects.filter(pk__in=range(1, step * 200, step)).values_list("reference", flat=True))
cvrs = list(Company.objects.exclude(cvr=None).order_by("?").values_list("cvr", flat=True)[:100])
phones = list(ContactPerson.objects.exclude(phone="").order_by("?").values_list("phone", flat=True)[:100])
emails = list(ContactPerson.objects.exclude(email="").order_by("?").values_list("email", flat=True)[:100])
print(json.dumps({"reference": refs, "cvr": cvrs, "phone": phones, "email": emails}))
"""
    import json

    out = subprocess.run([str(PY), "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    terms = json.loads(out.stdout.strip().splitlines()[-1])
    terms["person"] = ["Mette Hansen", "Omar Nielsen", "Sofie Larsen", "Peter Olsen", "Hanne Madsen"]
    terms["company"] = ["Nørrebro Pizza", "Vinbar", "Amager Byg", "Kødbyen Street Food", "Valby Vaskeri"]
    terms["words"] = ["udeservering", "alkoholbevilling", "skilt", "affald", "parkering", "støj", "fortov"]
    return terms


SERVICE_COST = """
import json, statistics, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = json.loads(sys.argv[1])
out = {}
for name, (username, urls) in paths.items():
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    for url in urls:
        client.get(url)  # warm
    cpu, wall, db = [], [], []
    for _ in range(3):
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                c0, w0 = time.process_time(), time.perf_counter()
                client.get(url)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            db.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    out[name] = {k: statistics.median(v) for k, v in (("cpu", cpu), ("wall", wall), ("db", db))}
print(json.dumps(out))
"""


def service_cost(env, terms: dict[str, list[str]]) -> dict:
    """Median CPU time of the web process, wall time and database time per page, one at a time."""
    import json

    searches = [f"/staff/search/?{urllib.parse.urlencode({'q': v[0]})}" for v in terms.values()]
    paths = {
        "unit queue": (
            "caseworker",
            ["/staff/queue/", "/staff/queue/?overdue=1", "/staff/queue/?assignee=me"],
        ),
        "inquiry search (agent)": ("agent", searches),
        "inquiry search (caseworker)": ("caseworker", searches),
    }
    out = subprocess.run(
        [str(PY), "-c", SERVICE_COST, json.dumps(paths)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def queue_paths(session: Session) -> list[str]:
    paths = ["/staff/queue/", "/staff/queue/?overdue=1", "/staff/queue/?assignee=me"]
    paths.append("/staff/queue/?status=new")
    page = session.get("/staff/queue/")[1]
    match = re.search(r'href="(\?[^"]*after=[^"]+)"', page)
    if match:
        paths.append("/staff/queue/" + match.group(1).replace("&amp;", "&"))
    return paths


def search_paths(terms: dict[str, list[str]], rng: random.Random, n: int = 400) -> list[str]:
    kinds = list(terms)
    queries = [rng.choice(terms[rng.choice(kinds)]) for _ in range(n)]
    return [f"/staff/search/?{urllib.parse.urlencode({'q': q})}" for q in queries]


# --- load ---------------------------------------------------------------------------------------


def run_load(sessions: list[Session], plans: list[list[str]], duration: float, think: float) -> dict:
    """Each session requests paths from its plan in turn until ``duration`` has passed."""
    latencies: list[list[float]] = [[] for _ in sessions]
    errors = [0] * len(sessions)
    stop = time.monotonic() + duration
    barrier = threading.Barrier(len(sessions))
    first_error: dict[str, str] = {}
    slowest: list[tuple[float, str, float]] = []

    def user(i: int) -> None:
        rng = random.Random(i)
        plan = plans[i]
        barrier.wait()
        if think:
            # People do not all click at the same instant: start each one somewhere in a pause.
            time.sleep(rng.uniform(0, think))
        while time.monotonic() < stop:
            path = plan[rng.randrange(len(plan))]
            began = time.perf_counter()
            try:
                status, _ = sessions[i].get(path)
            except Exception as exc:  # counted as an error; the first one is shown
                status = 0
                first_error.setdefault("error", f"{path}: {exc!r}")
            if status not in (0, 200):
                first_error.setdefault("error", f"{path}: HTTP {status}")
            elapsed = (time.perf_counter() - began) * 1000
            if status == 200:
                latencies[i].append(elapsed)
                slowest.append((elapsed, path, time.monotonic() - started))
            else:
                errors[i] += 1
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(sessions))]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    if first_error:
        print(f"  first error: {first_error['error']}", file=sys.stderr)
    if os.environ.get("BENCH_SHOW_SLOWEST"):
        # The first seconds are warm-up (new connections, cold caches): show the steady state.
        for elapsed, path, at in sorted((s for s in slowest if s[2] > 5), reverse=True)[:15]:
            print(f"  slow: {elapsed:6.0f} ms at {at:5.1f} s {path}", file=sys.stderr)
    values = sorted(v for per_user in latencies for v in per_user)
    if not values:
        return {"n": 0, "errors": sum(errors)}

    def pct(p: float) -> float:
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    return {
        "n": len(values),
        "errors": sum(errors),
        "rps": len(values) / wall,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(values),
        "max": values[-1],
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        ram = "? RAM"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}, {platform.system()} {platform.release()}, load {load:.1f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    env = server_env(args)
    count = check_database(env)
    if count < 1_000_000 and args.database == "ek_bench_1m":
        print(f"{args.database} holds {count:,} inquiries; run bench/generate_inquiries.py", file=sys.stderr)
        return 2
    prepare_static(env)
    server = start_server(args, env)
    try:
        rng = random.Random(7)
        terms = sample_terms(env)
        people = ["caseworker", "caseworker_b", "agent"]
        sessions = [Session(args.port, people[i % 3]) for i in range(args.users)]
        queue_users = [Session(args.port, ("caseworker", "caseworker_b")[i % 2]) for i in range(args.users)]
        queue_plans = [queue_paths(s) for s in queue_users]
        search_plans = [search_paths(terms, rng) for _ in sessions]
        print(f"{count:,} inquiries in {args.database}; {args.users} users; think {args.think} s")
        print(machine())
        # Warm up: every path once per worker, so caches and connections are in place.
        run_load(queue_users, queue_plans, 5, 0)
        run_load(sessions, search_plans, 5, 0)
        results = {}
        scenarios = args.scenarios.split(",")
        if "queue" in scenarios:
            results["unit queue"] = run_load(queue_users, queue_plans, args.duration, args.think)
        if "search" in scenarios:
            results["inquiry search"] = run_load(sessions, search_plans, args.duration, args.think)
        if "mixed" in scenarios:
            mixed = [q + s[: len(q)] for q, s in zip(queue_plans, search_plans, strict=True)]
            results["mixed"] = run_load(queue_users, mixed, args.duration, args.think)
        if "cost" in scenarios:
            print()
            print("| page, one request at a time | CPU ms (web process) | wall ms | database ms |")
            print("|---|---:|---:|---:|")
            for name, cost in service_cost(env, terms).items():
                print(f"| {name} | {cost['cpu']:.0f} | {cost['wall']:.0f} | {cost['db']:.0f} |")
        print()
        print("| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | errors | p95 < 150 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        ok = True
        for name, r in results.items():
            passed = r.get("p95", 1e9) < 150 and not r["errors"]
            ok = ok and passed
            cells = [r["n"], f"{r.get('rps', 0):.0f}"] + [f"{r.get(k, 0):.0f}" for k in ("p50", "p95", "p99")]
            print(f"| {name} | {' | '.join(map(str, cells))} | {r['errors']} | {'yes' if passed else 'NO'} |")
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
