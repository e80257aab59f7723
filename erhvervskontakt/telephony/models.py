from django.db import models
from django.utils.translation import gettext_lazy as _


class IntervalStatistic(models.Model):
    """Calls per queue and 30-minute interval: what capacity planning forecasts from.

    Filled from call records (telephony) or imported from a historical CSV of the same shape.
    """

    queue = models.CharField(_("queue"), max_length=64)
    interval_start = models.DateTimeField(_("interval start"))
    interval_seconds = models.PositiveIntegerField(_("interval length (s)"), default=1800)
    offered = models.PositiveIntegerField(_("offered"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)
    abandoned = models.PositiveIntegerField(_("abandoned"), default=0)
    answered_within_target = models.PositiveIntegerField(_("answered within target"), default=0)
    service_target_seconds = models.PositiveIntegerField(_("service-level target (s)"), default=20)
    total_wait_answered_seconds = models.FloatField(_("total wait of answered calls (s)"), default=0)
    total_wait_abandoned_seconds = models.FloatField(_("total wait of abandoned calls (s)"), default=0)
    total_handle_seconds = models.FloatField(_("total handle time (s)"), default=0)
    source = models.CharField(_("source"), max_length=16, default="calls")

    class Meta:
        ordering = ["queue", "interval_start"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "interval_start"], name="unique_interval_statistic")
        ]
        verbose_name = _("interval statistic")
        verbose_name_plural = _("interval statistics")

    def __str__(self) -> str:
        return f"{self.queue} {self.interval_start:%Y-%m-%d %H:%M}: {self.offered}"
