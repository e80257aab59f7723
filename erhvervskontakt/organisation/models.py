from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.core.i18n import Localized


class Department(Localized, models.Model):
    """A department (forvaltning) such as TMF, or EXT for state authorities, KC for the contact centre."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_external = models.BooleanField(
        _("state authority"), default=False, help_text=_("Matters the city refers to the state.")
    )
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} {self.name_da}"

    @property
    def name(self) -> str:
        return self.tr("name")


class Unit(Localized, models.Model):
    """A unit inside a department that owns matters, has a queue and a designated contact person."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="units", verbose_name=_("department")
    )
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    opening_hours_da = models.CharField(_("opening hours (Danish)"), max_length=200, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_units",
        verbose_name=_("designated contact person"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department__sort", "name_da"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.department.code} · {self.name_da}"

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def opening_hours(self) -> str:
        return self.tr("opening_hours")


class StaffProfile(models.Model):
    """What the system knows about a staff user beyond Django's user: unit and phone identity."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile")
    unit = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name=_("unit")
    )
    title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone / extension"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_("The number the telephone platform reports when this person answers a call."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.unit or '-'})"
