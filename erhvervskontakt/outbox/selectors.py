"""Read-only views of the outbox for the faces: what was sent about an inquiry, and how it went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage


@dataclass(frozen=True)
class MessageStatusView:
    """One outgoing email as staff see it on the inquiry: to whom, what, and its delivery state."""

    id: int
    kind: str
    kind_label: str
    to: list[str]
    subject: str
    status: str
    status_label: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    bounced_at: dt.datetime | None
    bounce_reason: str
    message_id: str

    @property
    def delivered(self) -> bool:
        return self.status == MessageStatus.SENT

    @property
    def problem(self) -> bool:
        """Whether staff should act: given up or bounced (a retrying message is not yet a problem)."""
        return self.status in (MessageStatus.DEAD, MessageStatus.BOUNCED)

    @property
    def summary(self) -> str:
        """A one-line state in the active language, e.g. for a badge's accessible text."""
        if self.status == MessageStatus.FAILED and self.next_attempt_at:
            return _("Not sent yet (attempt %(n)s failed); trying again %(when)s") % {
                "n": self.attempts,
                "when": self.next_attempt_at.strftime("%d-%m-%Y %H:%M"),
            }
        if self.status == MessageStatus.BOUNCED:
            return _("Bounced: %(reason)s") % {"reason": self.bounce_reason or _("no reason given")}
        if self.status == MessageStatus.DEAD:
            return _("Could not be sent: %(error)s") % {"error": self.last_error or _("unknown error")}
        return self.status_label


def messages_for(reference: str, *, include_staff: bool = True) -> list[MessageStatusView]:
    """Every outgoing email about the inquiry ``reference``, oldest first, with its delivery status.

    Staff notifications are included unless ``include_staff`` is false (the business never
    sees them; the workspace may show them to staff).
    """
    if not reference:
        return []
    qs = OutboundMessage.objects.filter(reference=reference).order_by("created_at", "id")
    if not include_staff:
        qs = qs.exclude(kind=MessageKind.NOTIFICATION)
    return [
        MessageStatusView(
            id=m.pk,
            kind=m.kind,
            kind_label=str(m.get_kind_display()),
            to=list(m.to),
            subject=m.subject,
            status=m.status,
            status_label=str(m.get_status_display()),
            created_at=m.created_at,
            sent_at=m.sent_at,
            attempts=m.attempts,
            next_attempt_at=m.next_attempt_at
            if m.status in (MessageStatus.PENDING, MessageStatus.FAILED)
            else None,
            last_error=m.last_error,
            bounced_at=m.bounced_at,
            bounce_reason=m.bounce_reason,
            message_id=m.message_id,
        )
        for m in qs.only(
            "kind",
            "to",
            "subject",
            "status",
            "created_at",
            "sent_at",
            "attempts",
            "next_attempt_at",
            "last_error",
            "bounced_at",
            "bounce_reason",
            "message_id",
        )
    ]
