from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.inquiries.workflow import (
    Channel,
    EventKind,
    InquiryStatus,
    MatterStatus,
    Outcome,
)
from erhvervskontakt.organisation.models import Unit


class Inquiry(models.Model):
    """One contact from a business, carrying one or more matters.

    The business sees one reference number and one status; each matter is handled by the
    unit that owns it. Fields are only changed by ``erhvervskontakt.inquiries.services``.
    """

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, db_index=True
    )
    company = models.ForeignKey(
        Company, models.SET_NULL, null=True, blank=True, related_name="inquiries", verbose_name=_("company")
    )
    contact = models.ForeignKey(
        ContactPerson,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("contact"),
    )
    # What the business told us about itself when it wrote (also for anonymous or unknown senders).
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True, db_index=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=2, default="da")
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    coordinator_unit = models.ForeignKey(
        Unit,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_inquiries",
        verbose_name=_("coordinating unit"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_inquiries",
        verbose_name=_("coordinator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="registered_inquiries"
    )
    answered_first_contact = models.BooleanField(_("answered at first contact"), default=False)
    insufficient_info = models.BooleanField(_("insufficient information"), default=False)
    # Where it came from in its channel (email Message-ID, call id); for de-duplication.
    source_ref = models.CharField(max_length=500, blank=True, db_index=True)
    # The tracking link's token is shown to the business once; only its hash is stored.
    tracking_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    tracking_revoked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="inquiry_status_received_idx")]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_multi_matter(self) -> bool:
        return self.matters.count() > 1

    @property
    def requester_email(self) -> str:
        return self.contact_email or (self.contact.email if self.contact_id else "")

    @property
    def requester_name(self) -> str:
        if self.contact_name:
            return self.contact_name
        if self.contact_id:
            return self.contact.name
        return ""


class Matter(models.Model):
    """One topic of an inquiry, owned by one unit at a time, with its own due date."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="matters")
    topic = models.ForeignKey(Topic, models.PROTECT, related_name="matters", verbose_name=_("topic"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="matters", verbose_name=_("unit"))
    status = models.CharField(
        _("status"), max_length=20, choices=MatterStatus.choices, default=MatterStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_matters",
        verbose_name=_("assignee"),
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    answered_first_contact = models.BooleanField(_("answered at first contact"), default=False)
    insufficient_info = models.BooleanField(_("insufficient information"), default=False)
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inquiry", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="matter_queue_idx"),
            models.Index(fields=["assignee", "status"], name="matter_assignee_idx"),
            models.Index(fields=["status", "due_at"], name="matter_due_idx"),
            # "Has this inquiry a matter in my unit?" — every caseworker's visibility check —
            # answered from the index alone.
            models.Index(fields=["inquiry", "unit"], name="matter_inquiry_unit_idx"),
            # The unit queue: open matters of one unit by due date, without touching the
            # millions of closed ones (keyset pagination walks this index).
            models.Index(
                fields=["unit", "due_at", "id"],
                name="matter_open_queue_idx",
                condition=~models.Q(status="closed"),
            ),
        ]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")

    def __str__(self) -> str:
        return f"{self.inquiry.reference} · {self.topic.code}"

    @property
    def is_open(self) -> bool:
        return self.status != MatterStatus.CLOSED

    @property
    def second_transfer(self) -> bool:
        return self.transfer_count > 1


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The timeline is append-only: events cannot be updated.")

    def delete(self):
        raise TypeError("The timeline is append-only: events cannot be deleted.")


class Event(models.Model):
    """One entry of an inquiry's append-only timeline: who did what, when.

    Every state change writes one. ``public`` events are shown to the business on the
    tracking page. Rows are never updated or deleted (guarded here and by database triggers).
    """

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="events")
    matter = models.ForeignKey(Matter, models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    public = models.BooleanField(_("shown to the business"), default=False)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["inquiry", "created_at"], name="event_inquiry_idx")]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The timeline is append-only: events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The timeline is append-only: events cannot be deleted.")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("To call")
    DONE = "done", _("Called")
    MISSED = "missed", _("Could not reach")
    CANCELLED = "cancelled", _("Cancelled")


class Callback(models.Model):
    """'We find out who you need and have them call you': a call promised in a time window."""

    matter = models.ForeignKey(Matter, models.CASCADE, related_name="callbacks")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="callbacks", verbose_name=_("unit"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("who calls"),
    )
    phone = models.CharField(_("phone"), max_length=32)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["window_start"]
        indexes = [models.Index(fields=["unit", "status", "window_start"], name="callback_queue_idx")]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.phone} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def kept_on_time(self) -> bool | None:
        if self.status != CallbackStatus.DONE or self.done_at is None:
            return None
        return self.done_at <= self.window_end


def attachment_path(instance, filename: str) -> str:
    # Random names: the original name is kept in the row, never trusted as a path.
    import uuid

    return f"attachments/{instance.inquiry_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document on an inquiry, served only through permission-checked views."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="attachments")
    matter = models.ForeignKey(Matter, models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(_("shared with the business"), default=False)
    source = models.CharField(_("source"), max_length=20, default="staff")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
