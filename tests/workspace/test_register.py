"""Registering from the agent's screen: look-ups, new businesses, screen-pop pre-fill, triage."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import TriageOutcome
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import MatterStatus
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage


@pytest.fixture
def agent_client(client_for):
    return client_for("agent")


def post_register(client, **overrides):
    data = {
        "channel": "counter",
        "party": "anon",
        "subject": "Skilt på facaden",
        "topics": ["skilte"],
        "language": "da",
    }
    data.update(overrides)
    return client.post(reverse("workspace:register"), data)


def test_business_lookup_by_cvr_name_and_phone(agent_client, business):
    company, person = business
    company.cvr = "29189838"
    company.save()
    for query in ["29189838", "2918", company.name[:6], company.phone, person.phone, person.name]:
        html = agent_client.get(reverse("workspace:business-lookup"), {"q": query}).content.decode()
        assert f'value="c{company.pk}p{person.pk}"' in html, query
    html = agent_client.get(reverse("workspace:business-lookup"), {"q": "Ingen Sådan ApS"}).content.decode()
    assert "No business matches" in html and 'value="anon"' in html and 'value="new"' in html


def test_screen_pop_prefills_channel_phone_note_and_the_caller(agent_client, business):
    company, person = business
    page = agent_client.get(
        reverse("workspace:register"),
        {"channel": "phone", "phone": person.phone, "note": "Vil have udeservering"},
    ).content.decode()
    assert 'value="phone" checked' in page
    assert f'value="c{company.pk}p{person.pk}" checked' in page
    assert "Vil have udeservering" in page
    assert f'value="{person.phone}"' in page


def test_register_an_anonymous_counter_inquiry(agent_client, catalogue):
    response = post_register(agent_client)
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert (inquiry.channel, inquiry.company, inquiry.contact) == ("counter", None, None)
    matter = inquiry.matters.get()
    assert matter.topic == catalogue.skilte and matter.status == MatterStatus.NEW
    assert response["Location"] == reverse("workspace:triage", args=[inquiry.reference, matter.pk])
    assert not OutboundMessage.objects.filter(kind=MessageKind.RECEIPT).exists()  # no address, print instead


def test_register_a_new_business_validates_the_cvr(agent_client, catalogue):
    response = post_register(agent_client, party="new", cvr="12345678", company_name="Ny Café ApS")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This is not a valid CVR number (check digit does not match)." in html
    assert 'id="id_cvr_error"' in html and 'aria-describedby="id_cvr_error"' in html
    assert not Inquiry.objects.exists()

    response = post_register(
        agent_client,
        party="new",
        cvr="DK 13 58 56 28",
        company_name="Ny Café ApS",
        person_name="Ida Ejer",
        contact_email="IDA@cafe.test",
        contact_phone="20 30 40 50",
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.company == Company.objects.get(cvr="13585628", name="Ny Café ApS")
    assert inquiry.contact == ContactPerson.objects.get(email="ida@cafe.test")
    assert inquiry.company in inquiry.contact.companies.all()
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, to=["ida@cafe.test"]).exists()


def test_missing_subject_and_topics_are_shown_next_to_the_fields(agent_client, catalogue):
    response = post_register(agent_client, subject="", topics=[])
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'id="id_subject_error"' in html and "Choose at least one topic." in html


def test_topic_suggestions_show_score_and_matched_words(agent_client, catalogue, real_routing):
    html = agent_client.get(
        reverse("workspace:topic-suggestions"),
        {"triage_q": "borde og stole på fortovet", "topics": ["skilte"]},
    ).content.decode()
    assert 'value="udeservering"' in html
    assert "matched words" in html and " %" in html
    assert 'value="skilte"' in html and "checked" in html  # a ticked topic stays ticked


def test_multi_matter_registration_with_a_named_coordinator(agent_client, catalogue, caseworker_a):
    response = post_register(
        agent_client, topics=["udeservering", "skilte"], coordinator=str(caseworker_a.pk)
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.matters.count() == 2 and inquiry.coordinator == caseworker_a


def test_triage_answer_now_closes_at_first_contact(agent_client, catalogue, triage_tree):
    post_register(agent_client, topics=["udeservering"])
    inquiry = Inquiry.objects.get()
    matter = inquiry.matters.get()
    leaf = triage_tree[1][TriageOutcome.ANSWER]
    page = agent_client.get(reverse("workspace:triage", args=[inquiry.reference, matter.pk])).content.decode()
    assert "What is it about?" in page and "Spørg om adresse og CVR-nummer." in page  # internal guidance
    assert "/emne/udeservering/" in page  # the public guide
    url = reverse("workspace:matter-action", args=[inquiry.reference, matter.pk, "answer"])
    form = agent_client.get(url, {"node": leaf.pk}).content.decode()
    assert "Tilladelsen fornyes automatisk." in form
    response = agent_client.post(
        url, {"answer": "Tilladelsen fornyes automatisk.", "outcome": "answered", "next": "triage"}
    )
    assert response["Location"] == reverse("workspace:receipt", args=[inquiry.reference])
    matter.refresh_from_db()
    inquiry.refresh_from_db()
    assert matter.status == MatterStatus.CLOSED and matter.answered_first_contact
    assert inquiry.answered_first_contact


def test_triage_send_form_emails_the_links(agent_client, catalogue, triage_tree, business):
    company, person = business
    post_register(agent_client, topics=["udeservering"], party=f"c{company.pk}p{person.pk}")
    inquiry = Inquiry.objects.get()
    matter = inquiry.matters.get()
    url = reverse("workspace:matter-action", args=[inquiry.reference, matter.pk, "send-links"])
    form = agent_client.get(url, {"node": triage_tree[1][TriageOutcome.SEND_FORM].pk}).content.decode()
    assert "http://testserver/emne/udeservering/" in form
    response = agent_client.post(
        url, {"text": "Se vejledningen: http://testserver/emne/udeservering/", "close": "on"}
    )
    assert response.status_code == 302
    message = OutboundMessage.objects.get(kind=MessageKind.FORM_LINKS)
    assert "/emne/udeservering/" in message.body_text
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CLOSED and matter.outcome == "form_sent"


def test_triage_callback_hands_the_matter_to_the_calling_unit(
    agent_client, catalogue, business, org, caseworker_a
):
    company, person = business
    post_register(agent_client, topics=["udeservering"], party=f"c{company.pk}p{person.pk}")
    inquiry = Inquiry.objects.get()
    matter = inquiry.matters.get()
    url = reverse("workspace:matter-action", args=[inquiry.reference, matter.pk, "callback"])
    page = agent_client.get(url).content.decode()
    assert person.phone in page  # phone pre-filled
    tomorrow = __import__("datetime").date.today() + __import__("datetime").timedelta(days=1)
    response = agent_client.post(
        url,
        {
            "unit": org.unit_a.pk,
            "assignee": caseworker_a.pk,
            "phone": person.phone,
            "day": tomorrow.isoformat(),
            "start": "10:00",
            "end": "12:00",
            "note": "Spørgsmål om afslag",
            "next": "triage",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    matter.refresh_from_db()
    callback = matter.callbacks.get()
    assert (matter.unit, callback.unit, callback.assignee) == (org.unit_a, org.unit_a, caseworker_a)
    confirmation = OutboundMessage.objects.get(kind=MessageKind.CALLBACK_CONFIRMATION)
    assert confirmation.attachments[0]["filename"].endswith(".ics")


def test_callback_window_in_the_past_is_refused_next_to_the_field(agent_client, catalogue):
    post_register(agent_client, topics=["udeservering"])
    inquiry = Inquiry.objects.get()
    matter = inquiry.matters.get()
    url = reverse("workspace:matter-action", args=[inquiry.reference, matter.pk, "callback"])
    response = agent_client.post(
        url,
        {
            "unit": matter.unit_id,
            "phone": "+4512345678",
            "day": "2020-01-01",
            "start": "10:00",
            "end": "11:00",
        },
    )
    assert response.status_code == 400
    assert "The time window has already passed." in response.content.decode()
