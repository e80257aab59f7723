"""The middle step of ingestion: given a parsed message, decide what it is and where it goes.

Reads the database (threads, senders, the routing engine) but changes nothing; ``ingest``
carries the decision out in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Count, Q

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


# Inside ``catalogue_read_once`` (the poller: one fetched chunk; ``ingest_many``: one run) topics and
# the contact centre are read once and reused for every email in the block, instead of the same rows
# for each email: the block sees the catalogue as it was when it began. Outside it every call reads.
_catalogue: ContextVar[dict | None] = ContextVar("mail_catalogue", default=None)


@contextlib.contextmanager
def catalogue_read_once():
    if _catalogue.get() is not None:  # nested: the outer block's reads count
        yield
        return
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


def own_addresses() -> frozenset[str]:
    """Addresses that are ours: mail from them is never answered."""
    return _own_addresses(
        tuple(settings.MAIL_OWN_ADDRESSES),
        tuple(mailbox.username for mailbox in settings.MAIL_IMAP_MAILBOXES),
        (settings.DEFAULT_FROM_EMAIL, settings.MAIL_REPLY_TO, settings.SERVER_EMAIL),
    )


@functools.lru_cache(maxsize=8)  # asked several times per email; parsing the settings is the cost
def _own_addresses(
    own: tuple[str, ...], usernames: tuple[str, ...], senders: tuple[str, ...]
) -> frozenset[str]:
    found = set(own)
    found.update(username.lower() for username in usernames if "@" in username)
    for value in senders:
        address = parseaddr(value or "")[1].lower()
        if address:
            found.add(address)
    return frozenset(found)


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
    return find_senders([address]).get(address, (None, None))


def find_senders(addresses: list[str]) -> dict[str, tuple[ContactPerson | None, Company | None]]:
    """``find_sender`` for several addresses, with one query per kind of look-up."""
    wanted = {address for address in addresses if address}
    found: dict[str, tuple[ContactPerson | None, Company | None]] = {}
    if not wanted:
        return found
    contacts = ContactPerson.objects.filter(email__in=wanted).order_by("-created_at")
    for contact in contacts.prefetch_related("companies"):
        if contact.email not in found:  # the newest contact with the address
            companies = list(contact.companies.all())
            found[contact.email] = (contact, companies[0] if len(companies) == 1 else None)
    unknown = sorted(wanted - found.keys())
    # Matched case-insensitively by the database (iexact); grouped here by upper case, which is the
    # same only for ASCII, so any other address is looked up on its own.
    plain = [address for address in unknown if address.isascii()]
    companies_by_key: dict[str, list[Company]] = {}
    if plain:
        matching = Q()
        for address in plain:
            matching |= Q(email__iexact=address)
        for company in Company.objects.filter(matching):
            companies_by_key.setdefault(company.email.upper(), []).append(company)
    for address in unknown:
        if address.isascii():
            companies = companies_by_key.get(address.upper(), [])
        else:
            companies = list(Company.objects.filter(email__iexact=address)[:2])
        found[address] = (None, companies[0] if len(companies) == 1 else None)
    return found


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


def receipt_allowed(
    message: ParsedMessage, automatic: Automatic, now: dt.datetime, *, recent: int | None = None
) -> tuple[bool, str]:
    """Whether to send a receipt: never to automatic mail, to ourselves, or to a sender answered often.

    ``recent``: receipts sent to the sender in the hour before ``now``, when the caller has counted them.
    """
    sender = message.sender_email
    if not sender:
        return False, "no sender address"
    if automatic.suppress_receipt:
        return False, automatic.reason or "automatic mail"
    if sender in own_addresses():
        return False, "sent from our own address"
    limit = settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR
    if recent is None:
        recent = receipts_sent([sender], now).get(sender, 0)
    if recent >= limit:
        return False, f"{recent} receipts to this sender in the last hour (limit {limit})"
    return True, ""


def receipts_sent(senders: list[str], now: dt.datetime) -> dict[str, int]:
    """How many receipts each sender got in the hour before ``now``."""
    rows = (
        InboundMessage.objects.filter(
            sender_email__in=set(senders), receipt_sent=True, received_at__gte=now - dt.timedelta(hours=1)
        )
        .values_list("sender_email")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def is_plain_new(message: ParsedMessage) -> bool:
    """Whether ``decide`` opens a new inquiry for ``message`` whatever the database holds: it answers
    nothing (no In-Reply-To or References, no reference number in the subject), it is not automatic
    mail, and it is not from one of our own addresses."""
    return not (
        message.thread_ids
        or find_references(message.subject)
        or classify(message)
        or message.sender_email in own_addresses()
    )


def decide_new_many(messages: list[ParsedMessage], thread_texts: list[str]) -> list[Decision]:
    """``decide`` for messages that are all ``is_plain_new`` (the caller has checked), in order, with
    one query per kind of look-up: the receipt limit counts the receipts decided for earlier messages
    here as sent."""
    now = clock.now()
    senders = find_senders([message.sender_email for message in messages])
    sent = receipts_sent([message.sender_email for message in messages], now)
    decided = []
    for message, thread_text in zip(messages, thread_texts, strict=True):
        automatic = classify(message)
        contact, company = senders.get(message.sender_email, (None, None))
        language = contact.language if contact else guess_language(thread_text)
        topic, direct, routing = choose_topic(thread_text)
        sender = message.sender_email
        allowed, note = receipt_allowed(message, automatic, now, recent=sent.get(sender, 0))
        # Counted as ``ingest`` marks it: a receipt was queued, which needs an address to go to.
        if allowed and (contact_address(sender) or (contact.email if contact else "")):
            sent[sender] = sent.get(sender, 0) + 1
        decided.append(
            Decision(
                NEW,
                automatic,
                contact=contact,
                company=company,
                language=language,
                send_receipt=allowed,
                receipt_note=note,
                topic=topic,
                direct=direct,
                routing=routing,
            )
        )
    return decided


def contact_address(sender: str) -> str:
    """The sender's address as the inquiry keeps it, for receipts ('' when too long to keep)."""
    return sender if len(sender) <= 254 else ""


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
