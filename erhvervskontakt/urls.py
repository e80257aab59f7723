from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from erhvervskontakt.core import views as core_views
from erhvervskontakt.organisation import views as organisation_views

admin.site.site_header = "Erhvervskontakt"
admin.site.site_title = "Erhvervskontakt"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("staff/", organisation_views.staff_home, name="staff-home"),
    path("staff/", include("erhvervskontakt.workspace.urls")),
    path("telephony/", include("erhvervskontakt.telephony.urls")),
    path("capacity/", include("erhvervskontakt.capacity.urls")),
    path("reporting/", include("erhvervskontakt.reporting.urls")),
    path("", include("erhvervskontakt.portal.urls")),
]

handler403 = "erhvervskontakt.core.views.error_403"
handler404 = "erhvervskontakt.core.views.error_404"
handler500 = "erhvervskontakt.core.views.error_500"
