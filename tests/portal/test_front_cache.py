"""The cache in front of Django (erhvervskontakt.wsgi): the same pages, sooner, and never a
personal page to someone else. Requests go through the real WSGI application, as gunicorn's do."""

from __future__ import annotations

import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.cache import cache

from erhvervskontakt.wsgi import application

pytestmark = pytest.mark.django_db(transaction=False)


def call(path: str, *, method: str = "GET", query: str = "", cookie: str = "", language: str = "") -> tuple:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if language:
        environ["HTTP_ACCEPT_LANGUAGE"] = language
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    chunks = application(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    headers = {k.lower(): v for k, v in seen["headers"]}
    return seen["status"], headers, body.decode()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_a_repeat_request_is_answered_in_front_with_the_same_page_and_headers(catalogue):
    status, first_headers, first = call("/emne/skilte/", language="en")
    assert status.startswith("200") and first_headers["x-portal-cache"] == "miss"
    status, headers, again = call("/emne/skilte/", language="en")
    assert status.startswith("200") and headers["x-portal-cache"] == "front"
    assert again == first
    for name in ("content-type", "x-frame-options", "vary", "content-language"):
        assert headers.get(name) == first_headers.get(name), name


def test_languages_and_queries_are_kept_apart(catalogue):
    call("/emne/skilte/", language="en")
    _, headers, danish = call("/emne/skilte/", language="da")
    assert headers["x-portal-cache"] != "front" and '<html lang="da"' in danish
    _, _, by_cookie = call("/emne/skilte/", cookie="django_language=en")
    assert '<html lang="en"' in by_cookie
    _, _, one = call("/soeg/", query="q=skilt", language="da")
    _, headers, other = call("/soeg/", query="q=affald", language="da")
    assert headers["x-portal-cache"] != "front" and one != other


def test_an_editors_change_shows_at_once(catalogue):
    call("/emne/skilte/", language="en")
    assert call("/emne/skilte/", language="en")[1]["x-portal-cache"] == "front"
    catalogue.skilte.name_en = "Signs and A-boards"
    catalogue.skilte.save()
    _, headers, page = call("/emne/skilte/", language="en")
    assert headers["x-portal-cache"] == "miss" and "Signs and A-boards" in page


def test_visitors_with_a_session_and_posts_always_reach_django(catalogue):
    call("/emne/skilte/", language="en")
    _, headers, _ = call("/emne/skilte/", language="en", cookie="sessionid=abc")
    assert headers["x-portal-cache"] == "bypass"
    _, headers, _ = call("/emne/skilte/", language="en", cookie="messages=xyz")
    assert headers["x-portal-cache"] == "bypass"
    status, headers, _ = call("/emne/skilte/", method="POST", language="en")
    assert headers.get("x-portal-cache") != "front"


def test_responses_that_set_cookies_or_are_not_public_pages_are_never_kept(catalogue):
    # The language switch sets a cookie: it must run every time, for everybody.
    for _ in range(2):
        status, headers, _ = call("/sprog/", query="language=en&next=/", language="da")
        assert status.startswith("302") and "set-cookie" in headers
    # A page outside the page cache (the staff login) is never answered in front.
    for _ in range(2):
        _, headers, _ = call("/staff/login/")
        assert "x-portal-cache" not in headers
