"""The inquiry's timeline as staff see it, with each email's delivery status from the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from erhvervskontakt.inquiries.models import Event, Inquiry
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage

# Messages to the business (staff notifications share the reference but are not shown here).
BUSINESS_KINDS = [k for k in MessageKind.values if k != MessageKind.NOTIFICATION]


@dataclass
class Entry:
    event: Event
    details: list[tuple[str, str]] = field(default_factory=list)
    email: OutboundMessage | None = None

    @property
    def email_css(self) -> str:
        if self.email is None:
            return ""
        return {
            MessageStatus.SENT: "ek-mail-sent",
            MessageStatus.FAILED: "ek-mail-failed",
            MessageStatus.DEAD: "ek-mail-failed",
        }.get(self.email.status, "ek-mail-pending")


def _details(event: Event) -> list[tuple[str, str]]:
    data = event.data or {}
    rows = []
    if event.kind == EventKind.FORWARDED:
        rows.append((_("From unit"), data.get("from_unit", "")))
        rows.append((_("To unit"), data.get("to_unit", "")))
        rows.append((_("Transfer number"), str(data.get("transfer", ""))))
        if data.get("reason"):
            rows.append((_("Reason"), data["reason"]))
    elif event.kind == EventKind.RESUMED and data.get("new_due"):
        rows.append((_("New due date"), data["new_due"][:10]))
    elif event.kind == EventKind.CALL_LOGGED:
        rows.append((_("Direction"), _("Incoming") if data.get("direction") == "in" else _("Outgoing")))
    return [(label, value) for label, value in rows if value]


def timeline(inquiry: Inquiry) -> list[Entry]:
    """Every event of the inquiry, oldest first, with the email it sent (if any)."""
    events = list(inquiry.events.select_related("matter", "matter__topic").order_by("created_at", "id"))
    messages = {
        m.message_id: m
        for m in OutboundMessage.objects.filter(reference=inquiry.reference, kind__in=BUSINESS_KINDS).only(
            "message_id", "status", "attempts", "last_error", "sent_at", "to", "kind"
        )
    }
    entries = []
    for event in events:
        message_id = (event.data or {}).get("message_id", "")
        entries.append(Entry(event=event, details=_details(event), email=messages.get(message_id)))
    return entries


def business_emails(inquiry: Inquiry) -> list[OutboundMessage]:
    """Every email to the business about this inquiry, newest first."""
    return list(
        OutboundMessage.objects.filter(reference=inquiry.reference, kind__in=BUSINESS_KINDS).order_by(
            "-created_at"
        )
    )
