"""Fill a PostgreSQL database with 1,000,000 realistic inquiries for benchmarks and reports.

Usage (from the repository root; PostgreSQL at 127.0.0.1 as user postgres)::

    .venv/bin/python bench/generate_inquiries.py                    # ek_bench_1m, 1,000,000 inquiries
    .venv/bin/python bench/generate_inquiries.py --inquiries 100000 --database ek_bench_100k
    .venv/bin/python bench/generate_inquiries.py --reset            # empty the inquiry tables first

What it does, in order:

1. creates the database if it does not exist and runs the migrations;
2. loads the shipped catalogue (topics, units) and the demo staff (``agent``, ``caseworker``,
   ``caseworker_b``, ``unit_contact``, ``manager``, ... password ``demo``), so the web app can
   be logged into against this database;
3. if the database already holds at least the requested number of inquiries it stops here
   ("already filled"): the script is idempotent and cheap to re-run;
4. otherwise generates companies, contact persons, inquiries, matters, timeline events and
   callbacks with a fixed random seed and loads them with PostgreSQL ``COPY`` in one
   transaction (secondary indexes and foreign keys are dropped during the load and rebuilt
   afterwards, which validates every reference), then ``VACUUM ANALYZE``.

The data spans the three years before today: about 900 inquiries per working day from phone,
email, web, forms and the counter; 20 % carry two to four matters; matters older than their
response time are almost all closed (with outcomes, first-contact answers, pauses for missing
information and a few second transfers); recent ones are open, in every state, in every unit's
queue. Reference numbers continue the real sequence (``core_referencesequence`` is advanced),
so the app can register new inquiries on top. Outgoing email rows are not generated.

For reporting: every closed matter has ``closed_at``, ``outcome``, ``responded_at``,
``transfer_count``, ``answered_first_contact`` and ``insufficient_info`` set consistently with
its timeline events (kinds from ``inquiries.workflow.EventKind``).

On a 2-core test machine one million inquiries take about ten minutes (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bulkload import NULL, Calendar, Copier, Stamps, clean, drop_secondary_structures, reset_sequences  # noqa: E402

LOADED_TABLES = [
    "businesses_company",
    "businesses_contactperson",
    "businesses_companycontact",
    "inquiries_inquiry",
    "inquiries_matter",
    "inquiries_event",
    "inquiries_callback",
]


def words(text: str) -> list[str]:
    return text.split("|")


# Word lists for company and person names ("|" separated to keep this file short).
AREAS = words(
    "Nørrebro|Vesterbro|Østerbro|Amager|Valby|Vanløse|Brønshøj|Bispebjerg|Christianshavn|Islands Brygge|"
    "Sydhavn|Nordhavn|Frederiksberg|Indre By|Kødbyen|Refshaleøen|Ørestad|Husum|Sundby|Carlsberg"
)
KINDS = words(
    "Pizza|Café|Vinbar|Bageri|Byg|Rengøring|Frisør|Malerfirma|VVS|Blomster|Logistik|Tech|Catering|"
    "Street Food|Events|Fitness|Kiosk|Autoværksted|Murer|Stilladser|Film|Kaffebar|Bryghus|Sushi|Grill|"
    "Tøjbutik|Boghandel|Cykler|Kontorhotel|Arkitekter|Tandklinik|Yoga|Container|Vaskeri|Madservice|"
    "Isbutik|Delikatesse|Smørrebrød|Burger|Bistro"
)
SURNAMES = words(
    "Jensen|Nielsen|Hansen|Pedersen|Andersen|Christensen|Larsen|Sørensen|Rasmussen|Jørgensen|Petersen|"
    "Madsen|Kristensen|Olsen|Thomsen|Poulsen"
)
FIRST_NAMES = words(
    "Sofie|Jonas|Mette|Lars|Fatima|Mikkel|Ida|Omar|Camilla|Henrik|Laura|Peter|Nadia|Søren|Julie|Emil|"
    "Hanne|Kasper|Line|Rasmus"
)
SUFFIXES = words("ApS|ApS|ApS|A/S|IVS|I/S")
CHANNELS = ["phone"] * 9 + ["email"] * 5 + ["web"] * 2 + ["form"] * 2 + ["counter"] * 2
OUTCOMES = ["answered"] * 5 + ["approved"] * 3 + ["rejected", "form_sent", "withdrawn", "no_reply"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ek_bench_1m")
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--user", default=os.environ.get("PGUSER", "postgres"))
    parser.add_argument("--inquiries", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=0, help="default: inquiries / 16")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--reset", action="store_true", help="empty the inquiry and business tables first")
    return parser.parse_args(argv)


def database_url(args) -> str:
    return f"postgres://{args.user}@{args.host}/{args.database}"


def ensure_database(args) -> None:
    import psycopg

    with psycopg.connect(host=args.host, user=args.user, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.database}"')
            print(f"created database {args.database}")


def setup_django(args) -> None:
    os.environ["DATABASE_URL"] = database_url(args)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erhvervskontakt.settings")
    import django

    django.setup()


def prepare_schema_and_reference_data() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from erhvervskontakt.demo.loader import create_staff

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_catalogue", verbosity=0)
    with transaction.atomic():
        create_staff()


class World:
    """Reference data read from the migrated database."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Max

        from erhvervskontakt.businesses.models import Company, CompanyContact, ContactPerson
        from erhvervskontakt.catalogue.models import Topic
        from erhvervskontakt.inquiries.models import Callback, Event, Inquiry, Matter
        from erhvervskontakt.organisation.models import StaffProfile, Unit
        from erhvervskontakt.organisation.roles import Role

        self.topics = list(Topic.objects.filter(is_active=True).select_related("unit").order_by("code"))
        if not self.topics:
            raise SystemExit("no topics: the catalogue did not load")
        self.kc = Unit.objects.get(code="kc-erhvervskontakt")
        self.agents = list(
            get_user_model()
            .objects.filter(groups__name=Role.AGENT)
            .values_list("pk", "first_name", "last_name")
        )
        self.caseworkers: dict[int, list[tuple[int, str]]] = {}
        for profile in StaffProfile.objects.filter(user__groups__name=Role.CASEWORKER).select_related("user"):
            label = profile.user.get_full_name() or profile.user.username
            self.caseworkers.setdefault(profile.unit_id, []).append((profile.user_id, label))
        self.next_id = {}
        for name, model in [
            ("company", Company),
            ("person", ContactPerson),
            ("companycontact", CompanyContact),
            ("inquiry", Inquiry),
            ("matter", Matter),
            ("event", Event),
            ("callback", Callback),
        ]:
            self.next_id[name] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.unit_code = {t.unit_id: t.unit.code for t in self.topics}
        self.unit_code[self.kc.pk] = self.kc.code
        # Some topics are asked about far more than others (a long tail, as in real life).
        self.weights = [1.0 / (1 + (i % 13)) for i, _ in enumerate(self.topics)]
        total = sum(self.weights)
        acc, self.cumulative = 0.0, []
        for w in self.weights:
            acc += w / total
            self.cumulative.append(acc)

    def pick_topic(self, rng: random.Random):
        return self.topics[min(bisect.bisect(self.cumulative, rng.random()), len(self.topics) - 1)]


def valid_cvr(n: int) -> str:
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    base = 10000000 + n * 13
    while True:
        digits = [int(c) for c in f"{base:08d}"]
        check = (-sum(w * d for w, d in zip(weights[:7], digits[:7], strict=True))) % 11
        if check < 10:
            return f"{base:08d}"[:7] + str(check)
        base += 1


def generate_businesses(cursor, world: World, n_companies: int, rng: random.Random):
    """Companies with one or two contact persons; returns (company id, person id, name, email, phone)."""
    companies = Copier(
        cursor,
        "businesses_company",
        (
            "id, cvr, p_number, name, address, postcode, city, phone, phone_normalized, email, "
            "industry, created_at"
        ),
    )
    persons = Copier(
        cursor,
        "businesses_contactperson",
        "id, name, email, phone, phone_normalized, language, created_at",
    )
    links = Copier(cursor, "businesses_companycontact", "id, company_id, person_id, role")
    created = dt.datetime(2023, 1, 2, 9, tzinfo=dt.UTC)
    pairs = []
    cid, pid, lid = world.next_id["company"], world.next_id["person"], world.next_id["companycontact"]
    cvrs = set()
    for i in range(n_companies):
        area, kind = AREAS[i % len(AREAS)], KINDS[(i // len(AREAS)) % len(KINDS)]
        surname = SURNAMES[(i // (len(AREAS) * len(KINDS))) % len(SURNAMES)]
        name = f"{area} {kind} {surname} {SUFFIXES[i % len(SUFFIXES)]}"
        if i >= len(AREAS) * len(KINDS) * len(SURNAMES):
            name = f"{name} {i}"
        cvr = valid_cvr(cid)
        cvr = None if cvr in cvrs or rng.random() < 0.03 else cvr  # a few foreign firms without CVR
        if cvr:
            cvrs.add(cvr)
        phone_digits = f"{20000000 + (i * 7919) % 79999999:08d}"
        companies.row(
            cid,
            cvr,
            "",
            name,
            f"{area}gade {1 + i % 180}",
            f"{1000 + i % 1500}",
            "København",
            f"+45 {phone_digits}",
            "45" + phone_digits,
            "",
            kind,
            created,
        )
        first, last = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))], SURNAMES[rng.randrange(len(SURNAMES))]
        person_phone = f"{30000000 + (i * 104729) % 69999999:08d}"
        email = f"{first.lower()}.{last.lower()}{i}@example.com".replace("ø", "oe").replace("å", "aa")
        language = "en" if rng.random() < 0.08 else "da"
        persons.row(
            pid, f"{first} {last}", email, f"+45 {person_phone}", "45" + person_phone, language, created
        )
        links.row(lid, cid, pid, "Indehaver")
        lid += 1
        pairs.append((cid, pid, f"{first} {last}", email, f"+45 {person_phone}", language))
        pid += 1
        cid += 1
    # Accountants: one person who is the contact for several companies.
    for j in range(max(1, n_companies // 200)):
        person = pid
        persons.row(
            person,
            f"Revisor {SURNAMES[j % len(SURNAMES)]} {j}",
            f"revisor{j}@example.com",
            "",
            "",
            "da",
            created,
        )
        for k in range(5):
            company = world.next_id["company"] + (j * 37 + k * 101) % n_companies
            links.row(lid, company, person, "Revisor")
            lid += 1
        pid += 1
    counts = companies.load(), persons.load(), links.load()
    world.next_id.update(company=cid, person=pid, companycontact=lid)
    print(f"  businesses: {counts[0]} companies, {counts[1]} contact persons, {counts[2]} links")
    return pairs


def received_moments(n: int, rng: random.Random, cal: Calendar, end: dt.datetime) -> list[dt.datetime]:
    """``n`` sorted arrival times over the three years before ``end``, in office hours mostly."""
    from erhvervskontakt.core.clock import COPENHAGEN

    start_day = (end - dt.timedelta(days=3 * 365)).date()
    days = [start_day + dt.timedelta(days=d) for d in range((end.date() - start_day).days + 1)]
    # Working days carry the load; weekends a little (web forms and email arrive anyway).
    weights = [1.0 if cal.is_working(d) else 0.08 for d in days]
    chosen = rng.choices(range(len(days)), weights=weights, k=n)
    chosen.sort()
    moments = []
    for index in chosen:
        seconds = int(rng.triangular(7 * 3600, 19 * 3600, 11 * 3600))
        local = dt.datetime.combine(days[index], dt.time(seconds // 3600, (seconds // 60) % 60, seconds % 60))
        moment = local.replace(tzinfo=COPENHAGEN).astimezone(dt.UTC)
        if moment > end:  # today, later than now: move it into the part of the day that has passed
            moment = end - dt.timedelta(seconds=rng.randint(60, 6 * 3600))
        moments.append(moment)
    moments.sort()
    return moments


class Histories:
    """Writes inquiries with their matters, timelines and callbacks as COPY rows.

    Each matter's history is played forward from its arrival: answered at first contact,
    or forwarded (sometimes twice), claimed, paused for missing information, resumed, replied
    to and closed, as far as its age and a random fate allow.
    """

    def __init__(self, cursor, world: World, rng: random.Random, cal: Calendar, now: dt.datetime):
        from erhvervskontakt.core import clock

        self.tz = clock.COPENHAGEN
        self.world, self.rng, self.cal, self.now = world, rng, cal, now
        self.stamp = Stamps()
        self.inquiries = Copier(
            cursor,
            "inquiries_inquiry",
            "id, reference, channel, status, company_id, contact_id, contact_name, contact_email, "
            "contact_phone, language, subject, text, received_at, due_at, closed_at, coordinator_unit_id, "
            "coordinator_id, created_by_id, answered_first_contact, insufficient_info, source_ref, "
            "tracking_token_hash, tracking_revoked_at, updated_at",
        )
        self.matters = Copier(
            cursor,
            "inquiries_matter",
            "id, inquiry_id, topic_id, unit_id, status, assignee_id, received_at, due_at, paused_at, "
            "responded_at, closed_at, outcome, transfer_count, answered_first_contact, insufficient_info, "
            "warned_at, overdue_notified_at, created_at",
        )
        self.events = Copier(
            cursor,
            "inquiries_event",
            "id, inquiry_id, matter_id, kind, actor_id, actor_label, created_at, public, text, data",
            block=50000,
        )
        self.callbacks = Copier(
            cursor,
            "inquiries_callback",
            "id, matter_id, unit_id, assignee_id, phone, window_start, window_end, note, status, "
            "created_at, done_at",
        )
        self.ids = {k: world.next_id[k] for k in ("inquiry", "matter", "event", "callback")}
        self.subjects = {
            t.pk: [clean(t.name_da[:300])] + [clean(e[:300]) for e in t.example_list()[:12]]
            for t in world.topics
        }
        self.agent_labels = {pk: clean(f"{first} {last}") for pk, first, last in world.agents}
        self.inquiry_id = self.matter_id = None

    def next_id(self, kind: str) -> int:
        value = self.ids[kind]
        self.ids[kind] = value + 1
        return value

    def event(self, kind, actor, label, at, text="", data=None, public=True, matter=True) -> None:
        """One timeline row for the current inquiry (and matter). Strings are already clean."""
        matter_id = self.matter_id if matter and self.matter_id is not None else NULL
        data_text = json.dumps(data, ensure_ascii=False) if data else "{}"
        self.events.line(
            f"{self.next_id('event')}\t{self.inquiry_id}\t{matter_id}\t{kind}\t"
            f"{NULL if actor is None else actor}\t{label}\t{self.stamp(at)}\t{'t' if public else 'f'}\t"
            f"{text}\t{data_text}"
        )

    def inquiry(self, reference: str, received: dt.datetime, pairs) -> None:
        rng, world = self.rng, self.world
        channel = CHANNELS[rng.randrange(len(CHANNELS))]
        party = (None, None, "", "", "", "da")
        if not (channel in ("phone", "counter") and rng.random() < 0.12):  # some callers stay anonymous
            # Skewed: some businesses contact the city far more often than others.
            party = pairs[int(len(pairs) * rng.random() ** 1.6)]
        company_id, person_id, contact_name, contact_email, contact_phone, language = party
        r = rng.random()
        n_matters = 1 if r < 0.8 else 2 if r < 0.94 else 3 if r < 0.98 else 4
        chosen = []
        while len(chosen) < n_matters:
            topic = world.pick_topic(rng)
            if topic not in chosen:
                chosen.append(topic)
        phrases = [self.subjects[t.pk][rng.randrange(len(self.subjects[t.pk]))] for t in chosen]
        subject = (
            phrases[0] if n_matters == 1 else clean("Ny virksomhed: " + ", ".join(t.name_da for t in chosen))
        )
        agent_id = world.agents[rng.randrange(len(world.agents))][0]
        by_staff = channel in ("phone", "counter")
        actor = agent_id if by_staff else None
        self.inquiry_id, self.matter_id = self.next_id("inquiry"), None
        label = self.agent_labels[agent_id] if by_staff else "System"
        self.event("registered", actor, label, received, f"Registered ({channel}).", {"channel": channel})
        if contact_email:
            self.event("receipt_sent", actor, label, received, "Kvittering sendt.", {"to": [contact_email]})
        results = [
            self.matter(topic, received, channel, agent_id, actor, label, subject, contact_phone)
            for topic in chosen
        ]
        statuses = [status for status, _, _, _, _ in results]
        open_statuses = [s for s in statuses if s != "closed"]
        if not open_statuses:
            status = "closed"
        elif all(s == "awaiting_business" for s in open_statuses):
            status = "awaiting_business"
        else:
            status = "open"
        open_dues = [due for s, due, _, _, _ in results if s != "closed"]
        due = max(open_dues) if open_dues else max(due for _, due, _, _, _ in results)
        closed = max(c for _, _, c, _, _ in results if c) if status == "closed" else None
        self.inquiries.row(
            self.inquiry_id, reference, channel, status, company_id, person_id, contact_name, contact_email,
            contact_phone, language, subject, " ".join(phrases), received, due, closed,
            world.kc.pk if n_matters > 1 else None, None, actor, all(r[3] for r in results),
            any(r[4] for r in results), "", f"{rng.getrandbits(256):064x}", None, closed or received,
        )  # fmt: skip

    def matter(self, topic, received, channel, agent_id, actor, label, subject, phone):
        """Write one matter and its history; return (status, due, closed_at, first contact, info)."""
        rng, world, now = self.rng, self.world, self.now
        self.matter_id = self.next_id("matter")
        direct = channel in ("web", "form")
        due = self.cal.due(received.astimezone(self.tz), topic.response_days)
        unit_id = topic.unit_id if direct else world.kc.pk
        self.event(
            "matter_added", actor, label, received, clean(topic.name_da),
            {"topic": topic.code, "unit": world.unit_code.get(unit_id, ""), "due_at": due.isoformat()},
        )  # fmt: skip
        status, assignee, paused_at, responded_at, closed_at, outcome = "new", None, None, None, None, ""
        transfers, first_contact, info = 0, False, False
        step = received + dt.timedelta(minutes=rng.randint(2, 20))
        age_days = (now - received).total_seconds() / 86400
        promised = max(topic.response_days, 1) * 1.45  # calendar days
        stale = rng.random() < 0.0005  # a small backlog of forgotten matters
        will_close = not stale and rng.random() < min(0.9997, max(0.0, (age_days - 0.5) / promised))
        agent_label = self.agent_labels[agent_id]
        if not direct and (topic.is_external or rng.random() < 0.2) and (age_days > 0.05 or will_close):
            # The agent answers a fifth of what arrives by phone, counter or email at once.
            status, outcome = "closed", "referred" if topic.is_external else "answered"
            closed_at = responded_at = step
            first_contact = True
            self.event("answered", agent_id, agent_label, step, "Besvaret ved første kontakt.",
                       {"first_contact": True, "outcome": outcome})  # fmt: skip
            self.event("closed", agent_id, agent_label, step, outcome, {"outcome": outcome})
        else:
            if not direct and (age_days > 0.15 or rng.random() < 0.5):
                transfers, unit_id = 1, topic.unit_id
                self.event(
                    "forwarded", agent_id, agent_label, step, f"Hvad virksomheden ønsker: {subject[:120]}",
                    {"from_unit": world.kc.code, "to_unit": world.unit_code[unit_id], "transfer": 1},
                )  # fmt: skip
                if rng.random() < 0.02 and age_days > 3:
                    transfers = 2
                    step += dt.timedelta(hours=rng.randint(2, 30))
                    data = {"transfer": 2, "reason": "Forkert enhed"}
                    self.event("forwarded", None, "Enheden", step, "Videresendt igen", data)
                    self.event("second_transfer", None, "Enheden", step, "Forkert enhed", data, public=False)
            workers = world.caseworkers.get(unit_id) or []
            worker_label = "System"
            if unit_id != world.kc.pk and workers and (will_close or age_days > 1.0 or rng.random() < 0.3):
                assignee, worker_label = workers[rng.randrange(len(workers))]
                step += dt.timedelta(hours=rng.randint(1, 30))
                status = "in_progress"
                self.event(
                    "assigned", assignee, worker_label, step, worker_label, {"assignee": assignee}, False
                )
                if rng.random() < 0.22:
                    info = True
                    step += dt.timedelta(days=rng.randint(1, 4))
                    responded_at = step
                    text = "Vi mangler en målfast tegning."
                    self.event(
                        "info_requested", assignee, worker_label, step, text, {"paused_at": step.isoformat()}
                    )
                    if will_close or rng.random() < 0.4:
                        paused_from, step = step, step + dt.timedelta(days=rng.randint(1, 6))
                        due = self.cal.shift(due, paused_from, step, self.tz)
                        self.event("business_replied", None, "The business", step, "Hermed tegningen.",
                                   {"via": "email"})  # fmt: skip
                        self.event("resumed", assignee, worker_label, step, "Behandlingen er genoptaget.",
                                   {"new_due": due.isoformat()})  # fmt: skip
                    else:
                        status, paused_at = "awaiting_business", step
            if will_close and status != "awaiting_business":
                step = min(step + dt.timedelta(days=rng.uniform(0.2, promised * 0.9)), now)
                outcome = OUTCOMES[rng.randrange(len(OUTCOMES))]
                responded_at = responded_at or step
                status, closed_at = "closed", step
                self.event("reply_sent", assignee, worker_label, step, "Svar på din henvendelse.")
                self.event("closed", assignee, worker_label, step, outcome, {"outcome": outcome})
            if status != "closed" and phone and rng.random() < 0.15:
                self.callback(unit_id, assignee, phone, step, age_days, agent_id)
        self.matters.row(
            self.matter_id, self.inquiry_id, topic.pk, unit_id, status, assignee, received, due, paused_at,
            responded_at, closed_at, outcome, transfers, first_contact, info, None, None, received,
        )  # fmt: skip
        return status, due, closed_at, first_contact, info

    def callback(self, unit_id, assignee, phone, step, age_days, agent_id) -> None:
        pending = age_days < 3
        start = ((self.now if pending else step) + dt.timedelta(days=1)).replace(
            minute=0, second=0, microsecond=0
        )
        callback_id = self.next_id("callback")
        done = None if pending else start + dt.timedelta(minutes=30)
        self.callbacks.row(
            callback_id, self.matter_id, unit_id, assignee, phone, start, start + dt.timedelta(hours=2),
            "Ring venligst tilbage", "pending" if pending else "done", step, done,
        )  # fmt: skip
        self.event("callback_booked", agent_id, self.agent_labels[agent_id], step, f"Opkald til {phone}",
                   {"callback": callback_id})  # fmt: skip

    def load(self) -> dict[str, int]:
        return {
            "inquiries": self.inquiries.load(),
            "matters": self.matters.load(),
            "events": self.events.load(),
            "callbacks": self.callbacks.load(),
        }


def generate_inquiries(cursor, world: World, pairs, n: int, rng: random.Random, cal: Calendar) -> dict:
    from erhvervskontakt.core import clock
    from erhvervskontakt.core.models import ReferenceSequence

    now = clock.now()
    sequences = {seq.year: seq.last for seq in ReferenceSequence.objects.filter(prefix="EK")}
    histories = Histories(cursor, world, rng, cal, now)
    start = time.monotonic()
    for i, received in enumerate(received_moments(n, rng, cal, now)):
        year = received.astimezone(clock.COPENHAGEN).year
        sequences[year] = sequences.get(year, 0) + 1
        histories.inquiry(f"EK-{year}-{sequences[year]:06d}", received, pairs)
        if (i + 1) % 100000 == 0:
            print(f"  {i + 1:>9,} inquiries ({(i + 1) / (time.monotonic() - start):,.0f}/s)", flush=True)
    print(f"  generated in {time.monotonic() - start:,.0f} s; copying ...", flush=True)
    counts = histories.load()
    for year, last in sequences.items():
        cursor.execute(
            """
            INSERT INTO core_referencesequence (prefix, year, last) VALUES ('EK', %s, %s)
            ON CONFLICT (prefix, year)
            DO UPDATE SET last = GREATEST(core_referencesequence.last, EXCLUDED.last)
            """,
            [year, last],
        )
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    ensure_database(args)
    setup_django(args)
    prepare_schema_and_reference_data()

    import psycopg

    from erhvervskontakt.inquiries.models import Inquiry

    if args.reset:
        with psycopg.connect(database_url(args)) as conn:
            conn.execute("TRUNCATE " + ", ".join(LOADED_TABLES) + " CASCADE")
            conn.execute("DELETE FROM core_referencesequence")
        print("emptied the inquiry and business tables")
    existing = Inquiry.objects.count()
    if existing >= args.inquiries:
        print(f"{args.database}: already filled ({existing:,} inquiries); nothing to do")
        return 0
    n = args.inquiries - existing
    if existing:
        print(f"{args.database} holds {existing:,} inquiries, fewer than asked; adding {n:,}")
    rng = random.Random(args.seed + existing)
    cal = Calendar()
    world = World()
    n_companies = args.companies or max(100, args.inquiries // 16)
    with psycopg.connect(database_url(args)) as conn, conn.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        recreate = drop_secondary_structures(cursor, LOADED_TABLES)
        print(f"loading {n:,} inquiries into {args.database} ({len(recreate)} indexes/keys rebuilt after)")
        pairs = generate_businesses(cursor, world, n_companies if not existing else n_companies // 10, rng)
        counts = generate_inquiries(cursor, world, pairs, n, rng, cal)
        print(f"  copied {counts}; rebuilding indexes and keys ...", flush=True)
        for statement in recreate:
            cursor.execute(statement)
        reset_sequences(cursor, LOADED_TABLES)
    with psycopg.connect(database_url(args), autocommit=True) as conn:
        for table in LOADED_TABLES:
            conn.execute(f"VACUUM ANALYZE {table}")
    print(
        f"done in {time.monotonic() - began:,.0f} s: {Inquiry.objects.count():,} inquiries in {args.database}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
