from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceSequence(models.Model):
    """The last reference number handed out per year and prefix.

    Numbers come from an UPDATE of this row inside the creating transaction, so two
    concurrent registrations can never get the same number, and a number is never reused.
    """

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_sequence")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class ClosedDay(models.Model):
    """A single extra day the city is closed (besides holidays and the recurring closed days)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
