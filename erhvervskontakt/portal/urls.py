from django.urls import path

from erhvervskontakt.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tema/<slug:code>/", views.theme, name="theme"),
    path("emne/<slug:code>/", views.topic, name="topic"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
]
