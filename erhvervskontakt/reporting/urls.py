from django.urls import path
from django.views.generic import RedirectView

from erhvervskontakt.reporting.views import drilldown, exports, pages

app_name = "reporting"
# Separate prefixes so the staff menu marks only one of "Dashboard" and "Reports" as current.
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reporting:dashboard", permanent=False)),
    path("overblik/", pages.dashboard, name="dashboard"),
    path("overblik/live/", pages.dashboard_live, name="dashboard-live"),
    path("rapporter/", pages.report_page, name="report"),
    path("rapporter/henvendelser/", drilldown.drilldown, name="drilldown"),
    path("rapporter/tal.csv", exports.export_csv, name="export-csv"),
    path("rapporter/tal.xlsx", exports.export_xlsx, name="export-xlsx"),
    path("rapporter/aarsrapport.pdf", exports.export_pdf, name="export-pdf"),
]
