"""Acceptance in a real browser: a manager opens the dashboard, runs last year's report for TMF,
downloads the PDF and the XLSX, and follows a figure to its inquiries. axe finds nothing serious."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import run_axe
from tests.reporting.conftest import build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username: str, password: str = "pw") -> None:  # noqa: S107 - test personas
    """Log in by submitting the login form itself (tests.conftest.login clicks the first submit button on
    the page, which is the header's language switch)."""
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def site(transactional_db):
    org = factories.build_organisation()
    catalogue = factories.build_catalogue(org)
    personas = factories.build_personas(org)
    return build_story(org, catalogue, personas)


def test_a_manager_reports_on_tmf_for_2025_and_follows_a_figure(page, site, tmp_path):
    login(page, "manager")
    page.goto("/reporting/overblik/")
    assert page.locator("h1").count() == 1
    assert page.locator("#ek-live table").count() >= 1
    assert run_axe(page) == []

    # The staff menu leads to the reports; last year (2025) for TMF.
    page.locator("nav a[href='/reporting/rapporter/']").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_from", "2025-01-01")
    page.fill("#id_to", "2025-12-31")
    page.select_option("#id_department", str(site.org.tmf.pk))
    page.locator("form.ek-report-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert run_axe(page) == []

    for link, signature in (("aarsrapport.pdf", b"%PDF"), ("tal.xlsx", b"PK")):
        with page.expect_download(timeout=120_000) as download:  # the PDF takes seconds on a busy machine
            page.locator(f"a[href*='{link}']").click()
        saved = Path(tmp_path / link)
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(signature)

    # "Inquiries received" for TMF in 2025: I1 I2 I4 I5 I6 I7 I9.
    figure = page.locator("#ek-section-inquiries ~ div a[href$='measure=inquiries']").first
    assert figure.inner_text().strip() == "7"
    figure.click()
    page.wait_for_load_state("networkidle")
    references = set(re.findall(r"EK-\d{4}-\d{6}", page.locator("main").inner_text()))
    assert references == {
        site.inquiries[name].reference for name in ("I1", "I2", "I4", "I5", "I6", "I7", "I9")
    }
    assert run_axe(page) == []


def test_the_dashboard_stops_updating_when_asked_with_the_keyboard(page, personas):
    login(page, "manager")
    page.goto("/reporting/overblik/")
    checkbox = page.locator("#ek-autorefresh")
    assert checkbox.is_checked()
    checkbox.focus()
    page.keyboard.press("Space")
    assert not checkbox.is_checked()
