"""States, outcomes and the allowed transitions of a matter: the rules in one readable table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web self-service")
    FORM = "form", _("Electronic form")
    COUNTER = "counter", _("Counter")


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    AWAITING_BUSINESS = "awaiting_business", _("Waiting for you")
    CLOSED = "closed", _("Closed")


class MatterStatus(models.TextChoices):
    NEW = "new", _("New, in the unit's queue")
    IN_PROGRESS = "in_progress", _("Being handled")
    AWAITING_BUSINESS = "awaiting_business", _("Awaiting the business")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    APPROVED = "approved", _("Approved / granted")
    REJECTED = "rejected", _("Refused")
    REFERRED = "referred", _("Referred to a state authority")
    FORM_SENT = "form_sent", _("Form or guide sent")
    WITHDRAWN = "withdrawn", _("Withdrawn by the business")
    NO_REPLY = "no_reply", _("No reply from the business")
    DUPLICATE = "duplicate", _("Duplicate")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    MATTER_ADDED = "matter_added", _("Matter added")
    RECEIPT_SENT = "receipt_sent", _("Receipt sent")
    FORWARDED = "forwarded", _("Forwarded")
    SECOND_TRANSFER = "second_transfer", _("Transferred more than once")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    REPLY_SENT = "reply_sent", _("Reply sent")
    FORM_SENT = "form_sent", _("Form or guide sent")
    NOTE = "note", _("Internal note")
    CALL_LOGGED = "call_logged", _("Phone call")
    INFO_REQUESTED = "info_requested", _("Information requested")
    BUSINESS_REPLIED = "business_replied", _("The business replied")
    RESUMED = "resumed", _("Resumed")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CALLBACK_BOOKED = "callback_booked", _("Callback booked")
    CALLBACK_DONE = "callback_done", _("Callback made")
    CALLBACK_CANCELLED = "callback_cancelled", _("Callback cancelled")
    ESCALATION_WARNING = "escalation_warning", _("Due tomorrow: warning sent")
    ESCALATION_OVERDUE = "escalation_overdue", _("Overdue: manager notified")
    ATTACHMENT_ADDED = "attachment_added", _("Document added")
    EMAIL_RECEIVED = "email_received", _("Email received")
    COORDINATOR_SET = "coordinator_set", _("Coordinator set")
    TRACKING_LINK = "tracking_link", _("Tracking link changed")
    SURVEY_ANSWERED = "survey_answered", _("Satisfaction survey answered")


S = MatterStatus

# Which status a matter may move to from each status. Forwarding keeps a matter open and
# moves it to another unit's queue (NEW) or straight to a named caseworker (IN_PROGRESS).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.NEW, S.IN_PROGRESS, S.AWAITING_BUSINESS, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.NEW, S.IN_PROGRESS, S.AWAITING_BUSINESS, S.CLOSED}),
    S.AWAITING_BUSINESS: frozenset({S.NEW, S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_PROGRESS, S.NEW}),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def inquiry_status_for(matter_statuses: list[str]) -> str:
    """The one status the business sees, derived from its matters' statuses."""
    open_statuses = [s for s in matter_statuses if s != S.CLOSED]
    if not open_statuses:
        return InquiryStatus.CLOSED
    if all(s == S.AWAITING_BUSINESS for s in open_statuses):
        return InquiryStatus.AWAITING_BUSINESS
    return InquiryStatus.OPEN
