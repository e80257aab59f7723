"""Receipt contents: per matter the responsible unit, contact person and expected date; one
combined receipt for a multi-matter inquiry, with its coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.receipts import build_receipt
from erhvervskontakt.inquiries.services import ForwardNote
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from tests import factories

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.COPENHAGEN)


@pytest.fixture
def restaurant_inquiry(catalogue, agent, business):
    with time_machine.travel(MONDAY, tick=False):
        return factories.register(
            [catalogue.udeservering, catalogue.alkoholbevilling], actor=agent, business=business
        )


def test_multi_matter_receipt_names_both_units_and_dates(restaurant_inquiry, org, personas):
    with translation.override("da"):
        receipt = build_receipt(restaurant_inquiry)
    lines = {line.topic_name: line for line in receipt.lines}
    outdoor = lines["Udeservering på fortove og pladser"]
    alcohol = lines["Alkoholbevilling"]
    assert outdoor.unit_name == "Byens Anvendelse"
    assert alcohol.unit_name == "Bevillingssekretariatet"
    # 20 working days from Monday 2 March; 40 working days run over Easter (2, 3 and 6 April).
    assert outdoor.due_date == dt.date(2026, 3, 30)
    assert alcohol.due_date == dt.date(2026, 4, 30)
    assert outdoor.contact_person == personas.unit_contact_a.get_full_name()
    assert alcohol.contact_person == ""
    assert receipt.coordinator == org.kc.name_da
    assert receipt.due_date == dt.date(2026, 4, 30)
    assert receipt.reference == restaurant_inquiry.reference


def test_receipt_names_the_assigned_caseworker_once_forwarded(restaurant_inquiry, agent, caseworker_b):
    matter = restaurant_inquiry.matters.get(topic__code="alkoholbevilling")
    services.matter_forward(
        matter,
        to_unit=matter.topic.unit,
        actor=agent,
        note=ForwardNote(wants="Bevilling"),
        assignee=caseworker_b,
    )
    with translation.override("da"):
        lines = {line.unit_name: line for line in build_receipt(restaurant_inquiry).lines}
    assert lines["Bevillingssekretariatet"].contact_person == caseworker_b.get_full_name()


def test_receipt_email_is_queued_with_both_matters(restaurant_inquiry):
    message = OutboundMessage.objects.get(kind=MessageKind.RECEIPT, reference=restaurant_inquiry.reference)
    assert message.to == [restaurant_inquiry.requester_email]
    for text in (message.body_text, message.body_html):
        assert restaurant_inquiry.reference in text
        assert "Byens Anvendelse" in text and "Bevillingssekretariatet" in text
        assert "30-03-2026" in text and "30-04-2026" in text
        assert "Erhvervskontakt" in text
    assert "/track/" in message.body_text


def test_receipt_in_english_for_an_english_speaking_business(catalogue, agent):
    business = factories.make_business(language="en")
    with time_machine.travel(MONDAY, tick=False):
        reg = services.Registration(
            channel="phone",
            subject="Outdoor seating",
            company=business[0],
            contact=business[1],
            language="en",
            matters=[services.MatterSpec(topic=catalogue.udeservering)],
        )
        inquiry, _ = services.inquiry_register(reg, actor=agent)
    message = OutboundMessage.objects.get(kind=MessageKind.RECEIPT, reference=inquiry.reference)
    assert "Use of the City" in message.body_text


def test_no_email_receipt_without_an_address(catalogue, agent):
    inquiry = factories.register([catalogue.udeservering], actor=agent)
    assert not OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, reference=inquiry.reference).exists()
    with translation.override("da"):
        assert build_receipt(inquiry).lines[0].unit_name == "Byens Anvendelse"
