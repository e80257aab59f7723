"""The list of inquiries (matters, callbacks, survey answers) behind a figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import access
from erhvervskontakt.organisation.roles import has_role
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting.exports.tabular import describe_scope
from erhvervskontakt.reporting.scope import restrict
from erhvervskontakt.reporting.session import reporting_session
from erhvervskontakt.reporting.views.common import report_form

PAGE_SIZE = 50
# The workspace's inquiry page (by reference); references are plain text if it is not installed.
INQUIRY_URL_NAME = "workspace:inquiry"


def visible(user, rows, level: str):
    """Keep only rows about inquiries the user may see (the same rule as every other list)."""
    if has_role(user, *access.READ_ALL):
        return rows
    allowed = access.visible_inquiries(user).values("pk")
    if level in (measures.INQUIRY, measures.MULTI):
        return rows.filter(pk__in=allowed)
    if level == measures.CALLBACK:
        return rows.filter(matter__inquiry__in=allowed)
    return rows.filter(inquiry__in=allowed)


def _select(rows, level: str):
    if level in (measures.INQUIRY, measures.MULTI):
        return rows.order_by("-received_at", "-pk")
    if level == measures.CALLBACK:
        return rows.select_related("matter__inquiry", "matter__topic", "unit").order_by("window_start", "pk")
    if level == measures.SURVEY:
        return rows.select_related("inquiry").order_by("-submitted_at", "pk")
    return rows.select_related("inquiry", "topic", "unit").order_by("received_at", "pk")


def inquiry_url_name() -> str | None:
    try:
        reverse(INQUIRY_URL_NAME, args=["EK-2000-000001"])
    except NoReverseMatch:
        return None
    return INQUIRY_URL_NAME


@login_required
@require_GET
def drilldown(request):
    form = report_form(request)
    key = request.GET.get("measure", "")
    try:
        level = measures.level_of(key)
    except measures.UnknownMeasure as exc:
        raise Http404("unknown measure") from exc
    context = {"form": form, "measure_key": key, "level": level, "label": _label(key)}
    if not form.is_valid():
        return render(request, "reporting/drilldown.html", context, status=400)
    scope = restrict(request.user, form.scope())
    with reporting_session():
        return _render_rows(request, form, key, level, scope, context)


def _render_rows(request, form, key, level, scope, context):
    rows = measures.rows(key, form.period(), scope, clock.now())
    page = None
    if rows is not None:
        rows = _select(visible(request.user, rows, level), level)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    back = query.copy()
    back.pop("measure", None)
    context.update(
        {
            "page": page,
            "period": form.period(),
            "query": query.urlencode(),
            "back_query": back.urlencode(),
            "inquiry_url_name": inquiry_url_name(),
            "filters": describe_scope(scope),
        }
    )
    return render(request, "reporting/drilldown.html", context)


def _label(key: str) -> str:
    name = key.split(":", 1)[0]
    if name in measures.MEASURES:
        return measures.MEASURES[name].label
    from django.utils.translation import gettext

    if name == "new_businesses":
        return gettext("Inquiries from businesses new to the city")
    return gettext("Inquiries with several matters, by coordinating unit")
