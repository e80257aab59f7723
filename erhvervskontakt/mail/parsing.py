"""Bytes in, a ``ParsedMessage`` value out: the pure first step of ingestion.

Uses the standard library's modern email API (``email.policy.default``). It never trusts the
sender: broken charsets decode with replacement characters, malformed headers fall back to
their raw text, nesting is bounded, and every problem is noted in ``defects`` instead of raising.
Only input that is not an email at all raises ``Unparseable``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser

from erhvervskontakt.mail.bodies import decode_bytes, html_to_text, sanitize_html
from erhvervskontakt.mail.headers import (
    EMAIL,
    addresses,
    header,
    header_date,
    message_id,
    message_ids,
    part_disposition,
    part_filename,
)

MAX_DEPTH = 12


class _HeaderClasses(HeaderRegistry):
    """The standard library's header classes, each made once.

    ``HeaderRegistry`` builds a new class (``type(...)``) every time any header is read, and a
    message's headers are read a dozen times while parsing it; the class depends only on which
    registered class the header name maps to, so there are as few as there are registered classes.
    """

    def __init__(self):
        super().__init__()
        self._made: dict[type, type] = {}

    def __getitem__(self, name: str) -> type:
        kind = self.registry.get(name.lower(), self.default_class)
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = type("_" + kind.__name__, (kind, self.base_class), {})
        return made


# ``email.policy.default`` with the header classes made once.
POLICY = policy.default.clone(header_factory=_HeaderClasses())
# Headers kept on the value for classification (auto-replies, bounces, lists).
KEPT_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-auto-response-suppress",
    "list-id",
    "list-unsubscribe",
    "return-path",
    "x-failed-recipients",
    "content-type",
    "x-ms-exchange-generated-message-source",
)


class Unparseable(ValueError):
    """The bytes are not an email message we can read at all."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""
    forwarded: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Forwarded:
    sender: str
    subject: str
    date: str
    message_id: str
    text: str


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery-status report (RFC 3464) says about a message we sent."""

    original_message_id: str = ""
    recipients: tuple[str, ...] = ()
    action: str = ""
    status: str = ""
    diagnostic: str = ""

    @property
    def failed(self) -> bool:
        return self.action in ("failed", "") and not self.status.startswith("2")


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender_email: str
    sender_name: str
    reply_to: str
    to: tuple[str, ...]
    date: dt.datetime | None
    text: str
    html: str
    attachments: tuple[ParsedAttachment, ...]
    forwarded: tuple[Forwarded, ...]
    headers: dict[str, str]
    content_type: str
    report: DeliveryReport | None
    defects: tuple[str, ...]
    size: int
    sha256: str

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, nearest first."""
        seen: list[str] = []
        for mid in (*self.in_reply_to, *reversed(self.references)):
            if mid not in seen:
                seen.append(mid)
        return tuple(seen)


@dataclass
class _Collector:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    forwarded: list[Forwarded] = field(default_factory=list)
    report: DeliveryReport | None = None
    defects: list[str] = field(default_factory=list)


def _payload_bytes(part: EmailMessage, out: _Collector) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        out.defects.append(f"undecodable payload: {type(exc).__name__}")
        return b""
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def _text_of(part: EmailMessage, out: _Collector) -> str:
    data = _payload_bytes(part, out)
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text, defect = decode_bytes(data, charset)
    if defect:
        out.defects.append(defect)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _report_fields(part: EmailMessage) -> list[EmailMessage]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload
    text = payload if isinstance(payload, str) else ""
    return [
        BytesParser(policy=POLICY).parsebytes(block.encode("utf-8", "replace"))
        for block in text.split("\n\n")
    ]


def _delivery_status(part: EmailMessage, out: _Collector) -> None:
    recipients, action, status, diagnostic = [], "", "", ""
    for block in _report_fields(part):
        final = header(block, "final-recipient") or header(block, "original-recipient")
        if final:
            recipients.append(final.split(";", 1)[-1].strip().lower())
            action = action or header(block, "action").lower()
            status = status or header(block, "status")
            diagnostic = diagnostic or header(block, "diagnostic-code")
    previous = out.report or DeliveryReport()
    out.report = DeliveryReport(
        original_message_id=previous.original_message_id,
        recipients=tuple(recipients),
        action=action,
        status=status,
        diagnostic=diagnostic[:500],
    )


def _set_original(out: _Collector, message_id: str) -> None:
    previous = out.report or DeliveryReport()
    if message_id and not previous.original_message_id:
        out.report = DeliveryReport(
            message_id, previous.recipients, previous.action, previous.status, previous.diagnostic
        )


def _walk(part: EmailMessage, out: _Collector, depth: int, *, in_report: bool = False) -> None:
    if depth > MAX_DEPTH:
        out.defects.append("MIME nesting too deep; inner parts skipped")
        return
    try:
        ctype = part.get_content_type()
    except Exception:
        ctype = "application/octet-stream"
    disposition = part_disposition(part)
    filename = part_filename(part)
    # message/* parts count as multipart in the email package; look at them first.
    if ctype == "message/delivery-status":
        _delivery_status(part, out)
        return
    if ctype in ("message/rfc822", "message/global"):
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, EmailMessage):
            if in_report:
                _set_original(out, message_id(inner))
            else:
                _forwarded(inner, out, depth)
            return
    if part.is_multipart():
        children = list(part.iter_parts())
        if ctype == "multipart/alternative":
            _alternative(children, out, depth)
            return
        report = ctype == "multipart/report"
        for child in children:
            _walk(child, out, depth + 1, in_report=report or in_report)
        return
    if ctype == "text/rfc822-headers" and in_report:
        headers = BytesParser(policy=POLICY).parsebytes(_payload_bytes(part, out), headersonly=True)
        _set_original(out, message_id(headers))
        return
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = _text_of(part, out)
        (out.plain if ctype == "text/plain" else out.html).append(text)
        return
    data = _payload_bytes(part, out)
    content_id = header(part, "content-id").strip().strip("<>")
    out.attachments.append(
        ParsedAttachment(
            filename=filename or _default_name(ctype, len(out.attachments) + 1),
            content_type=ctype,
            data=data,
            inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
            content_id=content_id[:200],
        )
    )


def _default_name(ctype: str, n: int) -> str:
    extension = {
        "image/png": "png",
        "image/jpeg": "jpg",
        "image/gif": "gif",
        "application/pdf": "pdf",
        "text/calendar": "ics",
        "application/ms-tnef": "dat",
        "text/plain": "txt",
        "text/html": "html",
    }.get(ctype, "bin")
    return f"attachment-{n}.{extension}"


def _alternative(children: list[EmailMessage], out: _Collector, depth: int) -> None:
    """Keep one plain and one HTML rendering; the richest alternative comes last (RFC 2046)."""
    subs = []
    for child in children:
        sub = _Collector()
        _walk(child, sub, depth + 1)
        subs.append(sub)
        out.defects.extend(sub.defects)
        out.forwarded.extend(sub.forwarded)
        out.report = out.report or sub.report
    plain = next((s.plain for s in subs if s.plain), [])
    html = next((s.html for s in reversed(subs) if s.html), [])
    out.plain.extend(plain)
    out.html.extend(html)
    seen = set()
    for sub in subs:
        for attachment in sub.attachments:
            key = (attachment.filename, attachment.size, attachment.content_id)
            if key not in seen:
                seen.add(key)
                out.attachments.append(attachment)


def _forwarded(inner: EmailMessage, out: _Collector, depth: int) -> None:
    sub = _Collector()
    _walk(inner, sub, depth + 1)
    out.defects.extend(sub.defects)
    sender = ", ".join(f"{name} <{addr}>" if name else addr for name, addr in addresses(inner, "from"))
    text = "\n\n".join(t.strip() for t in sub.plain if t.strip()) or html_to_text("\n".join(sub.html))
    out.forwarded.append(
        Forwarded(
            sender=sender,
            subject=header(inner, "subject"),
            date=header(inner, "date"),
            message_id=message_id(inner),
            text=text,
        )
    )
    out.forwarded.extend(sub.forwarded)
    for attachment in sub.attachments:
        out.attachments.append(
            ParsedAttachment(
                attachment.filename,
                attachment.content_type,
                attachment.data,
                attachment.inline,
                attachment.content_id,
                forwarded=True,
            )
        )


def forwarded_block(item: Forwarded) -> str:
    lines = ["---------- Forwarded message ----------"]
    for label, value in (("From", item.sender), ("Date", item.date), ("Subject", item.subject)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines) + "\n\n" + item.text.strip()


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one email; raises ``Unparseable`` only for input that is not an email at all."""
    if not raw or not raw.strip():
        raise Unparseable("the message is empty")
    try:
        msg = BytesParser(policy=POLICY).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything here is fatal
        raise Unparseable(f"the MIME structure cannot be read: {type(exc).__name__}: {exc}") from exc
    if not any(True for _ in msg.raw_items()):
        raise Unparseable("the message has no headers")
    out = _Collector()
    out.defects.extend(type(d).__name__ for d in msg.defects)
    _walk(msg, out, 0)
    senders = addresses(msg, "from") or addresses(msg, "sender")
    sender_name, sender_email = senders[0] if senders else ("", "")
    if not sender_email:
        return_path = header(msg, "return-path").strip().strip("<>").lower()
        sender_email = return_path if EMAIL.match(return_path) else ""
    text = "\n\n".join(t.strip("\n") for t in out.plain if t.strip())
    html_raw = "\n".join(out.html)
    if not text and html_raw:
        text = html_to_text(html_raw)
    if out.forwarded and not any(f.text and f.text[:200] in text for f in out.forwarded):
        text = "\n\n".join([text, *(forwarded_block(f) for f in out.forwarded)]).strip()
    reply_to = addresses(msg, "reply-to")
    try:
        content_type = msg.get_content_type()
    except Exception:
        content_type = ""
    parsed = ParsedMessage(
        message_id=message_id(msg),
        in_reply_to=message_ids(header(msg, "in-reply-to")),
        references=message_ids(header(msg, "references"))[-50:],
        subject=header(msg, "subject")[:998],
        sender_email=sender_email,
        sender_name=sender_name[:200],
        reply_to=reply_to[0][1] if reply_to else "",
        to=tuple(addr for _, addr in addresses(msg, "to") + addresses(msg, "cc")),
        date=header_date(msg),
        text=text,
        html=sanitize_html(html_raw) if html_raw else "",
        attachments=tuple(out.attachments),
        forwarded=tuple(out.forwarded),
        headers={name: value for name in KEPT_HEADERS if (value := header(msg, name))},
        content_type=content_type,
        report=out.report,
        defects=tuple(dict.fromkeys(out.defects)),
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    cleaned = _without_nul(parsed)
    if cleaned is not parsed:
        cleaned = dataclasses.replace(cleaned, defects=(*cleaned.defects, "NulCharactersRemoved"))
    return cleaned


def _without_nul(value):
    """``value`` with every NUL character taken out of its texts, however deeply nested; the
    very same object when it has none (nearly every email: nothing is copied or compared).

    PostgreSQL cannot store NUL in text, so an email with one (in a header, an encoded word or
    a body part) would fail to store on every poll and hold up its mailbox. The encrypted
    original keeps the bytes as they came.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, tuple):
        items = tuple(_without_nul(item) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        items = {_without_nul(key): _without_nul(item) for key, item in value.items()}
        same = all(k in value and value[k] is v for k, v in items.items()) and len(items) == len(value)
        return value if same else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            f.name: new
            for f in dataclasses.fields(value)
            if (new := _without_nul(old := getattr(value, f.name))) is not old
        }
        return dataclasses.replace(value, **changed) if changed else value
    return value
