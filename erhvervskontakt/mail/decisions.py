"""The middle step of ingestion: given a parsed message, decide what it is and where it goes.

Reads the database (threads, senders, the routing engine) but changes nothing; ``ingest``
carries the decision out in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q

from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock
from erhvervskontakt.core.references import find_references
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import InquiryStatus
from erhvervskontakt.mail.automatic import AUTO_REPLY, BOUNCE, BULK, Automatic, classify, local_part
from erhvervskontakt.mail.bodies import guess_language
from erhvervskontakt.mail.models import InboundMessage
from erhvervskontakt.mail.parsing import ParsedMessage
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from erhvervskontakt.routing.api import route_text

NEW = "new"  # open a new inquiry
REPLY = "reply"  # the business writes on its inquiry
UNVERIFIED = "unverified"  # names an inquiry by reference, but the sender is not its business
AUTOMATIC = "automatic"  # auto-reply or bulk mail: recorded (on its inquiry if it threads)
BOUNCED = "bounce"  # a delivery failure report about mail we sent


class NoTopic(Exception):
    """Routing found nothing and no fallback topic is configured."""


@dataclass
class Decision:
    action: str
    automatic: Automatic
    inquiry: Inquiry | None = None
    via: str = ""
    follows: str = ""
    outbound: OutboundMessage | None = None
    contact: ContactPerson | None = None
    company: Company | None = None
    language: str = "da"
    send_receipt: bool = False
    receipt_note: str = ""
    topic: Topic | None = None
    direct: bool = False
    routing: dict = field(default_factory=dict)


# Inside ``catalogue_read_once`` (the poller: one fetched chunk) topics and the contact centre are
# read once and reused for every email in the block, instead of the same rows for each email: the
# block sees the catalogue as it was when it began. Outside it (tests, the retry action) every call reads.
_catalogue: ContextVar[dict | None] = ContextVar("mail_catalogue", default=None)


@contextlib.contextmanager
def catalogue_read_once():
    token = _catalogue.set({})
    try:
        yield
    finally:
        _catalogue.reset(token)


def _read_once(key: tuple, load):
    memo = _catalogue.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def _topic(code: str, *, active_only: bool) -> Topic | None:
    def load():
        topics = Topic.objects.filter(code=code)
        if active_only:
            topics = topics.filter(is_active=True)
        # The unit's contact person too: the receipt names them, and is built from these rows.
        return topics.select_related("unit__contact_person").first()

    return _read_once(("topic", code, active_only), load)


def contact_centre() -> Unit:
    """The unit that triages what is not forwarded at once (``services.contact_centre_unit``)."""
    return _read_once(("unit", settings.CONTACT_CENTRE_UNIT), services.contact_centre_unit)


def own_addresses() -> set[str]:
    """Addresses that are ours: mail from them is never answered."""
    found = set(settings.MAIL_OWN_ADDRESSES)
    for mailbox in settings.MAIL_IMAP_MAILBOXES:
        if "@" in mailbox.username:
            found.add(mailbox.username.lower())
    for value in (settings.DEFAULT_FROM_EMAIL, settings.MAIL_REPLY_TO, settings.SERVER_EMAIL):
        address = parseaddr(value or "")[1].lower()
        if address:
            found.add(address)
    return found


def find_thread(message: ParsedMessage) -> tuple[Inquiry | None, str]:
    """The inquiry the message answers and how we know.

    'headers': it answers mail we sent the business (or the business's own earlier email);
    'staff': it answers a staff notification (a colleague replied to the shared address);
    'subject': its subject names the reference number.
    """
    ids = list(message.thread_ids)
    if ids:
        answered = list(
            OutboundMessage.objects.filter(message_id__in=ids)
            .exclude(reference="")
            .values_list("reference", "kind")
        )
        to_business = [ref for ref, kind in answered if kind != MessageKind.NOTIFICATION]
        reference = (to_business or [ref for ref, _kind in answered] or [None])[0]
        if reference and not to_business:
            inquiry = Inquiry.objects.filter(reference=reference).first()
            if inquiry is not None:
                return inquiry, "staff"
        inquiry = Inquiry.objects.filter(reference=reference).first() if reference else None
        if inquiry is None:
            inquiry = Inquiry.objects.filter(source_ref__in=ids).order_by("received_at").first()
        if inquiry is None:
            earlier = InboundMessage.objects.filter(message_id__in=ids, inquiry__isnull=False).first()
            inquiry = earlier.inquiry if earlier else None
        if inquiry is not None:
            return inquiry, "headers"
    references = find_references(message.subject)
    if references:
        inquiry = Inquiry.objects.filter(reference__in=references).first()
        if inquiry is not None:
            return inquiry, "subject"
    return None, ""


def _our_message_ids(text: str) -> list[str]:
    domain = re.escape(settings.EMAIL_MESSAGE_ID_DOMAIN)
    return re.findall(rf"<[^<>\s]+@{domain}>", text or "")


def find_bounced(message: ParsedMessage) -> OutboundMessage | None:
    """The outgoing message a bounce reports on, by the report, the headers or the quoted text."""
    candidates = []
    if message.report and message.report.original_message_id:
        candidates.append(message.report.original_message_id)
    candidates += list(message.thread_ids) + _our_message_ids(message.text)
    if not candidates:
        return None
    found = {m.message_id: m for m in OutboundMessage.objects.filter(message_id__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)


def find_sender(address: str) -> tuple[ContactPerson | None, Company | None]:
    """The known contact person (and their company, when there is exactly one) for an address."""
    if not address:
        return None, None
    contact = ContactPerson.objects.filter(email=address).order_by("-created_at").first()
    company = None
    if contact is not None:
        companies = list(contact.companies.all()[:2])
        company = companies[0] if len(companies) == 1 else None
    else:
        companies = list(Company.objects.filter(email__iexact=address)[:2])
        company = companies[0] if len(companies) == 1 else None
    return contact, company


def is_requester(inquiry: Inquiry, address: str) -> bool:
    """Whether ``address`` belongs to the business of ``inquiry`` (its contact or company's contacts)."""
    if not address:
        return False
    if address in {
        inquiry.contact_email.lower(),
        (inquiry.contact.email if inquiry.contact_id else "").lower(),
    }:
        return True
    if inquiry.company_id:
        company_q = Q(companies=inquiry.company_id)
        if ContactPerson.objects.filter(company_q, email=address).exists():
            return True
        return (inquiry.company.email or "").lower() == address
    return False


def choose_topic(text: str) -> tuple[Topic, bool, dict]:
    """The routing engine's suggestion, whether the auto-forward rule sends it straight on, and why."""
    routing = route_text(text)
    info = {
        "confidence": round(float(routing.confidence), 4),
        "model_version": routing.model_version,
        "suggestions": [{"code": s.code, "score": round(float(s.score), 4)} for s in routing.suggestions[:3]],
    }
    topic = _topic(routing.top.code, active_only=True) if routing.top is not None else None
    threshold = settings.MAIL_AUTO_FORWARD_MIN_CONFIDENCE
    direct = bool(
        topic is not None
        and threshold is not None
        and routing.confidence >= threshold
        and not topic.is_external
        and (not settings.MAIL_AUTO_FORWARD_TOPICS or topic.code in settings.MAIL_AUTO_FORWARD_TOPICS)
    )
    if routing.needs_manual_triage and settings.MAIL_FALLBACK_TOPIC:
        # Too unsure to guess: register under the general topic for an agent to triage; the
        # suggestions stay in ``info`` for the agent to see. Never auto-forwarded.
        fallback = _topic(settings.MAIL_FALLBACK_TOPIC, active_only=False)
        if fallback is not None:
            topic, direct = fallback, False
            info["manual_triage"] = True
    if topic is None and settings.MAIL_FALLBACK_TOPIC:
        topic = _topic(settings.MAIL_FALLBACK_TOPIC, active_only=False)
        info["fallback"] = True
    if topic is None:
        raise NoTopic(
            "routing found no topic and MAIL_FALLBACK_TOPIC is not set to an existing topic; set it and retry"
        )
    info["auto_forwarded"] = direct
    return topic, direct, info


def receipt_allowed(message: ParsedMessage, automatic: Automatic, now: dt.datetime) -> tuple[bool, str]:
    """Whether to send a receipt: never to automatic mail, to ourselves, or to a sender answered often."""
    sender = message.sender_email
    if not sender:
        return False, "no sender address"
    if automatic.suppress_receipt:
        return False, automatic.reason or "automatic mail"
    if sender in own_addresses():
        return False, "sent from our own address"
    limit = settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR
    recent = InboundMessage.objects.filter(
        sender_email=sender, receipt_sent=True, received_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= limit:
        return False, f"{recent} receipts to this sender in the last hour (limit {limit})"
    return True, ""


def decide(message: ParsedMessage, *, thread_text: str) -> Decision:
    """What to do with ``message``; ``thread_text`` is the masked text used for routing."""
    automatic = classify(message)
    from_us = message.sender_email in own_addresses()
    if automatic.kind == BOUNCE:
        outbound = find_bounced(message)
        inquiry = (
            Inquiry.objects.filter(reference=outbound.reference).first()
            if outbound and outbound.reference
            else None
        )
        return Decision(BOUNCED, automatic, inquiry=inquiry, outbound=outbound, via="bounce")
    inquiry, via = find_thread(message)
    if automatic.kind in (AUTO_REPLY, BULK) or from_us:
        if from_us and not automatic:
            automatic = Automatic(AUTO_REPLY, "sent from our own address", True)
        return Decision(AUTOMATIC, automatic, inquiry=inquiry, via=via)
    contact, company = find_sender(message.sender_email)
    language = contact.language if contact else guess_language(thread_text)
    if via == "staff":  # never shown to the business, whatever the inquiry's state
        return Decision(UNVERIFIED, automatic, inquiry=inquiry, via=via, contact=contact, company=company)
    if inquiry is not None and inquiry.status != InquiryStatus.CLOSED:
        verified = via == "headers" or is_requester(inquiry, message.sender_email)
        return Decision(
            REPLY if verified else UNVERIFIED,
            automatic,
            inquiry=inquiry,
            via=via,
            contact=contact,
            company=company,
            language=language,
        )
    now = clock.now()
    topic, direct, routing = choose_topic(thread_text)
    allowed, note = receipt_allowed(message, automatic, now)
    return Decision(
        NEW,
        automatic,
        follows=inquiry.reference if inquiry is not None else "",
        contact=contact,
        company=company,
        language=language,
        send_receipt=allowed,
        receipt_note=note,
        topic=topic,
        direct=direct,
        routing=routing,
    )


__all__ = [
    "AUTOMATIC",
    "BOUNCED",
    "NEW",
    "REPLY",
    "UNVERIFIED",
    "Decision",
    "NoTopic",
    "decide",
    "local_part",
]
