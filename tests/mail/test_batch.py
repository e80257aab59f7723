"""Runs of new emails are registered together (``ingest_many``), with what ``ingest`` makes of each
email one by one: the same inquiry, events, receipt and stored email, in order, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import Attachment, Inquiry
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.mail import decisions
from erhvervskontakt.mail.ingest import Location, ingest, ingest_many
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, RawMessage
from erhvervskontakt.mail.rawstore import open_raw
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from tests.mail.conftest import make_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"


def new_email(n: int, **kwargs) -> bytes:
    kwargs.setdefault("sender", f"Ejer {n} <owner{n}@cafe{n}.test>")
    kwargs.setdefault("message_id", f"<batch-{n}@cafe.test>")
    return make_email(**kwargs)


def run(*raws: bytes) -> list:
    return list(ingest_many((raw, Location("INBOX", 1, uid)) for uid, raw in enumerate(raws, 1)))


def timeline(inquiry: Inquiry) -> list[tuple[str, str, bool]]:
    return [(e.kind, e.text, e.public) for e in inquiry.events.order_by("created_at", "id")]


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=clock.COPENHAGEN), tick=False)
def test_a_run_stores_each_email_as_ingest_does_one_by_one(mail_world):
    body = "Vi vil gerne have borde og stole på fortovet. Mit CPR-nummer er 010190-1234."
    attachments = [("plan.pdf", "application/pdf", PDF)]
    alone = ingest(new_email(1, body=body, attachments=attachments))
    together = run(*(new_email(n, body=body, attachments=attachments) for n in (2, 3, 4)))

    assert [r.status for r in together] == [InboundStatus.NEW_INQUIRY] * 3
    first = Inquiry.objects.get(reference=alone.reference)
    numbers = [int(r.reference.rsplit("-", 1)[1]) for r in [alone, *together]]
    assert numbers == [numbers[0] + i for i in range(4)]  # consecutive, in order
    for result in together:
        inquiry = Inquiry.objects.get(reference=result.reference)
        for field in ("channel", "status", "subject", "text", "language", "due_at", "received_at"):
            assert getattr(inquiry, field) == getattr(first, field), field
        assert "010190-1234" not in inquiry.text  # CPR masked
        assert [(m.topic_id, m.unit_id, m.status) for m in inquiry.matters.all()] == [
            (m.topic_id, m.unit_id, m.status) for m in first.matters.all()
        ]
        kinds = [kind for kind, _text, _public in timeline(inquiry)]
        assert kinds == [
            EventKind.REGISTERED,
            EventKind.MATTER_ADDED,
            EventKind.RECEIPT_SENT,
            EventKind.EMAIL_RECEIVED,
            EventKind.ATTACHMENT_ADDED,
        ]
        assert [(k, p) for k, _t, p in timeline(inquiry)] == [(k, p) for k, _t, p in timeline(first)]
        receipt = OutboundMessage.objects.get(kind=MessageKind.RECEIPT, reference=inquiry.reference)
        assert receipt.to == [inquiry.contact_email] and inquiry.reference in receipt.body_text
        assert Attachment.objects.get(inquiry=inquiry).file.read() == PDF

        inbound = InboundMessage.objects.get(pk=result.inbound_id)
        single = InboundMessage.objects.get(pk=alone.inbound_id)
        assert inbound.status == InboundStatus.NEW_INQUIRY and inbound.inquiry_id == inquiry.pk
        assert inbound.receipt_sent and inbound.text == single.text and inbound.html == single.html
        assert set(inbound.data) == set(single.data)
        assert inbound.data["routing"] == single.data["routing"]
        assert [a["filename"] for a in inbound.data["attachments"]] == ["plan.pdf"]
        raw = RawMessage.objects.get(inbound=inbound)
        assert b"010190-1234" in open_raw(raw.ciphertext)  # the original, encrypted, unmasked


def test_the_receipt_limit_counts_receipts_decided_earlier_in_the_run(mail_world, settings):
    settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR = 3
    sender = "Ejer <busy@cafe.test>"
    ingest(new_email(1, sender=sender))
    results = run(*(new_email(n, sender=sender) for n in range(2, 6)))
    sent = [InboundMessage.objects.get(pk=r.inbound_id).receipt_sent for r in results]
    assert sent == [True, True, False, False]
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT).count() == 3
    note = Inquiry.objects.get(reference=results[-1].reference).events.get(kind=EventKind.EMAIL_RECEIVED)
    assert note.data["no_receipt_because"] == "3 receipts to this sender in the last hour (limit 3)"


def test_a_failing_email_in_a_run_is_quarantined_and_the_others_are_stored(mail_world, monkeypatch):
    choose = decisions.choose_topic

    def fussy(text):
        if "BOOM" in text:
            raise RuntimeError("routing broke on this one")
        return choose(text)

    monkeypatch.setattr(decisions, "choose_topic", fussy)
    results = run(*(new_email(n, subject="BOOM" if n == 3 else "Udeservering") for n in range(1, 6)))
    assert [r.status for r in results] == [
        InboundStatus.NEW_INQUIRY,
        InboundStatus.NEW_INQUIRY,
        InboundStatus.QUARANTINED,
        InboundStatus.NEW_INQUIRY,
        InboundStatus.NEW_INQUIRY,
    ]
    assert "routing broke" in InboundMessage.objects.get(pk=results[2].inbound_id).reason
    # Nothing of the failed run was kept: one inquiry per stored email, numbers without gaps.
    assert InboundMessage.objects.count() == 5 and Inquiry.objects.count() == 4
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in Inquiry.objects.values_list("reference", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_a_reply_ends_the_run_so_it_finds_the_inquiry_just_opened(mail_world):
    first = new_email(1, message_id="<start@cafe.test>", sender="Ejer <owner@cafe.test>")
    reply = new_email(
        2,
        subject="Re: Udeservering",
        sender="Ejer <owner@cafe.test>",
        headers={"In-Reply-To": "<start@cafe.test>", "References": "<start@cafe.test>"},
    )
    results = run(new_email(0), first, reply, new_email(3))
    assert [r.status for r in results] == [
        InboundStatus.NEW_INQUIRY,
        InboundStatus.NEW_INQUIRY,
        InboundStatus.REPLY,
        InboundStatus.NEW_INQUIRY,
    ]
    reply_inbound = InboundMessage.objects.get(pk=results[2].inbound_id)
    assert reply_inbound.inquiry.reference == results[1].reference


def test_emails_seen_before_or_twice_in_a_run_are_stored_once(mail_world):
    seen = new_email(1)
    ingest(seen)
    results = run(seen, new_email(2), new_email(2), new_email(3))
    assert [r.status for r in results] == [
        "duplicate",
        InboundStatus.NEW_INQUIRY,
        "duplicate",
        InboundStatus.NEW_INQUIRY,
    ]
    assert InboundMessage.objects.count() == 3 and Inquiry.objects.count() == 3


def test_queries_per_email_do_not_grow_with_the_run(mail_world):
    """A run is written with one statement per table, so ten new emails (each with a receipt) cost
    as many queries as two: 18 in all here, against 19 for one email alone and 33 per email
    before runs. If this fails, something now queries once per email inside a run (a lazy
    relation, a per-row save, a look-up not batched): the poller's rate falls several times over."""
    emails = [new_email(n) for n in range(1, 15)]
    run(emails[0], emails[1])  # warm up: the routing model
    with CaptureQueriesContext(connection) as small:
        run(*emails[2:4])
    with CaptureQueriesContext(connection) as large:
        run(*emails[4:14])
    assert len(large) <= len(small) + 2, [q["sql"][:120] for q in large.captured_queries]
    assert len(large) <= 20, [q["sql"][:120] for q in large.captured_queries]


def test_one_email_alone_stays_within_its_query_budget(mail_world):
    """``ingest`` of one new email with a receipt: dedup check, transaction, the email and its
    original, sender, topic and receipt-limit look-ups, the contact centre, the registration
    (reference number, inquiry, matter, receipt, events in savepoints), the "email received" event
    and the email's final state: 19 queries, 33 before registration stopped reading back what it
    had just written. Replies and other mail that cannot be batched take this path."""
    ingest(new_email(1))  # warm up
    with CaptureQueriesContext(connection) as queries:
        result = ingest(new_email(2))
    assert result.status == InboundStatus.NEW_INQUIRY
    assert len(queries) <= 20, [q["sql"][:120] for q in queries.captured_queries]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # real commits: delivery is asked for after them
def test_the_poller_asks_for_delivery_once_per_chunk_after_its_commits(mail_world, mailbox, monkeypatch):
    from erhvervskontakt.mail import imap
    from erhvervskontakt.outbox import services as outbox

    requests = []
    monkeypatch.setattr(outbox, "_schedule_delivery", lambda: requests.append(Inquiry.objects.count()))
    monkeypatch.setattr(imap, "FETCH_CHUNK", 4)
    mailbox.append(*(new_email(n) for n in range(1, 10)))  # chunks of 4, 4 and 1
    result = imap.poll_mailbox(mailbox.config)
    assert result.error == "" and result.statuses == {InboundStatus.NEW_INQUIRY: 9}
    assert requests == [4, 8, 9]  # one per chunk, each after the chunk's inquiries were committed
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT).count() == 9
    assert mailbox.pending() == []


def _inquiry_inserts(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "inquiries_inquiry"'))


def test_replies_to_earlier_inquiries_do_not_cut_a_run_short(mail_world):
    """Half of a shared mailbox may be replies: they are stored as they come, while the new emails
    around them are still registered together, and every result is reported in arrival order."""
    older = [ingest(new_email(n, sender=f"Kunde {n} <client{n}@shop.test>")) for n in (1, 2)]
    emails, expected = [], []
    for n in range(3, 9):
        emails.append(new_email(n, subject=f"Ny henvendelse {n}"))
        expected.append((InboundStatus.NEW_INQUIRY, f"Ny henvendelse {n}"))
        old = older[n % 2]
        subject = f"Re: [{old.reference}] Tak {n}"
        emails.append(new_email(100 + n, subject=subject, sender=f"Kunde <client{1 + n % 2}@shop.test>"))
        expected.append((InboundStatus.REPLY, subject))
    ingest(new_email(99))  # warm up: the routing model
    with CaptureQueriesContext(connection) as queries:
        results = run(*emails)

    stored = [InboundMessage.objects.get(pk=r.inbound_id) for r in results]
    assert [(m.status, m.subject) for m in stored] == expected
    assert _inquiry_inserts(queries) == 1  # the six new inquiries in one statement
    for message, result in zip(stored, results, strict=True):
        assert result.status == message.status
    replies = [m for m in stored if m.status == InboundStatus.REPLY]
    assert {m.inquiry.reference for m in replies} == {o.reference for o in older}
    new = [m for m in stored if m.status == InboundStatus.NEW_INQUIRY]
    assert all(m.inquiry.reference == r.reference for m, r in zip(stored, results, strict=True) if m in new)


@pytest.mark.parametrize("answer", ["in-reply-to", "same sender"])
def test_mail_that_may_depend_on_a_waiting_new_email_is_stored_after_it(mail_world, settings, answer):
    """An email that answers a waiting new email, or comes from the same sender, waits for the run:
    here the first email of the sender gets the only receipt the limit allows, as it arrived first."""
    settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR = 1
    first = new_email(1, message_id="<first@cafe.test>", sender="Ejer <owner@cafe.test>")
    headers = (
        {"In-Reply-To": "<first@cafe.test>"} if answer == "in-reply-to" else {"In-Reply-To": "<x@y.test>"}
    )
    second = new_email(2, subject="Glemte noget", sender="Ejer <owner@cafe.test>", headers=headers)
    results = run(new_email(0), first, second)
    first_row = InboundMessage.objects.get(pk=results[1].inbound_id)
    second_row = InboundMessage.objects.get(pk=results[2].inbound_id)
    assert first_row.status == InboundStatus.NEW_INQUIRY and first_row.receipt_sent
    if answer == "in-reply-to":
        assert second_row.status == InboundStatus.REPLY
        assert second_row.inquiry_id == first_row.inquiry_id
    else:  # answers something unknown: a new inquiry of its own, past the receipt limit
        assert second_row.status == InboundStatus.NEW_INQUIRY and not second_row.receipt_sent
        assert second_row.inquiry_id != first_row.inquiry_id
