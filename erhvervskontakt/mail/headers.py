"""Header helpers for parsing: decoded text, addresses, Message-IDs and dates that survive hostile input."""

from __future__ import annotations

import datetime as dt
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from erhvervskontakt.mail.bodies import fix_surrogates

MSGID = re.compile(r"<([^<>\s]{1,900})>")
EMAIL = re.compile(r"^[^@\s<>]{1,200}@[^@\s<>]{1,250}$")


def clean_header_text(text: str) -> str:
    return re.sub(r"\s+", " ", fix_surrogates(text)).strip()


def _raw_header(msg: EmailMessage, name: str) -> str | None:
    for key, raw in msg.raw_items():
        if key.lower() == name.lower():
            return str(raw)
    return None


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


def header(msg: EmailMessage, name: str) -> str:
    """A header's decoded text; '' when absent. Falls back to the raw value when parsing fails.

    Unencoded 8-bit headers (common from old mailers) are decoded as UTF-8 or else Windows-1252.
    """
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    if _has_surrogates(raw) and "=?" not in raw:
        return clean_header_text(raw)
    try:
        value = msg.get(name)
        return "" if value is None else clean_header_text(str(value))
    except Exception:  # the header parser has raised on hostile input before
        try:
            return clean_header_text(str(make_header(decode_header(raw))))
        except Exception:
            return clean_header_text(raw)


def message_ids(text: str) -> tuple[str, ...]:
    return tuple(f"<{m}>" for m in MSGID.findall(text or ""))


def message_id(msg: EmailMessage) -> str:
    value = header(msg, "message-id")
    ids = message_ids(value)
    if ids:
        return ids[0][:900]
    token = value.strip().split(" ")[0] if value.strip() else ""
    return f"<{token[:900]}>" if token and "@" in token else ""


def addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs, lower-cased addresses; survives malformed headers."""
    raw = _raw_header(msg, name)
    if raw is None:
        return []
    try:
        if _has_surrogates(raw):
            raise ValueError("8-bit header")
        found = [(str(a.display_name or ""), str(a.addr_spec or "")) for a in msg.get(name).addresses]
    except Exception:
        found = getaddresses([header(msg, name)])
    result = []
    for display, address in found:
        address = fix_surrogates(address).strip().strip("<>").lower()
        if EMAIL.match(address):
            result.append((clean_header_text(display), address))
    if not result and header(msg, name):
        display, address = parseaddr(header(msg, name))
        address = address.strip().lower()
        if EMAIL.match(address):
            result.append((clean_header_text(display), address))
    return result


def header_date(msg: EmailMessage) -> dt.datetime | None:
    text = header(msg, "date")
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def part_filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = clean_header_text(name)
    return name.replace("/", "_").replace("\\", "_")[:255]


def part_disposition(part: EmailMessage) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""
