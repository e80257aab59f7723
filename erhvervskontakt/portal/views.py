from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from erhvervskontakt.catalogue.models import Theme, Topic


def _active_topics():
    return Topic.objects.filter(is_active=True).select_related("department", "unit")


def home(request):
    """The start page: the catalogue by the themes a business thinks in."""
    themes = Theme.objects.prefetch_related(
        Prefetch("topics", queryset=_active_topics(), to_attr="active_topics")
    )
    return render(request, "portal/home.html", {"themes": themes})


def theme(request, code: str):
    theme = get_object_or_404(Theme, code=code)
    return render(
        request, "portal/theme.html", {"theme": theme, "topics": _active_topics().filter(themes=theme)}
    )


def topic(request, code: str):
    topic = get_object_or_404(
        _active_topics().select_related("unit__contact_person", "form").prefetch_related("links", "themes"),
        code=code,
    )
    return render(request, "portal/topic.html", {"topic": topic})


def accessibility(request):
    return render(request, "portal/accessibility.html")
