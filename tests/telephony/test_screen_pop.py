"""Screen-pop: the answering agent sees the caller's business, contact and open inquiries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from erhvervskontakt.telephony import screen_pop
from erhvervskontakt.telephony.models import Call
from tests import factories
from tests.telephony.conftest import OPEN
from tests.telephony.test_cti import answer, hangup, new_call

pytestmark = pytest.mark.django_db
POP = "/telephony/screen-pop/"


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _version(response) -> str:
    text = response.content.decode()
    start = text.index('data-version="') + len('data-version="')
    return text[start : text.index('"', start)]


@pytest.fixture
def caller_business(business, catalogue, agent):
    """A known business calling from the contact person's number, with one open inquiry."""
    company, person = business
    inquiry = factories.register(
        [catalogue.udeservering], business=business, subject="Borde på fortovet", direct=True
    )
    return company, person, inquiry


def test_answer_pops_the_business_contact_and_open_inquiries(
    platform, agent, caller_business, at_open, settings
):
    settings.ROOT_URLCONF = "tests.telephony.urls_with_workspace"
    company, person, inquiry = caller_business
    pop = _client(agent)
    empty = pop.get(POP)
    assert empty.status_code == 286  # htmx: stop the page's own polling, this fragment polls itself
    assert _version(empty) == screen_pop.NONE and f'hx-get="{POP}?v=none"' in empty.content.decode()
    assert pop.get(POP, {"v": screen_pop.NONE}).status_code == 204

    platform.cti(new_call(**{"from": person.phone}))
    platform.cti({"event": "menuChoice", "callId": "c-1", "choice": "1", "title": "Byens arealer"})
    assert pop.get(POP, {"v": screen_pop.NONE}).status_code == 204  # nobody answered yet
    platform.cti(answer())

    response = pop.get(POP, {"v": screen_pop.NONE})
    assert response.status_code == 200
    html = response.content.decode()
    assert company.name in html and person.name in html
    assert inquiry.reference in html and "Borde på fortovet" in html
    assert f'href="/staff/inquiries/{inquiry.reference}/"' in html
    link = next(part for part in html.split('"') if part.startswith("/staff/register/"))
    params = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert params == {"channel": ["phone"], "phone": [person.phone], "note": ["1 Byens arealer"]}
    assert pop.get(POP, {"v": _version(response)}).status_code == 204


def test_a_polled_unchanged_pop_is_cheap(
    platform, agent, caller_business, at_open, django_assert_max_num_queries
):
    pop = _client(agent)
    platform.cti(new_call())
    platform.cti(answer())
    version = _version(pop.get(POP))
    # Session and user for the login, the user's roles: and nothing about calls.
    with django_assert_max_num_queries(3):
        assert pop.get(POP, {"v": version}).status_code == 204


def test_the_pop_updates_when_the_call_ends_and_disappears_later(platform, agent, at_open, settings):
    pop = _client(agent)
    platform.cti(new_call())
    platform.cti(answer())
    live = _version(pop.get(POP))
    platform.cti(hangup())
    ended = pop.get(POP, {"v": live})
    assert ended.status_code == 200 and "Call ended" in ended.content.decode()
    at_open.shift(dt.timedelta(minutes=settings.TELEPHONY_SCREEN_POP_MINUTES + 2))
    gone = pop.get(POP, {"v": _version(ended)})
    assert gone.status_code == 200 and _version(gone) == screen_pop.NONE


def test_unknown_number_and_no_register_page_yet(platform, agent, at_open, settings):
    settings.ROOT_URLCONF = "tests.telephony.urls_without_workspace"
    pop = _client(agent)
    platform.cti(new_call(**{"from": "+4599887766"}))
    platform.cti(answer())
    html = pop.get(POP).content.decode()
    assert "The number is not known" in html
    assert "Register this call" not in html  # no register page in this urlconf: no link


def test_another_agents_call_does_not_pop(platform, agent, org, at_open):
    other = factories.make_staff("agent2", ["agent"], org.kc, phone="+4533661002")
    platform.cti(new_call())
    platform.cti(answer(number="33661002"))
    assert _version(_client(other).get(POP)) != screen_pop.NONE
    assert _version(_client(agent).get(POP)) == screen_pop.NONE


@pytest.mark.parametrize(
    "persona", ["caseworker_a", "caseworker_b", "unit_contact_a", "manager", "editor", "outsider"]
)
def test_only_agents_get_a_screen_pop(personas, persona):
    assert _client(getattr(personas, persona)).get(POP).status_code == 403


def test_anonymous_gets_403_not_a_login_page(client, db):
    assert client.get(POP).status_code == 403


def test_open_inquiries_respect_access(caller_business, personas, catalogue, at_open):
    """The pop lists only what the viewer may see (here computed for a caseworker of another unit)."""
    company, person, inquiry = caller_business
    call = Call.objects.create(call_id="x", from_number=person.phone, from_normalized=person.phone_normalized,
                               started_at=OPEN)  # fmt: skip
    assert screen_pop.context(personas.agent, call)["inquiries"] == [inquiry]
    assert screen_pop.context(personas.caseworker_a, call)["inquiries"] == [inquiry]  # unit A owns it
    assert screen_pop.context(personas.caseworker_b, call)["inquiries"] == []


def test_closed_inquiries_are_not_listed(caller_business, agent, at_open):
    from erhvervskontakt.inquiries import services

    company, person, inquiry = caller_business
    services.matter_close(inquiry.matters.get(), actor=agent, outcome="answered")
    call = Call.objects.create(call_id="y", from_number=person.phone, from_normalized=person.phone_normalized,
                               started_at=OPEN)  # fmt: skip
    assert screen_pop.context(agent, call)["inquiries"] == []


def test_the_fragment_polls_every_second_and_replaces_itself(platform, agent, at_open):
    from django.template.loader import render_to_string

    html = render_to_string("telephony/screen_pop_slot.html")
    assert 'hx-get="/telephony/screen-pop/"' in html and 'aria-live="polite"' in html
    fragment = _client(agent).get(POP).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'hx-swap="outerHTML"' in fragment
