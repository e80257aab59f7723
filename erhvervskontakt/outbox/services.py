"""The outbox: enqueue in the caller's transaction, deliver later with retries.

``enqueue`` writes a row inside the state change's transaction and asks for delivery with
``transaction.on_commit``; ``deliver_due`` is the plain function the periodic task and the
on-commit task both call. Rows are claimed with a conditional UPDATE so two workers never
send the same message; a crash while sending releases the claim after ``CLAIM_SECONDS``.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import logging
import smtplib
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q

from erhvervskontakt.core import clock
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
CLAIM_SECONDS = 300
# Back-off: 1, 2, 4, ... minutes, capped at 4 hours: a day-long outage is bridged in 12 tries.
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 4 * 3600


def new_message_id() -> str:
    return make_msgid(idstring=uuid.uuid4().hex[:12], domain=settings.EMAIL_MESSAGE_ID_DOMAIN)


def enqueue(**fields) -> OutboundMessage:
    """Store a message to send once the surrounding transaction commits (fields: ``new_message``)."""
    message = new_message(**fields)
    message.save(force_insert=True)
    transaction.on_commit(_request_delivery)
    return message


def enqueue_many(messages: list[OutboundMessage]) -> list[OutboundMessage]:
    """Store messages made by ``new_message`` with one statement (batches of registrations)."""
    if messages:
        OutboundMessage.objects.bulk_create(messages)
        transaction.on_commit(_request_delivery)
    return messages


def new_message(
    *,
    kind: str,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    reference: str = "",
    cc: list[str] | None = None,
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    message_id: str | None = None,
) -> OutboundMessage:
    """An unsaved outbox row, checked; ``enqueue`` stores one, ``enqueue_many`` several."""
    if kind not in MessageKind.values:
        raise ValueError(f"unknown message kind {kind!r}")
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    return OutboundMessage(
        kind=kind,
        reference=reference,
        to=recipients,
        cc=cc or [],
        reply_to=reply_to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject.replace("\n", " ").replace("\r", " ")[:500],
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        attachments=[
            {"filename": name, "content_type": ctype, "content_b64": base64.b64encode(data).decode("ascii")}
            for name, ctype, data in (attachments or [])
        ],
        message_id=message_id or new_message_id(),
        next_attempt_at=clock.now(),
    )


# Inside ``delivery_requested_once``: a list that records whether a commit asked for delivery.
_batch: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("outbox_batch", default=None)


@contextlib.contextmanager
def delivery_requested_once():
    """Ask the worker for delivery once, when the block ends, instead of after every commit in it.

    For loops that commit many small transactions (the mail poller commits each email on its own):
    one task message per block instead of one per email. Each row is committed as before; only the
    request to send it now waits until the end of the block, and the periodic job sends it anyway.
    """
    if _batch.get() is not None:  # nested: the outer block asks
        yield
        return
    requested: list[bool] = []
    token = _batch.set(requested)
    try:
        yield
    finally:
        _batch.reset(token)
        if requested:
            _schedule_delivery()


def _request_delivery() -> None:
    requested = _batch.get()
    if requested is not None:
        requested[:] = [True]
    else:
        _schedule_delivery()


def _schedule_delivery() -> None:
    # Import here: tasks import Celery, which the pure service should not need at import time.
    from erhvervskontakt.outbox.tasks import deliver_outbox

    try:
        deliver_outbox.delay()
    except Exception:  # The periodic job picks the row up anyway; the broker may be down.
        log.warning(
            "outbox: could not schedule immediate delivery; the periodic job will send it", exc_info=True
        )


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take a message for sending; False when another worker has it or it is not due."""
    claimable = Q(status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, claimed_until__lt=now
    )
    return bool(
        OutboundMessage.objects.filter(claimable, pk=message_id).update(
            status=MessageStatus.SENDING, claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS)
        )
    )


AUTO_KINDS = {MessageKind.RECEIPT, MessageKind.CALLBACK_CONFIRMATION, MessageKind.NOTIFICATION}


def _headers_for(message: OutboundMessage) -> dict[str, str]:
    """Headers that make replies thread and keep auto-responders quiet, whatever the caller gave.

    The reference number goes in the subject (our poller matches it), References always holds
    In-Reply-To, and automatic mail says so (RFC 3834) so other systems do not answer it.
    """
    headers = {"Message-ID": message.message_id, **{k: v for k, v in message.headers.items() if v}}
    in_reply_to = headers.get("In-Reply-To", "")
    if in_reply_to:
        references = headers.get("References", "").split()
        if in_reply_to not in references:
            references.append(in_reply_to)
        headers["References"] = " ".join(references[-20:])
    if message.kind in AUTO_KINDS:
        headers.setdefault(
            "Auto-Submitted", "auto-replied" if message.kind == MessageKind.RECEIPT else "auto-generated"
        )
        headers.setdefault("X-Auto-Response-Suppress", "All")
    if message.reference:
        headers.setdefault("X-Erhvervskontakt-Reference", message.reference)
    return headers


def subject_with_reference(subject: str, reference: str) -> str:
    if reference and reference not in subject:
        return f"[{reference}] {subject}"
    return subject


def build_email(message: OutboundMessage, connection=None) -> EmailMultiAlternatives:
    reply_to = message.reply_to or getattr(settings, "MAIL_REPLY_TO", "")
    email = EmailMultiAlternatives(
        subject=subject_with_reference(message.subject, message.reference),
        body=message.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        cc=message.cc,
        reply_to=[reply_to] if reply_to else None,
        headers=_headers_for(message),
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content_b64"]), item["content_type"])
    return email


def _permanent(exc: Exception) -> bool:
    """A 5xx answer about this message (unknown recipient, refused sender or content): retrying won't help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(int(code) >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _per_message(exc: Exception) -> bool:
    """Whether the error concerns only this message; otherwise the server or connection is the problem."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError)


def deliver_due(*, limit: int = 100) -> dict[str, int]:
    """Send messages that are due; return counts of sent, failed and given-up messages."""
    now = clock.now()
    due = Q(status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, claimed_until__lt=now
    )
    ids = list(
        OutboundMessage.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "dead": 0}
    if not ids:
        return counts
    connection = get_connection(fail_silently=False)
    try:
        for pk in ids:
            if not _claim(pk, now):
                continue
            message = OutboundMessage.objects.get(pk=pk)
            try:
                build_email(message, connection).send(fail_silently=False)
            except Exception as exc:  # Any transport error: keep the row, retry later.
                attempts = message.attempts + 1
                dead = attempts >= MAX_ATTEMPTS or _permanent(exc)
                OutboundMessage.objects.filter(pk=pk).update(
                    status=MessageStatus.DEAD if dead else MessageStatus.FAILED,
                    attempts=attempts,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    next_attempt_at=clock.now() + backoff(attempts),
                    claimed_until=None,
                )
                counts["dead" if dead else "failed"] += 1
                log.warning("outbox: sending message %s failed (attempt %s): %s", pk, attempts, exc)
                with contextlib.suppress(Exception):  # closing a broken connection may itself fail
                    connection.close()
                if not _per_message(exc):
                    # The server is down or the connection broke: the rest would fail the same way.
                    # They stay due (their attempts unchanged) for the next run.
                    break
                connection = get_connection(fail_silently=False)
            else:
                OutboundMessage.objects.filter(pk=pk).update(
                    status=MessageStatus.SENT,
                    attempts=message.attempts + 1,
                    sent_at=clock.now(),
                    last_error="",
                    claimed_until=None,
                )
                counts["sent"] += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return counts


def retry_now(message: OutboundMessage) -> None:
    """Make a failed or dead message due again (administrators' "retry" action)."""
    OutboundMessage.objects.filter(pk=message.pk).exclude(status=MessageStatus.SENT).update(
        status=MessageStatus.PENDING, next_attempt_at=clock.now(), claimed_until=None
    )
    transaction.on_commit(_request_delivery)


@transaction.atomic
def mark_bounced(message: OutboundMessage, reason: str) -> OutboundMessage:
    """Record that a delivery failure report arrived for a message we sent (kept for the inquiry's view)."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.BOUNCED,
        bounced_at=clock.now(),
        bounce_reason=reason[:2000],
        claimed_until=None,
    )
    log.info("outbox: message %s bounced: %s", message.pk, reason[:200])
    message.refresh_from_db()
    return message
