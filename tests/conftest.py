"""Shared fixtures: a small organisation and catalogue, and the personas every permission is
tested with (agent, caseworker of unit A, caseworker of unit B, unit contact, manager,
content editor, administrator, business, outsider)."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with stray PostgreSQL sessions ended before it is dropped.

    A request the browser sent as a test ended (htmx polling) can still hold a connection in a
    live-server thread when the session ends; PostgreSQL then refuses to drop the worker's
    database ("being accessed by other users", pytest-django #429) and leaves it behind.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def org(db):
    return factories.build_organisation()


@pytest.fixture
def catalogue(org):
    return factories.build_catalogue(org)


@pytest.fixture
def personas(org, catalogue):
    return factories.build_personas(org)


@pytest.fixture
def agent(personas):
    return personas.agent


@pytest.fixture
def caseworker_a(personas):
    return personas.caseworker_a


@pytest.fixture
def caseworker_b(personas):
    return personas.caseworker_b


@pytest.fixture
def manager(personas):
    return personas.manager


@pytest.fixture
def outsider(personas):
    return personas.outsider


@pytest.fixture
def business(db):
    return factories.make_business()


def require_service(name: str, available: bool, why: str) -> None:
    """Skip when a service is missing on a laptop; fail under REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    message = f"{name} not available: {why}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {message}")
    pytest.skip(message)


@pytest.fixture
def roles_exist(db):
    return list(Group.objects.values_list("name", flat=True))


# --- real browser ---------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "node_modules", "axe-core", "axe.min.js")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download: offline machines)."""
    require_service("Chromium", os.path.exists(CHROMIUM), f"{CHROMIUM} not found (apt install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; ``page.base_url`` is the live server's address."""
    context = browser.new_context(locale="da-DK", base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    tab.base_url = live_server.url
    yield tab
    context.close()


def run_axe(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) in the page; return serious or critical violations."""
    require_service("axe-core", os.path.exists(AXE_PATH), "node_modules/axe-core missing (npm ci)")
    page.add_script_tag(path=AXE_PATH)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a','wcag2aa','wcag21a','wcag21aa']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "help": v["help"],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def login(page, username: str, password: str = "pw") -> None:
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
