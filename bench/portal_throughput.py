"""Portal throughput: guide pages and search against /healthz on the same gunicorn + PostgreSQL.

Target (issue 3): topic pages and search serve at least 50 % of the requests per second that
/healthz serves, measured side by side in one run, with a 95th percentile under 100 ms at 50
concurrent connections.

What it does: creates its own PostgreSQL database, migrates and loads the shipped catalogue and
forms, starts gunicorn (production settings: DEBUG=0, manifest static files, the same cache
backend as production: Redis when reachable, else the shared file cache), and drives it with
wrk (Debian's /usr/bin/wrk) in rounds: /healthz, every topic page in Danish and English, the
search with a rotating set of real phrasings (warm: popular queries repeat), and the search with
a unique query per request (cold: every request misses the cache, runs the routing engine and
PostgreSQL full-text search). Medians over the rounds are printed as a Markdown section for
docs/benchmarks.md.

    .venv/bin/python bench/portal_throughput.py [--rounds 3] [--duration 15] [--connections 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
DB_NAME = "ek_portal_bench"
REDIS_DB = 11  # a database number of its own on the shared Redis

LUA = r"""
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local unique = %(unique)s
local counter = 0
local thread_id = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
init = function(args)
  thread_id = tonumber(id) or 0
end
request = function()
  counter = counter + 1
  local index = (counter %% #paths) + 1
  local path = paths[index]
  if unique then
    path = path .. "+" .. thread_id .. "x" .. counter
  end
  local headers = {}
  local cookie = cookies[(counter %% #cookies) + 1]
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url() -> str:
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                s.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
                s.recv(64)
                return url
    except OSError:
        pass
    return ""


def prepare(env: dict[str, str]) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=True
    )
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["load_catalogue"],
        ["load_forms"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def topic_paths_and_queries(env: dict[str, str]) -> tuple[list[str], list[str]]:
    script = (
        "import django, json; django.setup();"
        "from erhvervskontakt.catalogue.models import Topic;"
        "from erhvervskontakt.routing.api import route_text;"
        "route_text('borde og stole på fortovet');"  # fails loudly if the engine cannot run here
        "t = list(Topic.objects.filter(is_active=True));"
        "print(json.dumps([[x.code for x in t], [e for x in t for e in x.example_list()[:2]]]))"
    )
    out = subprocess.run(
        [PY, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "erhvervskontakt.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    codes, examples = json.loads(out.strip().splitlines()[-1])
    queries = ["/soeg/?q=" + urllib.parse.quote_plus(e[:120]) for e in examples]
    return [f"/emne/{c}/" for c in codes], queries


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "erhvervskontakt.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def worker_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far: the server's own cost, whatever the load."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in Path("/proc").glob("[0-9]*"):
        try:
            fields = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def warm_up(port: int, paths: list[str]) -> None:
    """Visit every page once per language, as the first visitors of the day would."""
    for cookie in ("", "django_language=en"):
        for path in paths:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()


def wrk(
    port: int,
    paths: list[str],
    *,
    duration: int,
    connections: int,
    threads: int,
    unique=False,
    languages=("",),
) -> dict[str, float]:
    lua = LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "cookies": ", ".join(json.dumps(c) for c in languages),
        "unique": "true" if unique else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
        script = fh.name
    try:
        out = subprocess.run(
            [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                script,
                f"http://127.0.0.1:{port}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, errors, non2xx = (int(x) for x in line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors,
        "non2xx": non2xx,
        "requests": requests,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--cache", choices=["auto", "redis", "file"], default="auto")
    args = parser.parse_args()
    # A SIGTERM (e.g. from `timeout`) still stops gunicorn and removes the temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    var_dir = Path(tempfile.mkdtemp(prefix="ek-portal-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    cache = "file"
    if args.cache in ("auto", "redis"):
        url = redis_url()
        if url:
            env["REDIS_URL"], cache = url, "redis"
        elif args.cache == "redis":
            raise SystemExit("Redis is not reachable on 127.0.0.1:6379")
    print(f"preparing database {DB_NAME} (cache: {cache}) ...", file=sys.stderr)
    prepare(env)
    topics, queries = topic_paths_and_queries(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    scenarios = {
        "healthz": {"paths": ["/healthz"]},
        "topic pages": {"paths": topics, "languages": ("", "django_language=en")},
        "search (warm)": {"paths": queries, "languages": ("", "django_language=en")},
        "search (cold)": {"paths": queries, "unique": True},
    }
    results: dict[str, list[dict]] = {name: [] for name in scenarios}
    try:
        warm_up(port, topics + queries)
        for round_no in range(args.rounds):
            for name, spec in scenarios.items():
                cpu_before = worker_cpu_seconds(server.pid)
                result = wrk(
                    port,
                    spec["paths"],
                    duration=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    unique=spec.get("unique", False),
                    languages=spec.get("languages", ("",)),
                )
                result["cpu_ms"] = (
                    (worker_cpu_seconds(server.pid) - cpu_before) * 1000 / max(result["requests"], 1)
                )
                results[name].append(result)
                print(
                    f"round {round_no + 1} {name:14s} {result['rps']:8.0f} req/s"
                    f"  p95 {result['p95_ms']:6.1f} ms  errors {result['errors']} non-2xx {result['non2xx']}",
                    file=sys.stderr,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)

    median = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in results.items()}
    base = median["healthz"]["rps"]
    info = machine()
    print(f"\n### Run {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"load average at the end {info['load']}."
    )
    print(
        f"Server: gunicorn, {args.workers} sync workers, PostgreSQL 127.0.0.1, cache {cache}, DEBUG=0. "
        f"wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s x {args.rounds} rounds (medians).\n"
    )
    print(
        "| endpoint | req/s | vs /healthz | p50 ms | p95 ms | p99 ms | server CPU ms/req | errors / non-2xx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    ok = True
    for name, m in median.items():
        ratio = m["rps"] / base
        print(
            f"| {name} | {m['rps']:.0f} | {ratio:.0%} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} "
            f"| {m['p99_ms']:.1f} | {m['cpu_ms']:.2f} | {m['errors']:.0f} / {m['non2xx']:.0f} |"
        )
        if name in ("topic pages", "search (warm)"):
            ok &= ratio >= 0.5 and m["p95_ms"] < 100 and m["non2xx"] == 0
    print(
        f"\nTarget (topic pages and search ≥ 50 % of /healthz, p95 < 100 ms): {'met' if ok else 'NOT met'}."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
