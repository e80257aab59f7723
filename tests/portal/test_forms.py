"""Electronic forms end to end (without a browser): register, receipt, drafts with uploads,
honeypot, rate limit, CSRF and size limits, and never a 500 on bad input."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from erhvervskontakt.catalogue.models import FormDefinition
from erhvervskontakt.inquiries.models import Callback, Inquiry
from erhvervskontakt.inquiries.workflow import Channel, MatterStatus
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from erhvervskontakt.portal.models import Draft, DraftFile, Submission
from tests.portal.conftest import EXE, PDF, contact, outdoor_serving, upload

# A Tuesday morning in Copenhagen; callbacks and dates are judged from here.
NOW = dt.datetime(2026, 6, 9, 8, 0, tzinfo=dt.UTC)


def errors_in(html: str) -> list[str]:
    return re.findall(r'<span class="form-error-message" id="(f-[a-z0-9_-]+)-error"', html)


def test_general_form_is_preset_to_the_topic(en_client, forms, catalogue):
    html = en_client.get("/formular/generel/?emne=skilte").content.decode()
    assert '<option value="skilte" selected>' in html
    assert 'name="topic_preset" value="skilte"' in html


def test_unknown_preset_and_unknown_form_are_harmless(en_client, forms):
    assert en_client.get("/formular/generel/?emne=<script>").status_code == 200
    assert en_client.get("/formular/generel/?emne=%00<script>").status_code == 400  # a crafted link
    assert en_client.get("/formular/findes-ikke/").status_code == 404


def test_general_question_registers_a_direct_inquiry_with_receipt(en_client, forms, catalogue):
    data = {"topic": "skilte", "subject": "A-skilt", "message": "Må jeg stille et A-skilt?", **contact()}
    data["documents"] = upload("skitse.pdf")
    response = en_client.post("/formular/generel/", data)
    assert response.status_code == 302 and response["Location"] == "/kvittering/"
    inquiry = Inquiry.objects.get()
    matter = inquiry.matters.get()
    assert (inquiry.channel, matter.topic.code, matter.unit) == (
        Channel.FORM,
        "skilte",
        catalogue.skilte.unit,
    )
    assert inquiry.subject == "Skriv til os: A-skilt" and inquiry.contact_email == "sofie@trattoria.test"
    assert inquiry.attachments.get().filename == "skitse.pdf"
    assert inquiry.attachments.get().public and inquiry.attachments.get().source == "business"
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, reference=inquiry.reference).exists()
    assert Submission.objects.get(inquiry=inquiry).data["answers"]["subject"] == "A-skilt"

    receipt = en_client.get("/kvittering/").content.decode()
    assert inquiry.reference in receipt and catalogue.skilte.unit.name_en in receipt
    link = re.search(r'id="tracking-link">([^<]+)<', receipt).group(1)
    assert en_client.get(link.replace("http://testserver", "")).status_code == 200
    # The secret link is shown once; a reload shows the receipt without it.
    again = en_client.get("/kvittering/").content.decode()
    assert inquiry.reference in again and "tracking-link" not in again


def test_receipt_is_only_for_the_visitors_own_session(forms):
    assert Client().get("/kvittering/").status_code == 404


def test_question_without_topic_goes_to_the_contact_centre(en_client, forms, org):
    data = {"subject": "Spørgsmål", "message": "Hvem skal jeg tale med om noget helt andet?", **contact()}
    assert en_client.post("/formular/generel/", data).status_code == 302
    matter = Inquiry.objects.get().matters.get()
    assert matter.topic.code == "generel" and matter.unit == org.kc


def test_outdoor_serving_errors_keep_everything_including_the_uploaded_drawing(en_client, forms, catalogue):
    data = outdoor_serving(area_m2="tolv", drawing=upload("tegning.pdf"), photos=upload("foto.pdf"))
    response = en_client.post("/formular/outdoor-serving/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Inquiry.objects.exists()
    assert errors_in(html) == ["f-area_m2"]
    assert 'href="#f-area_m2"' in html and 'aria-describedby="f-area_m2-hint f-area_m2-error"' in html
    assert 'value="tolv"' in html and 'value="Vesterbrogade 12"' in html
    assert "tegning.pdf" in html and "foto.pdf" in html
    assert DraftFile.objects.count() == 2

    # Correct the number only: the drawing is not uploaded again.
    response = en_client.post("/formular/outdoor-serving/", outdoor_serving())
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.matters.get().topic.code == "udeservering"
    assert sorted(a.filename for a in inquiry.attachments.all()) == ["foto.pdf", "tegning.pdf"]
    assert inquiry.subject == "Ansøg om udeservering: Vesterbrogade 12, 1620 København V"
    assert "Arealets størrelse: 12,5 m²" in inquiry.text
    assert not Draft.objects.exists() and not DraftFile.objects.exists()


def test_the_draft_is_shown_again_when_the_business_comes_back(en_client, forms):
    en_client.post("/formular/outdoor-serving/", outdoor_serving(area_m2="", drawing=upload("tegning.pdf")))
    html = en_client.get("/formular/outdoor-serving/").content.decode()
    assert 'value="Vesterbrogade 12"' in html and "tegning.pdf" in html


def test_a_program_named_pdf_is_refused_and_not_kept(en_client, forms):
    response = en_client.post(
        "/formular/outdoor-serving/", outdoor_serving(drawing=upload("tegning.pdf", EXE))
    )
    html = response.content.decode()
    assert errors_in(html) == ["f-drawing"] and "Windows program" in html
    assert not DraftFile.objects.exists() and not Inquiry.objects.exists()


def test_a_kept_file_can_be_removed(en_client, forms):
    en_client.post("/formular/outdoor-serving/", outdoor_serving(area_m2="", drawing=upload("forkert.pdf")))
    kept = DraftFile.objects.get()
    response = en_client.post("/formular/outdoor-serving/", outdoor_serving(remove_file=str(kept.pk)))
    assert errors_in(response.content.decode()) == ["f-drawing"]  # the drawing is required
    assert not DraftFile.objects.exists()


def test_drafts_belong_to_the_session(en_client, forms):
    en_client.post("/formular/outdoor-serving/", outdoor_serving(area_m2="", drawing=upload("tegning.pdf")))
    other = Client()
    html = other.get("/formular/outdoor-serving/").content.decode()
    assert "tegning.pdf" not in html and "Vesterbrogade" not in html
    # Guessing a draft file id from another session removes nothing.
    other.post("/formular/outdoor-serving/", outdoor_serving(remove_file=str(DraftFile.objects.get().pk)))
    assert DraftFile.objects.count() == 1


def test_conditional_fields_apply_only_when_shown(en_client, forms, vejareal):
    base = {
        "address__street": "Nørrebrogade 20",
        "address__postcode": "2200",
        "placement": "parking",
        "length_m": "6",
        "width_m": "2,5",
        "period__from": "2030-03-01",
        "period__to": "2030-03-14",
        **contact(),
    }
    response = en_client.post("/formular/road-area/", {**base, "equipment": "container"})
    assert errors_in(response.content.decode()) == ["f-containers"]
    response = en_client.post("/formular/road-area/", {**base, "equipment": "site_hut", "containers": "x"})
    assert response.status_code == 302
    assert Inquiry.objects.get().matters.get().topic == vejareal


def test_honeypot_drops_the_submission(en_client, forms):
    response = en_client.post(
        "/formular/generel/", {"subject": "x", "message": "y", **contact(), "website": "spam"}
    )
    assert response.status_code == 400 and not Inquiry.objects.exists()


def test_rate_limit_per_ip_keeps_what_was_typed(en_client, forms, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "default": "2/600"}
    data = {"subject": "", "message": "Hej", **contact()}
    assert en_client.post("/formular/generel/", data).status_code == 200
    assert en_client.post("/formular/generel/", data).status_code == 200
    response = en_client.post("/formular/generel/", {**data, "subject": "Tredje"})
    assert response.status_code == 429
    assert 'value="Tredje"' in response.content.decode()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").post("/formular/generel/", data).status_code == 200


def test_csrf_is_required(forms):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/formular/generel/", {"subject": "x", "message": "y", **contact()})
    assert response.status_code == 403 and not Inquiry.objects.exists()


def test_too_large_posts_are_refused_before_reading(en_client, forms, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1024
    response = en_client.post("/formular/generel/", {"subject": "x", "message": "y" * 2000, **contact()})
    assert response.status_code == 413 and not Inquiry.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "\x00" * 50, "message": "\x00", "contact_name": "\x00", "contact_email": "\x00@\x00"},
        {
            "subject": "ø" * 10000,
            "message": "💥" * 30000,
            "topic": "x" * 500,
            "contact_cvr": "DK" + "9" * 100,
        },
        {"subject": ["a", "b"], "message": ["c"], "remove_file": ["1", "x", "-1"], "topic_preset": "\x00"},
        {"contact_email": "a@b.c" * 100, "contact_phone": "+" * 30, "documents": "not-a-file"},
    ],
)
def test_bad_input_never_gives_a_server_error(en_client, forms, data):
    response = en_client.post("/formular/generel/", data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_everything_is_escaped(en_client, forms):
    response = en_client.post("/formular/generel/", {"subject": "<script>alert(1)</script>", **contact()})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_broken_schema_gives_a_friendly_page(en_client, forms):
    FormDefinition.objects.filter(code="generel").update(schema={"sections": "broken"})
    assert en_client.get("/formular/generel/").status_code == 503


@time_machine.travel(NOW, tick=False)
def test_callback_request_books_a_call_in_the_units_queue(en_client, forms, catalogue):
    data = {
        "topic": "udeservering",
        "question": "Hvor bredt skal fortovet være?",
        "callback_date": "2026-06-10",
        "callback_slot": "09:00-12:00",
        **contact(contact_email=""),
    }
    response = en_client.post("/formular/callback/", data)
    assert response.status_code == 302, errors_in(response.content.decode())
    callback = Callback.objects.get()
    assert callback.unit == catalogue.udeservering.unit and callback.assignee is None
    assert callback.phone == "+45 20 30 40 50"
    assert callback.window_start.isoformat() == "2026-06-10T07:00:00+00:00"
    assert callback.matter.status == MatterStatus.NEW


@pytest.mark.parametrize(
    ("now", "day", "field"),
    [
        (NOW, "2026-06-13", "f-callback_date"),  # a Saturday
        (NOW, "2026-06-08", "f-callback_date"),  # yesterday
        (NOW + dt.timedelta(hours=1, minutes=45), "2026-06-09", "f-callback_slot"),  # 11:45, slot ends 12:00
    ],
)
def test_callback_times_must_be_on_a_working_day_and_ahead(en_client, forms, now, day, field):
    data = {"question": "Ring", "callback_date": day, "callback_slot": "09:00-12:00", **contact()}
    with time_machine.travel(now, tick=False):
        response = en_client.post("/formular/callback/", data)
    assert errors_in(response.content.decode()) == [field]
    assert not Callback.objects.exists()


def test_callback_needs_a_phone_number(en_client, forms):
    data = {"question": "Ring", "callback_date": "2030-06-11", "callback_slot": "09:00-12:00"}
    response = en_client.post("/formular/callback/", {**data, **contact(contact_phone="")})
    assert "f-contact_phone" in errors_in(response.content.decode())


def test_pdf_constant_is_a_pdf():
    assert PDF.startswith(b"%PDF-")


def test_a_draft_file_lost_from_storage_is_asked_for_again_not_a_crash(en_client, forms):
    en_client.post("/formular/outdoor-serving/", outdoor_serving(area_m2="", drawing=upload("tegning.pdf")))
    stored = DraftFile.objects.get()
    stored.file.storage.delete(stored.file.name)
    response = en_client.post("/formular/outdoor-serving/", outdoor_serving())
    assert response.status_code == 200 and errors_in(response.content.decode()) == ["f-drawing"]
    assert not DraftFile.objects.exists() and not Inquiry.objects.exists()


def test_a_state_matter_goes_to_the_contact_centre_for_referral(en_client, forms, org):
    data = {
        "topic": "ekstern-skat",
        "subject": "Moms",
        "message": "Hvornår skal jeg betale moms?",
        **contact(),
    }
    assert en_client.post("/formular/generel/", data).status_code == 302
    matter = Inquiry.objects.get().matters.get()
    assert matter.topic.code == "ekstern-skat" and matter.unit == org.kc
    assert "The state handles this matter" in en_client.get("/kvittering/").content.decode()
