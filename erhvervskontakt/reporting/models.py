"""Reporting configuration: service goals, saved baseline periods, and the record of sent goal reports.

Figures themselves are never stored: every report is computed from the inquiries, matters,
callbacks, survey answers and call statistics when it is asked for, so a report can always be
followed back to the inquiries behind it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.organisation.models import Department


class GoalMetric(models.TextChoices):
    """What a service goal measures. Every goal reads "at least <target>" of the metric."""

    RESPONSE_WITHIN_DUE = "response_within_due", _("Matters answered within the promised working days (%)")
    CLOSED_WITHIN_DUE = "closed_within_due", _("Matters closed within the promised working days (%)")
    FIRST_CONTACT = "first_contact", _("Inquiries answered at first contact (%)")
    CALLBACKS_ON_TIME = "callbacks_on_time", _("Callbacks made within the promised time window (%)")
    CALL_SERVICE_LEVEL = "call_service_level", _("Calls answered within the service-level target (%)")
    SATISFACTION_ACCESSIBILITY = "satisfaction_accessibility", _("Satisfaction: accessibility (average, 1–5)")
    SATISFACTION_WEB_QUALITY = (
        "satisfaction_web_quality",
        _("Satisfaction: quality of the web pages (average, 1–5)"),
    )
    SATISFACTION_RESPONSIVENESS = (
        "satisfaction_responsiveness",
        _("Satisfaction: responsiveness (average, 1–5)"),
    )
    SATISFACTION_PROFESSIONAL_BENEFIT = (
        "satisfaction_professional_benefit",
        _("Satisfaction: professional benefit (average, 1–5)"),
    )


SATISFACTION_METRICS = {
    GoalMetric.SATISFACTION_ACCESSIBILITY: "accessibility",
    GoalMetric.SATISFACTION_WEB_QUALITY: "web_quality",
    GoalMetric.SATISFACTION_RESPONSIVENESS: "responsiveness",
    GoalMetric.SATISFACTION_PROFESSIONAL_BENEFIT: "professional_benefit",
}


class ServiceGoal(models.Model):
    """A promise to measure a period against, e.g. "95 % of matters answered within due".

    A goal without department and topic applies to the whole city. Call goals are city-wide
    (calls are counted per telephone queue, not per department).
    """

    metric = models.CharField(_("measure"), max_length=40, choices=GoalMetric.choices)
    target = models.DecimalField(
        _("target"),
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "A percentage (0–100) or, for satisfaction, an average score (1–5). At least this is met."
        ),
    )
    department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="service_goals",
        verbose_name=_("department"),
    )
    topic = models.ForeignKey(
        Topic, models.CASCADE, null=True, blank=True, related_name="service_goals", verbose_name=_("topic")
    )
    call_target_seconds = models.PositiveIntegerField(
        _("answer within (seconds)"),
        default=20,
        help_text=_("Call goals only: intervals measured against another target are not counted."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["metric", "department__code", "topic__code"]
        verbose_name = _("service goal")
        verbose_name_plural = _("service goals")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.target} ({self.scope_label})"

    @property
    def is_percentage(self) -> bool:
        return self.metric not in SATISFACTION_METRICS

    @property
    def scope_label(self) -> str:
        if self.topic_id:
            return self.topic.name_da
        if self.department_id:
            return self.department.code
        return str(_("whole city"))

    def clean(self) -> None:
        errors = {}
        if self.department_id and self.topic_id:
            errors["topic"] = _("Choose a department or a topic, not both.")
        if self.metric == GoalMetric.CALL_SERVICE_LEVEL and (self.department_id or self.topic_id):
            errors["metric"] = _("Call goals apply to the whole city: calls are not counted per department.")
        if self.target is not None:
            if self.metric in SATISFACTION_METRICS and not (Decimal(1) <= self.target <= Decimal(5)):
                errors["target"] = _("A satisfaction target is an average score between 1 and 5.")
            elif self.metric not in SATISFACTION_METRICS and not (Decimal(0) <= self.target <= Decimal(100)):
                errors["target"] = _("A percentage target lies between 0 and 100.")
        if errors:
            raise ValidationError(errors)


class Baseline(models.Model):
    """A named period to compare reports with, e.g. the months before the contact centre opened."""

    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("baseline period")
        verbose_name_plural = _("baseline periods")

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d.%m.%Y}–{self.end:%d.%m.%Y})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day must not be before the first day.")})


class GoalReportDispatch(models.Model):
    """That the monthly goal report for a month was sent: claimed by insert, so it goes out once."""

    month = models.DateField(_("month"), unique=True)
    sent_at = models.DateTimeField(_("sent"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    goals_met = models.PositiveIntegerField(_("goals met"), default=0)
    goals_missed = models.PositiveIntegerField(_("goals not met"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly goal report")
        verbose_name_plural = _("monthly goal reports")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CalendarDay(models.Model):
    """The working-day calendar as a table, so reports count working days inside the database.

    ``ordinal`` numbers the working days of the table from its first day: the number of working
    days up to and including ``date`` (a closed day carries the number of the working day before
    it). Working days between two dates are then a subtraction. ``closes_minute`` is when the
    contact centre closes that day (minutes after midnight), None on closed days. Rebuilt from
    ``core.workdays`` by ``reporting.calendar.ensure`` whenever the calendar changes.
    """

    date = models.DateField(primary_key=True)
    daynum = models.IntegerField(unique=True)  # days since 1970-01-01: joined without date arithmetic
    ordinal = models.IntegerField()
    closes_minute = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} #{self.ordinal}"


class CalendarBuild(models.Model):
    """The one row saying which days ``CalendarDay`` covers and from which closed days it was built."""

    first = models.DateField()
    last = models.DateField()
    fingerprint = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = _("calendar build")
        verbose_name_plural = _("calendar builds")

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"
