"""A cache in front of Django for public pages that every anonymous visitor shares.

``cache.cached_page`` already stores a public page whole, but a hit still passed through
Django's request handling and the middleware stack, which cost about as much as /healthz. This
WSGI layer answers a repeat request for such a page before Django is involved, the way a
reverse-proxy cache would, with the status, headers and body Django produced the first time.

What it stores: only responses the page cache marked shareable (``X-Portal-Cache: hit`` or
``miss``), with status 200 and no ``Set-Cookie``. What it serves them to: GET and HEAD
requests without a session or messages cookie. The key holds everything such a page varies on —
the catalogue version (so an editor's change shows at once, like the page cache), the path and
query string, the language cookie and the raw ``Accept-Language`` header (keying on the inputs
rather than re-implementing Django's language negotiation) — and entries expire with
``PORTAL_PAGE_CACHE_SECONDS``. Anything else goes to Django untouched.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from erhvervskontakt.portal.cache import catalogue_version, personal_cookies

MARKER = "x-portal-cache"
SHAREABLE = {"hit", "miss"}
MAX_BODY = 512 * 1024  # a public page is tens of kB; never hold something unexpected


def _cookie_names_and_language(header: str) -> tuple[set[str], str]:
    names, language = set(), ""
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        names.add(name)
        if name == settings.LANGUAGE_COOKIE_NAME:
            language = value
    return names, language


class FrontCache:
    def __init__(self, app):
        self.app = app

    def _key(self, environ) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        names, language = _cookie_names_and_language(environ.get("HTTP_COOKIE", ""))
        if any(name in names for name in personal_cookies()):
            return None
        raw = "\n".join(
            (
                environ.get("HTTP_HOST", ""),
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                language,
                environ.get("HTTP_ACCEPT_LANGUAGE", ""),
                environ.get("HTTP_HX_REQUEST", ""),  # htmx asks for fragments of the same address
            )
        )
        digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:40]
        return f"portal:front:{catalogue_version()}:{digest}"

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        stored = cache.get(key)
        if stored is not None:
            status, headers, body = stored
            headers = [(k, "front" if k.lower() == MARKER else v) for k, v in headers]
            start_response(status, headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        seen: dict = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, remember)
        if environ["REQUEST_METHOD"] != "GET" or not self._shareable(seen):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) <= MAX_BODY:
            cache.set(key, (seen["status"], list(seen["headers"]), body), settings.PORTAL_PAGE_CACHE_SECONDS)
        return [body]

    @staticmethod
    def _shareable(seen: dict) -> bool:
        if not str(seen.get("status", "")).startswith("200"):
            return False
        headers = {k.lower(): v for k, v in seen.get("headers", [])}
        return headers.get(MARKER) in SHAREABLE and "set-cookie" not in headers
