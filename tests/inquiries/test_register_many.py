"""Registering several inquiries at once (the mail poller's runs) gives each exactly what
``inquiry_register`` gives one: numbers in order, matters, events, receipts, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel, EventKind, InquiryStatus, MatterStatus
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.COPENHAGEN)


def registration(topics, *, business=None, received_at=None, subject="Ny restaurant"):
    company, person = business if business else (None, None)
    return services.Registration(
        channel=Channel.EMAIL,
        subject=subject,
        text="Vi vil åbne en restaurant",
        company=company,
        contact=person,
        matters=[services.MatterSpec(topic=t) for t in topics],
        received_at=received_at,
    )


def summary(inquiry: Inquiry) -> dict:
    return {
        "status": inquiry.status,
        "due_at": inquiry.due_at,
        "coordinator_unit": inquiry.coordinator_unit_id,
        "matters": [(m.topic_id, m.unit_id, m.status, m.due_at) for m in inquiry.matters.order_by("pk")],
        "events": [
            (e.kind, e.text, e.public, e.matter_id is not None) for e in inquiry.events.order_by("pk")
        ],
        "receipts": OutboundMessage.objects.filter(
            kind=MessageKind.RECEIPT, reference=inquiry.reference
        ).count(),
    }


@time_machine.travel(MONDAY, tick=False)
def test_each_of_several_gets_what_one_registration_gets(catalogue, business):
    topics = [catalogue.udeservering, catalogue.alkoholbevilling]
    alone, _token = services.inquiry_register(registration(topics, business=business))
    together = services.inquiry_register_many(
        [registration(topics, business=business), registration(topics, business=business)]
    )
    expected = summary(Inquiry.objects.get(pk=alone.pk))
    assert expected["status"] == InquiryStatus.OPEN and expected["coordinator_unit"] is not None
    assert expected["receipts"] == 1
    assert [kind for kind, *_rest in expected["events"]] == [
        EventKind.REGISTERED,
        EventKind.MATTER_ADDED,
        EventKind.MATTER_ADDED,
        EventKind.RECEIPT_SENT,
    ]
    assert [m[2] for m in expected["matters"]] == [MatterStatus.NEW, MatterStatus.NEW]
    for inquiry, token in together:
        assert summary(Inquiry.objects.get(pk=inquiry.pk)) == expected
        assert services.find_by_tracking_token(token) == inquiry
    numbers = [int(i.reference.rsplit("-", 1)[1]) for i in [alone] + [i for i, _t in together]]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_numbers_follow_each_inquirys_year_of_receipt(catalogue):
    new_year = dt.datetime(2027, 1, 4, 10, 0, tzinfo=clock.COPENHAGEN)
    old_year = dt.datetime(2026, 12, 30, 10, 0, tzinfo=clock.COPENHAGEN)
    registered = services.inquiry_register_many(
        [
            registration([catalogue.generel], received_at=old_year),
            registration([catalogue.generel], received_at=new_year),
            registration([catalogue.generel], received_at=old_year),
        ],
        send_receipt=False,
    )
    assert [i.reference for i, _t in registered] == ["EK-2026-000001", "EK-2027-000001", "EK-2026-000002"]


def test_receipts_only_where_asked_and_an_address_is_known(catalogue, business):
    registered = services.inquiry_register_many(
        [
            registration([catalogue.generel], business=business),
            registration([catalogue.generel], business=business),
            registration([catalogue.generel]),  # no address
        ],
        send_receipt=[True, False, True],
    )
    sent = [
        OutboundMessage.objects.filter(kind=MessageKind.RECEIPT, reference=i.reference).exists()
        for i, _t in registered
    ]
    assert sent == [True, False, False]
    with pytest.raises(ValueError):
        services.inquiry_register_many([registration([catalogue.generel])], send_receipt=[True, False])


def test_one_broken_rule_registers_none(catalogue):
    with pytest.raises(services.WorkflowError):
        services.inquiry_register_many(
            [
                registration([catalogue.generel]),
                registration([catalogue.generel], subject="  "),
            ]
        )
    assert Inquiry.objects.count() == 0
    assert factories.register([catalogue.generel], send_receipt=False).reference.endswith("-000001")
