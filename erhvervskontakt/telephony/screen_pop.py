"""Screen-pop: who is on the line for the agent who just answered.

The agent's page polls every second. To keep that cheap, each agent's current pop is a short
version string in the cache (``<call id>.<version>`` or ``none``); a poll whose version is
unchanged costs one cache read and gets 204 No Content. Call changes drop the agent's cached
version (``forget``), so the next poll reads the database once and renders the new pop.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from erhvervskontakt.businesses.identifiers import normalize_phone
from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.workflow import Channel, InquiryStatus

log = logging.getLogger(__name__)
NONE = "none"
STAFF_PHONES_KEY = "telephony:staff-phones:v1"
STAFF_PHONES_TTL = 60  # seconds: a changed phone number in a staff profile counts within a minute
MAX_INQUIRIES = 5


def _key(user_id: int) -> str:
    return f"telephony:screen-pop:v1:{user_id}"


def _staff_phones() -> dict[str, int | None]:
    phones = cache.get(STAFF_PHONES_KEY)
    if phones is None:
        from erhvervskontakt.organisation.models import StaffProfile

        phones = {}
        profiles = StaffProfile.objects.exclude(phone="").filter(user__is_active=True)
        for user_id, phone in profiles.values_list("user_id", "phone"):
            number = normalize_phone(phone)
            if number:
                # Two people with one number cannot be told apart: nobody gets the pop.
                phones[number] = None if number in phones else user_id
        cache.set(STAFF_PHONES_KEY, phones, STAFF_PHONES_TTL)
    return phones


def forget_staff_phones(*args, **kwargs) -> None:
    cache.delete(STAFF_PHONES_KEY)


def staff_for_number(number: str) -> int | None:
    """The staff user whose profile phone is ``number`` (normalised), or None."""
    normalized = normalize_phone(number or "")
    if not normalized:
        return None
    user_id = _staff_phones().get(normalized)
    if user_id is None:
        log.info("telephony: answering number %s is not one staff member's phone", normalized)
    return user_id


def forget(user_id: int) -> None:
    cache.delete(_key(user_id))


def current_call(user_id: int):
    """The call the agent answered most recently, while it lasts and a while after it ended."""
    from erhvervskontakt.telephony.models import Call

    linger = dt.timedelta(minutes=settings.TELEPHONY_SCREEN_POP_MINUTES)
    since = clock.now() - linger
    return (
        Call.objects.filter(answered_by_id=user_id)
        .filter(
            Q(ended_at__isnull=True, answered_at__gte=since - dt.timedelta(hours=12)) | Q(ended_at__gte=since)
        )
        .order_by("-answered_at", "-pk")
        .first()
    )


def current_version(user_id: int) -> str:
    """The agent's pop version: from the cache, or read once from the database."""
    version = cache.get(_key(user_id))
    if version is not None:
        return version
    call = current_call(user_id)
    linger = settings.TELEPHONY_SCREEN_POP_MINUTES * 60
    if call is None:
        version, ttl = NONE, linger
    else:
        version = f"{call.pk}.{call.version}"
        ttl = linger
        if call.ended_at is not None:
            # Expire when the pop should disappear, so the next poll clears it.
            remaining = (call.ended_at + dt.timedelta(seconds=linger) - clock.now()).total_seconds()
            ttl = max(1, int(remaining))
    cache.set(_key(user_id), version, ttl)
    return version


def register_url(call) -> str:
    """The workspace's register page pre-filled with channel, number and menu path ('' if absent)."""
    try:
        base = reverse("workspace:register")
    except NoReverseMatch:
        return ""
    params = {"channel": Channel.PHONE, "phone": call.from_number}
    if call.menu_path:
        params["note"] = call.menu_path
    return f"{base}?{urlencode(params)}"


def context(user, call) -> dict:
    """What the agent sees: the caller's business and contact, their open inquiries, a register link."""
    from erhvervskontakt.telephony.ivr import queue_label

    number = call.from_normalized
    contacts, companies, inquiries = [], [], []
    if number:
        contacts = list(
            ContactPerson.objects.filter(phone_normalized=number).prefetch_related("companies")[:5]
        )
        companies = list(Company.objects.filter(phone_normalized=number)[:5])
        for person in contacts:
            companies.extend(c for c in person.companies.all() if c not in companies)
        raw = {call.from_number, f"+{number}", number}
        if number.startswith("45") and len(number) == 10:
            raw.add(number[2:])
        match = Q(contact__in=contacts) | Q(company__in=companies) | Q(contact_phone__in=raw)
        inquiries = list(
            access.visible_inquiries(user)
            .exclude(status=InquiryStatus.CLOSED)
            .filter(match)
            .select_related("company")
            .order_by("-received_at")[:MAX_INQUIRIES]
        )
    return {
        "call": call,
        "contacts": contacts,
        "companies": companies[:5],
        "inquiries": inquiries,
        "register_url": register_url(call),
        "queue_label": queue_label(call.queue) if call.queue else "",
    }
