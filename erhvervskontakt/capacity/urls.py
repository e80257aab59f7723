from django.urls import path

from erhvervskontakt.capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("plan.csv", views.plan_csv, name="plan-csv"),
    path("simulate/", views.simulate, name="simulate"),
    path("settings/", views.settings_edit, name="settings"),
    path("overrides/", views.overrides, name="overrides"),
    path("overrides/remove/", views.override_remove, name="override-remove"),
    path("roster/", views.roster, name="roster"),
    path("roster/fill/", views.roster_fill, name="roster-fill"),
    path("roster/import/", views.roster_import, name="roster-import"),
]
