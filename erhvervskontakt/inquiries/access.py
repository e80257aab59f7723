"""Who may see and do what with inquiries: one module, used by every list, page and download.

- Agents see and act on all inquiries.
- Caseworkers and unit contact persons see inquiries that have a matter in their unit; they
  act only on their unit's matters (other units' matters are read-only to them).
- Managers read everything and act on nothing (except escalation follow-up through the admin).
- Content editors and administrators do not read inquiries unless they hold one of the roles above.

Refusals are 403s raised by the faces; querysets here never include what may not be seen, so
search results, counts and attachment downloads cannot leak.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from erhvervskontakt.inquiries.models import Attachment, Callback, Inquiry, Matter
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of

READ_ALL = (Role.AGENT, Role.MANAGER)
UNIT_ROLES = (Role.CASEWORKER, Role.UNIT_CONTACT)


def is_inquiry_staff(user) -> bool:
    """Whether the user may use the inquiry workspace at all."""
    return has_role(user, Role.AGENT, Role.MANAGER, Role.CASEWORKER, Role.UNIT_CONTACT)


def visible_inquiries(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Inquiry.objects.all() if queryset is None else queryset
    if has_role(user, *READ_ALL):
        return qs
    unit_id = unit_id_of(user)
    if has_role(user, *UNIT_ROLES) and unit_id:
        return qs.filter(Exists(Matter.objects.filter(inquiry=OuterRef("pk"), unit_id=unit_id)))
    return qs.none()


def visible_matters(user, queryset: QuerySet | None = None) -> QuerySet:
    """Matters the user may read (including other units' matters on an inquiry they may see)."""
    qs = Matter.objects.all() if queryset is None else queryset
    if has_role(user, *READ_ALL):
        return qs
    unit_id = unit_id_of(user)
    if has_role(user, *UNIT_ROLES) and unit_id:
        return qs.filter(Exists(Matter.objects.filter(inquiry=OuterRef("inquiry_id"), unit_id=unit_id)))
    return qs.none()


def can_view_inquiry(user, inquiry: Inquiry) -> bool:
    if has_role(user, *READ_ALL):
        return True
    unit_id = unit_id_of(user)
    return bool(has_role(user, *UNIT_ROLES) and unit_id and inquiry.matters.filter(unit_id=unit_id).exists())


def can_act_on_matter(user, matter: Matter) -> bool:
    if has_role(user, Role.AGENT):
        return True
    unit_id = unit_id_of(user)
    return bool(has_role(user, *UNIT_ROLES) and unit_id and matter.unit_id == unit_id)


def can_act_on_inquiry(user, inquiry: Inquiry) -> bool:
    """Inquiry-level actions (notes, adding a matter, coordination): agents and the inquiry's units."""
    if has_role(user, Role.AGENT):
        return True
    unit_id = unit_id_of(user)
    return bool(has_role(user, *UNIT_ROLES) and unit_id and inquiry.matters.filter(unit_id=unit_id).exists())


def can_view_attachment(user, attachment: Attachment) -> bool:
    return can_view_inquiry(user, attachment.inquiry)


def can_act_on_callback(user, callback: Callback) -> bool:
    """Who may mark a callback as made: agents, and staff of the unit asked to call (or of the
    unit holding the matter)."""
    if has_role(user, Role.AGENT):
        return True
    unit_id = unit_id_of(user)
    return bool(
        has_role(user, *UNIT_ROLES) and unit_id and unit_id in (callback.unit_id, callback.matter.unit_id)
    )


def visible_callbacks(user, queryset: QuerySet | None = None) -> QuerySet:
    """Callbacks the user may see: all for agents and managers, their unit's for unit staff."""
    qs = Callback.objects.all() if queryset is None else queryset
    if has_role(user, *READ_ALL):
        return qs
    unit_id = unit_id_of(user)
    if has_role(user, *UNIT_ROLES) and unit_id:
        return qs.filter(Q(unit_id=unit_id) | Q(matter__unit_id=unit_id))
    return qs.none()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
