"""Test data builders. Give a builder a parameter instead of copying setup between tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from erhvervskontakt.businesses.models import Company, CompanyContact, ContactPerson
from erhvervskontakt.catalogue.models import Theme, Topic
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.organisation.models import Department, StaffProfile, Unit
from erhvervskontakt.organisation.roles import Role

_seq = itertools.count(1)

# Valid CVR numbers (modulus 11): used for test businesses.
VALID_CVRS = ["13585628", "25313763", "10103940", "29189838", "35954716", "21659509"]


@dataclass
class Org:
    kc_dept: Department
    tmf: Department
    kff: Department
    ext: Department
    kc: Unit
    unit_a: Unit  # TMF, Byens Anvendelse
    unit_b: Unit  # KFF, Bevillingssekretariatet
    unit_c: Unit  # TMF, Miljøbeskyttelse
    ext_unit: Unit


@dataclass
class Catalogue:
    udeservering: Topic
    alkoholbevilling: Topic
    skilte: Topic
    miljoe: Topic
    ekstern_skat: Topic
    generel: Topic


@dataclass
class Personas:
    agent: object
    caseworker_a: object
    caseworker_a2: object
    caseworker_b: object
    unit_contact_a: object
    manager: object
    editor: object
    administrator: object
    outsider: object


def build_organisation() -> Org:
    kc_dept = Department.objects.create(code="KC", name_da="Erhvervskontakt", name_en="Business Contact")
    tmf = Department.objects.create(
        code="TMF",
        name_da="Teknik- og Miljøforvaltningen",
        name_en="Technical and Environmental Administration",
    )
    kff = Department.objects.create(
        code="KFF", name_da="Kultur- og Fritidsforvaltningen", name_en="Culture and Leisure"
    )
    ext = Department.objects.create(
        code="EXT", name_da="Statslige myndigheder", name_en="State authorities", is_external=True
    )
    return Org(
        kc_dept=kc_dept,
        tmf=tmf,
        kff=kff,
        ext=ext,
        kc=Unit.objects.create(
            code="kc-erhvervskontakt",
            department=kc_dept,
            name_da="Erhvervskontakt",
            name_en="Business Contact",
            email="erhverv@kk.test",
            phone="+45 33 66 33 66",
        ),
        unit_a=Unit.objects.create(
            code="tmf-byens-anvendelse",
            department=tmf,
            name_da="Byens Anvendelse",
            name_en="Use of the City",
            email="byensanvendelse@kk.test",
            phone="+45 33 66 35 00",
        ),
        unit_b=Unit.objects.create(
            code="kff-bevilling",
            department=kff,
            name_da="Bevillingssekretariatet",
            name_en="Licensing Secretariat",
            email="bevilling@kk.test",
            phone="+45 33 66 40 00",
        ),
        unit_c=Unit.objects.create(
            code="tmf-miljoe",
            department=tmf,
            name_da="Miljøbeskyttelse",
            name_en="Environmental Protection",
            email="miljoe@kk.test",
        ),
        ext_unit=Unit.objects.create(
            code="ext-skat", department=ext, name_da="Skattestyrelsen", name_en="Tax Agency"
        ),
    )


def make_topic(org_unit: Unit, code: str, *, days: int = 10, name_da: str | None = None, **extra) -> Topic:
    return Topic.objects.create(
        code=code,
        department=org_unit.department,
        unit=org_unit,
        response_days=days,
        name_da=name_da or code.capitalize(),
        name_en=(name_da or code).capitalize() + " (en)",
        summary_da=f"Kort om {code}",
        summary_en=f"About {code}",
        **extra,
    )


def build_catalogue(org: Org) -> Catalogue:
    theme = Theme.objects.create(
        code="restaurant-cafe", name_da="Restaurant og café", name_en="Restaurants and cafés"
    )
    cat = Catalogue(
        udeservering=make_topic(
            org.unit_a,
            "udeservering",
            days=20,
            name_da="Udeservering på fortove og pladser",
            keywords="udeservering\nborde og stole\nfortov",
        ),
        alkoholbevilling=make_topic(org.unit_b, "alkoholbevilling", days=40, name_da="Alkoholbevilling"),
        skilte=make_topic(
            org.unit_a, "skilte", days=10, name_da="Skilte og reklamer", keywords="skilt\nA-skilt"
        ),
        miljoe=make_topic(org.unit_c, "miljoe", days=30, name_da="Miljøgodkendelse"),
        ekstern_skat=make_topic(
            org.ext_unit, "ekstern-skat", days=1, name_da="Skat og moms", is_external=True
        ),
        generel=make_topic(org.kc, "generel", days=5, name_da="Generelle henvendelser"),
    )
    for topic in (cat.udeservering, cat.alkoholbevilling, cat.skilte):
        topic.themes.add(theme)
    return cat


def make_staff(username: str, roles: list[str], unit: Unit | None = None, *, phone: str = ""):
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        password="pw",
        email=f"{username}@kk.test",
        first_name=username.replace("_", " ").title(),
        last_name="Testesen",
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    StaffProfile.objects.create(user=user, unit=unit, phone=phone)
    return user


def build_personas(org: Org) -> Personas:
    p = Personas(
        agent=make_staff("agent", [Role.AGENT], org.kc, phone="4533661001"),
        caseworker_a=make_staff("caseworker_a", [Role.CASEWORKER], org.unit_a),
        caseworker_a2=make_staff("caseworker_a2", [Role.CASEWORKER], org.unit_a),
        caseworker_b=make_staff("caseworker_b", [Role.CASEWORKER], org.unit_b),
        unit_contact_a=make_staff("unit_contact_a", [Role.CASEWORKER, Role.UNIT_CONTACT], org.unit_a),
        manager=make_staff("manager", [Role.MANAGER], org.kc),
        editor=make_staff("editor", [Role.CONTENT_EDITOR]),
        administrator=make_staff("administrator", [Role.ADMINISTRATOR]),
        outsider=make_staff("outsider", []),
    )
    org.unit_a.contact_person = p.unit_contact_a
    org.unit_a.save()
    return p


def make_business(*, name: str = "Café Fælledvej ApS", email: str = "owner@cafe.test", language: str = "da"):
    n = next(_seq)
    company = Company.objects.create(
        cvr=VALID_CVRS[n % len(VALID_CVRS)] if n <= len(VALID_CVRS) else None,
        name=f"{name} {n}",
        phone=f"+45 2000 00{n:02d}",
    )
    person = ContactPerson.objects.create(
        name=f"Owner {n}", email=email, phone=f"+45 3000 00{n:02d}", language=language
    )
    CompanyContact.objects.create(company=company, person=person)
    return company, person


def register(
    topics: list[Topic],
    *,
    actor=None,
    channel: str = Channel.PHONE,
    business=None,
    direct: bool = False,
    received_at=None,
    subject: str = "Ny restaurant",
    text: str = "Vi vil åbne en restaurant",
    send_receipt: bool = True,
    contact_email: str = "",
):
    company, person = business if business else (None, None)
    reg = services.Registration(
        channel=channel,
        subject=subject,
        text=text,
        company=company,
        contact=person,
        contact_email=contact_email,
        matters=[services.MatterSpec(topic=t, direct=direct) for t in topics],
        received_at=received_at,
    )
    inquiry, token = services.inquiry_register(reg, actor=actor, send_receipt=send_receipt)
    return inquiry
