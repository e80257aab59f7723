"""The thin transport: fetch bytes from IMAP mailboxes, hand them to ``ingest_many``, mark them done.

A message is marked done on the server (keyword ``$Erhvervskontakt`` plus \\Seen, or moved to a
folder) only after ``ingest_many`` has committed it; the handled messages of a fetched chunk are
marked with one command. If the connection drops in between, the next poll finds the message
unmarked, sees its (mailbox, UIDVALIDITY, UID) already stored, and only marks it; if the UID is
unknown (another mailbox, a changed UIDVALIDITY), the unique key on the Message-ID (or content
hash) still stops a second inquiry. Each mailbox is polled by one worker at a time (a lease
claimed with a conditional UPDATE); the key guards even without the lease.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from imapclient import IMAPClient

from erhvervskontakt.core import clock
from erhvervskontakt.mail.config import MailboxConfig
from erhvervskontakt.mail.decisions import catalogue_read_once
from erhvervskontakt.mail.ingest import IngestResult, Location, MailboxUnavailable, ingest_many, quarantine
from erhvervskontakt.mail.models import InboundMessage, MailboxState, MailEvent, MailEventKind
from erhvervskontakt.outbox import services as outbox

log = logging.getLogger(__name__)

DONE_KEYWORD = "$Erhvervskontakt"
FETCH_CHUNK = 50
LEASE_SECONDS = 900


@dataclass
class PollResult:
    mailbox: str
    skipped: bool = False  # another worker holds the lease
    fetched: int = 0
    marked: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def count(self, result: IngestResult) -> None:
        self.statuses[result.status] = self.statuses.get(result.status, 0) + 1


def connect(config: MailboxConfig) -> IMAPClient:
    # Certificates are always verified; MAIL_IMAP_CA_FILE adds a private CA (a city's internal one).
    context = ssl.create_default_context(cafile=settings.MAIL_IMAP_CA_FILE or None)
    client = IMAPClient(
        config.host, port=config.port, ssl=config.ssl, ssl_context=context, timeout=settings.MAIL_IMAP_TIMEOUT
    )
    try:
        if config.starttls:
            client.starttls(context)
        client.login(config.username, config.password)
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()
        raise
    client.normalise_times = False  # aware INTERNALDATEs
    return client


def _claim(name: str, token: str, *, lease: int = LEASE_SECONDS) -> bool:
    MailboxState.objects.get_or_create(name=name)
    now = clock.now()
    return bool(
        MailboxState.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), name=name
        ).update(claimed_until=now + dt.timedelta(seconds=lease), claimed_by=token)
    )


def _release(name: str, token: str, **fields) -> None:
    MailboxState.objects.filter(name=name, claimed_by=token).update(
        claimed_until=None, claimed_by="", **fields
    )


class _Marker:
    """How handled mail is marked here: a keyword, \\Seen where keywords are not kept, or a move."""

    def __init__(self, client: IMAPClient, config: MailboxConfig, select_info: dict):
        self.client = client
        self.move_to = config.move_to
        permanent = select_info.get(b"PERMANENTFLAGS", ())
        self.keyword = DONE_KEYWORD if b"\\*" in permanent else ""
        if not self.move_to and not self.keyword:
            log.warning("mail: %s keeps no custom keywords; marking handled mail \\Seen", config.name)
        if self.move_to and not client.folder_exists(self.move_to):
            client.create_folder(self.move_to)

    def pending_criteria(self) -> list:
        if self.move_to:
            return ["NOT", "DELETED"]
        if self.keyword:
            return ["NOT", "KEYWORD", self.keyword, "NOT", "DELETED"]
        return ["UNSEEN", "NOT", "DELETED"]

    def mark(self, uids: list[int]) -> None:
        if not uids:
            return
        if self.move_to:
            if self.client.has_capability("MOVE"):
                self.client.move(uids, self.move_to)
            else:
                self.client.copy(uids, self.move_to)
                self.client.add_flags(uids, [b"\\Deleted"], silent=True)
                self.client.uid_expunge(uids) if self.client.has_capability(
                    "UIDPLUS"
                ) else self.client.expunge()
        else:
            flags = [b"\\Seen"] + ([self.keyword.encode()] if self.keyword else [])
            self.client.add_flags(uids, flags, silent=True)


def _check_uidvalidity(name: str, uidvalidity: int) -> None:
    state = MailboxState.objects.get(name=name)
    if state.uidvalidity is not None and state.uidvalidity != uidvalidity:
        # UIDs from before mean nothing now; the Message-ID/hash key still stops duplicates.
        log.warning("mail: UIDVALIDITY of %s changed from %s to %s", name, state.uidvalidity, uidvalidity)
        MailEvent.objects.create(
            kind=MailEventKind.UIDVALIDITY_CHANGED,
            created_at=clock.now(),
            text=f"{name}: {state.uidvalidity} -> {uidvalidity}",
        )
        MailboxState.objects.filter(name=name).update(uidvalidity=uidvalidity, last_uid=0)
    elif state.uidvalidity is None:
        MailboxState.objects.filter(name=name).update(uidvalidity=uidvalidity)


def _ingest_chunk(
    config: MailboxConfig,
    uidvalidity: int,
    chunk: list[int],
    sizes: dict,
    bodies: dict,
    result: PollResult,
    after_ingest: Callable[[int, IngestResult], None] | None,
    done: list[int],
) -> None:
    """Ingest or quarantine the fetched messages in UID order; add each UID to ``done`` once its
    message is committed (``ingest_many`` commits runs of new inquiries together)."""
    whole: list[tuple[int, bytes, Location]] = []

    def handled(uid: int, outcome: IngestResult) -> None:
        result.fetched += 1
        result.count(outcome)
        done.append(uid)
        if after_ingest is not None:
            after_ingest(uid, outcome)

    def ingest_whole() -> None:
        outcomes = ingest_many((raw, location) for _uid, raw, location in whole)
        for (uid, _raw, _location), outcome in zip(whole, outcomes, strict=True):
            handled(uid, outcome)
        whole.clear()

    for uid in chunk:
        if uid not in bodies:
            continue  # expunged by someone else meanwhile
        meta = sizes.get(uid, {})
        location = Location(config.name, uidvalidity, uid, meta.get(b"INTERNALDATE"))
        data = bodies[uid]
        if b"HEADERS" not in data:
            whole.append((uid, data.get(b"BODY[]", b""), location))
            continue
        ingest_whole()  # in order
        outcome = quarantine(
            data[b"HEADERS"],
            f"message of {meta.get(b'RFC822.SIZE', 0)} bytes exceeds MAIL_MAX_MESSAGE_BYTES; "
            "only its headers are kept here, the message stays on the mail server",
            location,
            headers_only=True,
        )
        handled(uid, outcome)
    ingest_whole()


def poll_mailbox(
    config: MailboxConfig,
    *,
    batch: int | None = None,
    claim: bool = True,
    after_ingest: Callable[[int, IngestResult], None] | None = None,
) -> PollResult:
    """Fetch and ingest up to ``batch`` waiting messages from one mailbox; mark each done after commit.

    ``after_ingest(uid, result)`` is a test seam (e.g. to drop the connection mid-run).
    """
    result = PollResult(config.name)
    token = uuid.uuid4().hex
    if claim and not _claim(config.name, token):
        result.skipped = True
        return result
    if not claim:
        MailboxState.objects.get_or_create(name=config.name)
    batch = batch or settings.MAIL_POLL_BATCH
    client = None
    highest = 0
    try:
        client = connect(config)
        info = client.select_folder(config.folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        _check_uidvalidity(config.name, uidvalidity)
        marker = _Marker(client, config, info)
        uids = sorted(client.search(marker.pending_criteria()))[:batch]
        known = set(
            InboundMessage.objects.filter(
                mailbox=config.name, uidvalidity=uidvalidity, uid__in=uids
            ).values_list("uid", flat=True)
        )
        if known:  # committed before, not marked (connection lost in between): mark only
            marker.mark(sorted(known))
            result.marked += len(known)
        todo = [uid for uid in uids if uid not in known]
        for start in range(0, len(todo), FETCH_CHUNK):
            chunk = todo[start : start + FETCH_CHUNK]
            sizes = client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
            small = [
                u for u in chunk if sizes.get(u, {}).get(b"RFC822.SIZE", 0) <= settings.MAIL_MAX_MESSAGE_BYTES
            ]
            large = [u for u in chunk if u in sizes and u not in small]
            bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            if large:
                bodies.update(
                    {
                        uid: {b"HEADERS": data.get(b"BODY[HEADER]", b"")}
                        for uid, data in client.fetch(large, ["BODY.PEEK[HEADER]"]).items()
                    }
                )
            done: list[int] = []
            try:
                # One request to the outbox worker per chunk, after its last commit (not one per
                # email); topics read once per chunk.
                with outbox.delivery_requested_once(), catalogue_read_once():
                    _ingest_chunk(config, uidvalidity, chunk, sizes, bodies, result, after_ingest, done)
            finally:
                highest = max([highest, *done])
            marker.mark(done)
            result.marked += len(done)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("mail: polling %s stopped: %s", config.name, result.error)
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.logout()
        now = clock.now()
        fields = {"last_poll_at": now, "last_error": result.error}
        if not result.error:
            fields["last_success_at"] = now
        if claim:
            _release(config.name, token, **fields)
        else:
            MailboxState.objects.filter(name=config.name).update(**fields)
        if highest:
            MailboxState.objects.filter(name=config.name, last_uid__lt=highest).update(last_uid=highest)
    return result


def poll_all(*, batch: int | None = None) -> list[PollResult]:
    """Poll every configured mailbox once (the periodic job and ``manage.py poll_mail``)."""
    return [poll_mailbox(config, batch=batch) for config in settings.MAIL_IMAP_MAILBOXES]


def fetch_original(inbound: InboundMessage) -> bytes:
    """Fetch a message again from its mailbox, whatever its size (retrying a headers-only quarantine).

    Looks it up by UID when UIDVALIDITY is unchanged, else by Message-ID, also in the ``move:`` folder.
    """
    config = next((c for c in settings.MAIL_IMAP_MAILBOXES if c.name == inbound.mailbox), None)
    if config is None:
        raise MailboxUnavailable(f"mailbox {inbound.mailbox!r} is no longer configured")
    try:
        client = connect(config)
    except Exception as exc:
        raise MailboxUnavailable(f"cannot reach mailbox {config.name}: {exc}") from exc
    try:
        for folder in [config.folder] + ([config.move_to] if config.move_to else []):
            info = client.select_folder(folder, readonly=True)
            uids = []
            if folder == config.folder and int(info[b"UIDVALIDITY"]) == inbound.uidvalidity and inbound.uid:
                uids = [inbound.uid]
            elif inbound.message_id:
                uids = client.search(["HEADER", "Message-ID", inbound.message_id])
            if uids:
                for data in client.fetch(uids[:1], ["BODY.PEEK[]"]).values():
                    if data.get(b"BODY[]"):
                        return data[b"BODY[]"]
        raise MailboxUnavailable(f"the message is no longer in mailbox {config.name}")
    finally:
        with contextlib.suppress(Exception):
            client.logout()
