"""The plan pages in a real browser: no serious axe violations, what-if and simulation through htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from erhvervskontakt.core import clock
from tests.capacity.conftest import make_history
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username: str) -> None:
    """Submit the login form itself (tests.conftest.login clicks the header's language button)."""
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def next_monday() -> dt.date:
    today = clock.today()
    return today + dt.timedelta(days=7 - today.weekday())


def first_open_day(week: dt.date) -> dt.date:
    from erhvervskontakt.core import workdays

    return next(
        week + dt.timedelta(days=i) for i in range(7) if workdays.opening_hours(week + dt.timedelta(days=i))
    )


def test_plan_what_if_and_simulation_in_the_browser(page, personas):
    make_history(
        settings.TELEPHONY_CONTACT_CENTRE_QUEUE, weeks=5, last_day=clock.today() - dt.timedelta(days=1)
    )
    week = next_monday()
    login(page, "manager")
    page.goto(f"/capacity/?week={week.isoformat()}")
    assert page.locator("h1").count() == 1 and page.locator("#chart-calls-title").count() == 1
    assert run_axe(page) == []

    # What-if: only the plan is replaced, the address stays, the status is announced.
    url = page.url
    page.fill("#id_sl", "90")
    page.fill("#id_seconds", "30")
    page.click("#what-if-submit")
    page.wait_for_selector("#plan-status:not(:empty)")
    assert page.url == url
    assert page.locator("#id_sl").input_value() == "90"
    assert page.locator(".alert-info").count() == 1
    assert run_axe(page) == []

    # Check by simulation for one half hour of the first open day.
    page.select_option("#id_sim-day", first_open_day(week).isoformat())
    page.select_option("#id_sim-slot", "10:00")
    page.select_option("#id_sim-staff", "required")
    page.click("#simulate-button")
    page.wait_for_selector("#simulation-result table", timeout=30000)
    assert run_axe(page) == []

    for path in ("/capacity/roster/", "/capacity/overrides/", "/capacity/settings/"):
        page.goto(f"{path}?week={week.isoformat()}")
        assert run_axe(page) == [], path
