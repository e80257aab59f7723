"""What the portal itself stores: drafts of forms, the answers of submitted forms, and the
satisfaction survey. Inquiries, matters and documents belong to the inquiries app."""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import FormDefinition
from erhvervskontakt.inquiries.models import Inquiry


class Draft(models.Model):
    """A form a business has started: what it typed and the files it already uploaded.

    Found only through the visitor's session (``key`` is random and never shown in a URL), so
    a failed submission loses nothing and nobody else can open it. Removed after sending, or
    by the ``portal.purge_drafts`` job when abandoned.
    """

    key = models.CharField(max_length=64, unique=True)
    form_code = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")

    def __str__(self) -> str:
        return f"{self.form_code} {self.updated_at:%Y-%m-%d %H:%M}"


def draft_file_path(instance, filename: str) -> str:
    # Random names: the business's file name is kept in the row, never used as a path.
    return f"portal-drafts/{uuid.uuid4().hex}"


class DraftFile(models.Model):
    """A document uploaded into a draft, already checked by content."""

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="files")
    field = models.CharField(max_length=40)
    file = models.FileField(upload_to=draft_file_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Submission(models.Model):
    """The answers of a submitted form or wizard, kept next to the inquiry they created."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="portal_submissions")
    form = models.ForeignKey(FormDefinition, models.SET_NULL, null=True, blank=True, related_name="+")
    form_code = models.CharField(_("form"), max_length=64)
    data = models.JSONField(_("answers"), default=dict)
    language = models.CharField(max_length=2, default="da")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.form_code} → {self.inquiry_id}"


class SurveyInvitation(models.Model):
    """One invitation per closed inquiry to rate the service; only the token's hash is stored."""

    inquiry = models.OneToOneField(Inquiry, models.CASCADE, related_name="survey_invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    language = models.CharField(max_length=2, default="da")
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self) -> str:
        return f"survey {self.inquiry_id}"


def _score(label):
    return models.PositiveSmallIntegerField(
        label,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (poor) to 5 (very good)"),
    )


class SurveyResponse(models.Model):
    """A business's rating of a closed inquiry on the four dimensions the city reports on.

    Reporting reads these fields by name: keep them stable.
    """

    inquiry = models.OneToOneField(Inquiry, models.CASCADE, related_name="survey_response")
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    accessibility = _score(_("accessibility"))
    web_quality = _score(_("web quality"))
    responsiveness = _score(_("responsiveness"))
    professional_benefit = _score(_("professional benefit"))
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(max_length=2, default="da")

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                name=f"survey_{name}_1_to_5",
            )
            for name in ("accessibility", "web_quality", "responsiveness", "professional_benefit")
        ]

    def __str__(self) -> str:
        return f"survey response {self.inquiry_id}"


class SearchDocument(models.Model):
    """A guide's text prepared for PostgreSQL full-text search (weighted tsvector per language).

    Rebuilt lazily from the catalogue when its version changes (portal/search.py), so the search
    ranks precomputed documents instead of parsing every guide for every query. Unused on SQLite.
    """

    topic = models.ForeignKey("catalogue.Topic", models.CASCADE, related_name="+")
    language = models.CharField(max_length=2)
    version = models.CharField(max_length=32, db_index=True)
    document = SearchVectorField(null=True)

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.language}"
