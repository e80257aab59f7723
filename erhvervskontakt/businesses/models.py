from django.db import models
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.businesses.identifiers import normalize_phone, validate_cvr, validate_p_number


class Company(models.Model):
    """A business, identified by its CVR number when it has one (foreign firms may not)."""

    cvr = models.CharField(
        _("CVR number"), max_length=8, unique=True, null=True, blank=True, validators=[validate_cvr]
    )
    p_number = models.CharField(_("P-number"), max_length=10, blank=True, validators=[validate_p_number])
    name = models.CharField(_("name"), max_length=300, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return f"{self.name} (CVR {self.cvr})" if self.cvr else self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        if self.cvr == "":
            self.cvr = None
        super().save(*args, **kwargs)


class ContactPerson(models.Model):
    """A person who contacts the city on behalf of one or more companies."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("da", _("Danish")), ("en", _("English"))],
        default="da",
    )
    companies = models.ManyToManyField(
        Company, through="CompanyContact", related_name="contacts", blank=True, verbose_name=_("companies")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class CompanyContact(models.Model):
    company = models.ForeignKey(Company, models.CASCADE)
    person = models.ForeignKey(ContactPerson, models.CASCADE)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "person"], name="unique_company_contact")]
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")

    def __str__(self) -> str:
        return f"{self.person} @ {self.company}"
