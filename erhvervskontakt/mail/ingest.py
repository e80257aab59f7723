"""Store step of ingestion: bytes → ``ParsedMessage`` → ``Decision`` → one transaction.

``ingest(raw)`` is what tests and the retry action call, ``ingest_many`` what the IMAP poller
calls (the same, with runs of new inquiries committed together). Each returns a message's result
after it is committed, so the caller may then mark the message done on the server. The unique
``dedup_key`` makes a second ingestion of the same message a no-op, also when two workers race
(the loser's insert fails and it reports a duplicate).

Anything unexpected while parsing or deciding quarantines the message with the reason; database
outages are raised instead, so the message stays unmarked on the server and is fetched again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.mail import decisions
from erhvervskontakt.mail.cpr import mask_cpr
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, MailEvent, MailEventKind, RawMessage
from erhvervskontakt.mail.parsing import ParsedMessage, Unparseable, parse_message
from erhvervskontakt.mail.rawstore import seal_raw
from erhvervskontakt.mail.store import apply_decision, apply_new_inquiries

log = logging.getLogger(__name__)

DUPLICATE = "duplicate"


class MailboxUnavailable(Exception):
    """The original cannot be fetched again from the mail server (gone, or mailbox not configured)."""


@dataclass(frozen=True)
class Location:
    """Where a message was fetched: mailbox name, UIDVALIDITY, UID, and the server's arrival time."""

    mailbox: str = ""
    uidvalidity: int | None = None
    uid: int | None = None
    arrived_at: dt.datetime | None = None


@dataclass(frozen=True)
class IngestResult:
    status: str  # an InboundStatus value, or "duplicate"
    inbound_id: int | None
    reference: str = ""

    @property
    def duplicate(self) -> bool:
        return self.status == DUPLICATE


def dedup_key(message_id: str, sha256: str) -> str:
    basis = f"mid:{message_id}" if message_id else f"raw:{sha256}"
    return hashlib.sha256(basis.encode("utf-8", "surrogateescape")).hexdigest()


def fingerprint(parsed: ParsedMessage) -> str:
    """A hash of what the message says, ignoring transport headers (Received, Delivered-To, ...)."""
    parts = [
        parsed.sender_email,
        parsed.subject,
        parsed.date.isoformat() if parsed.date else "",
        " ".join(parsed.text.split()),
        *sorted(hashlib.sha256(a.data).hexdigest() for a in parsed.attachments),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _received_at(location: Location) -> dt.datetime:
    now = clock.now()
    arrived = location.arrived_at
    if arrived is None or arrived.tzinfo is None or arrived > now:
        return now
    return arrived


def _new_row(key: str, raw: bytes, location: Location, parsed: ParsedMessage | None) -> InboundMessage:
    return InboundMessage(
        dedup_key=key,
        mailbox=location.mailbox,
        uidvalidity=location.uidvalidity,
        uid=location.uid,
        message_id=parsed.message_id if parsed else "",
        sender_email=parsed.sender_email[:320] if parsed else "",
        sender_name=mask_cpr(parsed.sender_name) if parsed else "",
        subject=mask_cpr(parsed.subject)[:1000] if parsed else "",
        sent_at=parsed.date if parsed else None,
        received_at=_received_at(location),
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        fingerprint=fingerprint(parsed) if parsed else "",
    )


def _save_raw(inbound: InboundMessage, raw: bytes) -> None:
    RawMessage.objects.create(
        inbound=inbound, ciphertext=seal_raw(raw), size=len(raw), created_at=clock.now()
    )


def _transient(exc: BaseException) -> bool:
    """A database failure that fetching the message again later may get past (an outage).

    Not an integrity or data error: those come from the message itself and would fail on every
    poll, holding up the mailbox, so the message is quarantined instead.
    """
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError | DataError)
    )


def ingest(raw: bytes, location: Location = Location()) -> IngestResult:  # noqa: B008 - frozen value
    """Turn one raw email into an inquiry, a reply, a record or a quarantine entry, exactly once."""
    try:
        parsed = parse_message(raw)
    except Unparseable as exc:
        return quarantine(raw, str(exc), location)
    except Exception as exc:  # A parser bug must not lose the message.
        log.exception("mail: parsing failed for %s bytes from %s", len(raw), location.mailbox or "a test")
        return quarantine(raw, f"parse error: {type(exc).__name__}: {exc}", location)
    return _ingest_parsed(raw, location, parsed)


def _ingest_parsed(raw: bytes, location: Location, parsed: ParsedMessage) -> IngestResult:
    sha = parsed.sha256
    key = dedup_key(parsed.message_id, sha)
    existing = InboundMessage.objects.filter(dedup_key=key).values_list("pk", "fingerprint").first()
    if existing is not None:
        if not parsed.message_id or existing[1] in ("", fingerprint(parsed)):
            return IngestResult(DUPLICATE, existing[0])
        # Some mailers reuse Message-IDs: different content is a different message.
        log.warning("mail: Message-ID %s reused for different content; kept apart", parsed.message_id[:200])
        key = dedup_key("", sha)
        if InboundMessage.objects.filter(dedup_key=key).exists():
            return IngestResult(DUPLICATE, existing[0])
    try:
        with transaction.atomic():
            inbound = _new_row(key, raw, location, parsed)
            inbound.save(force_insert=True)
            _save_raw(inbound, raw)
            apply_decision(inbound, parsed)
    except IntegrityError:
        existing = InboundMessage.objects.filter(dedup_key=key).values_list("pk", flat=True).first()
        if existing is not None:  # another worker stored it first
            return IngestResult(DUPLICATE, existing)
        log.exception("mail: integrity error storing %s", parsed.message_id or sha)
        return quarantine(raw, "integrity error while storing", location, parsed=parsed)
    except Exception as exc:
        if _transient(exc):
            raise
        log.exception("mail: could not process %s; quarantined", parsed.message_id or sha)
        return quarantine(raw, _reason(exc), location, parsed=parsed)
    return IngestResult(inbound.status, inbound.pk, inbound.inquiry.reference if inbound.inquiry_id else "")


RUN_LIMIT = 25  # new inquiries committed together at most (the reference-number lock is held meanwhile)


@dataclass(frozen=True)
class _Fetched:
    raw: bytes
    location: Location
    parsed: ParsedMessage

    @property
    def key(self) -> str:
        return dedup_key(self.parsed.message_id, self.parsed.sha256)


def ingest_many(items: Iterable[tuple[bytes, Location]]) -> Iterator[IngestResult]:
    """``ingest`` each message; yield each result, in the order given, once it is committed.

    Runs of mail that opens new inquiries whatever the database holds (``decisions.is_plain_new``)
    and was not stored before are decided and registered together in one transaction (at most
    ``RUN_LIMIT``), with one statement per table instead of one per row: all of a run is committed,
    or none of it. If storing a run fails for any reason, each of its messages is ingested again
    on its own, so a bad message is quarantined as ``ingest`` would and the others are stored.

    Everything else goes through ``ingest`` at once, without ending the run, unless it could
    depend on a message waiting in the run (``_waits_for``): then the run is stored first. So a
    reply to an inquiry opened days ago does not cut a run short, and a business's second email
    about its first still finds the inquiry the first one opened (decision 0018).
    """
    run: list[_Fetched] = []
    # A result per message since the run's first one, in order; None where the run will say.
    pending: list[IngestResult | None] = []

    def store_run() -> Iterator[IngestResult]:
        stored = _store_run(run)
        done = [next(stored) if result is None else result for result in pending]
        run.clear()
        pending.clear()
        yield from done

    for raw, location in items:
        try:
            parsed = parse_message(raw)
        except Exception:  # ``ingest`` parses it again and quarantines it with the reason
            parsed = None
        if parsed is not None and _plain_new(parsed):
            run.append(_Fetched(raw, location, parsed))
            pending.append(None)
            if len(run) >= RUN_LIMIT:
                yield from store_run()
            continue
        if parsed is not None and _waits_for(parsed, run):
            yield from store_run()
        result = ingest(raw, location) if parsed is None else _ingest_parsed(raw, location, parsed)
        if run:
            pending.append(result)
        else:
            yield result
    yield from store_run()


def _waits_for(parsed: ParsedMessage, run: list[_Fetched]) -> bool:
    """Whether ``parsed`` must be stored after the messages waiting in ``run``.

    It must if it answers one of them (threading finds inquiries by the business's own
    Message-IDs), if it is from the same sender (the receipt limit and "continues a closed
    inquiry" count that sender's earlier mail), or if it could be a copy of one of them (the
    duplicate check compares with what is stored). Nothing else links mail that cannot be
    batched to a new inquiry of the same chunk: its reference number and our Message-IDs are not
    known outside before the run is committed and its receipt sent.
    """
    answers = set(parsed.thread_ids)
    for item in run:
        other = item.parsed
        if (
            (other.message_id and (other.message_id in answers or other.message_id == parsed.message_id))
            or other.sender_email == parsed.sender_email
            or other.sha256 == parsed.sha256
        ):
            return True
    return False


def _plain_new(parsed: ParsedMessage) -> bool:
    try:
        return decisions.is_plain_new(parsed)
    except Exception:  # ``ingest`` decides it, and quarantines it if deciding fails
        return False


def _one_by_one(run: list[_Fetched]) -> Iterator[IngestResult]:
    for item in run:
        yield _ingest_parsed(item.raw, item.location, item.parsed)


def _store_run(run: list[_Fetched]) -> Iterator[IngestResult]:
    keys = [item.key for item in run]
    if (
        len(run) < 2
        or len(set(keys)) < len(keys)
        or InboundMessage.objects.filter(dedup_key__in=keys).exists()
    ):
        # Seen before, or twice here: ``ingest`` tells a copy from a reused Message-ID.
        yield from _one_by_one(run)
        return
    try:
        with transaction.atomic(), decisions.catalogue_read_once():
            inbounds = [
                _new_row(key, item.raw, item.location, item.parsed)
                for key, item in zip(keys, run, strict=True)
            ]
            apply_new_inquiries([(inbound, item.parsed) for inbound, item in zip(inbounds, run, strict=True)])
            RawMessage.objects.bulk_create(
                [
                    RawMessage(
                        inbound=inbound,
                        ciphertext=seal_raw(item.raw),
                        size=len(item.raw),
                        created_at=clock.now(),
                    )
                    for inbound, item in zip(inbounds, run, strict=True)
                ]
            )
    except Exception as exc:
        # Nothing of the run was kept. One by one, a bad message is quarantined and a database
        # outage raises (the poller stops and fetches the run again).
        log.warning(
            "mail: storing %s new emails together failed (%s: %s); storing each on its own",
            len(run),
            type(exc).__name__,
            str(exc)[:300],
            exc_info=not _transient(exc),
        )
        inbounds = None
    if inbounds is None:
        yield from _one_by_one(run)
        return
    for inbound in inbounds:
        yield IngestResult(inbound.status, inbound.pk, inbound.inquiry.reference)


def _reason(exc: Exception) -> str:
    if isinstance(exc, decisions.NoTopic):
        return f"no topic: {exc}"
    return f"{type(exc).__name__}: {exc}"[:2000]


@transaction.atomic
def quarantine(
    raw: bytes,
    reason: str,
    location: Location = Location(),
    *,
    parsed: ParsedMessage | None = None,  # noqa: B008
    headers_only: bool = False,
) -> IngestResult:
    """Keep a message that could not be processed, with the reason, for an administrator to retry.

    ``headers_only``: only the headers were fetched (too large); a retry fetches the whole message
    from the mail server, where it stays.
    """
    sha = hashlib.sha256(raw).hexdigest()
    key = dedup_key(parsed.message_id if parsed else "", sha)
    existing = InboundMessage.objects.select_for_update().filter(dedup_key=key).first()
    if existing is not None:
        if existing.status == InboundStatus.QUARANTINED:
            existing.reason = reason[:2000]
            existing.attempts += 1
            existing.save(update_fields=["reason", "attempts", "updated_at"])
        return IngestResult(DUPLICATE, existing.pk)
    inbound = _new_row(key, raw, location, parsed)
    inbound.status = InboundStatus.QUARANTINED
    inbound.reason = reason[:2000]
    inbound.data = {"headers_only": headers_only} if headers_only else {}
    inbound.save(force_insert=True)
    _save_raw(inbound, raw)
    MailEvent.objects.create(
        inbound=inbound, kind=MailEventKind.QUARANTINED, created_at=clock.now(), text=reason[:2000]
    )
    log.warning("mail: quarantined message %s from %s: %s", inbound.pk, location.mailbox or "-", reason[:300])
    return IngestResult(InboundStatus.QUARANTINED, inbound.pk)


def retry(inbound: InboundMessage, *, actor=None) -> IngestResult:
    """Process a quarantined message again from its original (administrators' "retry" action)."""
    from erhvervskontakt.mail.rawstore import open_raw

    try:
        full = None
        if (inbound.data or {}).get("headers_only"):
            from erhvervskontakt.mail.imap import fetch_original

            full = fetch_original(inbound)  # the whole message, from the mail server
        with transaction.atomic():
            row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
            if row.status != InboundStatus.QUARANTINED:
                return IngestResult(row.status, row.pk)
            if full is not None:
                RawMessage.objects.filter(inbound=row).update(ciphertext=seal_raw(full), size=len(full))
                row.size, row.sha256, row.data = len(full), hashlib.sha256(full).hexdigest(), {}
            raw = full if full is not None else open_raw(row.raw.ciphertext)
            parsed = parse_message(raw)
            row.message_id = parsed.message_id
            row.sender_email = parsed.sender_email[:320]
            row.sender_name = mask_cpr(parsed.sender_name)
            row.subject = mask_cpr(parsed.subject)[:1000]
            row.sent_at = parsed.date
            row.attempts += 1
            new_key = dedup_key(parsed.message_id, row.sha256)
            if new_key != row.dedup_key and not InboundMessage.objects.filter(dedup_key=new_key).exists():
                row.dedup_key = new_key
            MailEvent.objects.create(
                inbound=row, kind=MailEventKind.RETRIED, actor=actor, created_at=clock.now()
            )
            apply_decision(row, parsed)
    except Exception as exc:
        if _transient(exc):
            raise
        reason = str(exc) if isinstance(exc, Unparseable | MailboxUnavailable) else _reason(exc)
        with transaction.atomic():
            row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
            row.reason = reason[:2000]
            row.attempts += 1
            row.save(update_fields=["reason", "attempts", "updated_at"])
            MailEvent.objects.create(
                inbound=row,
                kind=MailEventKind.RETRIED,
                actor=actor,
                created_at=clock.now(),
                text=reason[:2000],
            )
        return IngestResult(InboundStatus.QUARANTINED, row.pk)
    return IngestResult(row.status, row.pk, row.inquiry.reference if row.inquiry_id else "")


@transaction.atomic
def dismiss(inbound: InboundMessage, *, actor, reason: str = "") -> None:
    """An administrator decides a quarantined message needs no inquiry (spam, test mail)."""
    row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if row.status != InboundStatus.QUARANTINED:
        return
    row.status = InboundStatus.DISMISSED
    row.save(update_fields=["status", "updated_at"])
    MailEvent.objects.create(
        inbound=row,
        kind=MailEventKind.DISMISSED,
        actor=actor,
        created_at=clock.now(),
        text=reason or _("Dismissed"),
    )


@transaction.atomic
def open_original(inbound: InboundMessage, *, actor, purpose: str) -> bytes:
    """Decrypt the original message for an administrator; every opening is logged with its purpose."""
    from erhvervskontakt.mail.rawstore import open_raw

    if not purpose.strip():
        raise ValueError("a purpose is required to open an original email")
    raw = open_raw(RawMessage.objects.get(inbound=inbound).ciphertext)
    MailEvent.objects.create(
        inbound=inbound,
        kind=MailEventKind.RAW_OPENED,
        actor=actor,
        created_at=clock.now(),
        text=purpose[:500],
    )
    log.info(
        "mail: original of message %s opened by %s: %s", inbound.pk, getattr(actor, "pk", None), purpose[:200]
    )
    return raw


def purge_originals(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete encrypted originals past the retention period; quarantined ones are kept until handled."""
    from django.conf import settings

    now = now or clock.now()
    cutoff = now - dt.timedelta(days=days or settings.MAIL_RAW_RETENTION_DAYS)
    old = RawMessage.objects.filter(created_at__lt=cutoff).exclude(inbound__status=InboundStatus.QUARANTINED)
    count = 0
    while True:
        batch = list(old.values_list("inbound_id", flat=True)[:500])
        if not batch:
            break
        deleted, _ = RawMessage.objects.filter(inbound_id__in=batch).delete()
        count += deleted
    if count:
        MailEvent.objects.create(
            kind=MailEventKind.RAW_PURGED,
            created_at=now,
            text=f"{count} originals older than {cutoff:%Y-%m-%d}",
        )
        log.info("mail: deleted %s originals received before %s", count, cutoff)
    return count
