"""Build a realistic demo: staff in every unit, businesses and ~120 inquiries in every state.

Everything goes through the same service functions the product uses, with the clock set to
each step's moment, so timelines, due dates, receipts and outbox rows look like real use.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from erhvervskontakt.businesses.models import Company, CompanyContact, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.demo.people import COMPANIES, FIRST_NAMES, LAST_NAMES, PERSONAS, valid_cvr
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel, Outcome
from erhvervskontakt.organisation.models import StaffProfile, Unit
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.outbox import services as outbox

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, only loaded in demo mode
MULTI_MATTER_PROJECTS = [
    ["udeservering", "alkoholbevilling", "skilte", "spildevand"],
    ["byggetilladelse", "vejareal", "stoej"],
    ["arrangement", "alkoholbevilling", "erhvervsaffald"],
    ["rekruttering", "loentilskud"],
    ["stadeplads", "ekstern-foedevarer"],
]


def _user(username, first, last, roles, unit, phone):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.erhvervskontakt.test"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = bool({Role.CONTENT_EDITOR, Role.ADMINISTRATOR} & set(roles))
        user.is_superuser = Role.ADMINISTRATOR in roles
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
    StaffProfile.objects.update_or_create(user=user, defaults={"unit": unit, "phone": phone})
    return user


def _resolve_unit(spec: str | None) -> Unit | None:
    if spec is None:
        return None
    if spec.startswith("topic:"):
        return Topic.objects.select_related("unit").get(code=spec.split(":", 1)[1]).unit
    return Unit.objects.get(code=spec)


def create_staff() -> dict[int, list]:
    """Personas plus one or two caseworkers in every city unit; returns caseworkers per unit id."""
    for username, first, last, roles, unit_spec, phone in PERSONAS:
        _user(username, first, last, roles, _resolve_unit(unit_spec), phone)
    unit = _resolve_unit("topic:udeservering")
    if unit.contact_person_id is None:
        unit.contact_person = get_user_model().objects.get(username="unit_contact")
        unit.save(update_fields=["contact_person"])
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    by_unit: dict[int, list] = {}
    for i, unit in enumerate(Unit.objects.exclude(department__code__in=["EXT"]).order_by("code")):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user = _user(
            f"cw.{unit.code}", first, last, [Role.CASEWORKER, Role.UNIT_CONTACT], unit, f"+45336640{i:02d}"
        )
        if unit.contact_person_id is None:
            unit.contact_person = user
            unit.save(update_fields=["contact_person"])
    for profile in StaffProfile.objects.filter(user__groups__name=Role.CASEWORKER).select_related("user"):
        by_unit.setdefault(profile.unit_id, []).append(profile.user)
    return by_unit


def create_businesses() -> list[tuple[Company, ContactPerson]]:
    rng = random.Random(11)  # noqa: S311
    pairs = []
    for i, (name, address, postcode, city, industry) in enumerate(COMPANIES):
        company, _ = Company.objects.get_or_create(
            cvr=valid_cvr(i + 1),
            defaults={
                "name": name,
                "address": address,
                "postcode": postcode,
                "city": city,
                "industry": industry,
                "phone": "+45 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
            },
        )
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first.lower().replace('ø', 'oe')}.{last.lower().replace('ø', 'oe')}{i}@example.com"
        person, _ = ContactPerson.objects.get_or_create(
            email=email,
            defaults={
                "name": f"{first} {last}",
                "phone": f"+45 {rng.randint(20000000, 99999999)}",
                "language": "en" if i % 5 == 0 else "da",
            },
        )
        CompanyContact.objects.get_or_create(company=company, person=person, defaults={"role": "Indehaver"})
        pairs.append((company, person))
    # One accountant who is the contact for several companies.
    accountant, _ = ContactPerson.objects.get_or_create(
        email="revisor@example.com", defaults={"name": "Rikke Revisor", "phone": "+45 40404040"}
    )
    for company, _ in pairs[:3]:
        CompanyContact.objects.get_or_create(company=company, person=accountant, defaults={"role": "Revisor"})
    return pairs


def _working_moment(rng: random.Random, days_ago: int) -> dt.datetime:
    day = clock.today() - dt.timedelta(days=days_ago)
    while not workdays.is_working_day(day):
        day -= dt.timedelta(days=1)
    local = dt.datetime.combine(
        day, dt.time(9 + rng.randint(0, 5), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=clock.COPENHAGEN
    )
    if local > clock.now():
        return _working_moment(rng, days_ago + 1)
    return local


def create_inquiries(n: int, by_unit: dict[int, list], pairs, *, seed: int = 2026) -> int:
    rng = random.Random(seed)  # noqa: S311
    User = get_user_model()
    agents = list(User.objects.filter(groups__name=Role.AGENT))
    topics = list(Topic.objects.filter(is_active=True).select_related("unit"))
    by_code = {t.code: t for t in topics}
    kc = Unit.objects.get(code="kc-erhvervskontakt")
    channels = (
        [Channel.PHONE] * 9
        + [Channel.EMAIL] * 5
        + [Channel.WEB] * 2
        + [Channel.FORM] * 2
        + [Channel.COUNTER] * 2
    )
    created = 0
    for i in range(n):
        days_ago = rng.randint(0, 75)
        received = _working_moment(rng, days_ago)
        channel = rng.choice(channels)
        if i % 8 == 0:
            codes = [c for c in rng.choice(MULTI_MATTER_PROJECTS) if c in by_code]
        else:
            codes = [rng.choice(topics).code]
        chosen = [by_code[c] for c in codes]
        anonymous = channel in (Channel.PHONE, Channel.COUNTER) and rng.random() < 0.1
        company, person = (None, None) if anonymous else rng.choice(pairs)
        examples = chosen[0].example_list() or [chosen[0].name_da]
        text = rng.choice(examples)
        if len(chosen) > 1:
            text = " ".join(rng.choice(t.example_list() or [t.name_da]) for t in chosen)
        agent = rng.choice(agents)
        direct = channel in (Channel.WEB, Channel.FORM)
        actor = None if direct or channel == Channel.EMAIL else agent
        with clock.frozen_at(received):
            reg = services.Registration(
                channel=channel,
                subject=(
                    chosen[0].name_da
                    if len(chosen) == 1
                    else "Ny virksomhed: " + ", ".join(t.name_da for t in chosen)
                )[:300],
                text=text,
                company=company,
                contact=person,
                language=person.language if person else "da",
                matters=[services.MatterSpec(topic=t, direct=direct) for t in chosen],
                received_at=received,
            )
            inquiry, _ = services.inquiry_register(reg, actor=actor, send_receipt=person is not None)
        created += 1
        _play_history(rng, inquiry, agent, by_unit, kc, received, days_ago)
    return created


def _caseworker(rng, by_unit, unit_id):
    people = by_unit.get(unit_id) or []
    return rng.choice(people) if people else None


def _play_history(rng, inquiry: Inquiry, agent, by_unit, kc, received: dt.datetime, days_ago: int) -> None:
    """Move an inquiry through a plausible history, step by step in time."""
    moment = received + dt.timedelta(minutes=rng.randint(2, 15))
    fate = rng.random()
    for matter in list(inquiry.matters.select_related("topic", "unit")):
        topic = matter.topic
        with clock.frozen_at(moment):
            if matter.unit_id == kc.pk and (topic.is_external or fate < 0.3):
                answer = topic.guidance_internal_da.split("\n")[0][:500] or topic.summary_da or topic.name_da
                services.matter_answer_first_contact(
                    matter,
                    actor=agent,
                    answer=answer,
                    outcome=Outcome.REFERRED if topic.is_external else Outcome.ANSWERED,
                )
                continue
            if matter.unit_id == kc.pk:
                services.matter_forward(
                    matter,
                    to_unit=topic.unit,
                    actor=agent,
                    note=services.ForwardNote(
                        wants=inquiry.subject, told="Kvittering og forventet svartid", documents=""
                    ),
                )
        if fate < 0.38 and inquiry.requester_email:
            with clock.frozen_at(moment + dt.timedelta(minutes=5)):
                matter.refresh_from_db()
                if matter.status != "closed":
                    start = clock.local(moment + dt.timedelta(days=1)).replace(hour=10, minute=0)
                    services.callback_book(
                        matter,
                        actor=agent,
                        phone=inquiry.contact_phone or "+45 33 66 33 66",
                        window_start=start,
                        window_end=start + dt.timedelta(hours=2),
                    )
        worker = _caseworker(rng, by_unit, topic.unit_id)
        if worker is None or days_ago < 1:
            continue
        step = moment + dt.timedelta(days=1, hours=rng.randint(0, 4))
        with clock.frozen_at(step):
            matter.refresh_from_db()
            if matter.status == "closed":
                continue
            services.matter_assign(matter, actor=worker, assignee=worker)
        if fate < 0.55 and days_ago > 3:
            step += dt.timedelta(days=rng.randint(1, 3))
            with clock.frozen_at(step):
                services.matter_request_info(
                    matter,
                    actor=worker,
                    text="Vi mangler en målfast tegning / dokumentation for at kunne behandle sagen.",
                )
            if fate < 0.45 and days_ago > 8:
                step += dt.timedelta(days=rng.randint(1, 4))
                with clock.frozen_at(step):
                    services.inquiry_business_replied(
                        inquiry,
                        text="Hermed den ønskede dokumentation.",
                        via="staff",
                        actor=worker,
                        matter=matter,
                    )
        if fate < 0.8 and days_ago > 10:
            step += dt.timedelta(days=rng.randint(1, 6))
            with clock.frozen_at(step):
                matter.refresh_from_db()
                if matter.status != "awaiting_business":
                    services.matter_close(
                        matter,
                        actor=worker,
                        outcome=rng.choice([Outcome.APPROVED, Outcome.ANSWERED, Outcome.ANSWERED]),
                        note="Afgjort og meddelt virksomheden.",
                    )


def demo_loaded() -> bool:
    return get_user_model().objects.filter(username="agent").exists() and Inquiry.objects.exists()


def load_demo(n_inquiries: int = 120) -> dict[str, int]:
    # Hundreds of receipts and notifications are queued in one transaction; without this, each
    # asked the worker for delivery after the commit, and `make run` spent its first minutes
    # draining hundreds of task messages that found nothing left to send.
    with outbox.delivery_requested_once():
        return _load(n_inquiries)


@transaction.atomic
def _load(n_inquiries: int) -> dict[str, int]:
    by_unit = create_staff()
    pairs = create_businesses()
    count = create_inquiries(n_inquiries, by_unit, pairs)
    return {"inquiries": count, "companies": len(pairs), "staff": get_user_model().objects.count()}
