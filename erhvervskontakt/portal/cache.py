"""Caching public pages that only change when editors change the catalogue.

Guide, theme, start and search pages are the same for every anonymous visitor in a language,
so they are cached whole (per language and address) under a *catalogue version*. Saving or
deleting a topic, theme, link, form, unit or department bumps the version (signal receivers in
``apps.py``), so every process serves the new content at once; entries also expire on their
own. Pages carry no CSRF token (the language switch is a plain GET), so sharing them is safe.
Visitors with a session (staff, businesses in the middle of a form) always get a fresh page.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "portal:catalogue-version"
# The version is remembered in the process for a moment: one cache read per request, not two.
_LOCAL_SECONDS = 2.0
_local: dict[str, object] = {"version": None, "at": 0.0}


def catalogue_version() -> str:
    now = time.monotonic()
    if _local["version"] is not None and now - float(_local["at"]) < _LOCAL_SECONDS:
        return str(_local["version"])
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    _local["version"], _local["at"] = version, now
    return str(version)


def bump_catalogue_version(**_kwargs) -> None:
    """Invalidate every cached page and search result (called when the catalogue changes)."""
    cache.set(VERSION_KEY, secrets.token_hex(4), None)
    _local["version"] = None


def _digest(part: str) -> str:
    # Hashed so any address or query (spaces, æøå, length) makes a valid key for every backend.
    return hashlib.sha256(part.encode("utf-8", "replace")).hexdigest()[:32]


def personal_cookies() -> tuple[str, ...]:
    """Cookies that make a visitor's page their own: whoever sends one never gets a shared page
    (this module's page cache and the front cache in front_cache.py both ask here)."""
    return (settings.SESSION_COOKIE_NAME, "messages")


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    return not any(name in request.COOKIES for name in personal_cookies())


def cached_page(key_func=None):
    """Cache a view's 200 responses per catalogue version, language and address.

    ``key_func(request, **kwargs)`` returns the varying part of the key, or None to skip the
    cache for this request (e.g. an unexpected query string).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            part = key_func(request, **kwargs) if key_func else request.path
            if part is None or not _cacheable(request):
                response = view(request, *args, **kwargs)
                response["X-Portal-Cache"] = "bypass"
                return response
            key = f"portal:page:{catalogue_version()}:{request.LANGUAGE_CODE}:{_digest(part)}"
            hit = cache.get(key)
            if hit is not None:
                response = HttpResponse(hit, content_type="text/html; charset=utf-8")
                response["X-Portal-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                shareable = (
                    response.status_code == 200
                    and not response.cookies
                    and not getattr(response, "streaming", False)
                    # A page that asked for a CSRF token is personal: never share it.
                    and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                )
                if shareable:
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    cache.set(key, response.content, settings.PORTAL_PAGE_CACHE_SECONDS)
                # "hit" and "miss" mean shareable: the front cache (front_cache.py) keeps only those.
                response["X-Portal-Cache"] = "miss" if shareable else "bypass"
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            return response

        return wrapper

    return decorator


def cached_value(name: str, part: str, compute, timeout: int | None = None):
    """A computed value cached under the catalogue version (e.g. search results per query)."""
    key = f"portal:{name}:{catalogue_version()}:{_digest(part)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout or settings.PORTAL_PAGE_CACHE_SECONDS)
    return value
