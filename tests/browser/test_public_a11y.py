"""The public start, guide, theme and accessibility pages with the shipped catalogue in a real
browser: content shows, axe finds nothing serious, the language switch works by keyboard."""

import pytest

from erhvervskontakt.catalogue.io import load_default_catalogue
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATHS = ["/", "/emne/udeservering/", "/tema/restaurant-cafe/", "/tilgaengelighed/"]


@pytest.fixture
def shipped(transactional_db):
    load_default_catalogue()


def test_public_pages_have_no_serious_axe_violations(page, shipped):
    # One test for all four pages: the shipped catalogue is loaded once.
    for path in PATHS:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert run_axe(page) == [], path


def test_language_switch_with_keyboard(page, shipped):
    page.goto("/emne/udeservering/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.locator("button[name=language]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Outdoor serving" in page.locator("h1").inner_text()
