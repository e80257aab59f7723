"""Staff roles, kept as Django groups so administrators assign them in the admin.

A person may hold several roles. Permission *rules* for inquiries live in
``erhvervskontakt.inquiries.access``; this module only answers "who is what".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Contact-centre agent")
    CASEWORKER = "caseworker", _("Caseworker")
    UNIT_CONTACT = "unit_contact", _("Unit contact person")
    MANAGER = "manager", _("Manager")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(Role)


def roles_of(user) -> frozenset[str]:
    """The roles a user holds (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ek_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(r for r in Role.values if r in names)
        user._ek_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of ``roles``."""
    return bool(roles_of(user) & set(roles))


def is_administrator(user) -> bool:
    """An active administrator (the role, or a superuser)."""
    return bool(user and user.is_active and (user.is_superuser or has_role(user, Role.ADMINISTRATOR)))


def unit_of(user):
    """The staff member's unit, or None."""
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.unit if profile else None


def unit_id_of(user) -> int | None:
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return profile.unit_id if profile else None
