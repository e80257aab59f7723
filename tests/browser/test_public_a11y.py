"""The public start page and a topic page in a real browser: content shows, axe finds nothing serious."""

import pytest

from erhvervskontakt.catalogue.io import load_default_catalogue
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped(transactional_db):
    load_default_catalogue()


@pytest.mark.parametrize("path", ["/", "/emne/udeservering/", "/tema/restaurant-cafe/", "/tilgaengelighed/"])
def test_public_pages_have_no_serious_axe_violations(page, shipped, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []


def test_language_switch_with_keyboard(page, shipped):
    page.goto("/emne/udeservering/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.locator("button[name=language]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Outdoor serving" in page.locator("h1").inner_text()
