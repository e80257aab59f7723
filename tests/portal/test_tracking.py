"""Tracking without an account: the secret link shows only what is meant for the business, lets
it answer and add documents, and can be renewed or switched off. No reference enumeration."""

import pytest
from django.urls import get_resolver

from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Attachment
from erhvervskontakt.inquiries.workflow import Channel, EventKind, MatterStatus
from tests.portal.conftest import EXE, PDF, upload


@pytest.fixture
def tracked(catalogue, personas):
    registration = services.Registration(
        channel=Channel.FORM,
        subject="Udeservering Vesterbrogade",
        text="Vi vil have 4 borde",
        contact_name="Sofie",
        contact_email="sofie@trattoria.test",
        matters=[services.MatterSpec(topic=catalogue.udeservering, direct=True)],
    )
    inquiry, token = services.inquiry_register(registration)
    services.inquiry_note(inquiry, actor=personas.agent, text="INTERN: kunden virker utålmodig")
    return inquiry, token


def test_the_link_shows_the_public_timeline_only(en_client, tracked):
    inquiry, token = tracked
    response = en_client.get(f"/track/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert inquiry.reference in html and "Udeservering" in html
    assert "INTERN" not in html
    assert response["Cache-Control"] == "no-store, private" and "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("guess", ["x", "EK-2026-000001", "a" * 43, "a" * 500, "%00", "..%2f..%2fetc"])
def test_wrong_tokens_and_references_open_nothing(en_client, tracked, guess):
    assert en_client.get(f"/track/{guess}/").status_code == 404


def test_no_public_url_takes_a_reference_number():
    patterns = [str(p.pattern) for p in get_resolver().url_patterns if not str(p.pattern).startswith("staff")]
    assert not any("reference" in p for p in patterns)


def test_the_business_answers_a_request_for_information(en_client, tracked, caseworker_a):
    inquiry, token = tracked
    matter = inquiry.matters.get()
    services.matter_request_info(matter, actor=caseworker_a, text="Send venligst en målfast tegning.")
    html = en_client.get(f"/track/{token}/").content.decode()
    assert "Send venligst en målfast tegning." in html and 'id="info-requested"' in html

    response = en_client.post(
        f"/track/{token}/", {"action": "reply", "message": "Tegningen kommer i morgen."}
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status != MatterStatus.AWAITING_BUSINESS
    event = inquiry.events.filter(kind=EventKind.BUSINESS_REPLIED).get()
    assert event.text == "Tegningen kommer i morgen." and event.data["via"] == "portal"
    assert "Tegningen kommer i morgen." in en_client.get(f"/track/{token}/").content.decode()


def test_an_empty_or_overlong_reply_is_refused_next_to_the_field(en_client, tracked):
    inquiry, token = tracked
    html = en_client.post(f"/track/{token}/", {"action": "reply", "message": "  "}).content.decode()
    assert 'id="message-error"' in html
    html = en_client.post(f"/track/{token}/", {"action": "reply", "message": "x" * 6000}).content.decode()
    assert "at most 5000 characters" in html
    assert not inquiry.events.filter(kind=EventKind.BUSINESS_REPLIED).exists()


def test_documents_are_checked_by_content_and_shared(en_client, tracked):
    inquiry, token = tracked
    html = en_client.post(
        f"/track/{token}/", {"action": "upload", "documents": [upload("tegning.pdf", EXE)]}
    ).content.decode()
    assert "Windows program" in html and not Attachment.objects.exists()
    response = en_client.post(f"/track/{token}/", {"action": "upload", "documents": [upload("tegning.pdf")]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.public, attachment.source, attachment.filename) == (True, "business", "tegning.pdf")
    download = en_client.get(f"/track/{token}/dokument/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_internal_documents_and_other_inquiries_documents_are_not_served(en_client, tracked, catalogue):
    inquiry, token = tracked
    internal = services.attachment_add(
        inquiry, filename="intern.pdf", content=PDF, content_type="application/pdf"
    )
    other, _other_token = services.inquiry_register(
        services.Registration(
            channel=Channel.FORM,
            subject="Andet",
            matters=[services.MatterSpec(topic=catalogue.skilte, direct=True)],
        )
    )
    foreign = services.attachment_add(
        other, filename="x.pdf", content=PDF, content_type="application/pdf", public=True
    )
    assert en_client.get(f"/track/{token}/dokument/{internal.pk}/").status_code == 404
    assert en_client.get(f"/track/{token}/dokument/{foreign.pk}/").status_code == 404
    assert "intern.pdf" not in en_client.get(f"/track/{token}/").content.decode()


def test_renewing_the_link_stops_the_old_one(en_client, tracked):
    inquiry, token = tracked
    response = en_client.post(f"/track/{token}/", {"action": "renew"})
    new_url = response["Location"]
    assert response.status_code == 302 and token not in new_url
    assert en_client.get(f"/track/{token}/").status_code == 404
    assert en_client.get(new_url).status_code == 200


def test_revoking_the_link_switches_it_off(en_client, tracked):
    inquiry, token = tracked
    response = en_client.post(f"/track/{token}/", {"action": "revoke"})
    assert response.status_code == 302 and response["Location"] == "/track/tilbagekaldt/"
    assert en_client.get(f"/track/{token}/").status_code == 404
    assert en_client.get("/track/tilbagekaldt/").status_code == 200


def test_tracking_posts_are_rate_limited_and_honeypotted(en_client, tracked, settings):
    inquiry, token = tracked
    assert (
        en_client.post(f"/track/{token}/", {"action": "reply", "message": "x", "website": "bot"}).status_code
        == 400
    )
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "track": "1/600"}
    assert en_client.post(f"/track/{token}/", {"action": "reply", "message": "en"}).status_code == 302
    response = en_client.post(f"/track/{token}/", {"action": "reply", "message": "to"})
    assert response.status_code == 429 and ">to</textarea>" in response.content.decode()


def test_closed_inquiries_take_no_more_messages(en_client, tracked, caseworker_a):
    inquiry, token = tracked
    services.matter_close(inquiry.matters.get(), actor=caseworker_a, outcome="approved")
    html = en_client.get(f"/track/{token}/").content.decode()
    assert 'name="message"' not in html


def test_unknown_action_is_a_bad_request(en_client, tracked):
    inquiry, token = tracked
    assert en_client.post(f"/track/{token}/", {"action": "delete-everything"}).status_code == 400
