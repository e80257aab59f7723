"""Replies join their inquiry (headers or reference), resume paused due dates; bounces mark our mail."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel, EventKind, MatterStatus
from erhvervskontakt.mail.ingest import ingest
from erhvervskontakt.mail.models import InboundMessage, InboundStatus
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage
from erhvervskontakt.outbox.selectors import messages_for
from tests.factories import register
from tests.mail.conftest import eml, make_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(mail_world, business, caseworker_a):
    """An email inquiry whose matter waits for the business after an information request."""
    inquiry = register([mail_world.udeservering], business=business, channel=Channel.EMAIL, direct=True)
    matter = inquiry.matters.get()
    services.matter_assign(matter, actor=caseworker_a, assignee=caseworker_a)
    services.matter_request_info(matter, actor=caseworker_a, text="Send en tegning af arealet.")
    return inquiry


def test_reply_by_headers_resumes_the_paused_matter(waiting):
    matter = waiting.matters.get()
    due_before = matter.due_at
    request = OutboundMessage.objects.get(kind=MessageKind.INFO_REQUEST)
    raw = eml("outlook_reply.eml").replace(
        b"<INFO-REQUEST@erhvervskontakt.localhost>", request.message_id.encode()
    )
    result = ingest(raw)
    assert result.status == InboundStatus.REPLY and result.reference == waiting.reference
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_PROGRESS and matter.due_at >= due_before
    event = waiting.events.get(kind=EventKind.BUSINESS_REPLIED)
    assert event.public and event.data["via"] == "email"
    # Quoted history trimmed for display, but kept whole with the received email.
    assert "2 borde og 8 stole" in event.text and "Send os venligst" not in event.text
    assert "Send os venligst" in InboundMessage.objects.get(pk=result.inbound_id).text
    assert waiting.events.filter(kind=EventKind.RESUMED).exists()
    assert Inquiry.objects.count() == 1
    assert not OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, to__isnull=False).exclude(
        reference=waiting.reference
    )


def test_reply_by_reference_in_subject_from_the_business(waiting, business):
    _company, person = business
    raw = eml("subject_reference_reply.eml").replace(b"EK-2026-000001", waiting.reference.encode())
    raw = raw.replace(b"owner@cafe.test", person.email.encode())
    result = ingest(raw)
    assert result.status == InboundStatus.REPLY
    event = waiting.events.get(kind=EventKind.BUSINESS_REPLIED)
    assert event.text == "Tak! Vi glaeder os til at hoere fra jer."


def test_reference_from_a_stranger_is_noted_internally_only(waiting):
    raw = make_email(subject=f"Re: [{waiting.reference}] Hej", sender="someone@else.test", body="Se her")
    result = ingest(raw)
    assert result.status == InboundStatus.UNVERIFIED
    event = waiting.events.get(kind=EventKind.EMAIL_RECEIVED, data__unverified=True)
    assert not event.public and "someone@else.test" in event.text
    assert waiting.matters.get().status == MatterStatus.AWAITING_BUSINESS


def test_reply_to_the_original_message_id_joins(mail_world):
    first = ingest(make_email(message_id="<orig@cafe.test>", body="Et skilt på facaden"))
    follow = make_email(
        message_id="<second@cafe.test>", subject="Glemte at sige", headers={"In-Reply-To": "<orig@cafe.test>"}
    )
    result = ingest(follow)
    assert result.status == InboundStatus.REPLY and result.reference == first.reference
    third = make_email(headers={"References": "<orig@cafe.test> <second@cafe.test>"}, subject="Og så")
    assert ingest(third).reference == first.reference


def test_assigned_caseworker_hears_about_a_reply(waiting, caseworker_a):
    matter = waiting.matters.get()
    services.inquiry_business_replied(waiting, text="første svar", via="phone")  # resume
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_PROGRESS
    ingest(
        make_email(subject=f"[{waiting.reference}] mere", sender=waiting.requester_email, body="Mere info")
    )
    notes = [
        n for n in OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION) if caseworker_a.email in n.to
    ]
    assert [n for n in notes if "Mere info" in n.body_text]


def test_a_waiting_matter_s_caseworker_is_told_once(waiting, caseworker_a):
    before = OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION).count()
    ingest(make_email(subject=f"[{waiting.reference}] tegning", sender=waiting.requester_email, body="Her"))
    new = list(OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION).order_by("pk"))[before:]
    assert [n.to for n in new] == [[caseworker_a.email]]


def test_dsn_bounce_marks_the_outbox_message_and_the_inquiry(mail_world, business):
    inquiry = register([mail_world.skilte], business=business, channel=Channel.EMAIL)
    receipt = OutboundMessage.objects.get(kind=MessageKind.RECEIPT, reference=inquiry.reference)
    raw = eml("bounce.eml").replace(
        b"<BOUNCED-RECEIPT@erhvervskontakt.localhost>", receipt.message_id.encode()
    )
    result = ingest(raw)
    assert result.status == InboundStatus.BOUNCE
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.BOUNCED and "User unknown" in receipt.bounce_reason
    event = inquiry.events.get(kind=EventKind.EMAIL_RECEIVED)
    assert "could not be delivered" in event.text and "owner@cafe.test" in event.text and not event.public
    (view,) = [m for m in messages_for(inquiry.reference) if m.kind == MessageKind.RECEIPT]
    assert view.problem and "User unknown" in view.summary
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT).count() == 1  # no receipt to a bounce


def test_plain_bounce_from_postmaster_finds_our_message_id_in_the_text(mail_world, business):
    inquiry = register([mail_world.skilte], business=business, channel=Channel.EMAIL)
    receipt = OutboundMessage.objects.get(kind=MessageKind.RECEIPT)
    raw = eml("bounce_plain.eml").replace(
        b"<PLAIN-BOUNCED@erhvervskontakt.localhost>", receipt.message_id.encode()
    )
    assert ingest(raw).status == InboundStatus.BOUNCE
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.BOUNCED
    assert inquiry.events.filter(kind=EventKind.EMAIL_RECEIVED).exists()


def test_unmatched_bounce_is_recorded_only(mail_world):
    result = ingest(eml("bounce.eml"))
    assert result.status == InboundStatus.BOUNCE
    assert Inquiry.objects.count() == 0 and OutboundMessage.objects.count() == 0


def test_staff_replying_to_a_notification_stays_internal(waiting, caseworker_a):
    note = OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION, reference=waiting.reference).first()
    if note is None:  # the request did not notify anyone: make one as the core would
        from erhvervskontakt.inquiries import notifications

        note = notifications.notify_staff([caseworker_a.email], waiting, "Ny sag", "tekst")
    raw = make_email(
        sender=caseworker_a.email,
        subject=f"Re: [{waiting.reference}] Ny sag",
        body="Intern kommentar: ring til dem.",
        headers={"In-Reply-To": note.message_id},
    )
    result = ingest(raw)
    assert result.status == InboundStatus.UNVERIFIED
    event = waiting.events.get(kind=EventKind.EMAIL_RECEIVED, data__unverified=True)
    assert not event.public and "staff notification" in event.text
    assert not waiting.events.filter(kind=EventKind.BUSINESS_REPLIED).exists()
    assert waiting.matters.get().status == MatterStatus.AWAITING_BUSINESS
