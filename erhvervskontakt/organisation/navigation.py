"""The staff navigation: which screens each role sees. Faces register their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.organisation.roles import Role, roles_of


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str]


# Order is the order on screen. An entry whose URL does not exist (app not installed) is skipped.
NAV_ITEMS = [
    NavItem("workspace:agent-home", _("Register and triage"), frozenset({Role.AGENT})),
    NavItem("workspace:unit-queue", _("Unit queue"), frozenset({Role.CASEWORKER, Role.UNIT_CONTACT})),
    NavItem(
        "workspace:callbacks", _("Callbacks"), frozenset({Role.AGENT, Role.CASEWORKER, Role.UNIT_CONTACT})
    ),
    NavItem(
        "workspace:search",
        _("Search inquiries"),
        frozenset({Role.AGENT, Role.CASEWORKER, Role.UNIT_CONTACT, Role.MANAGER}),
    ),
    NavItem("reporting:dashboard", _("Dashboard"), frozenset({Role.MANAGER, Role.UNIT_CONTACT})),
    NavItem("reporting:report", _("Reports"), frozenset({Role.MANAGER, Role.UNIT_CONTACT})),
    NavItem("capacity:plan", _("Capacity plan"), frozenset({Role.MANAGER})),
    NavItem("telephony:statistics", _("Call statistics"), frozenset({Role.MANAGER})),
    NavItem("telephony:simulator", _("IVR simulator"), frozenset({Role.CONTENT_EDITOR, Role.ADMINISTRATOR})),
    NavItem("admin:index", _("Administration"), frozenset({Role.CONTENT_EDITOR, Role.ADMINISTRATOR})),
]


def staff_navigation(request) -> dict:
    roles = roles_of(getattr(request, "user", None))
    if not roles:
        return {"staff_nav": []}
    items = []
    for item in NAV_ITEMS:
        if not (item.roles & roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "active": request.path.startswith(url)})
    return {"staff_nav": items}
