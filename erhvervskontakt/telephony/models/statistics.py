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

    @property
    def average_speed_of_answer(self) -> float | None:
        """Seconds an answered caller waited on average (ASA)."""
        return self.total_wait_answered_seconds / self.answered if self.answered else None

    @property
    def average_handle_time(self) -> float | None:
        """Seconds an answered call lasted on average (AHT, talk time as reported by the platform)."""
        return self.total_handle_seconds / self.answered if self.answered else None

    @property
    def average_abandon_time(self) -> float | None:
        """Seconds a caller who gave up had waited on average."""
        return self.total_wait_abandoned_seconds / self.abandoned if self.abandoned else None

    @property
    def service_level(self) -> float | None:
        """Share of offered calls answered within the target (abandoned calls count as missed)."""
        return self.answered_within_target / self.offered if self.offered else None


class IntervalToRecompute(models.Model):
    """A (queue, interval) whose call records changed since its statistic was last computed.

    Marking bumps ``generation``; the recomputation deletes a mark only if its generation is
    still the one it read, so a call that changes during a recomputation is counted next time.
    """

    queue = models.CharField(max_length=64)
    interval_start = models.DateTimeField()
    generation = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "interval_start"], name="unique_interval_to_recompute")
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.interval_start:%Y-%m-%d %H:%M}"
