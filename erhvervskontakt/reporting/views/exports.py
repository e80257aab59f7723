"""Downloads of a report: the figures as CSV and XLSX, the annual report as PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from erhvervskontakt.reporting.exports import pdf, tabular
from erhvervskontakt.reporting.views.common import build_from_form, report_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(request, render_bytes, content_type: str, suffix: str):
    form = report_form(request)
    if not form.is_valid():
        return render(request, "reporting/report.html", {"form": form, "report": None}, status=400)
    result = build_from_form(request, form)
    period = result.period
    stem = (
        f"erhvervskontakt-{period.start.year}"
        if period.is_calendar_year
        else (f"erhvervskontakt-{period.start:%Y%m%d}-{period.end:%Y%m%d}")
    )
    response = HttpResponse(render_bytes(result), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{suffix}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_csv(request):
    return _download(request, tabular.to_csv, "text/csv; charset=utf-8", "csv")


@login_required
@require_GET
def export_xlsx(request):
    return _download(request, tabular.to_xlsx, XLSX, "xlsx")


@login_required
@require_GET
def export_pdf(request):
    return _download(request, pdf.render_pdf, "application/pdf", "pdf")
