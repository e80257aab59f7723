"""Emails that state changes cause, written to the outbox inside the same transaction.

Templates live in ``inquiries/templates/inquiries/email/``; each is rendered in the
business's language (``inquiry.language``) or in Danish for staff.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import Callback, Inquiry, Matter
from erhvervskontakt.inquiries.receipts import build_receipt
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage

AUTO_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def _thread_headers(inquiry: Inquiry) -> dict[str, str]:
    """In-Reply-To/References pointing at the first message of the inquiry, so mail clients thread."""
    origin = inquiry.source_ref if inquiry.channel == "email" and inquiry.source_ref.startswith("<") else ""
    first = None
    if not origin:  # the business's own email starts the thread when there is one
        first = OutboundMessage.objects.filter(reference=inquiry.reference).order_by("created_at").first()
    root = origin or (first.message_id if first else "")
    return {"In-Reply-To": root, "References": root} if root else {}


def _subject(inquiry: Inquiry, text: str) -> str:
    return f"[{inquiry.reference}] {text}"


def send_receipt(inquiry: Inquiry, tracking_url: str = "") -> OutboundMessage | None:
    message = receipt_message(inquiry, tracking_url)
    return outbox.enqueue_many([message])[0] if message is not None else None


def receipt_message(
    inquiry: Inquiry, tracking_url: str = "", *, matters: list[Matter] | None = None
) -> OutboundMessage | None:
    """The receipt as an unsaved outbox row (None without an address); ``send_receipt`` queues it.

    ``matters`` as for ``build_receipt``: the rows a registration has just made.
    """
    email = inquiry.requester_email
    if not email:
        return None
    with translation.override(inquiry.language):
        receipt = build_receipt(inquiry, matters)
        context = {"receipt": receipt, "tracking_url": tracking_url, "site_url": settings.SITE_URL}
        return outbox.new_message(
            kind=MessageKind.RECEIPT,
            reference=inquiry.reference,
            to=[email],
            subject=_subject(inquiry, _("We have received your inquiry")),
            body_text=render_to_string("inquiries/email/receipt.txt", context),
            body_html=render_to_string("inquiries/email/receipt.html", context),
            headers={**AUTO_HEADERS, **_thread_headers(inquiry)},
        )


def send_reply(
    inquiry: Inquiry, matter: Matter | None, text: str, sender_name: str, kind: str
) -> OutboundMessage | None:
    email = inquiry.requester_email
    if not email:
        return None
    with translation.override(inquiry.language):
        context = {
            "inquiry": inquiry,
            "matter": matter,
            "text": text,
            "sender_name": sender_name,
            "kind": kind,
        }
        subject = {
            MessageKind.INFO_REQUEST: _("We need more information"),
            MessageKind.FORM_LINKS: _("Forms and guides for your inquiry"),
        }.get(kind, _("Reply to your inquiry"))
        return outbox.enqueue(
            kind=kind,
            reference=inquiry.reference,
            to=[email],
            subject=_subject(inquiry, subject),
            body_text=render_to_string("inquiries/email/reply.txt", context),
            headers=_thread_headers(inquiry),
        )


def _ics(callback: Callback, summary: str, description: str) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//Erhvervskontakt//callback//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = IcsEvent()
    event.add("uid", f"callback-{callback.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}")
    event.add("dtstamp", clock.now())
    event.add("dtstart", callback.window_start)
    event.add("dtend", callback.window_end)
    event.add("summary", summary)
    event.add("description", description)
    cal.add_component(event)
    return cal.to_ical()


def send_callback_confirmation(callback: Callback) -> OutboundMessage | None:
    inquiry = callback.matter.inquiry
    email = inquiry.requester_email
    if not email:
        return None
    with translation.override(inquiry.language):
        caller = callback.assignee.get_full_name() if callback.assignee else callback.unit.name
        context = {
            "inquiry": inquiry,
            "callback": callback,
            "caller": caller,
            "start": clock.local(callback.window_start),
            "end": clock.local(callback.window_end),
            "topic": callback.matter.topic.name,
        }
        summary = _("Call from the City of Copenhagen (%(reference)s)") % {"reference": inquiry.reference}
        body = render_to_string("inquiries/email/callback.txt", context)
        return outbox.enqueue(
            kind=MessageKind.CALLBACK_CONFIRMATION,
            reference=inquiry.reference,
            to=[email],
            subject=_subject(inquiry, _("We will call you")),
            body_text=body,
            headers={**AUTO_HEADERS, **_thread_headers(inquiry)},
            attachments=[("opkald.ics", "text/calendar", _ics(callback, summary, body))],
        )


def notify_staff(recipients: list[str], inquiry: Inquiry, subject: str, text: str) -> OutboundMessage | None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "inquiries/email/staff_notification.txt",
            {
                "inquiry": inquiry,
                "text": text,
                "url": f"{settings.SITE_URL}/staff/inquiries/{inquiry.reference}/",
            },
        )
    return outbox.enqueue(
        kind=MessageKind.NOTIFICATION,
        reference=inquiry.reference,
        to=recipients,
        subject=_subject(inquiry, subject),
        body_text=body,
        headers=AUTO_HEADERS,
    )


def due_date_text(due: dt.datetime) -> str:
    return clock.local(due).strftime("%d-%m-%Y")
