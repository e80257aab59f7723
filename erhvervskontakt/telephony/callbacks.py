"""'Leave your number and we call you back': the promised window and the inquiry behind it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.businesses.identifiers import normalize_phone
from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.telephony.models import MenuNode

log = logging.getLogger(__name__)
MIN_WINDOW = dt.timedelta(minutes=30)


class CallbackUnavailable(Exception):
    """The step cannot create a callback (no topic); the caller is put through instead."""


def _opening_moments(day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    hours = workdays.opening_hours(day)
    if hours is None:
        return None
    return (
        dt.datetime.combine(day, hours[0], tzinfo=clock.COPENHAGEN),
        dt.datetime.combine(day, hours[1], tzinfo=clock.COPENHAGEN),
    )


def callback_window(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window a caller at ``moment`` is promised: the next TELEPHONY_CALLBACK_WINDOW_HOURS of
    opening time, within one day; less than half an hour left today means the next open day."""
    length = dt.timedelta(hours=settings.TELEPHONY_CALLBACK_WINDOW_HOURS)
    local = clock.local(moment).replace(second=0, microsecond=0)
    day = local.date()
    for _step in range(31):
        opening = _opening_moments(day)
        if opening is not None:
            start = max(local, opening[0])
            end = min(start + length, opening[1])
            if end - start >= MIN_WINDOW:
                return start, end
        day += dt.timedelta(days=1)
    raise RuntimeError("no opening hours in the next month; check OPENING_HOURS")


def valid_callback_number(digits: str) -> str:
    """The normalised number to call, or "" when ``digits`` cannot be a phone number."""
    digits = "".join(ch for ch in digits or "" if ch.isdigit())
    if len(digits) == 8 and digits[0] != "0":
        return "45" + digits
    if digits.startswith("00"):
        digits = digits[2:]
    if 10 <= len(digits) <= 15:
        return digits
    return ""


def caller_number(raw: str) -> str:
    """The caller's own number if the platform gave a usable one (not 'anonymous')."""
    return valid_callback_number(normalize_phone(raw or ""))


def _topic_for(node: MenuNode) -> Topic:
    if node.topic_id:
        return node.topic
    topic = Topic.objects.filter(code=settings.TELEPHONY_GENERAL_TOPIC).select_related("unit").first()
    if topic is None:
        raise CallbackUnavailable(f"general topic {settings.TELEPHONY_GENERAL_TOPIC!r} does not exist")
    return topic


def _only(queryset):
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def callback_unit(node: MenuNode):
    return node.unit or _topic_for(node).unit


@transaction.atomic
def request_callback(*, call_id: str, node: MenuNode, phone: str, language: str, moment=None) -> Inquiry:
    """Register a phone inquiry and book a callback to the unit's queue, once per call.

    ``phone`` is normalised (digits with country code). The business and contact person are
    linked only when the number identifies exactly one of them; no receipt is sent (the
    callback confirmation is, when the contact has an email address).
    """
    source_ref = f"telephony:{call_id}"
    existing = Inquiry.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    topic = _topic_for(node)
    unit = node.unit or topic.unit
    contact = _only(ContactPerson.objects.filter(phone_normalized=phone))
    company = _only(Company.objects.filter(phone_normalized=phone))
    if company is None and contact is not None:
        company = _only(contact.companies.all())
    path = node.path_label() or node.title
    reg = services.Registration(
        channel=Channel.PHONE,
        subject=(_("Callback requested in the phone menu: %(path)s") % {"path": path})[:300],
        text=_(
            "The caller chose “%(path)s” in the phone menu “%(menu)s” and asked to be called on +%(phone)s."
        )
        % {"path": path, "menu": node.menu.name, "phone": phone},
        matters=[services.MatterSpec(topic=topic, unit=unit)],
        company=company,
        contact=contact,
        contact_phone=f"+{phone}",
        language=language if language in ("da", "en") else "da",
        received_at=moment,
        source_ref=source_ref,
    )
    inquiry, _token = services.inquiry_register(reg, actor=None, send_receipt=False)
    start, end = callback_window(moment or clock.now())
    services.callback_book(
        inquiry.matters.get(),
        actor=None,
        phone=f"+{phone}",
        window_start=start,
        window_end=end,
        unit=unit,
        note=_("Requested in the phone menu: %(path)s") % {"path": path},
    )
    log.info("telephony: callback %s booked for call %s to %s", inquiry.reference, call_id, unit.code)
    return inquiry
