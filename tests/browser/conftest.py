"""Browser-test fixtures for the public portal: a small catalogue with the shipped forms, and
helpers for English, keyboard-only navigation and axe checks."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from erhvervskontakt.portal.forms_loader import load_default_forms
from tests import factories
from tests.conftest import run_axe


@pytest.fixture(autouse=True)
def _portal_limits(settings, live_server):
    # Links in receipts and emails must lead to the live server the browser talks to.
    settings.SITE_URL = live_server.url
    # One browser session posts many forms from 127.0.0.1; the limit itself is tested in tests/portal.
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "default": "500/600", "track": "500/600"}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal_site(transactional_db):
    """Organisation, catalogue, personas and the shipped forms: quick to build for each test."""
    org = factories.build_organisation()
    catalogue = factories.build_catalogue(org)
    personas = factories.build_personas(org)
    extra = {
        "vejareal": factories.make_topic(org.unit_a, "vejareal", name_da="Råden over vejareal"),
        "erhvervsaffald": factories.make_topic(
            org.unit_c, "erhvervsaffald", days=15, name_da="Erhvervsaffald"
        ),
        "spildevand": factories.make_topic(org.unit_c, "spildevand", days=30, name_da="Spildevand"),
        "foedevarer": factories.make_topic(
            org.ext_unit, "ekstern-foedevarer", days=1, name_da="Fødevareregistrering", is_external=True
        ),
    }
    for topic in extra.values():
        topic.themes.add(*catalogue.udeservering.themes.all())
    load_default_forms()
    return {"org": org, "catalogue": catalogue, "personas": personas, **extra}


def english(page) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])


def assert_accessible(page, where: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{where}: {violations}"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has focus: proves it is reachable with the keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")
