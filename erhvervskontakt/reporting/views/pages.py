"""The dashboard and the report page."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms as django_forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from erhvervskontakt.core import clock
from erhvervskontakt.organisation.models import Department
from erhvervskontakt.organisation.roles import Role, has_role, unit_of
from erhvervskontakt.reporting import dashboard as dashboards
from erhvervskontakt.reporting import definitions, layout, periods
from erhvervskontakt.reporting.forms import LinkedErrorsMixin
from erhvervskontakt.reporting.report import comparison
from erhvervskontakt.reporting.scope import can_use_dashboard
from erhvervskontakt.reporting.views.common import build_from_form, report_form


class DashboardForm(LinkedErrorsMixin, django_forms.Form):
    department = django_forms.ModelChoiceField(
        Department.objects.filter(is_external=False),
        label=_("Department"),
        required=False,
        empty_label=_("All departments"),
        widget=django_forms.Select(attrs={"class": "form-select"}),
    )


def _dashboard_context(request) -> dict:
    if not can_use_dashboard(request.user):
        raise PermissionDenied
    form = DashboardForm(request.GET or None)
    own_unit = None if has_role(request.user, Role.MANAGER) else unit_of(request.user)
    if own_unit is None and not has_role(request.user, Role.MANAGER):
        raise PermissionDenied  # a unit contact person without a unit has no dashboard
    department = None
    if own_unit is None and form.is_bound and form.is_valid():
        department = form.cleaned_data.get("department")
    board = dashboards.build(
        clock.now(),
        unit_id=own_unit.pk if own_unit else None,
        department_id=department.pk if department else None,
    )
    scope_params = {"department": department.pk} if department else {}
    return {
        "form": form,
        "board": board,
        "own_unit": own_unit,
        "refresh_seconds": settings.REPORTING_DASHBOARD_REFRESH_SECONDS,
        "live_query": urlencode(scope_params),
    }


@login_required
@require_GET
def dashboard(request):
    return render(request, "reporting/dashboard.html", _dashboard_context(request))


@login_required
@require_GET
def dashboard_live(request):
    """The part of the dashboard that htmx polls."""
    return render(request, "reporting/_dashboard_live.html", _dashboard_context(request))


@login_required
@require_GET
def report_page(request):
    form = report_form(request)
    result = build_from_form(request, form) if form.is_valid() else None
    query = request.GET.copy()
    query.pop("page", None)
    filters = {k: v for k, v in query.items() if k not in ("from", "to")}
    presets = [(label, urlencode({**filters, **period.as_params()})) for label, period in periods.presets()]
    return render(
        request,
        "reporting/report.html",
        {
            "form": form,
            "report": result,
            "sections": layout.sections(result) if result else [],
            "comparison": comparison(result) if result else [],
            "query": query.urlencode(),
            "presets": presets,
            "definitions": definitions.DEFINITIONS,
        },
        status=200 if result is not None else 400,
    )
