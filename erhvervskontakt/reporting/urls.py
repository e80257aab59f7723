from django.urls import path

from erhvervskontakt.reporting.views import drilldown, exports, pages

app_name = "reporting"
urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("live/", pages.dashboard_live, name="dashboard-live"),
    path("rapporter/", pages.report_page, name="report"),
    path("rapporter/henvendelser/", drilldown.drilldown, name="drilldown"),
    path("rapporter/tal.csv", exports.export_csv, name="export-csv"),
    path("rapporter/tal.xlsx", exports.export_xlsx, name="export-xlsx"),
    path("rapporter/aarsrapport.pdf", exports.export_pdf, name="export-pdf"),
]
