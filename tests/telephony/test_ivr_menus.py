"""Walking the IVR through its TwiML endpoints, as a telephone platform does."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries.models import Callback, Inquiry
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.telephony.models import Call, MenuNode, NodeKind
from tests.telephony.conftest import Caller, query

pytestmark = pytest.mark.django_db


def test_open_hours_press_1_reaches_the_units_queue(caller, org, at_open):
    caller.call()
    assert "tast 1" in caller.said()[0]
    gather = caller.doc.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("finishOnKey") == ""
    caller.press("1")
    assert caller.enqueued() == org.unit_a.code
    call = Call.objects.get(call_id="CA-test-1")
    assert call.queue == org.unit_a.code
    assert call.menu_path == "1 Byens arealer"
    assert call.from_normalized == "4520000001"
    assert call.queued_at is not None and call.interval_start is not None


def test_sub_menu_and_back_with_star(caller, org, at_open):
    caller.call()
    caller.press("2")
    assert "Om alkoholbevilling, tast 1" in caller.said()[0]
    caller.press("*")
    assert "Velkommen" in caller.said()[0]
    caller.press("2")
    caller.press("1")
    assert caller.enqueued() == org.unit_b.code
    assert Call.objects.get().menu_path.endswith("2 Bevillinger › 1 Alkoholbevilling")


def test_message_then_back_to_the_menu_above(caller, at_open):
    caller.call()
    caller.press("2")
    caller.press("2")
    assert "telefontid" in caller.said()[0]
    redirect = caller.doc.find("Redirect")
    assert redirect is not None and "/choose/" not in redirect.text
    caller.follow()
    assert "Om alkoholbevilling, tast 1" in caller.said()[0]


def test_invalid_digits_repeat_with_a_notice_then_an_agent(caller, menu, at_open, settings):
    caller.call()
    caller.press("7")
    assert caller.said()[0] == menu.invalid_da
    assert query(caller.doc.find("Gather").get("action"))["a"] == "2"
    caller.press("8")
    assert query(caller.doc.find("Gather").get("action"))["a"] == "3"
    caller.press("7")  # third wrong key with max_attempts=3: put through
    assert caller.said() == [menu.fallback_da]
    assert caller.enqueued() == settings.TELEPHONY_CONTACT_CENTRE_QUEUE
    assert Call.objects.get().queue == settings.TELEPHONY_CONTACT_CENTRE_QUEUE


def test_timeouts_repeat_the_prompt_then_an_agent(caller, menu, at_open, settings):
    menu.max_attempts = 2
    menu.save()
    caller.call()
    caller.wait()
    assert caller.said()[0] == menu.no_input_da
    assert "Velkommen" in caller.said()[1]
    caller.wait()
    assert caller.enqueued() == settings.TELEPHONY_CONTACT_CENTRE_QUEUE


def test_closed_hours_play_the_closed_menu(caller, at_closed):
    caller.call()
    assert caller.said()[0].startswith("Erhvervskontakt har lukket")
    caller.press("2")
    assert caller.hung_up()
    assert Call.objects.get().queue == ""


def test_closed_hours_timeouts_end_with_the_closed_message(caller, menu, at_closed):
    caller.call()
    for _ in range(menu.max_attempts):
        caller.wait()
    assert caller.said() == [menu.closed_da]
    assert caller.hung_up()


def test_closed_without_a_closed_menu_says_closed(caller, menu, at_closed):
    menu.nodes.filter(parent__isnull=True, hours="closed").delete()
    caller.call()
    assert caller.said() == [menu.closed_da] and caller.hung_up()


def test_english_digit_replays_the_first_menu_in_english(caller, at_open):
    caller.call()
    caller.press("9")
    say = caller.doc.find("Gather/Say")
    assert say.get("language") == "en-GB" and say.text.startswith("Welcome")
    caller.press("7")
    assert caller.said()[0].startswith("That is not a valid choice")


def test_callback_with_typed_number_registers_an_inquiry_and_books_a_callback(
    caller, catalogue, org, at_open
):
    caller.call()
    caller.press("3")
    gather = caller.doc.find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") is None
    caller.press("30303030")
    assert caller.hung_up()
    assert "3 0 3 0 3 0 3 0" in caller.said()[0] and "i dag mellem 10:00 og 12:00" in caller.said()[0]
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == Channel.PHONE
    assert inquiry.contact_phone == "+4530303030"
    matter = inquiry.matters.get()
    assert matter.topic == catalogue.generel  # the step names no topic: the general one
    callback = Callback.objects.get()
    assert callback.unit == catalogue.generel.unit and callback.phone == "+4530303030"
    call = Call.objects.get()
    assert call.callback_reference == inquiry.reference
    assert call.menu_path == "3 Ring mig op"


def test_callback_is_booked_once_when_the_platform_retries(platform, menu, at_open):
    first = Caller(platform, call_sid="CA-retry")
    first.call()
    first.press("3")
    action = first.doc.find("Gather").get("action")
    first.press("30303030")
    first._fetch(action, {"Digits": "30303030"})  # the platform timed out and asked again
    assert Inquiry.objects.count() == 1 and Callback.objects.count() == 1


def test_callback_hash_only_uses_the_callers_number(platform, menu, business, at_open):
    company, person = business
    caller = Caller(platform, call_sid="CA-own", caller=person.phone)
    caller.call()
    caller.press("3")
    caller.press("")
    inquiry = Inquiry.objects.get()
    assert inquiry.contact == person and inquiry.company == company
    assert inquiry.contact_phone == "+" + person.phone_normalized


def test_callback_hash_only_without_caller_id_asks_again(platform, menu, at_open):
    caller = Caller(platform, call_sid="CA-anon", caller="anonymous")
    caller.call()
    caller.press("3")
    caller.press("")
    assert caller.said()[0] == menu.invalid_da
    assert Inquiry.objects.count() == 0


def test_callback_without_a_topic_falls_back_to_an_agent(caller, menu, catalogue, at_open, settings):
    settings.TELEPHONY_GENERAL_TOPIC = "does-not-exist"
    caller.call()
    caller.press("3")
    caller.press("30303030")
    assert caller.enqueued() == settings.TELEPHONY_CONTACT_CENTRE_QUEUE
    assert Inquiry.objects.count() == 0


def test_callback_step_with_a_topic_goes_to_the_topics_unit(caller, menu, catalogue, org, at_open):
    step = menu.nodes.get(parent__parent__isnull=True, digit="3", parent__hours="open")
    step.topic = catalogue.skilte
    step.save()
    caller.call()
    caller.press("3")
    caller.press("30303030")
    matter = Inquiry.objects.get().matters.get()
    assert matter.topic == catalogue.skilte and matter.unit == org.unit_a
    assert Callback.objects.get().unit == org.unit_a


def test_inactive_menu_puts_callers_through(caller, menu, at_open, settings):
    menu.is_active = False
    menu.save()
    caller.call()
    assert caller.enqueued() == settings.TELEPHONY_CONTACT_CENTRE_QUEUE


def test_unknown_menu_and_foreign_step_are_404(platform, menu, catalogue, at_open):
    assert platform.twiml("/telephony/ivr/nope/", {}).status_code == 404
    other = menu.__class__.objects.create(code="other", name="Other")
    step = MenuNode.objects.create(menu=other, hours="open", kind=NodeKind.MENU, title="x", prompt_da="x")
    assert platform.twiml(f"/telephony/ivr/erhverv/{step.pk}/choose/", {"Digits": "1"}).status_code == 404


def test_step_changed_during_the_call_plays_what_it_is_now(caller, menu, org, at_open):
    caller.call()
    caller.press("2")
    action = caller.doc.find("Gather").get("action")
    step = menu.nodes.get(title="Bevillinger")
    step.kind = NodeKind.UNIT_QUEUE
    step.unit = org.unit_b
    step.save()
    caller._fetch(action, {"Digits": "1"})
    assert caller.enqueued() == org.unit_b.code


def test_recorded_sound_is_played_and_served(caller, menu, at_open, settings, tmp_path):
    from django.core.files.base import ContentFile

    step = menu.nodes.get(parent__isnull=True, hours="open")
    step.audio.save("velkommen.wav", ContentFile(b"RIFF....WAVEfmt "), save=True)
    caller.call()
    play = caller.doc.find("Gather/Play")
    assert play is not None and "/telephony/audio/" in play.text
    response = caller.platform.client.get(play.text.replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
