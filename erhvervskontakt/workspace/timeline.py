"""The inquiry's timeline as staff see it: each email sent with its delivery status from the
outbox, and each email received shown as it arrived (sanitised, quoted history folded away)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from erhvervskontakt.inquiries.models import Event, Inquiry
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.mail.selectors import ReceivedEmail, emails_for
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage

# Messages to the business (staff notifications share the reference but are not shown here).
BUSINESS_KINDS = [k for k in MessageKind.values if k != MessageKind.NOTIFICATION]


@dataclass
class Entry:
    event: Event
    details: list[tuple[str, str]] = field(default_factory=list)
    email: OutboundMessage | None = None
    received: ReceivedEmail | None = None

    @property
    def received_has_history(self) -> bool:
        """Whether the email quotes earlier messages that the short view leaves out."""
        return self.received is not None and self.received.visible_text.strip() != self.received.text.strip()

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
    # Inline images and attachment links point at the workspace's permission-checked download.
    received = {
        email.id: email
        for email in emails_for(inquiry, attachment_url=lambda pk: reverse("workspace:attachment", args=[pk]))
    }
    entries = []
    shown: set[int] = set()
    for event in events:
        data = event.data or {}
        inbound = data.get("inbound")
        email = received.get(inbound) if isinstance(inbound, int) and inbound not in shown else None
        if email is not None:
            shown.add(email.id)  # several events may name one email; show its text once
        entries.append(
            Entry(
                event=event,
                details=_details(event),
                email=messages.get(data.get("message_id", "")),
                received=email,
            )
        )
    return entries


def business_emails(inquiry: Inquiry) -> list[OutboundMessage]:
    """Every email to the business about this inquiry, newest first."""
    return list(
        OutboundMessage.objects.filter(reference=inquiry.reference, kind__in=BUSINESS_KINDS).order_by(
            "-created_at"
        )
    )
