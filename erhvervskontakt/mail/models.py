"""What the email channel remembers: each inbound message once, its encrypted original, the
state of each polled mailbox, and an audit trail of what was done to messages by hand."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    PROCESSING = "processing", _("Being processed")
    NEW_INQUIRY = "new_inquiry", _("Opened a new inquiry")
    REPLY = "reply", _("Added to an inquiry")
    UNVERIFIED = "unverified", _("Noted on an inquiry (unknown sender)")
    AUTOMATIC = "automatic", _("Automatic mail, recorded only")
    BOUNCE = "bounce", _("Delivery failure report")
    QUARANTINED = "quarantined", _("Quarantined")
    DISMISSED = "dismissed", _("Dismissed by an administrator")


class InboundMessage(models.Model):
    """One email received, however often it was fetched (``dedup_key`` is unique).

    The key is a hash of the Message-ID, or of the whole raw message when it has none, so the
    same message fetched twice (crash, reconnect, two workers, two mailboxes) is stored once.
    Subject and text are stored with CPR numbers masked; the original is in ``RawMessage``.
    """

    dedup_key = models.CharField(max_length=64, unique=True)
    mailbox = models.CharField(_("mailbox"), max_length=200, blank=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=1000, blank=True, db_index=True)
    sender_email = models.CharField(_("sender"), max_length=320, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    sent_at = models.DateTimeField(_("sent (Date header)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64)
    # What the message says (sender, subject, date, text, attachments): tells a copy of the same
    # message (other Received headers) from a different message that reuses a Message-ID.
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.PROCESSING
    )
    reason = models.TextField(_("reason"), blank=True)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("inquiry"),
    )
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML (sanitised)"), blank=True)
    # Attachments stored (ids), skipped (name, size, why), routing, automatic kind, defects, cid map.
    data = models.JSONField(default=dict, blank=True)
    receipt_sent = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["mailbox", "uidvalidity", "uid"], name="mail_location_idx"),
            models.Index(fields=["sender_email", "received_at"], name="mail_sender_idx"),
            models.Index(fields=["status", "received_at"], name="mail_status_idx"),
        ]
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")

    def __str__(self) -> str:
        return f"{self.sender_email or '?'}: {self.subject[:80]}"


class QuarantinedMessage(InboundMessage):
    """The administrators' view of messages that could not be processed."""

    class Meta:
        proxy = True
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")


class RawMessage(models.Model):
    """The message exactly as fetched, encrypted (Fernet) with ``MAIL_RAW_KEYS``.

    Kept for ``MAIL_RAW_RETENTION_DAYS`` (quarantined messages until handled); see
    docs/decisions/0004-raw-email-retention-and-cpr-masking.md.
    """

    inbound = models.OneToOneField(InboundMessage, models.CASCADE, related_name="raw", primary_key=True)
    ciphertext = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("original email")
        verbose_name_plural = _("original emails")

    def __str__(self) -> str:
        return f"original of {self.inbound_id}"


class MailboxState(models.Model):
    """Per polled mailbox: the UIDVALIDITY seen, the highest UID handled and the poll lease."""

    name = models.CharField(_("mailbox"), max_length=200, unique=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self) -> str:
        return self.name


class MailEventKind(models.TextChoices):
    QUARANTINED = "quarantined", _("Quarantined")
    RETRIED = "retried", _("Retried")
    DISMISSED = "dismissed", _("Dismissed")
    RAW_OPENED = "raw_opened", _("Original opened")
    RAW_PURGED = "raw_purged", _("Original deleted")
    UIDVALIDITY_CHANGED = "uidvalidity", _("Mailbox UIDVALIDITY changed")


class MailEvent(models.Model):
    """Audit trail for the email channel: who retried, dismissed or opened an original, and when."""

    inbound = models.ForeignKey(InboundMessage, models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=MailEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("email channel event")
        verbose_name_plural = _("email channel events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"
