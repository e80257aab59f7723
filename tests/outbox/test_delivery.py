"""Outbound mail through a real SMTP server: headers that thread, retries with back-off, exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from email import message_from_bytes, policy

import pytest
import time_machine
from django.db import connection

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import MessageKind, MessageStatus, OutboundMessage
from erhvervskontakt.outbox.selectors import messages_for
from tests.factories import register

pytestmark = pytest.mark.services


def parsed(captured: dict):
    return message_from_bytes(captured["data"], policy=policy.default)


def enqueue_many(n: int, *, to: str = "owner@cafe.test") -> list[OutboundMessage]:
    return [
        outbox.enqueue(
            kind=MessageKind.REPLY,
            to=[to],
            subject=f"Svar {i}",
            body_text="Hej",
            reference=f"EK-2026-{i:06d}",
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_receipt_and_reply_carry_reference_and_thread_headers(catalogue, personas, business, smtp, settings):
    settings.MAIL_REPLY_TO = "erhverv@example.test"
    company, person = business
    reg = services.Registration(
        channel=Channel.EMAIL,
        subject="Skilt",
        text="Et skilt",
        contact=person,
        company=company,
        matters=[services.MatterSpec(topic=catalogue.skilte, direct=True)],
        source_ref="<business-1@cafe.test>",
    )
    inquiry, _ = services.inquiry_register(reg)
    matter = inquiry.matters.get()
    services.matter_reply(matter, actor=personas.caseworker_a, text="Det kræver en tilladelse.")
    assert outbox.deliver_due() == {"sent": 2, "failed": 0, "dead": 0}  # the receipt and the reply
    by_subject = {parsed(m)["Subject"]: parsed(m) for m in smtp.messages}
    receipt = next(m for s, m in by_subject.items() if "modtaget" in s or "received" in s)
    reply = next(m for s, m in by_subject.items() if "Svar" in s or "Reply" in s)
    for mail in (receipt, reply):
        assert inquiry.reference in mail["Subject"]
        assert mail["In-Reply-To"] == "<business-1@cafe.test>"
        assert "<business-1@cafe.test>" in mail["References"]
        assert mail["Message-ID"].strip().endswith(f"@{settings.EMAIL_MESSAGE_ID_DOMAIN}>")
        assert mail["Reply-To"] == "erhverv@example.test"
    assert receipt["Auto-Submitted"] == "auto-replied"
    assert reply["Auto-Submitted"] is None  # a person wrote it
    assert "Det kræver en tilladelse." in reply.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_smtp_down_then_back_retries_with_backoff_and_sends_once(smtp):
    messages = enqueue_many(3)
    smtp.stop()
    start = clock.now()
    with time_machine.travel(start, tick=False):
        counts = outbox.deliver_due()
    # The first failure stops the run: the others are not hammered against a dead server.
    assert counts == {"sent": 0, "failed": 1, "dead": 0}
    first = OutboundMessage.objects.get(pk=messages[0].pk)
    assert first.status == MessageStatus.FAILED and first.attempts == 1
    assert first.next_attempt_at == start + dt.timedelta(minutes=1)
    # While the server is down each run probes it once, with the message due first.
    for seconds in (30, 45, 60):
        with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
            assert outbox.deliver_due()["failed"] == 1
    first.refresh_from_db()
    assert first.attempts == 2 and first.next_attempt_at == start + dt.timedelta(minutes=3)
    view = messages_for(first.reference)[0]
    assert view.status == MessageStatus.FAILED and "trying again" in view.summary
    smtp.start()
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert outbox.deliver_due()["sent"] == 3
        assert outbox.deliver_due() == {"sent": 0, "failed": 0, "dead": 0}
    assert len(smtp.messages) == 3
    assert sorted(parsed(m)["Message-ID"].strip() for m in smtp.messages) == sorted(
        m.message_id for m in messages
    )
    assert all(m.status == MessageStatus.SENT for m in OutboundMessage.objects.all())


@pytest.mark.django_db
def test_unknown_recipient_gives_up_at_once_and_others_still_go(smtp):
    smtp.refuse.add("gone@cafe.test")
    bad = enqueue_many(1, to="gone@cafe.test")[0]
    good = enqueue_many(1, to="owner@cafe.test")[0]
    counts = outbox.deliver_due()
    assert counts == {"sent": 1, "failed": 0, "dead": 1}
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == MessageStatus.DEAD and "550" in bad.last_error
    assert good.status == MessageStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_a_message_twice(smtp):
    enqueue_many(20)
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            outbox.deliver_due()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ids = [parsed(m)["Message-ID"].strip() for m in smtp.messages]
    assert len(ids) == 20 and len(set(ids)) == 20


@pytest.mark.django_db
def test_messages_for_lists_status_per_inquiry(catalogue, personas, business):
    inquiry = register([catalogue.skilte], business=business)
    views = messages_for(inquiry.reference)
    assert [v.kind for v in views] == [MessageKind.RECEIPT]
    assert views[0].status == MessageStatus.PENDING and not views[0].problem
    assert messages_for("") == []


@pytest.mark.django_db
def test_administrators_see_delivery_status_and_can_retry(client, personas, smtp):
    from django.urls import reverse

    smtp.refuse.add("gone@cafe.test")
    (message,) = enqueue_many(1, to="gone@cafe.test")
    outbox.deliver_due()
    admin = personas.administrator
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:outbox_outboundmessage_changelist")
    assert (
        "550"
        in client.get(reverse("admin:outbox_outboundmessage_change", args=[message.pk])).content.decode()
    )
    client.post(url, {"action": "retry", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
