"""Who may use which reporting page, and the report form every report view starts from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from erhvervskontakt.inquiries import access
from erhvervskontakt.organisation.roles import has_role, unit_of
from erhvervskontakt.reporting import cache, forms
from erhvervskontakt.reporting.scope import can_use_reports, restrict


def fixed_unit_for(user):
    """None for staff who see every unit; the user's own unit for unit staff; 403 for the rest."""
    if not can_use_reports(user):
        raise PermissionDenied
    if has_role(user, *access.READ_ALL):
        return None
    unit = unit_of(user)
    if unit is None:
        raise PermissionDenied
    return unit


def report_form(request) -> forms.ReportForm:
    return forms.bound_or_default(request.GET, fixed_unit=fixed_unit_for(request.user))


def build_from_form(request, form: forms.ReportForm, *, with_baseline: bool = True):
    scope = restrict(request.user, form.scope())
    baseline = form.baseline_period() if with_baseline else None
    return cache.build(form.period(), scope, baseline=baseline)
