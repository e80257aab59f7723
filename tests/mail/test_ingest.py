"""Ingestion of the awkward-message corpus: bytes in, the right inquiry, reply or record out."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries.models import Attachment, Event, Inquiry
from erhvervskontakt.inquiries.workflow import Channel, EventKind, InquiryStatus, MatterStatus
from erhvervskontakt.mail.ingest import ingest, retry
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, RawMessage
from erhvervskontakt.mail.rawstore import open_raw
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage
from tests.mail.conftest import eml, make_email

pytestmark = pytest.mark.django_db


def receipts_to(address: str) -> list[OutboundMessage]:
    return [m for m in OutboundMessage.objects.filter(kind=MessageKind.RECEIPT) if address in m.to]


def test_latin1_message_opens_an_inquiry_with_a_receipt(mail_world):
    result = ingest(eml("latin1.eml"))
    assert result.status == InboundStatus.NEW_INQUIRY
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.channel == Channel.EMAIL
    assert inquiry.subject == "Udeservering på fortovet"
    assert "søge om udeservering" in inquiry.text and "Østerbrogade" in inquiry.text
    assert inquiry.contact_email == "soeren@cafe-oesterbro.test"
    assert inquiry.contact_name == "Søren Bjørn"
    assert inquiry.source_ref == "<latin1-0001@cafe-oesterbro.test>"
    # Routing found the topic, but without an auto-forward rule the contact centre triages it.
    matter = inquiry.matters.get()
    assert matter.topic.code == "udeservering"
    assert matter.unit == mail_world.generel.unit
    (receipt,) = receipts_to("soeren@cafe-oesterbro.test")
    assert receipt.reference == inquiry.reference
    assert receipt.headers["Auto-Submitted"] == "auto-replied"
    assert receipt.headers["In-Reply-To"] == "<latin1-0001@cafe-oesterbro.test>"
    event = inquiry.events.get(kind=EventKind.EMAIL_RECEIVED)
    assert not event.public
    assert event.data["routing"]["suggestions"][0]["code"] == "udeservering"


def test_auto_forward_rule_sends_a_confident_match_to_the_unit(mail_world, settings):
    settings.MAIL_AUTO_FORWARD_MIN_CONFIDENCE = 0.5
    result = ingest(eml("latin1.eml"))
    matter = Inquiry.objects.get(reference=result.reference).matters.get()
    assert matter.unit == mail_world.udeservering.unit
    settings.MAIL_AUTO_FORWARD_TOPICS = ["skilte"]  # the rule can be limited to some topics
    result = ingest(make_email(subject="Udeservering", body="borde og stole på fortovet, udeservering"))
    assert Inquiry.objects.get(reference=result.reference).matters.get().unit == mail_world.generel.unit


def test_broken_utf8_and_8bit_subject_never_crash(mail_world):
    result = ingest(eml("broken_utf8.eml"))
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.subject == "Skilt på facaden"
    assert "\ufffd" in inquiry.text and "skilt på facaden" in inquiry.text
    assert "invalid UTF-8" in InboundMessage.objects.get(pk=result.inbound_id).data["defects"]


# NUL characters in a header, an encoded word, the body and an attachment's name. PostgreSQL
# cannot store NUL in text: before, such an email failed on every poll and held up the mailbox.
NUL_EMAIL = (
    b"From: =?utf-8?q?Ejer=00_Hansen?= <owner@cafe.test>\r\nTo: erhverv@example.test\r\n"
    b"Subject: Skilt\x00 =?utf-8?q?p=C3=A5=00?= facaden\r\nMessage-ID: <nul-1@cafe.test>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"TcOlIHZpIHPDpnR0ZSBldCBza2lsdAAgb3A/\r\n"  # "Må vi sætte et skilt\0 op?"
    b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
    b"filename*=utf-8''skitse%00.pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n"
)


def test_nul_characters_are_left_out_of_what_is_stored(mail_world):
    result = ingest(NUL_EMAIL)
    assert result.status == InboundStatus.NEW_INQUIRY
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.subject == "Skilt på facaden"
    assert "Må vi sætte et skilt op?" in inquiry.text
    assert [a.filename for a in Attachment.objects.filter(inquiry=inquiry)] == ["skitse.pdf"]
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    assert inbound.sender_name == "Ejer Hansen"
    assert "NulCharactersRemoved" in inbound.data["defects"]
    assert open_raw(inbound.raw.ciphertext) == NUL_EMAIL  # the original as it came


def test_a_data_error_while_storing_quarantines_instead_of_holding_up_the_mailbox(mail_world, monkeypatch):
    from django.db import DataError

    from erhvervskontakt.mail import ingest as ingest_module

    def refuse(inbound, parsed):
        raise DataError("value out of range")

    monkeypatch.setattr(ingest_module, "apply_decision", refuse)
    result = ingest(make_email(message_id="<odd-1@cafe.test>"))
    assert result.status == InboundStatus.QUARANTINED
    assert "value out of range" in InboundMessage.objects.get(pk=result.inbound_id).reason


def test_unknown_charset_is_guessed(mail_world):
    result = ingest(eml("unknown_charset.eml"))
    assert "køre jord væk" in Inquiry.objects.get(reference=result.reference).text


def test_nested_multipart_keeps_text_and_stores_every_attachment(mail_world):
    result = ingest(eml("nested_multipart.eml"))
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert "sætte skilte op" in inquiry.text and "Situationsplan vedlagt" in inquiry.text
    names = sorted(Attachment.objects.filter(inquiry=inquiry).values_list("filename", flat=True))
    assert names == ["logo.png", "situationsplan øst.docx", "tegning.pdf"]
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    logo = Attachment.objects.get(inquiry=inquiry, filename="logo.png")
    assert inbound.data["cid"] == {"logo@byggefirma": logo.pk}
    assert 'src="cid:logo@byggefirma"' in inbound.html
    assert logo.file.read().startswith(b"\x89PNG")


def test_winmail_dat_is_kept_as_a_document(mail_world):
    result = ingest(eml("winmail.eml"))
    (attachment,) = Attachment.objects.filter(inquiry__reference=result.reference)
    assert attachment.filename == "winmail.dat"
    assert attachment.content_type == "application/ms-tnef"
    assert attachment.source == "email"


def test_message_without_message_id_is_deduplicated_by_content(mail_world):
    first = ingest(eml("no_message_id.eml"))
    second = ingest(eml("no_message_id.eml"))
    assert first.status == InboundStatus.NEW_INQUIRY
    assert second.duplicate and second.inbound_id == first.inbound_id
    assert Inquiry.objects.count() == 1
    assert Inquiry.objects.get().source_ref.startswith("sha256:")


def test_same_message_id_twice_makes_one_inquiry(mail_world):
    raw = make_email(message_id="<same@cafe.test>")
    assert not ingest(raw).duplicate
    assert ingest(raw).duplicate
    copy = b"Received: from mx2.kk.test by imap.kk.test; Tue, 24 Nov 2026 10:00:05 +0100\r\n" + raw
    assert ingest(copy).duplicate  # delivered twice, through another relay
    assert Inquiry.objects.count() == 1 and InboundMessage.objects.count() == 1
    other = ingest(raw.replace(b"Vi vil", b"Vi skal"))  # a sloppy mailer reused the Message-ID
    assert other.status == InboundStatus.NEW_INQUIRY  # different content: not lost as a "duplicate"
    assert ingest(raw.replace(b"Vi vil", b"Vi skal")).duplicate
    assert InboundMessage.objects.count() == 2 and Inquiry.objects.count() == 2


def test_forwarded_message_includes_the_forwarded_text_and_attachments(mail_world):
    result = ingest(eml("forwarded.eml"))
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert "Forwarded message" in inquiry.text
    assert "Politiet har ingen indvendinger" in inquiry.text
    assert list(inquiry.attachments.values_list("filename", flat=True)) == ["udtalelse.pdf"]
    assert inquiry.matters.get().topic.code == "alkoholbevilling"


def test_html_only_message_is_sanitised(mail_world):
    result = ingest(eml("html_only_scripts.eml"))
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    for bad in ("<script", "alert(", "onload", "onerror", "javascript:", "<iframe", "<form", "<style"):
        assert bad not in inbound.html
    assert "<b>spildevand</b>" in inbound.html
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert "spørgsmål om spildevand" in inquiry.text and "alert" not in inquiry.text


def test_cpr_numbers_are_masked_in_everything_stored_for_display(mail_world):
    raw = eml("cpr.eml")
    result = ingest(raw)
    inquiry = Inquiry.objects.get(reference=result.reference)
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    stored = [inquiry.subject, inquiry.text, inbound.subject, inbound.text, inbound.html]
    stored += list(Event.objects.filter(inquiry=inquiry).values_list("text", flat=True))
    stored += [m.subject + m.body_text for m in OutboundMessage.objects.all()]
    for text in stored:
        for cpr in ("010190-1234", "0101901234", "311285-4321"):
            assert cpr not in text
    assert "XXXXXX-XXXX" in inquiry.subject and inquiry.text.count("XXXXXX-XXXX") == 2
    # Not CPR numbers: an order number with an impossible date, a phone number, a CVR number.
    assert "1234567890" in inquiry.text and "33 66 33 66" in inquiry.text and "13585628" in inquiry.text
    # The original is kept encrypted: unreadable at rest, exact when decrypted.
    ciphertext = bytes(RawMessage.objects.get(inbound=inbound).ciphertext)
    assert b"0101901234" not in ciphertext and b"Alkoholbevilling" not in ciphertext
    assert open_raw(ciphertext) == raw


def forty_megabyte_email() -> bytes:
    """A 40 MiB attachment, base64-encoded by hand (fast; EmailMessage would take seconds)."""
    import base64

    data = base64.encodebytes(bytes(range(256)) * (40 * 1024 * 4))
    head = make_email(subject="Ansøgning om byggetilladelse", body="Tegninger vedlagt.")
    boundary = b"==big-boundary=="
    headers, body = head.split(b"\n\n", 1)
    headers = b"\n".join(h for h in headers.split(b"\n") if not h.lower().startswith((b"content-", b"mime-")))
    return b"".join(
        [
            headers,
            b'\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="' + boundary + b'"\n\n',
            b"--" + boundary + b"\nContent-Type: text/plain; charset=utf-8\n\nTegninger vedlagt.\n",
            b"--" + boundary + b"\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n",
            b'Content-Disposition: attachment; filename="tegninger.zip"\n\n',
            data,
            b"--" + boundary + b"--\n",
        ]
    )


def test_forty_megabyte_attachment_over_the_limit_is_not_stored_but_kept(mail_world, settings):
    raw = forty_megabyte_email()
    result = ingest(raw)
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.attachments.count() == 0
    note = inquiry.events.get(kind=EventKind.NOTE)
    assert "tegninger.zip" in note.text and "40.0 MB" in note.text
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    assert inbound.data["skipped_attachments"][0]["filename"] == "tegninger.zip"
    assert RawMessage.objects.get(inbound=inbound).size == len(raw)


def test_program_files_are_not_stored(mail_world):
    result = ingest(
        make_email(attachments=[("faktura.exe", "application/octet-stream", b"MZ" + b"\0" * 100)])
    )
    assert not Attachment.objects.filter(inquiry__reference=result.reference).exists()


def test_garbage_is_quarantined_with_the_raw_bytes_and_can_be_retried(mail_world, settings):
    raw = eml("garbage.eml")
    result = ingest(raw)
    assert result.status == InboundStatus.QUARANTINED
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    assert "no headers" in inbound.reason
    assert open_raw(inbound.raw.ciphertext) == raw
    assert ingest(raw).duplicate  # fetched again: still one entry
    assert retry(inbound).status == InboundStatus.QUARANTINED
    inbound.refresh_from_db()
    assert inbound.attempts == 3  # first try, fetched again, retried
    assert list(inbound.events.values_list("kind", flat=True)) == ["quarantined", "retried"]


def test_no_topic_quarantines_until_a_fallback_is_configured(mail_world, settings, routing_finds_nothing):
    settings.MAIL_FALLBACK_TOPIC = ""
    result = ingest(make_email(subject="Hej", body="Kan I ringe til mig?"))
    assert result.status == InboundStatus.QUARANTINED
    inbound = InboundMessage.objects.get(pk=result.inbound_id)
    assert "MAIL_FALLBACK_TOPIC" in inbound.reason
    assert Inquiry.objects.count() == 0
    settings.MAIL_FALLBACK_TOPIC = "generel"
    retried = retry(inbound)
    assert retried.status == InboundStatus.NEW_INQUIRY
    assert Inquiry.objects.get(reference=retried.reference).matters.get().topic.code == "generel"


def test_known_sender_is_linked_to_contact_and_company(mail_world, business):
    company, person = business
    result = ingest(make_email(sender=f"Owner <{person.email.upper()}>"))
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.contact == person and inquiry.company == company


def test_newsletter_is_recorded_without_inquiry_or_receipt(mail_world):
    result = ingest(eml("newsletter.eml"))
    assert result.status == InboundStatus.AUTOMATIC
    assert Inquiry.objects.count() == 0 and OutboundMessage.objects.count() == 0


def test_receipts_per_sender_are_limited(mail_world, settings):
    settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR = 2
    for n in range(4):
        ingest(make_email(subject=f"Skilt {n}", body="Et A-skilt på fortovet"))
    assert len(receipts_to("owner@cafe.test")) == 2
    assert Inquiry.objects.count() == 4


def test_mail_from_our_own_address_is_never_answered(mail_world):
    result = ingest(make_email(sender="erhverv@example.test"))
    assert result.status == InboundStatus.AUTOMATIC
    assert OutboundMessage.objects.count() == 0


def test_closed_inquiry_gets_a_follow_up_inquiry(mail_world, business, agent):
    from erhvervskontakt.inquiries import services
    from tests.factories import register

    company, person = business
    old = register([mail_world.skilte], business=business, channel=Channel.EMAIL)
    services.matter_close(old.matters.get(), actor=agent, outcome="answered")
    result = ingest(make_email(subject=f"Re: [{old.reference}] Svar", sender=person.email))
    assert result.status == InboundStatus.NEW_INQUIRY
    new = Inquiry.objects.get(reference=result.reference)
    assert old.reference in new.text
    old.refresh_from_db()
    assert old.status == InquiryStatus.CLOSED


def test_matter_status_untouched_by_automatic_reply(mail_world, business, caseworker_a):
    from erhvervskontakt.inquiries import services
    from tests.factories import register

    inquiry = register([mail_world.skilte], business=business, channel=Channel.EMAIL, direct=True)
    matter = inquiry.matters.get()
    services.matter_request_info(matter, actor=caseworker_a, text="Send en tegning")
    request = OutboundMessage.objects.get(kind=MessageKind.INFO_REQUEST)
    ooo = eml("out_of_office.eml").replace(
        b"<OOO-ORIGINAL@erhvervskontakt.localhost>", request.message_id.encode()
    )
    result = ingest(ooo)
    assert result.status == InboundStatus.AUTOMATIC
    matter.refresh_from_db()
    assert matter.status == MatterStatus.AWAITING_BUSINESS
    event = inquiry.events.filter(kind=EventKind.EMAIL_RECEIVED).last()
    assert "Automatic reply" in event.text and not event.public
    assert not OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, created_at__gt=request.created_at)


def test_status_values_are_reported(mail_world):
    assert ingest(eml("latin1.eml")).status == InboundStatus.NEW_INQUIRY
    assert MessageStatus.BOUNCED == "bounced"


def test_an_unsure_suggestion_goes_to_manual_triage_not_to_a_unit(mail_world, settings, monkeypatch):
    """Below the triage threshold the email is registered under the general topic for an agent,
    never auto-forwarded, with the engine's guesses kept for the agent to see."""
    from erhvervskontakt.mail import decisions
    from erhvervskontakt.routing.api import Routing, Suggestion

    guess = Suggestion("skilte", 0.3, "Skilte", "Byens Anvendelse", "TMF", False)
    monkeypatch.setattr(
        decisions,
        "route_text",
        lambda text, limit=5: Routing(suggestions=[guess], confidence=0.3, needs_manual_triage=True),
    )
    settings.MAIL_AUTO_FORWARD_MIN_CONFIDENCE = 0.1
    result = ingest(make_email(subject="Hej", body="Kan I ringe til mig?"))
    assert result.status == InboundStatus.NEW_INQUIRY
    matter = Inquiry.objects.get(reference=result.reference).matters.get()
    assert matter.topic.code == "generel"
    assert matter.unit.code == "kc-erhvervskontakt"
    assert matter.transfer_count == 0
