"""Who an inquiry is from: finding businesses and contact persons, and adding new ones.

Used when staff register an inquiry (counter, phone) and by other channels that meet a new
business. Look-ups only read; the two write functions validate at the boundary (the CVR
number's check digit) and are meant to run inside the registering transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from erhvervskontakt.businesses.identifiers import clean_cvr, normalize_phone
from erhvervskontakt.businesses.models import Company, CompanyContact, ContactPerson

LOOKUP_LIMIT = 10


@dataclass(frozen=True)
class Party:
    """One choice in the business look-up: a company, a person, or a person at a company."""

    company: Company | None
    person: ContactPerson | None

    @property
    def key(self) -> str:
        parts = []
        if self.company is not None:
            parts.append(f"c{self.company.pk}")
        if self.person is not None:
            parts.append(f"p{self.person.pk}")
        return "".join(parts)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def find_parties(query: str, *, limit: int = LOOKUP_LIMIT) -> list[Party]:
    """Businesses and contact persons matching a CVR number, a phone number or a name.

    Eight digits are tried as a CVR number and as a phone number; longer digit strings and
    "+45 ..." as a phone number; anything else as part of a company's or a person's name.
    Each company is listed with each of its contact persons and once on its own.
    """
    query = (query or "").strip()
    if len(query) < 2:
        return []
    digits = _digits(query)
    companies = Company.objects.none()
    persons = ContactPerson.objects.none()
    compact = re.sub(r"[\s+\-.()]", "", query)
    if compact.isdigit() and len(digits) >= 4:
        # Digits: a CVR number as it is typed (prefix) and, once long enough, a phone number.
        phone = normalize_phone(query)
        by_key = Q(cvr=digits) if len(digits) == 8 else Q(cvr__startswith=digits) if len(digits) < 8 else Q()
        persons = ContactPerson.objects.none()
        if len(digits) >= 8:
            by_key |= Q(phone_normalized=phone)
            persons = ContactPerson.objects.filter(phone_normalized=phone)
        companies = Company.objects.filter(by_key).order_by("name") if by_key else companies
    elif len(query) >= 2:
        companies = Company.objects.filter(name__icontains=query).order_by("name")
        persons = ContactPerson.objects.filter(Q(name__icontains=query) | Q(email__iexact=query)).order_by(
            "name"
        )
    results: list[Party] = []
    seen: set[str] = set()

    def add(party: Party) -> None:
        if party.key not in seen and len(results) < limit:
            seen.add(party.key)
            results.append(party)

    for company in companies[:limit]:
        for person in company.contacts.all().order_by("name")[:5]:
            add(Party(company, person))
        add(Party(company, None))
    for person in persons.prefetch_related("companies")[:limit]:
        linked = list(person.companies.all()[:3])
        for company in linked:
            add(Party(company, person))
        if not linked:
            add(Party(None, person))
    return results


def parse_party_key(key: str) -> tuple[int | None, int | None]:
    """``c12p34`` → (12, 34); ``c12`` → (12, None); ``p34`` → (None, 34). Raises ValueError."""
    company_id = person_id = None
    rest = key
    if rest.startswith("c"):
        number, _, rest = rest[1:].partition("p")
        company_id = int(number)
        rest = f"p{rest}" if rest else ""
    if rest.startswith("p"):
        person_id = int(rest[1:])
        rest = ""
    if rest or (company_id is None and person_id is None):
        raise ValueError(key)
    return company_id, person_id


def load_party(key: str) -> Party:
    """The company and person a look-up key names; ValidationError when it is stale or malformed."""
    try:
        company_id, person_id = parse_party_key(key)
    except ValueError as exc:
        raise ValidationError(_("Choose the business again."), code="party") from exc
    company = Company.objects.filter(pk=company_id).first() if company_id else None
    person = ContactPerson.objects.filter(pk=person_id).first() if person_id else None
    if (company_id and company is None) or (person_id and person is None):
        raise ValidationError(_("Choose the business again."), code="party")
    return Party(company, person)


def company_find_or_add(*, cvr: str, name: str, phone: str = "", email: str = "") -> Company:
    """The company with this CVR number, or a new one. The CVR check digit is validated.

    A company without a CVR number (a foreign firm, a business being started) is added by name.
    """
    cvr = (cvr or "").strip()
    name = (name or "").strip()
    if cvr:
        cvr = clean_cvr(cvr)
        existing = Company.objects.filter(cvr=cvr).first()
        if existing is not None:
            return existing
    if not name:
        raise ValidationError(_("Write the business's name."), code="company_name")
    company = Company(cvr=cvr or None, name=name[:300], phone=phone[:32], email=email)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:  # registered by a colleague a moment ago
        return Company.objects.get(cvr=cvr)
    return company


def contact_add(
    *, company: Company | None, name: str, email: str = "", phone: str = "", language: str = "da"
):
    """Add a contact person (linked to ``company`` when given), reusing one with the same email."""
    name = (name or "").strip()
    email = (email or "").strip().lower()
    if not name:
        raise ValidationError(_("Write the contact person's name."), code="contact_name")
    person = ContactPerson.objects.filter(email=email).first() if email else None
    if person is None:
        person = ContactPerson.objects.create(
            name=name[:200],
            email=email,
            phone=(phone or "")[:32],
            language=language if language in ("da", "en") else "da",
        )
    if company is not None:
        CompanyContact.objects.get_or_create(company=company, person=person)
    return person
