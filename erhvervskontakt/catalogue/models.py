from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.core.i18n import Localized
from erhvervskontakt.organisation.models import Department, Unit


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Theme(Localized, models.Model):
    """A theme as a business thinks of it (Restaurant og café), not a department."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_da = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    icon = models.CharField(_("icon"), max_length=64, blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort", "name_da"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name_da

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def description(self) -> str:
        return self.tr("description")


class FormDefinition(Localized, models.Model):
    """An electronic form defined by a schema (fields, types, conditions) edited by content editors.

    The schema format and its validation live in ``erhvervskontakt.portal.forms_schema``.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro_da = models.TextField(_("introduction (Danish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    schema = models.JSONField(_("schema"), default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self) -> str:
        return self.name_da

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def intro(self) -> str:
        return self.tr("intro")


class Topic(Localized, models.Model):
    """A matter a business can ask about: who owns it, how long it takes, what to prepare."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="topics", verbose_name=_("department")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="topics", verbose_name=_("responsible unit"))
    response_days = models.PositiveSmallIntegerField(
        _("response time (working days)"),
        default=10,
        help_text=_("Working days promised for a first answer."),
    )
    is_external = models.BooleanField(
        _("state matter"),
        default=False,
        help_text=_("The state owns the matter; the city refers the business."),
    )
    themes = models.ManyToManyField(Theme, related_name="topics", blank=True, verbose_name=_("themes"))
    form = models.ForeignKey(
        FormDefinition, models.SET_NULL, null=True, blank=True, related_name="topics", verbose_name=_("form")
    )
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    summary_da = models.TextField(_("summary (Danish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    description_da = models.TextField(_("what it is (Danish)"), blank=True)
    description_en = models.TextField(_("what it is (English)"), blank=True)
    when_applies_da = models.TextField(_("when it applies (Danish)"), blank=True)
    when_applies_en = models.TextField(_("when it applies (English)"), blank=True)
    how_to_apply_da = models.TextField(_("how to apply (Danish)"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply (English)"), blank=True)
    documents_da = models.TextField(
        _("documents to prepare (Danish)"), blank=True, help_text=_("One per line.")
    )
    documents_en = models.TextField(
        _("documents to prepare (English)"), blank=True, help_text=_("One per line.")
    )
    fees_da = models.TextField(_("fees (Danish)"), blank=True)
    fees_en = models.TextField(_("fees (English)"), blank=True)
    processing_time_da = models.TextField(_("processing time (Danish)"), blank=True)
    processing_time_en = models.TextField(_("processing time (English)"), blank=True)
    guidance_internal_da = models.TextField(_("internal guidance for agents (Danish)"), blank=True)
    guidance_internal_en = models.TextField(_("internal guidance for agents (English)"), blank=True)
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("One per line, Danish and English."))
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("One per line: everyday words, misspellings.")
    )
    examples = models.TextField(
        _("example phrasings"), blank=True, help_text=_("One per line: inquiries as businesses write them.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort", "name_da"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return f"{self.code} ({self.department.code})" if self.department_id else self.code

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def summary(self) -> str:
        return self.tr("summary")

    def documents_list(self, language: str | None = None) -> list[str]:
        return _lines(self.tr("documents", language))

    def keyword_list(self) -> list[str]:
        return _lines(self.keywords)

    def synonym_list(self) -> list[str]:
        return _lines(self.synonyms)

    def example_list(self) -> list[str]:
        return _lines(self.examples)


class TopicLink(Localized, models.Model):
    """An external link for a topic, e.g. the state's portal where the state owns the matter."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="links")
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.url

    @property
    def title(self) -> str:
        return self.tr("title")


class TriageOutcome(models.TextChoices):
    ANSWER = "answer", _("Answer now")
    SEND_FORM = "send_form", _("Send form or guide")
    FORWARD = "forward", _("Forward to unit")
    CALLBACK = "callback", _("Book callback")


class TriageNode(Localized, models.Model):
    """One step of a topic's triage tree, walked by agents.

    The root node (no parent) asks the first question. A child is reached by choosing its
    ``label``; it either asks a further question (has children) or ends in an ``outcome``.
    """

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="triage_nodes")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    sort = models.PositiveIntegerField(default=0)
    label_da = models.CharField(_("choice label (Danish)"), max_length=300, blank=True)
    label_en = models.CharField(_("choice label (English)"), max_length=300, blank=True)
    question_da = models.CharField(_("question (Danish)"), max_length=500, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=TriageOutcome.choices, blank=True)
    answer_da = models.TextField(_("answer (Danish)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)

    class Meta:
        ordering = ["topic", "parent_id", "sort", "id"]
        verbose_name = _("triage step")
        verbose_name_plural = _("triage steps")

    def __str__(self) -> str:
        return f"{self.topic.code}: {self.label_da or self.question_da}"

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def question(self) -> str:
        return self.tr("question")

    @property
    def answer(self) -> str:
        return self.tr("answer")
