"""The project's URLs plus stand-ins for the workspace pages the screen-pop links to."""

from django.http import HttpResponse
from django.urls import include, path

from erhvervskontakt.urls import urlpatterns as project


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in")


workspace = (
    [
        path("register/", _stand_in, name="register"),
        path("inquiries/<str:reference>/", _stand_in, name="inquiry"),
    ],
    "workspace",
)
urlpatterns = [path("staff/", include(workspace))] + [
    pattern for pattern in project if getattr(pattern, "namespace", None) != "workspace"
]


without_workspace = [pattern for pattern in project if getattr(pattern, "namespace", None) != "workspace"]
