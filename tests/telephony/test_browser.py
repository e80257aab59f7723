"""In a real browser: the screen-pop appears on the agent's page, the simulator works by keyboard,
and axe finds nothing serious on the telephony pages."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from tests.conftest import AXE_PATH, require_service, run_axe
from tests.telephony.test_cti import answer, new_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username: str, password: str = "pw") -> None:  # noqa: S107 - test personas
    """Submit the login form itself (tests.conftest.login clicks the header's language button)."""
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def _axe_in(page, selector: str) -> list[dict]:
    """axe (WCAG 2.1 A/AA) on one part of a page we do not own all of."""
    import os

    require_service("axe-core", os.path.exists(AXE_PATH), "node_modules/axe-core missing (npm ci)")
    page.add_script_tag(path=AXE_PATH)
    result = page.evaluate(
        "async (sel) => await axe.run(sel, {runOnly: ['wcag2a','wcag2aa','wcag21a','wcag21aa']})", selector
    )
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_screen_pop_shows_on_the_agents_page_soon_after_the_answer(page, personas, integration, business):
    company, person = business
    login(page, "agent")
    page.goto("/staff/agent/")
    page.wait_for_selector(".ek-screen-pop-live", state="attached")
    cti = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {integration.token}"}
    for event in (new_call(**{"from": person.phone, "timestamp": None}), answer(timestamp=None)):
        body = json.dumps({k: v for k, v in event.items() if v is not None})
        assert (
            cti.post("/telephony/cti/events/", body, content_type="application/json", **headers).status_code
            == 200
        )
    answered = time.monotonic()
    page.get_by_text(company.name).wait_for(timeout=5000)
    elapsed = time.monotonic() - answered
    print(f"screen-pop visible {elapsed:.2f} s after the answer event")
    assert page.locator('.ek-screen-pop-live a[href^="/staff/register/?channel=phone&phone="]').count() == 1
    assert _axe_in(page, ".ek-screen-pop-live") == []


def test_simulator_by_keyboard_with_no_serious_axe_findings(page, personas, menu):
    login(page, "editor")
    page.goto("/telephony/simulator/")
    assert run_axe(page) == []
    page.locator("#id_hours_1").check()  # open
    page.locator("form.ek-sim-start button[type=submit]").press("Enter")
    page.wait_for_selector(".ek-keypad")
    assert "Velkommen" in page.locator("#ek-sim-call").inner_text()
    # The first key has focus after each step: Tab to "2" and press it, then "1".
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "1"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#ek-sim-call').innerText.includes('Bevillinger')"
        " && document.activeElement.name === 'digits'"
    )
    page.keyboard.press("Enter")  # after the swap the focus is on "1" again
    page.wait_for_function("document.querySelector('#ek-sim-call').innerText.includes('kff-bevilling')")
    assert run_axe(page) == []


def test_statistics_page_has_no_serious_axe_findings(page, personas):
    login(page, "manager")
    page.goto("/telephony/statistics/?since=2026-12-01")
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []
