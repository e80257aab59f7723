"""Finding help: the start page, themes, guide pages, search and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from erhvervskontakt.catalogue.models import Theme, Topic
from erhvervskontakt.core.i18n import current_language
from erhvervskontakt.portal import search as portal_search
from erhvervskontakt.portal import wizard
from erhvervskontakt.portal.cache import cached_page
from erhvervskontakt.portal.search import normalise_query
from erhvervskontakt.portal.views.common import active_topics


def _plain_path(request, **_kwargs):
    """Cache only the address itself; an unexpected query string gets a fresh page."""
    return None if request.GET else request.path


def _search_key(request, **_kwargs):
    if set(request.GET) - {"q"}:
        return None
    return f"{request.path}?q={normalise_query(request.GET.get('q', ''))}"


@require_GET
@cached_page(_plain_path)
def home(request):
    """The start page: search, the project wizard, and the catalogue by the themes a business thinks in."""
    themes = Theme.objects.prefetch_related(
        Prefetch("topics", queryset=active_topics(), to_attr="active_topics")
    )
    return render(request, "portal/home.html", {"themes": themes, "projects": wizard.projects()})


@require_GET
@cached_page(_plain_path)
def theme(request, code: str):
    theme = get_object_or_404(Theme, code=code)
    return render(
        request, "portal/theme.html", {"theme": theme, "topics": active_topics().filter(themes=theme)}
    )


def apply_url(topic: Topic) -> str:
    """The topic's own form, or the general question form pre-set to the topic."""
    code = topic.form.code if topic.form_id and topic.form.is_active else "generel"
    return f"{reverse('portal:form', args=[code])}?emne={topic.code}"


@require_GET
@cached_page(_plain_path)
def topic(request, code: str):
    topic = get_object_or_404(
        active_topics().select_related("unit__contact_person", "form").prefetch_related("links", "themes"),
        code=code,
    )
    contact = topic.unit.contact_person
    context = {
        "topic": topic,
        "apply_url": apply_url(topic),
        "has_own_form": bool(topic.form_id and topic.form.is_active),
        "callback_url": f"{reverse('portal:form', args=['callback'])}?emne={topic.code}",
        "contact_name": (contact.get_full_name() or contact.get_username()) if contact else "",
        "themes": list(topic.themes.all()),
    }
    return render(request, "portal/topic.html", context)


@require_GET
@cached_page(_search_key)
def search(request):
    """Search in the business's own words: routing suggestions and full-text matches."""
    q = normalise_query(request.GET.get("q", ""))
    results = portal_search.search_topics(q, current_language()) if q else []
    return render(request, "portal/search.html", {"q": q, "results": results})


@require_GET
@cached_page(_plain_path)
def accessibility(request):
    return render(request, "portal/accessibility.html")


@require_GET
def set_language(request):
    """Switch language with a plain link or GET form (no CSRF token, so public pages can be cached)."""
    language = request.GET.get("language", "")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        )
    return response
