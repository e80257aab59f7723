"""Every TwiML document we produce matches the schema; only authenticated platforms get them."""

from __future__ import annotations

import itertools

import pytest
from lxml import etree

from erhvervskontakt.telephony import auth, ivr, twiml
from erhvervskontakt.telephony.models import Hours, MenuNode, NodeKind
from tests.telephony.conftest import SCHEMA, query, valid_twiml

pytestmark = pytest.mark.django_db


def _render(result) -> bytes:
    return twiml.render(
        result.verbs,
        url_for=lambda t: f"https://ek.example/t/{t.op}/{t.node_id}?a={t.attempt}&lang={t.lang}",
        audio_url=lambda node_id: f"https://ek.example/audio/{node_id}",
    )


def test_every_document_of_every_step_is_valid(menu, at_open):
    """All steps × every key, timeouts, last attempts, both languages and both hours."""
    count = 0
    steps = list(MenuNode.objects.filter(menu=menu).select_related("menu", "parent", "unit"))
    for hours, lang in itertools.product(Hours.values, ("da", "en")):
        valid_twiml(_render(ivr.start(menu, hours=hours, lang=lang)))
        valid_twiml(_render(ivr.fallback(menu, hours=hours, lang=lang)))
        for step in steps:
            for attempt, notice in ((1, ""), (2, "invalid"), (3, "no_input")):
                valid_twiml(_render(ivr.play(step, hours=hours, attempt=attempt, lang=lang, notice=notice)))
                count += 1
            if step.kind == NodeKind.MENU:
                for key, attempt in itertools.product("1234567890*#", (1, menu.max_attempts)):
                    result = ivr.choose(step, key, hours=hours, attempt=attempt, lang=lang)
                    valid_twiml(_render(result))
                    count += 1
                valid_twiml(_render(ivr.choose(step, "", hours=hours, timeout=True, lang=lang)))
            if step.kind == NodeKind.CALLBACK:
                for digits, caller in (("30303030", ""), ("", "+4520000001"), ("", "anonymous"), ("12", "")):
                    result = ivr.take_callback_number(step, digits, caller=caller, hours=hours, lang=lang)
                    valid_twiml(_render(result))
                    count += 1
    assert count > 300


def test_editor_text_is_escaped(menu, at_open):
    step = menu.nodes.get(parent__isnull=True, hours="open")
    step.prompt_da = 'Tast 1 for <Hangup/> & "mere"'
    step.save()
    root = valid_twiml(_render(ivr.start(menu, hours=Hours.OPEN)))
    assert root.find("Gather/Say").text == 'Tast 1 for <Hangup/> & "mere"'
    assert root.find("Hangup") is None


@pytest.mark.parametrize(
    "document",
    [
        "<Response><Hangup/><Say language='da-DK'>efter</Say></Response>",  # nothing after leaving
        "<Response><Say language='da-DK'> </Say></Response>",  # empty speech
        "<Response><Gather action='relative/url'/></Response>",  # action must be absolute
        "<Response><Enqueue>kø med mellemrum</Enqueue></Response>",
        "<Response><Dial>33663366</Dial></Response>",  # we only dial queues
        "<Response><Record/></Response>",  # not in the subset
    ],
)
def test_schema_rejects_what_we_never_produce(document):
    assert not SCHEMA.validate(etree.fromstring(document))


def test_no_credentials_is_401(client, menu):
    response = client.post("/telephony/ivr/erhverv/", {"CallSid": "x"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401_and_wrong_signature_403(client, platform, menu):
    assert client.post("/telephony/ivr/erhverv/", HTTP_AUTHORIZATION="Bearer ekt_wrong").status_code == 401
    response = client.post("/telephony/ivr/erhverv/", {"CallSid": "x"}, HTTP_X_TWILIO_SIGNATURE="AAAA")
    assert response.status_code == 403


def test_signature_covers_the_parameters(platform, menu, at_open):
    absolute = "http://testserver/telephony/ivr/erhverv/"
    signed = auth.signature(platform.integration.secret, absolute, [("CallSid", "a")])
    response = platform.client.post(
        "/telephony/ivr/erhverv/", {"CallSid": "b"}, HTTP_X_TWILIO_SIGNATURE=signed
    )
    assert response.status_code == 403


def test_signature_matches_twilios_published_example():
    # Twilio's documentation example (TwilioDevEd/api-snippets, security/signature_validation).
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert auth.signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_signature_behind_a_proxy_uses_the_public_address(platform, menu, settings, at_open):
    settings.TELEPHONY_PUBLIC_URL = "https://erhverv.kk.example"
    url = "https://erhverv.kk.example/telephony/ivr/erhverv/"
    signed = auth.signature(platform.integration.secret, url, [("CallSid", "p")])
    response = platform.client.post(
        "/telephony/ivr/erhverv/", {"CallSid": "p"}, HTTP_X_TWILIO_SIGNATURE=signed
    )
    assert response.status_code == 200


def test_token_in_the_url_is_carried_to_every_next_url(client, platform, menu, at_open):
    token = platform.integration.token
    response = client.post(f"/telephony/ivr/erhverv/?token={token}", {"CallSid": "t"})
    root = valid_twiml(response.content)
    assert query(root.find("Gather").get("action"))["token"] == token
    assert query(root.find("Redirect").text)["token"] == token


def test_bearer_token_works_and_is_not_put_in_urls(client, platform, menu, at_open):
    token = platform.integration.token
    response = client.post("/telephony/ivr/erhverv/", {"CallSid": "t"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    root = valid_twiml(response.content)
    assert "token" not in query(root.find("Gather").get("action"))


@pytest.mark.parametrize("change", [{"is_active": False}, {"allow_ivr": False}])
def test_disabled_integration_is_403(platform, menu, change):
    for name, value in change.items():
        setattr(platform.integration, name, value)
    platform.integration.save()
    assert platform.twiml("/telephony/ivr/erhverv/", {"CallSid": "d"}).status_code == 403
    token = platform.integration.token
    response = platform.client.post("/telephony/ivr/erhverv/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403


def test_rotated_token_stops_the_old_one(client, platform, menu, at_open):
    old = platform.integration.token
    new = auth.issue_token(platform.integration)
    assert client.post("/telephony/ivr/erhverv/", HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    assert client.post("/telephony/ivr/erhverv/", HTTP_AUTHORIZATION=f"Bearer {new}").status_code == 200


def test_get_requests_are_accepted_and_signed_without_body(platform, menu, at_open):
    url = "http://testserver/telephony/ivr/erhverv/?CallSid=g&From=%2B4520000001"
    signed = auth.signature(platform.integration.secret, url)
    response = platform.client.get(url.replace("http://testserver", ""), HTTP_X_TWILIO_SIGNATURE=signed)
    assert response.status_code == 200
    valid_twiml(response.content)
