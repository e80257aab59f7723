"""A workspace journey in a real browser, by keyboard only, with axe on every screen.

An agent registers a phone inquiry (finding the business by type-ahead), walks the guided
menu to "forward", forwards, and sees the receipt; a caseworker takes the matter from the
queue, searches and looks at the callbacks. Axe (WCAG 2.1 A/AA) must find nothing serious.
"""

from __future__ import annotations

import pytest

from erhvervskontakt.catalogue.models import TriageOutcome
from erhvervskontakt.inquiries.models import Inquiry
from tests.conftest import login, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def assert_accessible(page) -> None:
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []


def test_keyboard_journey_with_axe(page, personas, catalogue, triage_tree, business, org):
    company, owner = business
    login(page, "agent")
    page.goto("/staff/agent/")
    assert_accessible(page)

    tab_to(page, "a[href$='?channel=phone']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/register/?channel=phone")
    assert_accessible(page)

    # Find the business by type-ahead and choose it with the arrow keys.
    tab_to(page, "#id_q")
    page.keyboard.type(company.name)
    page.locator(f"#party-c{company.pk}p{owner.pk}").wait_for()
    tab_to(page, "input[name=party]:checked")
    while not page.evaluate(f"document.getElementById('party-c{company.pk}p{owner.pk}').checked"):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#id_subject")
    page.keyboard.type("Borde og stole på fortovet")
    tab_to(page, "#id_text")
    page.keyboard.type("Vi vil have udeservering med borde og stole")
    page.locator("#sug-udeservering").wait_for()
    page.wait_for_load_state("networkidle")  # the last suggestions are in place
    tab_to(page, "#sug-udeservering")
    page.keyboard.press("Space")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sug-udeservering").is_checked()
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]:not([formmethod])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/triage/")
    inquiry = Inquiry.objects.get()
    assert inquiry.company == company and inquiry.contact == owner
    assert_accessible(page)

    # The guided menu: choose the branch that ends in forwarding, then forward.
    leaf = triage_tree[1][TriageOutcome.FORWARD]
    tab_to(page, f"a[href='?node={leaf.pk}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**?node={leaf.pk}")
    tab_to(page, "a.button-primary[href*='/forward/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/forward/**")
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt/")
    assert "Byens Anvendelse" in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(f"/staff/inquiries/{inquiry.reference}/")
    assert_accessible(page)

    # The caseworker of the unit takes it from the queue.
    page.context.clear_cookies()
    login(page, "caseworker_a")
    page.goto("/staff/queue/")
    assert_accessible(page)
    tab_to(page, "form[action*='/claim/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert inquiry.matters.get().assignee == personas.caseworker_a

    page.goto("/staff/search/")
    tab_to(page, "#q")
    page.keyboard.type(inquiry.reference)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/search/?q=*")
    assert page.locator(f"a[href='/staff/inquiries/{inquiry.reference}/']").count() == 1
    assert_accessible(page)

    page.goto("/staff/callbacks/")
    assert_accessible(page)
    page.goto(f"/staff/inquiries/{inquiry.reference}/matters/{inquiry.matters.get().pk}/close/")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")  # no outcome chosen: the error is announced and linked
    page.locator("#error-summary").wait_for()
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_accessible(page)
