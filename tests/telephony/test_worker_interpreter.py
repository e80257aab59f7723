"""The reference worker's TwiML interpreter against the real menu endpoints (no SIP needed)."""

from __future__ import annotations

import os
import sys

import pytest

from erhvervskontakt.telephony.models import Call

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from ivr_worker import client as worker_client  # noqa: E402
from ivr_worker import interpreter  # noqa: E402

pytestmark = pytest.mark.django_db


class ScriptedLine:
    """A caller who presses what the script says at each Gather ("" = nothing, None = hangs up)."""

    def __init__(self, script):
        self.script = list(script)
        self.heard: list[str] = []
        self.gathers: list[tuple] = []
        self.up = True

    def say(self, text, language):
        self.heard.append(text)

    def play(self, url):
        self.heard.append(url)

    def pause(self, seconds):
        pass

    def collect(self, num_digits, finish_on_key, timeout):
        self.gathers.append((num_digits, finish_on_key, timeout))
        entry = self.script.pop(0) if self.script else None
        if entry is None:
            self.up = False
        return entry

    def active(self):
        return self.up

    def hangup(self):
        self.up = False


@pytest.fixture
def fetch(client, integration):
    def fetch(url, params):
        signature = worker_client.signature(integration.secret, url, params)
        response = client.post(
            url.replace("http://testserver", ""), params, HTTP_X_TWILIO_SIGNATURE=signature
        )
        assert response.status_code == 200, response.content
        return response.content

    return fetch


PARAMS = {"CallSid": "W-1", "From": "4520000001", "To": "4533663366"}
ENTRY = "http://testserver/telephony/ivr/erhverv/"


def test_worker_walks_to_a_queue(fetch, menu, org, at_open):
    line = ScriptedLine(["2", "1"])
    outcome = interpreter.run(ENTRY, PARAMS, fetch, line)
    assert (outcome.kind, outcome.queue) == ("queue", org.unit_b.code)
    assert line.gathers[0] == (1, "", 5.0)
    assert Call.objects.get(call_id="W-1").menu_path == "2 Bevillinger › 1 Alkoholbevilling"


def test_worker_timeouts_lead_to_an_agent(fetch, menu, settings, at_open):
    outcome = interpreter.run(ENTRY, PARAMS, fetch, ScriptedLine(["", "", ""]))
    assert outcome.queue == settings.TELEPHONY_CONTACT_CENTRE_QUEUE


def test_worker_message_hangs_up_and_callback(fetch, menu, at_closed):
    line = ScriptedLine(["2"])
    assert interpreter.run(ENTRY, PARAMS, fetch, line).kind == "hangup"
    assert "kk.dk slash erhverv" in line.heard[-1]
    line = ScriptedLine(["1", "1"])  # closed: callback, "1" = on the number I call from
    outcome = interpreter.run(ENTRY, {**PARAMS, "CallSid": "W-2"}, fetch, line)
    assert outcome.kind == "hangup" and "2 0 0 0 0 0 0 1" in line.heard[-1]
    assert line.gathers[-1][1] == "#"
    assert Call.objects.get(call_id="W-2").callback_reference.startswith("EK-")


def test_worker_notices_the_caller_hanging_up(fetch, menu, at_open):
    assert interpreter.run(ENTRY, PARAMS, fetch, ScriptedLine([None])).kind == "caller_hung_up"


def test_worker_hangs_up_when_the_server_fails(menu, at_open):
    def broken(url, params):
        raise OSError("connection refused")

    line = ScriptedLine([])
    assert interpreter.run(ENTRY, PARAMS, broken, line).kind == "error" and not line.up


def test_worker_stops_an_endless_redirect(at_open):
    loop = b'<?xml version="1.0"?><Response><Redirect>http://x/loop</Redirect></Response>'
    outcome = interpreter.run("http://x/loop", {}, lambda url, params: loop, ScriptedLine([]))
    assert outcome.kind == "error" and len(outcome.documents) == interpreter.MAX_DOCUMENTS


def test_worker_signature_is_the_servers():
    from erhvervskontakt.telephony import auth

    params = {"CallSid": "x", "Digits": "12", "From": "+45"}
    url = "https://ek.example/telephony/ivr/a/?a=1"
    assert worker_client.signature("s3cret", url, params) == auth.signature("s3cret", url, params.items())
