from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Gave up")
    BOUNCED = "bounced", _("Sent, but bounced")


class MessageKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    REPLY = "reply", _("Reply from caseworker")
    CALLBACK_CONFIRMATION = "callback", _("Callback confirmation")
    INFO_REQUEST = "info_request", _("Request for information")
    FORM_LINKS = "form_links", _("Form or guide links")
    SURVEY = "survey", _("Satisfaction survey")
    NOTIFICATION = "notification", _("Staff notification")


class OutboundMessage(models.Model):
    """An email to send, committed in the same transaction as the state change that caused it.

    A task drains pending rows with retries and back-off, so a mail server that is down
    delays mail but loses none. ``reference`` ties the message to an inquiry without the
    outbox depending on the inquiries app (it sits in a lower layer).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    reference = models.CharField(_("reference"), max_length=32, blank=True, db_index=True)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    reply_to = models.CharField(_("reply to"), max_length=300, blank=True)
    from_email = models.CharField(_("from"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Attachments: list of {"filename", "content_type", "content_b64"}; small files only
    # (.ics, receipts). Large documents are linked, not attached.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set when a delivery failure report about this message arrives in a polled mailbox.
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.TextField(_("bounce reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {', '.join(self.to)}: {self.subject}"
