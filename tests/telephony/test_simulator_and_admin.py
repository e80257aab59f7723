"""Content editors build menus in the admin and walk them in the simulator."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from erhvervskontakt.inquiries.models import Callback, Inquiry
from erhvervskontakt.telephony.models import Menu, MenuNode, NodeKind

pytestmark = pytest.mark.django_db
SIM = "/telephony/simulator/"


@pytest.fixture
def editor_client(personas):
    editor = personas.editor
    editor.is_staff = True  # editors work in the admin (the demo loader sets this too)
    editor.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(editor)
    return client


def _step(html: str) -> dict:
    """The hidden state of the simulated call, as the keypad form would send it back."""
    import re

    state = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    state["trail"] = json.loads(
        state["trail"].replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    )
    state["trail"] = json.dumps(state["trail"])
    state.pop("csrfmiddlewaretoken", None)
    return state


class Sim:
    def __init__(self, client: Client, menu: Menu):
        self.client, self.menu, self.html = client, menu, ""

    def start(self, hours="open", caller="+45 20 00 00 01"):
        data = {"action": "start", "menu": self.menu.pk, "hours": hours, "caller": caller}
        return self._post(data)

    def press(self, digits: str):
        return self._post({**_step(self.html), "action": "press", "digits": digits})

    def wait(self):
        return self._post({**_step(self.html), "action": "timeout"})

    def _post(self, data):
        response = self.client.post(SIM, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        self.html = response.content.decode()
        return self.html


def test_editor_builds_a_menu_in_the_admin_and_walks_it(editor_client, catalogue, org, at_open):
    """The acceptance story: open and closed branches, a queue and a callback, then the simulator."""
    add = editor_client.post(
        "/admin/telephony/menu/add/",
        {
            "name": "Hovedmenu",
            "code": "hoved",
            "numbers": "+45 33 66 33 66",
            "is_active": "on",
            "timeout_seconds": 5,
            "max_attempts": 2,
            "english_digit": "",
            "invalid_da": "Forkert.",
            "invalid_en": "Wrong.",
            "no_input_da": "Intet valg.",
            "no_input_en": "No choice.",
            "fallback_da": "Vi stiller om.",
            "fallback_en": "Connecting.",
            "callback_confirm_da": "Vi ringer til {number}.",
            "callback_confirm_en": "We call {number}.",
            "closed_da": "Lukket.",
            "closed_en": "Closed.",
            "nodes-TOTAL_FORMS": 2,
            "nodes-INITIAL_FORMS": 0,
            "nodes-MIN_NUM_FORMS": 0,
            "nodes-MAX_NUM_FORMS": 2,
            "nodes-0-hours": "open",
            "nodes-0-kind": "menu",
            "nodes-0-title": "Åben",
            "nodes-0-prompt_da": "Tast 1 for udeservering, tast 2 for at blive ringet op.",
            "nodes-0-after_message": "hangup",
            "nodes-1-hours": "closed",
            "nodes-1-kind": "menu",
            "nodes-1-title": "Lukket",
            "nodes-1-prompt_da": "Vi har lukket. Tast 1 for at blive ringet op.",
            "nodes-1-after_message": "hangup",
        },
    )
    assert add.status_code == 302, add.content.decode()[:3000]
    menu = Menu.objects.get(code="hoved")
    open_entry = menu.nodes.get(hours="open")
    closed_entry = menu.nodes.get(hours="closed")

    def add_choices(entry, rows):
        data = {
            "menu": menu.pk,
            "hours": entry.hours,
            "kind": "menu",
            "title": entry.title,
            "prompt_da": entry.prompt_da,
            "after_message": "hangup",
            "children-TOTAL_FORMS": len(rows),
            "children-INITIAL_FORMS": 0,
            "children-MIN_NUM_FORMS": 0,
            "children-MAX_NUM_FORMS": 1000,
        }
        for n, row in enumerate(rows):
            data.update({f"children-{n}-{k}": v for k, v in {"after_message": "hangup", **row}.items()})
        response = editor_client.post(f"/admin/telephony/menunode/{entry.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:3000]

    add_choices(
        open_entry,
        [
            {"digit": "1", "kind": "unit_queue", "title": "Udeservering", "unit": org.unit_a.pk},
            {
                "digit": "2",
                "kind": "callback",
                "title": "Ring mig op",
                "prompt_da": "Tast dit nummer og firkant.",
                "topic": catalogue.udeservering.pk,
            },
        ],
    )
    add_choices(
        closed_entry,
        [
            {
                "digit": "1",
                "kind": "callback",
                "title": "Ring mig op",
                "prompt_da": "Tast dit nummer og firkant.",
            },
        ],
    )
    assert menu.nodes.count() == 5

    sim = Sim(editor_client, menu)
    sim.start("open")
    assert "Tast 1 for udeservering" in sim.html
    sim.press("1")
    assert "ends up in the queue of Byens Anvendelse (tmf-byens-anvendelse)" in sim.html or (
        "tmf-byens-anvendelse" in sim.html
    )
    sim.start("closed")
    assert "Vi har lukket" in sim.html
    sim.press("1")
    sim.press("")  # only '#': call me on the number I call from
    assert "+4520000001" in sim.html
    assert Inquiry.objects.count() == 0 and Callback.objects.count() == 0  # the simulator creates nothing


def test_admin_refuses_a_duplicate_digit_and_a_queue_without_unit(editor_client, menu):
    entry = menu.nodes.get(hours="open")
    data = {
        "menu": menu.pk,
        "hours": "open",
        "kind": "menu",
        "title": entry.title,
        "prompt_da": entry.prompt_da,
        "after_message": "hangup",
        "children-TOTAL_FORMS": 1,
        "children-INITIAL_FORMS": 0,
        "children-MIN_NUM_FORMS": 0,
        "children-MAX_NUM_FORMS": 1000,
        "children-0-digit": "1",
        "children-0-kind": "unit_queue",
        "children-0-title": "Igen",
        "children-0-after_message": "hangup",
    }
    response = editor_client.post(f"/admin/telephony/menunode/{entry.pk}/change/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already uses that digit" in html
    assert "Choose the unit whose queue the caller joins" in html


def test_node_validation_rules(menu, org):
    from django.core.exceptions import ValidationError

    entry = menu.nodes.get(hours="open")
    cases = [
        (MenuNode(menu=menu, parent=entry, kind=NodeKind.UNIT_QUEUE, title="x"), "digit"),
        (MenuNode(menu=menu, parent=entry, digit="9", kind=NodeKind.CONTACT_CENTRE, title="x"), "digit"),
        (MenuNode(menu=menu, kind=NodeKind.MENU, title="x", prompt_da="x"), "hours"),
        (MenuNode(menu=menu, parent=entry, digit="5", kind=NodeKind.MESSAGE, title="x"), "prompt_da"),
        (
            MenuNode(
                menu=menu, hours="open", kind=NodeKind.MESSAGE, title="x", prompt_da="x", after_message="back"
            ),
            "after_message",
        ),
        (
            MenuNode(
                menu=menu,
                parent=menu.nodes.get(title="Byens arealer"),
                digit="1",
                kind=NodeKind.CONTACT_CENTRE,
                title="x",
            ),
            "parent",
        ),
    ]
    for node, field in cases:
        with pytest.raises(ValidationError) as error:
            node.full_clean()
        assert field in error.value.message_dict, (field, error.value.message_dict)
    licences = menu.nodes.get(title="Bevillinger")
    entry.parent, entry.digit, entry.hours = licences, "7", ""
    with pytest.raises(ValidationError) as error:
        entry.clean()
    assert "parent" in error.value.message_dict  # a step cannot be reached from itself


def test_simulator_walks_invalid_digits_to_an_agent(editor_client, menu, at_open):
    sim = Sim(editor_client, menu)
    sim.start()
    for _ in range(menu.max_attempts):
        sim.press("7")
    assert "kc-erhvervskontakt" in sim.html
    assert menu.fallback_da in sim.html


def test_simulator_timeouts_closed_and_message_back(editor_client, menu, at_open):
    sim = Sim(editor_client, menu)
    sim.start("closed")
    sim.wait()
    assert menu.no_input_da in sim.html
    sim.start("open")
    sim.press("2")
    sim.press("2")  # the phone-hours message, then back to the menu above
    assert "telefontid" in sim.html and "Om alkoholbevilling, tast 1" in sim.html
    assert "&lt;Redirect" in sim.html  # the TwiML the platform got is shown


def test_simulator_page_without_htmx_and_without_menus(editor_client, menu, at_open):
    page = editor_client.get(SIM, {"menu": menu.pk})
    assert page.status_code == 200 and "<h1>" in page.content.decode()
    full = editor_client.post(SIM, {"action": "start", "menu": menu.pk, "hours": "now", "caller": ""})
    assert "<h1>" in full.content.decode() and "Velkommen" in full.content.decode()
    Menu.objects.all().delete()
    assert editor_client.get(SIM).status_code == 200


def test_simulator_rejects_a_step_of_another_menu(editor_client, menu, at_open):
    other = Menu.objects.create(code="other", name="Other")
    foreign = MenuNode.objects.create(menu=other, hours="open", kind=NodeKind.MENU, title="x", prompt_da="x")
    sim = Sim(editor_client, menu)
    sim.start()
    state = {**_step(sim.html), "node": foreign.pk, "action": "press", "digits": "1"}
    assert editor_client.post(SIM, state, HTTP_HX_REQUEST="true").status_code == 403


def test_simulator_tolerates_a_broken_trail(editor_client, menu, at_open):
    sim = Sim(editor_client, menu)
    sim.start()
    state = {**_step(sim.html), "trail": "{not json", "action": "press", "digits": "1"}
    response = editor_client.post(SIM, state, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "tmf-byens-anvendelse" in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "caseworker_a", "manager", "outsider"])
def test_simulator_is_for_editors_and_administrators(personas, persona, menu):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(getattr(personas, persona))
    assert client.get(SIM).status_code == 403
    assert client.post(SIM, {"action": "start", "menu": menu.pk, "hours": "open"}).status_code == 403


def test_simulator_anonymous_goes_to_login(client, db):
    response = client.get(SIM)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_administrator_may_simulate_and_sees_the_nav_entry(personas, menu):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.administrator)
    response = client.get(SIM)
    assert response.status_code == 200 and 'href="/telephony/simulator/"' in response.content.decode()


def test_menu_overview_in_the_admin_links_steps_and_simulator(editor_client, menu):
    html = editor_client.get(f"/admin/telephony/menu/{menu.pk}/change/").content.decode()
    assert "Bevillinger" in html and f"/telephony/simulator/?menu={menu.pk}" in html


def test_admin_refuses_duplicate_digits_without_a_500(editor_client, menu, org):
    entry = menu.nodes.get(hours="open")
    data = {
        "menu": menu.pk,
        "hours": "open",
        "kind": "menu",
        "title": entry.title,
        "prompt_da": entry.prompt_da,
        "after_message": "hangup",
        "children-TOTAL_FORMS": 2,
        "children-INITIAL_FORMS": 0,
        "children-MIN_NUM_FORMS": 0,
        "children-MAX_NUM_FORMS": 1000,
    }
    for n, digit in enumerate(["1", "5"]):  # 1 exists already
        data.update(
            {
                f"children-{n}-digit": digit,
                f"children-{n}-kind": "unit_queue",
                f"children-{n}-title": "x",
                f"children-{n}-unit": org.unit_a.pk,
                f"children-{n}-after_message": "hangup",
            }
        )
    response = editor_client.post(f"/admin/telephony/menunode/{entry.pk}/change/", data)
    assert response.status_code == 200 and "already uses that digit" in response.content.decode()
    data["children-0-digit"] = "5"  # now twice in one submission
    response = editor_client.post(f"/admin/telephony/menunode/{entry.pk}/change/", data)
    assert response.status_code == 200 and "already uses that digit" in response.content.decode()
    assert menu.nodes.filter(digit="5").count() == 0


def test_admin_refuses_two_open_first_menus(editor_client, menu):
    data = {
        "name": "M",
        "code": "m2",
        "timeout_seconds": 5,
        "max_attempts": 3,
        "english_digit": "",
        "invalid_da": "a",
        "invalid_en": "a",
        "no_input_da": "a",
        "no_input_en": "a",
        "fallback_da": "a",
        "fallback_en": "a",
        "callback_confirm_da": "a",
        "callback_confirm_en": "a",
        "closed_da": "a",
        "closed_en": "a",
        "nodes-TOTAL_FORMS": 2,
        "nodes-INITIAL_FORMS": 0,
        "nodes-MIN_NUM_FORMS": 0,
        "nodes-MAX_NUM_FORMS": 2,
    }
    for n in range(2):
        data.update(
            {
                f"nodes-{n}-hours": "open",
                f"nodes-{n}-kind": "menu",
                f"nodes-{n}-title": "x",
                f"nodes-{n}-prompt_da": "x",
                f"nodes-{n}-after_message": "hangup",
            }
        )
    response = editor_client.post("/admin/telephony/menu/add/", data)
    assert response.status_code == 200 and "already has a first menu" in response.content.decode()
    assert not Menu.objects.filter(code="m2").exists()
