"""What a manager decides for capacity planning: targets per queue, day overrides, the roster.

Rows are written only by the functions in :mod:`erhvervskontakt.capacity.services`, each of which
also appends a :class:`PlanChange` saying who changed what.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def _percent(low: str, high: str) -> list:
    return [MinValueValidator(Decimal(low)), MaxValueValidator(Decimal(high))]


class StaffingSettings(models.Model):
    """Service targets and planning assumptions of one telephone queue.

    A queue without a row uses the field defaults (see ``selectors.staffing_settings``).
    """

    queue = models.CharField(_("queue"), max_length=64, unique=True)
    service_level_percent = models.DecimalField(
        _("service level target (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=_percent("1", "99.9"),
        help_text=_("Share of calls to answer within the target time, e.g. 80."),
    )
    service_level_seconds = models.PositiveIntegerField(
        _("target time (seconds)"),
        default=20,
        validators=[MaxValueValidator(3600)],
        help_text=_("Calls answered within this many seconds count as answered on time, e.g. 20."),
    )
    max_occupancy_percent = models.DecimalField(
        _("maximum occupancy (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("85"),
        validators=_percent("10", "100"),
        help_text=_("The highest share of their time agents should spend on calls; 100 = no limit."),
    )
    shrinkage_percent = models.DecimalField(
        _("shrinkage (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=_percent("0", "90"),
        help_text=_("Share of rostered time not on the phones: breaks, meetings, training, absence."),
    )
    patience_seconds = models.PositiveIntegerField(
        _("mean caller patience (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7200)],
        help_text=_("How long callers wait on average before hanging up. Empty = callers never hang up."),
    )
    max_abandon_percent = models.DecimalField(
        _("maximum abandonment (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_percent("0.1", "100"),
        help_text=_("The highest share of callers who may hang up before an answer (needs patience)."),
    )
    aht_seconds = models.PositiveIntegerField(
        _("handling time (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7200)],
        help_text=_("Average talk time plus after-call work. Empty = the average from the call history."),
    )
    after_call_work_seconds = models.PositiveIntegerField(
        _("after-call work (seconds)"),
        default=0,
        validators=[MaxValueValidator(3600)],
        help_text=_("Added to the talk time from the history (which has no wrap-up time)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("staffing settings")
        verbose_name_plural = _("staffing settings")

    def __str__(self) -> str:
        return self.queue

    def clean(self) -> None:
        if self.max_abandon_percent is not None and self.patience_seconds is None:
            raise ValidationError(
                {"max_abandon_percent": _("A maximum abandonment needs a mean caller patience.")}
            )


class OverrideReason(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    DEADLINE = "deadline", _("Deadline")
    OTHER = "other", _("Other")


class DayOverride(models.Model):
    """A manager's own estimate of a day's calls, replacing the forecast total (the intra-day shape stays)."""

    queue = models.CharField(_("queue"), max_length=64)
    day = models.DateField(_("date"))
    total_calls = models.PositiveIntegerField(_("calls that day"), validators=[MaxValueValidator(100_000)])
    reason = models.CharField(_("reason"), max_length=16, choices=OverrideReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["queue", "day"]
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="capacity_unique_day_override")]
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")

    def __str__(self) -> str:
        return f"{self.queue} {self.day}: {self.total_calls}"


class PlannedAgents(models.Model):
    """How many people the manager has rostered on the phones in one 30-minute interval."""

    queue = models.CharField(_("queue"), max_length=64)
    interval_start = models.DateTimeField(_("interval start"))
    agents = models.PositiveSmallIntegerField(_("planned agents"), validators=[MaxValueValidator(999)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["queue", "interval_start"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "interval_start"], name="capacity_unique_planned_agents")
        ]
        verbose_name = _("planned agents")
        verbose_name_plural = _("planned agents")

    def __str__(self) -> str:
        return f"{self.queue} {self.interval_start:%Y-%m-%d %H:%M}: {self.agents}"


class ChangeKind(models.TextChoices):
    SETTINGS = "settings", _("Settings changed")
    OVERRIDE_SET = "override_set", _("Day override set")
    OVERRIDE_REMOVED = "override_removed", _("Day override removed")
    ROSTER = "roster", _("Planned agents changed")
    ROSTER_IMPORT = "roster_import", _("Planned agents imported")


class PlanChange(models.Model):
    """Append-only record of every change to capacity planning data: who, when, what."""

    queue = models.CharField(_("queue"), max_length=64)
    kind = models.CharField(_("change"), max_length=24, choices=ChangeKind.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["queue", "-at"], name="capacity_change_queue_at")]
        verbose_name = _("capacity plan change")
        verbose_name_plural = _("capacity plan changes")

    def __str__(self) -> str:
        return f"{self.queue} {self.kind} {self.at:%Y-%m-%d %H:%M}"
