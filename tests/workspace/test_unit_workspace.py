"""The unit's screens: the queue and its filters, claiming and reassigning, replying (with the
email's delivery status on the timeline), calls, notes, documents, reopening, callbacks, search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Matter
from erhvervskontakt.inquiries.services import ForwardNote
from erhvervskontakt.inquiries.workflow import EventKind, MatterStatus
from erhvervskontakt.outbox.models import MessageStatus, OutboundMessage
from erhvervskontakt.outbox.services import deliver_due
from erhvervskontakt.workspace import queries
from tests import factories


def forwarded(catalogue, agent, business=None, topic=None, subject="Ny restaurant"):
    inquiry = factories.register(
        [topic or catalogue.udeservering], actor=agent, business=business, subject=subject
    )
    matter = inquiry.matters.get()
    services.matter_forward(matter, to_unit=matter.topic.unit, actor=agent, note=ForwardNote(wants=subject))
    return Matter.objects.get(pk=matter.pk)


def action(matter, name):
    return reverse("workspace:matter-action", args=[matter.inquiry.reference, matter.pk, name])


@pytest.fixture
def queue_matters(catalogue, agent, business, caseworker_a):
    first = forwarded(catalogue, agent, business, subject="Borde på fortovet")
    second = forwarded(catalogue, agent, business, topic=catalogue.skilte, subject="A-skilt")
    services.matter_assign(second, actor=caseworker_a, assignee=caseworker_a)
    overdue = forwarded(catalogue, agent, business, subject="Gammel sag")
    Matter.objects.filter(pk=overdue.pk).update(due_at=clock.now() - dt.timedelta(days=3))
    return first, second, Matter.objects.get(pk=overdue.pk)


def test_queue_filters_and_counts(client_for, queue_matters, catalogue, caseworker_a):
    first, second, overdue = queue_matters
    client = client_for("caseworker_a2")
    page = client.get(reverse("workspace:unit-queue")).content.decode()
    assert "3 open matters: 1 overdue, 2 not assigned, 0 waiting for the business." in page
    for matter in queue_matters:
        assert matter.inquiry.reference in page
    assert page.index(overdue.inquiry.reference) < page.index(first.inquiry.reference)  # earliest due first
    assert "working days overdue" in page or "working day overdue" in page

    def refs(params):
        html = client.get(reverse("workspace:unit-queue"), params).content.decode()
        return {m.inquiry.reference for m in queue_matters if f">{m.inquiry.reference}<" in html}

    assert refs({"overdue": "1"}) == {overdue.inquiry.reference}
    assert refs({"assignee": str(caseworker_a.pk)}) == {second.inquiry.reference}
    assert refs({"assignee": "none"}) == {first.inquiry.reference, overdue.inquiry.reference}
    assert refs({"status": "in_progress"}) == {second.inquiry.reference}
    assert refs({"topic": str(catalogue.skilte.pk)}) == {second.inquiry.reference}
    assert (
        client_for("caseworker_a").get(reverse("workspace:unit-queue"), {"assignee": "me"}).status_code == 200
    )


def test_queue_pages_with_a_keyset_cursor(caseworker_a, catalogue, agent, monkeypatch, org):
    monkeypatch.setattr(queries, "QUEUE_PAGE", 2)
    matters = [forwarded(catalogue, agent) for _ in range(5)]
    seen, cursor = [], ""
    while True:
        page = queries.queue_page(caseworker_a, org.unit_a.pk, queries.QueueFilters(), cursor=cursor)
        seen += [m.pk for m in page.matters]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == sorted((m.pk for m in matters), key=lambda pk: (Matter.objects.get(pk=pk).due_at, pk))
    assert page.counts["open"] == 5


def test_working_days_left(db):
    monday = dt.date(2026, 3, 30)
    assert queries.working_days_left(dt.datetime(2026, 4, 7, 23, tzinfo=clock.COPENHAGEN), monday) == 3
    assert queries.working_days_left(dt.datetime(2026, 3, 30, 23, tzinfo=clock.COPENHAGEN), monday) == 0
    assert queries.working_days_left(dt.datetime(2026, 3, 27, 23, tzinfo=clock.COPENHAGEN), monday) == -1


def test_claim_and_reassign_within_the_unit(client_for, queue_matters, personas):
    first = queue_matters[0]
    client = client_for("caseworker_a")
    assert client.post(action(first, "claim")).status_code == 302
    first.refresh_from_db()
    assert first.assignee == personas.caseworker_a and first.status == MatterStatus.IN_PROGRESS
    page = client.get(action(first, "assign")).content.decode()
    assert personas.caseworker_a2.get_full_name() in page
    assert personas.caseworker_b.get_full_name() not in page  # only the unit's own people
    client.post(action(first, "assign"), {"assignee": personas.caseworker_a2.pk})
    first.refresh_from_db()
    assert first.assignee == personas.caseworker_a2
    response = client.post(action(first, "assign"), {"assignee": personas.caseworker_b.pk})
    assert response.status_code == 400  # not a choice: someone from another unit
    client.post(action(first, "assign"), {"assignee": ""})
    first.refresh_from_db()
    assert first.assignee is None and first.status == MatterStatus.NEW


def test_reply_by_email_shows_its_delivery_status_on_the_timeline(client_for, queue_matters, mailoutbox):
    first = queue_matters[0]
    client = client_for("caseworker_a")
    response = client.post(action(first, "reply"), {f"m{first.pk}-reply-text": "Send os en tegning, tak."})
    assert response.status_code == 302
    page = client.get(reverse("workspace:inquiry", args=[first.inquiry.reference])).content.decode()
    assert "Send os en tegning, tak." in page and "Waiting to be sent" in page
    deliver_due()
    assert OutboundMessage.objects.filter(
        reference=first.inquiry.reference, status=MessageStatus.SENT
    ).exists()
    page = client.get(reverse("workspace:inquiry", args=[first.inquiry.reference])).content.decode()
    assert 'class="ek-mail-sent"' in page
    assert any("Send os en tegning, tak." in m.body for m in mailoutbox)


def test_reply_needs_text_and_an_address(client_for, catalogue, agent):
    matter = forwarded(catalogue, agent)  # anonymous: no email address
    client = client_for("caseworker_a")
    response = client.post(action(matter, "reply"), {f"m{matter.pk}-reply-text": ""})
    assert (
        response.status_code == 400 and f'id="id_m{matter.pk}-reply-text_error"' in response.content.decode()
    )
    response = client.post(action(matter, "reply"), {f"m{matter.pk}-reply-text": "Hej"})
    assert response.status_code == 400
    assert "The business has no email address; log a phone call instead." in response.content.decode()


def test_log_call_note_document_and_reopen(client_for, queue_matters):
    first = queue_matters[0]
    inquiry = first.inquiry
    client = client_for("caseworker_a")
    client.post(
        action(first, "call"),
        {f"m{first.pk}-call-direction": "in", f"m{first.pk}-call-text": "Ringede om tegning"},
    )
    client.post(reverse("workspace:note", args=[inquiry.reference]), {"note-text": "Husk partshøring"})
    upload = SimpleUploadedFile("tegning.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert (
        client.post(
            reverse("workspace:attachment-upload", args=[inquiry.reference]), {"doc-file": upload}
        ).status_code
        == 302
    )
    bad = SimpleUploadedFile(
        "virus.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", content_type="application/pdf"
    )
    response = client.post(
        reverse("workspace:attachment-upload", args=[inquiry.reference]), {"doc-file": bad}
    )
    assert response.status_code == 400 and "This type of file cannot be added" in response.content.decode()
    client.post(action(first, "close"), {f"m{first.pk}-close-outcome": "answered"})
    assert client.post(action(first, "reopen"), {"reason": ""}).status_code == 400
    client.post(action(first, "reopen"), {"reason": "Virksomheden skrev igen"})
    kinds = list(inquiry.events.values_list("kind", flat=True))
    for kind in [
        EventKind.CALL_LOGGED,
        EventKind.NOTE,
        EventKind.ATTACHMENT_ADDED,
        EventKind.CLOSED,
        EventKind.REOPENED,
    ]:
        assert kind in kinds
    first.refresh_from_db()
    assert first.status == MatterStatus.NEW
    assert inquiry.attachments.get().content_type == "application/pdf"


def book(matter, agent, phone: str, **kwargs):
    """A callback two hours from now, for an hour."""
    start = clock.now() + dt.timedelta(hours=2)
    return services.callback_book(
        matter,
        actor=agent,
        phone=phone,
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
        **kwargs,
    )


def test_callbacks_list_called_and_not_reached(client_for, catalogue, agent, business, caseworker_a):
    matter = forwarded(catalogue, agent, business)
    first = book(matter, agent, "+45 30 00 00 01")
    second = book(matter, agent, "+45 30 00 00 02", assignee=caseworker_a)
    client = client_for("caseworker_a")
    page = client.get(reverse("workspace:callbacks")).content.decode()
    assert "+45 30 00 00 01" in page and "+45 30 00 00 02" in page
    mine = client.get(reverse("workspace:callbacks"), {"mine": "1"}).content.decode()
    assert "+45 30 00 00 01" not in mine and "+45 30 00 00 02" in mine
    client.post(
        reverse("workspace:callback-done", args=[first.pk]),
        {f"cb{first.pk}-reached": "1", f"cb{first.pk}-note": "Talt med ejeren"},
    )
    client.post(reverse("workspace:callback-done", args=[second.pk]), {f"cb{second.pk}-reached": "0"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "missed")
    page = client.get(reverse("workspace:callbacks")).content.decode()
    assert "Called" in page and "Could not reach" in page
    # Handled twice: refused with a message, not an error page.
    response = client.post(
        reverse("workspace:callback-done", args=[first.pk]), {f"cb{first.pk}-reached": "1"}, follow=True
    )
    assert "The callback has already been handled." in response.content.decode()


def test_search_by_reference_cvr_phone_email_and_words(client_for, catalogue, agent, business):
    company, person = business
    company.cvr = "10103940"
    company.save()
    matter = forwarded(catalogue, agent, business, subject="Parasoller foran caféen")
    other = forwarded(catalogue, agent, subject="Noget helt andet")
    client = client_for("caseworker_a")
    link = reverse("workspace:inquiry", args=[matter.inquiry.reference])
    for query in [
        matter.inquiry.reference,
        matter.inquiry.reference.lower(),
        "10103940",
        company.phone,
        person.phone,
        person.email,
        "parasol",
        company.name[:8],
        person.name,
    ]:
        html = client.get(reverse("workspace:search"), {"q": query}).content.decode()
        assert link in html, query
        assert reverse("workspace:inquiry", args=[other.inquiry.reference]) not in html, query
    html = client.get(reverse("workspace:search"), {"q": "pa"}).content.decode()
    assert "Write at least three letters." in html
    html = client.get(reverse("workspace:search"), {"q": "parasol", "status": "closed"}).content.decode()
    assert link not in html


@pytest.mark.parametrize(
    ("next_value", "lands_on"),
    [
        ("/staff/callbacks/?mine=1", "/staff/callbacks/?mine=1"),
        ("99999999999999999999", "/staff/callbacks/"),  # was a server error (taken for a view name)
        ("callbacks", "/staff/callbacks/"),
        ("//evil.test/", "/staff/callbacks/"),
        ("https://evil.test/", "/staff/callbacks/"),
    ],
)
def test_going_back_after_an_action_stays_on_this_site(
    client_for, catalogue, agent, business, next_value, lands_on
):
    callback = book(forwarded(catalogue, agent, business), agent, "+45 30 00 00 01")
    response = client_for("caseworker_a").post(
        reverse("workspace:callback-done", args=[callback.pk]),
        {f"cb{callback.pk}-reached": "1", "next": next_value},
    )
    assert response.status_code == 302 and response["Location"] == lands_on
