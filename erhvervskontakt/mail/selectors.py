"""Read-only queries for the faces: the emails behind an inquiry, ready to show, and channel health.

These do not check permissions: callers first check ``inquiries.access.can_view_inquiry``
(the emails belong to the inquiry and follow its rules).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape

from erhvervskontakt.inquiries.models import Event, Inquiry
from erhvervskontakt.mail.bodies import sanitize_html, trim_quoted
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, MailboxState

_CID = re.compile(r"""(src\s*=\s*["'])cid:([^"']+)(["'])""", re.IGNORECASE)


@dataclass(frozen=True)
class ReceivedEmail:
    id: int
    received_at: dt.datetime
    sender: str
    subject: str
    status: str
    status_label: str
    text: str  # the whole text, CPR numbers masked
    visible_text: str  # without quoted history
    html: str  # sanitised; cid: links rewritten when a URL builder was given
    attachment_ids: list[int]
    attachments: list[dict]  # {"id", "filename", "size", "inline"} of each stored attachment
    skipped_attachments: list[dict]


def display_html(inbound: InboundMessage, attachment_url: Callable[[int], str] | None = None) -> str:
    """The sanitised HTML with inline images (``cid:``) pointing at their stored attachments."""
    cids = (inbound.data or {}).get("cid", {})

    def replace(match: re.Match) -> str:
        pk = cids.get(match.group(2))
        if pk is None or attachment_url is None:
            return f"{match.group(1)}{match.group(3)}"  # an unknown cid: shows nothing, fetches nothing
        return f"{match.group(1)}{escape(attachment_url(pk))}{match.group(3)}"

    # Sanitised again on the way out: what is shown never depends on how the row was written.
    return _CID.sub(replace, sanitize_html(inbound.html or ""))


def _view(inbound: InboundMessage, attachment_url) -> ReceivedEmail:
    data = inbound.data or {}
    sender = (
        f"{inbound.sender_name} <{inbound.sender_email}>" if inbound.sender_name else inbound.sender_email
    )
    return ReceivedEmail(
        id=inbound.pk,
        received_at=inbound.received_at,
        sender=sender,
        subject=inbound.subject,
        status=inbound.status,
        status_label=str(inbound.get_status_display()),
        text=inbound.text,
        visible_text=trim_quoted(inbound.text, subject=inbound.subject),
        html=display_html(inbound, attachment_url),
        attachment_ids=[a["id"] for a in data.get("attachments", [])],
        attachments=list(data.get("attachments", [])),
        skipped_attachments=list(data.get("skipped_attachments", [])),
    )


def emails_for(
    inquiry: Inquiry, *, attachment_url: Callable[[int], str] | None = None
) -> list[ReceivedEmail]:
    """Every email received on ``inquiry``, oldest first (including automatic replies and bounces)."""
    qs = InboundMessage.objects.filter(inquiry=inquiry).order_by("received_at", "pk")
    return [_view(m, attachment_url) for m in qs]


def email_for_event(
    event: Event, *, attachment_url: Callable[[int], str] | None = None
) -> ReceivedEmail | None:
    """The email behind a timeline event ("Email received", "The business replied" by email), if any."""
    data = event.data or {}
    qs = InboundMessage.objects.filter(inquiry_id=event.inquiry_id)
    if data.get("inbound"):
        inbound = qs.filter(pk=data["inbound"]).first()
    elif data.get("via") == "email" and data.get("source_ref"):
        inbound = qs.filter(message_id=data["source_ref"]).first()
    else:
        inbound = None
    return _view(inbound, attachment_url) if inbound else None


def quarantine_count() -> int:
    return InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).count()


@dataclass(frozen=True)
class MailboxHealth:
    name: str
    last_poll_at: dt.datetime | None
    last_success_at: dt.datetime | None
    error: str


def mailbox_health() -> list[MailboxHealth]:
    """Per polled mailbox: when it was last polled, last polled successfully, and the last error."""
    return [
        MailboxHealth(s.name, s.last_poll_at, s.last_success_at, s.last_error)
        for s in MailboxState.objects.order_by("name")
    ]
