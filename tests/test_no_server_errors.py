"""No page answers with a server error, whatever its query string or form fields hold.

Crawls the site as each persona from the start pages (links on this site, at most ``PAGES``
pages each), fetches every page plainly, as htmx does and with odd query parameters, and posts
each kind of form once with odd values. The same crawl, run against the demo on PostgreSQL on
2026-11-28, found three kinds of server error: NUL characters in searches, ``next=123`` after an
action, and a bad autocomplete key on an admin form.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.portal.forms_loader import load_default_forms
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = 45
BIG = "99999999999999999999999"
ODD_QUERY = {
    "q": "Olsen\x00' OR 1=1 --<script>",
    "page": BIG,
    "cursor": "@@@",
    "unit": BIG,
    "topic": "../../etc",
    "year": "99999",
    "date": "2026-13-45",
    "from": "abc",
    "status": "zzz",
    "mine": "x",
    "next": "123",
}
SKIP = re.compile(r"logout|/delete/|/history/|/i18n/|/static/|/media/|\.(pdf|xlsx|csv|ics|png|svg|css|js)$")
START = [
    "/",
    "/en/",
    "/formular/generel/",
    "/projekt/",
    "/staff/",
    "/staff/search/",
    "/reporting/",
    "/capacity/",
    "/telephony/",
    "/admin/",
]


def _links(page: str, here: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)"', page):
        url = urlparse(urljoin("http://testserver" + here, html.unescape(href)))
        if url.netloc == "testserver":
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _forms(page: str, here: str):
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.S | re.I):
        attrs, body = match.groups()
        if 'method="post"' not in attrs.lower():
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        target = urlparse(
            urljoin("http://testserver" + here, html.unescape(action.group(1)) if action else here)
        )
        names = {
            html.unescape(name)
            for name in re.findall(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', body, re.I)
        }
        yield target.path, names


def _odd_values(names: set[str], kind: str) -> dict[str, str]:
    if kind == "big":
        return dict.fromkeys(names, BIG)
    return dict.fromkeys(names, "x" * 3000 + "\x00'\"<b>")


def crawl(client: Client) -> list[tuple[str, str, int]]:
    errors, seen, posted = [], set(), set()
    queue = deque(START)
    while queue and len(seen) < PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(path) or ("/admin/" in path and path.count("/") > 5):
            continue
        seen.add(path)
        response = client.get(path)
        odd = client.get(path.split("?")[0], ODD_QUERY)
        partial = client.get(path, headers={"HX-Request": "true", "HX-Target": "main"})  # htmx's fragment
        errors += [("GET", path, r.status_code) for r in (response, odd, partial) if r.status_code >= 500]
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for target, names in _forms(page, path):
            kind_of_form = re.sub(r"\d+|EK-[\d-]+", "N", target)
            if kind_of_form in posted or "logout" in target or target.startswith("/admin/"):
                continue
            posted.add(kind_of_form)
            for kind in ("big", "text"):
                status = client.post(target, _odd_values(names, kind)).status_code
                if status >= 500:
                    errors.append((f"POST {kind}", target, status))
        queue.extend(link for link in _links(page, path) if link not in seen)
    assert len(seen) > 3, seen  # the crawl found pages to visit
    return errors


@pytest.fixture
def world(org, catalogue, personas, business):
    # The public forms, so they are posted too (with the topics they name).
    factories.make_topic(org.unit_a, "vejareal", name_da="Råden over vejareal")
    factories.make_topic(org.unit_c, "erhvervsaffald", days=15, name_da="Erhvervsaffald")
    factories.make_topic(org.unit_c, "spildevand", days=30, name_da="Spildevand")
    load_default_forms()
    forwarded = factories.register([catalogue.skilte], business=business, direct=True)
    factories.register([catalogue.generel], subject="Spørgsmål om affald")
    start = clock.now() + dt.timedelta(hours=2)
    services.callback_book(
        forwarded.matters.get(),
        actor=personas.agent,
        phone="+45 30 00 00 01",
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
    )
    return personas


@pytest.mark.parametrize(
    "persona",
    [None, "agent", "caseworker_a", "caseworker_b", "unit_contact_a", "manager", "editor", "administrator"],
)
def test_no_page_or_form_gives_a_server_error(world, persona):
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(getattr(world, persona))
    assert crawl(client) == []
