"""Benchmark: ingest 2,000 emails from a real Dovecot into inquiries, side by side with merely fetching them.

For each round a fresh folder gets 2,000 new, varied emails (Danish text, some HTML, some with a
PDF attachment, some with CPR numbers, some replies by reference). Then, on the same folder:

* fetch only: log in, select read-only, fetch every message body in chunks like the poller does;
* ingest: ``poll_mailbox`` end to end (parse, route, register with receipt, store attachments and
  the encrypted original, mark done on the server), committed per message or per run of new
  inquiries (decision 0018).

Runs against PostgreSQL (its own database, recreated) and Redis as the Celery broker, as in
production. Prints one JSON object with every round and the medians.

    .venv/bin/python bench/mail_ingest.py [--messages 2000] [--rounds 3] [--database ek_mail_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATE = 50.0
TARGET_RATIO = 0.5

SUBJECTS = [
    (
        "Udeservering foran restauranten",
        "Vi vil gerne have borde og stole på fortovet foran vores restaurant.",
    ),
    ("Skilt på facaden", "Må vi sætte et skilt op på facaden og et A-skilt på fortovet?"),
    ("Erhvervsaffald", "Hvordan skal vi sortere erhvervsaffald, og hvem henter det?"),
    (
        "Byggetilladelse til ombygning",
        "Vi skal bygge om og flytte en bærende væg. Kræver det byggetilladelse?",
    ),
    ("Støj fra ventilation", "Naboen klager over støj fra vores ventilationsanlæg om natten."),
    ("Faktura ikke betalt", "Vores e-faktura med EAN-nummer er ikke betalt efter 30 dage."),
    ("Stadeplads til julemarked", "Kan vi få en stadeplads på torvet i december?"),
    ("Rotter i gården", "Vi har set rotter i gården bag vores butik."),
    ("Filmoptagelse på gaden", "Vi vil optage en reklamefilm på gaden en formiddag."),
    ("Gravetilladelse", "Vi skal grave et nyt kabel ned i fortovet."),
]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def make_messages(n: int, round_no: int, references: list[str], replies: float = 0.1) -> list[bytes]:
    from email.message import EmailMessage
    from email.utils import format_datetime

    rng = random.Random(round_no)
    pdf = b"%PDF-1.4\n" + bytes(rng.getrandbits(8) for _ in range(30_000)) + b"\n%%EOF\n"
    out = []
    for i in range(n):
        subject, text = SUBJECTS[i % len(SUBJECTS)]
        msg = EmailMessage()
        msg["From"] = f"Virksomhed {i} <kontakt{i % 700}@firma{i % 300}.test>"
        msg["To"] = "erhverv@example.test"
        msg["Date"] = format_datetime(
            dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
        )
        msg["Message-ID"] = f"<bench-{round_no}-{i}@firma{i % 300}.test>"
        body = f"Hej\n\n{text}\n\nVenlig hilsen\nVirksomhed {i}\nTlf. 3366{i:04d}\n"
        if i % 17 == 0:
            body += "Mit CPR-nummer er 010190-1234.\n"
        if references and int((i + 1) * replies) > int(i * replies):  # spread evenly, ``replies`` of all
            msg["Subject"] = f"Re: [{rng.choice(references)}] {subject}"
            body += "\n> Tak for din henvendelse.\n> Venlig hilsen Erhvervskontakt\n"
        else:
            msg["Subject"] = subject
        msg.set_content(body)
        if i % 5 == 0:
            msg.add_alternative(
                f"<html><body><p>{text}</p><p>Venlig hilsen<br>Virksomhed {i}</p></body></html>",
                subtype="html",
            )
        if i % 5 == 1:
            msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"bilag-{i}.pdf")
        out.append(bytes(msg))
    return out


def fetch_only(server, folder: str, chunk: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    client = server.client()
    client.select_folder(folder, readonly=True)
    uids = sorted(client.search(["ALL"]))
    total = count = 0
    for i in range(0, len(uids), chunk):
        part = uids[i : i + chunk]
        sizes = client.fetch(part, ["RFC822.SIZE", "INTERNALDATE"])  # as the poller does
        for data in client.fetch(part, ["BODY.PEEK[]"]).values():
            total += len(data[b"BODY[]"])
            count += 1
        assert len(sizes) == len(part)
    client.logout()
    return time.perf_counter() - start, count, total


def _stdlib_minimum(raw: bytes) -> int:
    """The least any ingestion must do with one email using the standard library's modern API.

    Parse it with ``email.policy.default`` and read what the issue asks ingestion to use: the
    threading, sender and automatic-mail headers, the text body (plain, else HTML) and the
    attachments' names and bytes. No charset repair, sanitising, CPR masking, routing or database.
    """
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes(raw)
    for name in (
        "From",
        "Subject",
        "Message-ID",
        "Date",
        "In-Reply-To",
        "References",
        "Auto-Submitted",
        "Precedence",
        "X-Autoreply",
    ):
        msg[name]
    body = msg.get_body(("plain", "html"))
    size = len(body.get_content()) if body is not None else 0
    for part in msg.iter_attachments():
        part.get_filename()
        size += len(part.get_payload(decode=True) or b"")
    return size


def _stdlib_bare(raw: bytes) -> int:
    """Only ``parsebytes`` with ``email.policy.default``: not a single header or part read."""
    from email import policy
    from email.parser import BytesParser

    return len(BytesParser(policy=policy.default).parsebytes(raw))


def _parse_all(raws: list[bytes], parse) -> int:
    return sum(1 for raw in raws if parse(raw) is not None)


def parse_only(raws: list[bytes], which: str) -> float:
    """Seconds to parse every email on every core at once, nothing else (a floor for ingestion).

    ``which``: ``"bare"`` for ``parsebytes`` alone, ``"stdlib"`` for the standard-library minimum
    above, ``"product"`` for the product's own ``parse_message`` (defects, charsets, forwarded
    mail, HTML to text).
    Process start-up is outside the timing; splitting the list is inside it.
    """
    from concurrent.futures import ProcessPoolExecutor

    if which == "bare":
        parse = _stdlib_bare
    elif which == "stdlib":
        parse = _stdlib_minimum
    else:
        from erhvervskontakt.mail.parsing import parse_message as parse
    cores = os.cpu_count() or 1
    shares = [raws[i::cores] for i in range(cores)]
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_parse_all, [[raws[0]]] * cores, [parse] * cores))  # warm every worker
        start = time.perf_counter()
        parsed = sum(pool.map(_parse_all, shares, [parse] * cores))
        seconds = time.perf_counter() - start
    assert parsed == len(raws)
    return seconds


def fetch_raw(server, folder: str) -> list[bytes]:
    client = server.client()
    client.select_folder(folder, readonly=True)
    uids = sorted(client.search(["ALL"]))
    raws = [data[b"BODY[]"] for _, data in sorted(client.fetch(uids, ["BODY.PEEK[]"]).items())]
    client.logout()
    return raws


class Timed:
    """Wraps a function and adds up the seconds spent in it (to say where ingestion time goes).

    ``module`` may be several modules that each hold the function under ``name`` (a package that
    re-exports it and the module that calls it internally): every holder is wrapped, each wrapper
    calls the original, so a call is counted once whichever way it came.
    """

    def __init__(self, module, name: str):
        modules = module if isinstance(module, list | tuple) else [module]
        self.name, self.seconds = name, 0.0
        self.original = getattr(modules[0], name)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        for holder in modules:
            assert getattr(holder, name) is self.original, (holder, name)
            setattr(holder, name, wrapper)

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return round(seconds, 3)


class LoadSampler:
    """Samples the 1-minute load average every 5 seconds in a thread until ``stop``."""

    def __init__(self, every: float = 5.0):
        import threading

        self.samples = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        return {"median": round(statistics.median(self.samples), 2), "max": round(max(self.samples), 2)}


def setup_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    return f"postgres://postgres@127.0.0.1/{name}"


def main() -> None:
    import signal

    # Stopped from outside: still stop the throw-away Dovecot (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="ek_mail_bench")
    parser.add_argument(
        "--replies", type=float, default=0.1, help="share of replies by reference from round 2 on (0.1)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the last round's ingest (stderr)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    var = tempfile.mkdtemp(prefix="ek-mailbench-")
    os.environ.update(
        {
            "DATABASE_URL": setup_database(args.database),
            "DJANGO_SETTINGS_MODULE": "erhvervskontakt.settings",
            "SECRET_KEY": "bench-only-secret-key",
            "DEBUG": "0",
            "VAR_DIR": var,
            "MEDIA_ROOT": os.path.join(var, "media"),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "MAIL_RAW_KEYS": "l1Yk8oN2-3dVt6JbVq1aX1c1mQ2Yx1m7QYkq6p6Q2cA=",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from erhvervskontakt.catalogue.models import Topic
    from erhvervskontakt.inquiries.models import Inquiry
    from erhvervskontakt.mail.config import parse_mailboxes
    from erhvervskontakt.mail.imap import FETCH_CHUNK, poll_mailbox
    from erhvervskontakt.organisation.models import Unit
    from tests.mail.servers import start_dovecot

    call_command("migrate", verbosity=0)
    # Their messages go to stderr: stdout is the JSON report.
    call_command("load_catalogue", verbosity=0, stdout=sys.stderr)
    call_command(
        "route_train", "--if-missing", verbosity=0, stdout=sys.stderr
    )  # as `make setup`: the trained router serves
    kc = Unit.objects.get(code=settings.CONTACT_CENTRE_UNIT)
    Topic.objects.get_or_create(
        code="generel",
        defaults={
            "department": kc.department,
            "unit": kc,
            "response_days": 5,
            "name_da": "Generelt",
            "name_en": "General",
        },
    )
    settings.MAIL_FALLBACK_TOPIC = "generel"
    settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR = 1000
    from erhvervskontakt.inquiries import notifications, services
    from erhvervskontakt.inquiries.services import registration
    from erhvervskontakt.mail import decisions

    timers = {
        "routing (route_text)": Timed(decisions, "route_text"),
        # Runs of new emails are registered together; one by one, inquiry_register calls the same.
        "inquiry_register_many (core, with receipts)": Timed(
            [services, registration], "inquiry_register_many"
        ),
        "inquiry_business_replied (core)": Timed(services, "inquiry_business_replied"),
        "receipt_message (render, inside inquiry_register_many)": Timed(notifications, "receipt_message"),
        "attachment_add (core)": Timed(services, "attachment_add"),
    }
    # parse_message and seal_raw are imported by name into ingest: time them there.
    from erhvervskontakt.mail import ingest as ingest_module

    timers["parse_message"] = Timed(ingest_module, "parse_message")
    timers["encrypt original"] = Timed(ingest_module, "seal_raw")
    server = start_dovecot()
    rounds = []
    try:
        for round_no in range(args.rounds):
            folder = f"Bench{round_no}"
            references = list(Inquiry.objects.values_list("reference", flat=True)[:200])
            messages = make_messages(args.messages, round_no, references, args.replies)
            server.append(folder, messages)
            fetch_s, fetched, size = fetch_only(server, folder, FETCH_CHUNK)
            # The floor: parsing alone, on both cores, without fetching, routing or storing.
            raws = fetch_raw(server, folder)
            bare_s = parse_only(raws, "bare")
            stdlib_s = parse_only(raws, "stdlib")
            product_s = parse_only(raws, "product")
            settings.MAIL_IMAP_MAILBOXES = parse_mailboxes(server.url(folder, name=folder))
            loads = LoadSampler()
            start, cpu_start = time.perf_counter(), time.process_time()
            profiler = None
            if args.profile and round_no == args.rounds - 1:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            result = poll_mailbox(settings.MAIL_IMAP_MAILBOXES[0], batch=args.messages)
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(60)
            ingest_s, ingest_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
            load_during = loads.stop()
            assert result.error == "", result.error
            assert result.fetched == args.messages, result
            rounds.append(
                {
                    "messages": fetched,
                    "megabytes": round(size / 1e6, 1),
                    "fetch_s": round(fetch_s, 3),
                    "ingest_s": round(ingest_s, 3),
                    "fetch_rate": round(fetched / fetch_s, 1),
                    "ingest_rate": round(result.fetched / ingest_s, 1),
                    "ratio": round((result.fetched / ingest_s) / (fetched / fetch_s), 3),
                    # Parsing alone on every core (no fetch, routing or database): an upper bound for
                    # any ingestion that parses with the standard library's modern email API.
                    "parse_only_bare_rate": round(len(raws) / bare_s, 1),
                    "parse_only_bare_ratio": round((len(raws) / bare_s) / (fetched / fetch_s), 3),
                    "parse_only_stdlib_minimum_rate": round(len(raws) / stdlib_s, 1),
                    "parse_only_stdlib_minimum_ratio": round((len(raws) / stdlib_s) / (fetched / fetch_s), 3),
                    "parse_only_product_rate": round(len(raws) / product_s, 1),
                    "parse_only_product_ratio": round((len(raws) / product_s) / (fetched / fetch_s), 3),
                    # This process's CPU (the database's and Dovecot's are not in it), and the 1-minute
                    # load average sampled every 5 s while ingesting: on a shared machine the wall
                    # time depends on both.
                    "ingest_cpu_ms_per_message": round(1000 * ingest_cpu_s / result.fetched, 2),
                    "load_during_ingest": load_during,
                    "statuses": result.statuses,
                    "seconds_in": {name: timer.take() for name, timer in timers.items()},
                }
            )
            print(json.dumps(rounds[-1]), file=sys.stderr)
    finally:
        server.stop(remove=True)
        shutil.rmtree(var, ignore_errors=True)  # media files and the file cache of this run
    fetch_rate = statistics.median(r["fetch_rate"] for r in rounds)
    ingest_rate = statistics.median(r["ingest_rate"] for r in rounds)
    ratio = statistics.median(r["ratio"] for r in rounds)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_before": load_before, "load_after": os.getloadavg()[0]},
        "routing_model": decisions.route_text("udeservering").model_version,
        "messages_per_round": args.messages,
        "rounds": rounds,
        "median_fetch_rate": fetch_rate,
        "median_ingest_rate": ingest_rate,
        "median_ratio": ratio,
        "median_parse_only_bare_ratio": statistics.median(r["parse_only_bare_ratio"] for r in rounds),
        "median_parse_only_stdlib_minimum_ratio": statistics.median(
            r["parse_only_stdlib_minimum_ratio"] for r in rounds
        ),
        "median_parse_only_product_ratio": statistics.median(r["parse_only_product_ratio"] for r in rounds),
        "targets": {"ingest_rate": TARGET_RATE, "ratio": TARGET_RATIO},
        "meets_targets": ingest_rate >= TARGET_RATE and ratio >= TARGET_RATIO,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
