"""CTI events: authentication, clear 400s on bad input, idempotency and out-of-order arrival."""

from __future__ import annotations

import datetime as dt

import pytest

from erhvervskontakt.telephony.models import Call, CallEvent, CallOutcome
from tests.telephony.conftest import OPEN

pytestmark = pytest.mark.django_db
T0 = OPEN


def at(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).isoformat()


def new_call(call_id="c-1", seconds=0, queue="kc-erhvervskontakt", **extra):
    return {"event": "newCall", "callId": call_id, "from": "+45 20 00 00 01", "to": "+4533663366",
            "direction": "in", "queue": queue, "timestamp": at(seconds), **extra}  # fmt: skip


def answer(call_id="c-1", seconds=30, number="+45 33 66 10 01", **extra):
    return {
        "event": "answer",
        "callId": call_id,
        "answeringNumber": number,
        "timestamp": at(seconds),
        **extra,
    }


def hangup(call_id="c-1", seconds=90, cause="normalClearing", **extra):
    return {"event": "hangup", "callId": call_id, "cause": cause, "timestamp": at(seconds), **extra}


def test_a_whole_call(platform, agent, at_open):
    for event in (new_call(), answer(), hangup()):
        response = platform.cti(event)
        assert response.status_code == 200, response.content
    body = response.json()
    assert body == {"ok": True, "duplicate": False, "callId": "c-1", "outcome": "answered",
                    "queue": "kc-erhvervskontakt", "answeredBy": "agent"}  # fmt: skip
    call = Call.objects.get()
    assert call.answered_by == agent
    assert (call.wait_seconds, call.handle_seconds) == (30, 60)
    assert call.from_normalized == "4520000001"


def test_repeated_events_change_nothing(platform, agent, at_open):
    platform.cti(new_call())
    platform.cti(answer())
    version = Call.objects.get().version
    again = platform.cti(answer())
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert CallEvent.objects.count() == 2
    assert Call.objects.get().version == version


def test_event_id_identifies_a_redelivery(platform, at_open):
    platform.cti({**new_call(), "eventId": "e-1"})
    # A redelivery with the same id counts once even if the platform re-stamped it.
    response = platform.cti({**new_call(seconds=5), "eventId": "e-1"})
    assert response.json()["duplicate"] is True
    assert Call.objects.get().started_at == T0


def test_hangup_before_answer_before_new_call(platform, agent, at_open):
    platform.cti(hangup())
    assert Call.objects.get().outcome == CallOutcome.IVR  # nothing known yet but the end
    platform.cti(answer())
    platform.cti(new_call())
    call = Call.objects.get()
    assert call.outcome == CallOutcome.ANSWERED
    assert call.started_at == T0 and call.queued_at == T0
    assert (call.wait_seconds, call.handle_seconds) == (30, 60)
    assert call.queue == "kc-erhvervskontakt"


def test_every_order_gives_the_same_call(platform, agent, at_open):
    import itertools

    events = [new_call(), answer(), hangup()]
    results = set()
    for n, order in enumerate(itertools.permutations(events)):
        for event in order:
            platform.cti({**event, "callId": f"perm-{n}"})
        call = Call.objects.get(call_id=f"perm-{n}")
        results.add((call.outcome, call.wait_seconds, call.handle_seconds, call.queue, call.answered_by_id))
    assert results == {(CallOutcome.ANSWERED, 30.0, 60.0, "kc-erhvervskontakt", agent.pk)}


def test_answer_without_time_after_the_hangup_is_placed_before_it(platform, agent, at_open):
    platform.cti(new_call())
    platform.cti(hangup(seconds=40))
    at_open.move_to(T0 + dt.timedelta(seconds=120))
    late = {"event": "answer", "callId": "c-1", "answeringNumber": "4533661001"}
    with_time = platform.cti(late)
    assert with_time.status_code == 200
    call = Call.objects.get()
    assert call.outcome == CallOutcome.ANSWERED
    assert call.answered_at == call.ended_at and call.handle_seconds == 0


@pytest.mark.parametrize(
    ("cause", "outcome"),
    [
        ("normalClearing", CallOutcome.ABANDONED),
        ("cancel", CallOutcome.ABANDONED),
        ("noAnswer", CallOutcome.ABANDONED),
        ("busy", CallOutcome.BLOCKED),
        ("congestion", CallOutcome.BLOCKED),
        ("notFound", CallOutcome.BLOCKED),
        ("forwarded", CallOutcome.FORWARDED),
    ],
)
def test_unanswered_outcomes_by_cause(platform, at_open, cause, outcome):
    platform.cti(new_call())
    platform.cti(hangup(seconds=12, cause=cause))
    call = Call.objects.get()
    assert call.outcome == outcome and call.hangup_cause == cause
    assert call.wait_seconds == 12


def test_transfer_keeps_the_first_answer_and_pops_the_last_agent(platform, agent, personas, at_open):
    from erhvervskontakt.organisation.models import StaffProfile

    profile = StaffProfile.objects.get(user=personas.caseworker_a)
    profile.phone = "+45 33 66 20 01"
    profile.save()
    platform.cti(new_call())
    platform.cti(answer(seconds=10))
    platform.cti(answer(seconds=50, number="33662001"))
    call = Call.objects.get()
    assert call.wait_seconds == 10 and call.answered_by == personas.caseworker_a


def test_dtmf_and_menu_choices_build_the_path(platform, at_open):
    platform.cti(new_call(queue=""))
    platform.cti({"event": "dtmf", "callId": "c-1", "digits": "1", "timestamp": at(3)})
    platform.cti({"event": "menuChoice", "callId": "c-1", "choice": "1", "title": "Byggeri",
                  "queue": "tmf-byggeri", "timestamp": at(4)})  # fmt: skip
    platform.cti({"event": "dtmf", "callId": "c-1", "digit": "2", "timestamp": at(6)})
    call = Call.objects.get()
    assert call.dtmf == "12" and call.menu_path == "1 Byggeri"
    assert call.queue == "tmf-byggeri" and call.queued_at == T0 + dt.timedelta(seconds=4)


def test_outgoing_calls_do_not_count_in_statistics(platform, at_open):
    platform.cti(new_call(direction="outbound"))
    call = Call.objects.get()
    assert call.direction == "out" and call.interval_start is None


def test_answering_number_of_nobody_or_of_two_people(platform, personas, at_open):
    from erhvervskontakt.organisation.models import StaffProfile

    profile = StaffProfile.objects.get(user=personas.manager)
    profile.phone = "4533661001"  # the same as the agent
    profile.save()
    platform.cti(new_call())
    platform.cti(answer())
    assert Call.objects.get().answered_by is None
    platform.cti(answer(call_id="c-2", number="+4599999999"))
    assert Call.objects.get(call_id="c-2").answered_by is None


# --- refusals ----------------------------------------------------------------------------


def test_no_token_is_401(platform, at_open):
    response = platform.cti(new_call(), token="")
    assert response.status_code == 401 and "Bearer" in response.json()["error"]
    assert Call.objects.count() == 0


def test_wrong_token_is_401(platform, at_open):
    assert platform.cti(new_call(), token="ekt_not-a-token").status_code == 401


@pytest.mark.parametrize("change", [{"is_active": False}, {"allow_cti": False}])
def test_integration_not_allowed_is_403(platform, at_open, change):
    for name, value in change.items():
        setattr(platform.integration, name, value)
    platform.integration.save()
    assert platform.cti(new_call()).status_code == 403


def test_signature_is_not_enough_for_events(platform, at_open):
    response = platform.client.post(
        "/telephony/cti/events/", "{}", content_type="application/json", HTTP_X_TWILIO_SIGNATURE="x"
    )
    assert response.status_code == 401


def test_get_is_405(client):
    assert client.get("/telephony/cti/events/").status_code == 405


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        ("[1, 2]", "one event as a JSON object"),
        ("{}", "“event” must be one of"),
        ({"event": "ring", "callId": "x"}, "“event” must be one of"),
        ({"event": "newCall"}, "“callId” is required"),
        ({"event": "newCall", "callId": "has space"}, "visible ASCII"),
        ({"event": "newCall", "callId": ["x"]}, "“callId” must be a string"),
        ({"event": "answer", "callId": "x"}, "“answeringNumber” is required"),
        ({"event": "hangup", "callId": "x", "cause": "explosion"}, "“cause” must be one of"),
        ({"event": "dtmf", "callId": "x", "digits": "12x"}, "“digits” may only contain"),
        ({"event": "newCall", "callId": "x", "direction": "sideways"}, "“direction”"),
        ({"event": "newCall", "callId": "x", "queue": "a queue"}, "“queue”"),
        ({"event": "newCall", "callId": "x", "timestamp": "yesterday"}, "“timestamp” must be ISO 8601"),
        ({"event": "newCall", "callId": "x", "timestamp": "2031-01-01T00:00:00Z"}, "in the future"),
        ({"event": "newCall", "callId": "x", "from": "1" * 65}, "longer than 64"),
        ({"event": "newCall", "callId": "x", "from": "+45\u0000 20"}, "“from” contains a NUL character"),
    ],
)
def test_bad_events_are_400_with_a_reason(platform, at_open, body, message):
    response = platform.cti(body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Call.objects.count() == 0


def test_too_large_body_is_400(platform, at_open):
    response = platform.cti({"event": "newCall", "callId": "x", "padding": "x" * 70_000})
    assert response.status_code == 400 and "too large" in response.json()["error"]


def test_epoch_timestamps_in_seconds_and_milliseconds(platform, at_open):
    seconds = T0.timestamp()
    platform.cti({**new_call(call_id="s"), "timestamp": seconds})
    platform.cti({**new_call(call_id="ms"), "timestamp": int(seconds * 1000)})
    assert {c.started_at for c in Call.objects.all()} == {T0}
