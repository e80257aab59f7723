"""Every workspace page and action refuses with a 403 whoever may not use it, and nothing leaks
through lists, searches, counts, callbacks or document downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.services import ForwardNote
from tests import factories

NO_INQUIRY_ROLE = ["editor", "administrator", "outsider"]


@pytest.fixture
def only_a(catalogue, agent, business):
    """An inquiry whose single matter is with unit A, with a document and a callback."""
    inquiry = factories.register([catalogue.udeservering], actor=agent, business=business, subject="Fortov")
    matter = inquiry.matters.get()
    services.matter_forward(matter, to_unit=matter.topic.unit, actor=agent, note=ForwardNote(wants="x"))
    services.attachment_add(
        inquiry,
        filename="tegning.pdf",
        content=b"%PDF-1.4 drawing",
        content_type="application/pdf",
        actor=agent,
    )
    start = clock.now() + dt.timedelta(days=1)
    services.callback_book(
        matter,
        actor=agent,
        phone="+45 30000000",
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
    )
    return inquiry


def urls_for(inquiry) -> list[str]:
    matter = inquiry.matters.get()
    return [
        reverse("workspace:inquiry", args=[inquiry.reference]),
        reverse("workspace:receipt", args=[inquiry.reference]),
        reverse("workspace:matter-action", args=[inquiry.reference, matter.pk, "reply"]),
        reverse("workspace:attachment", args=[inquiry.attachments.get().pk]),
    ]


LIST_URLS = ["workspace:unit-queue", "workspace:callbacks", "workspace:search"]
AGENT_URLS = [
    "workspace:agent-home",
    "workspace:register",
    "workspace:business-lookup",
    "workspace:topic-suggestions",
]


@pytest.mark.parametrize("name", NO_INQUIRY_ROLE)
def test_people_without_an_inquiry_role_get_403_everywhere(client_for, only_a, name):
    client = client_for(name)
    for url in [reverse(n) for n in LIST_URLS + AGENT_URLS] + urls_for(only_a):
        assert client.get(url).status_code == 403, url
    matter = only_a.matters.get()
    post = reverse("workspace:matter-action", args=[only_a.reference, matter.pk, "claim"])
    assert client.post(post).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, only_a):
    response = client.get(reverse("workspace:inquiry", args=[only_a.reference]))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.parametrize("name", ["caseworker_a", "caseworker_b", "manager", "unit_contact_a"])
def test_only_agents_register_and_triage(client_for, only_a, name):
    client = client_for(name)
    for url_name in AGENT_URLS:
        assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse("workspace:register"), {"subject": "x"}).status_code == 403
    matter = only_a.matters.get()
    assert client.get(reverse("workspace:triage", args=[only_a.reference, matter.pk])).status_code == 403


def test_caseworker_of_another_unit_sees_nothing_of_unit_a(client_for, only_a):
    client = client_for("caseworker_b")
    for url in urls_for(only_a):
        assert client.get(url).status_code == 403, url
    matter = only_a.matters.get()
    assert (
        client.post(
            reverse("workspace:matter-action", args=[only_a.reference, matter.pk, "claim"])
        ).status_code
        == 403
    )
    # Not in searches by reference, words, CVR or phone, nor in queues, counts or callbacks.
    company = only_a.company
    company.cvr = "25313763"
    company.save()
    for query in [only_a.reference, "Fortov", company.cvr, company.phone, only_a.requester_email]:
        page = client.get(reverse("workspace:search"), {"q": query}).content.decode()
        assert reverse("workspace:inquiry", args=[only_a.reference]) not in page, query
        assert "No inquiries match." in page
    queue = client.get(reverse("workspace:unit-queue")).content.decode()
    assert only_a.reference not in queue and "0 open matters" in queue
    assert client.get(reverse("workspace:unit-queue"), {"unit": matter.unit_id}).status_code == 403
    assert only_a.reference not in client.get(reverse("workspace:callbacks")).content.decode()
    callback = matter.callbacks.get()
    done = reverse("workspace:callback-done", args=[callback.pk])
    assert client.post(done, {f"cb{callback.pk}-reached": "1"}).status_code == 403
    callback.refresh_from_db()
    assert callback.status == "pending"


def test_unit_a_sees_its_own(client_for, only_a):
    client = client_for("caseworker_a2")
    for url in urls_for(only_a):
        assert client.get(url).status_code == 200, url
    assert only_a.reference in client.get(reverse("workspace:search"), {"q": "Fortov"}).content.decode()
    assert only_a.reference in client.get(reverse("workspace:callbacks")).content.decode()


def test_manager_reads_but_cannot_act(client_for, only_a, org):
    client = client_for("manager")
    for url in urls_for(only_a)[:2] + [urls_for(only_a)[3]]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("workspace:inquiry", args=[only_a.reference])).content.decode()
    assert "Read only" in page
    matter = only_a.matters.get()
    for action in ["claim", "reply", "close", "forward", "request-info", "callback"]:
        url = reverse("workspace:matter-action", args=[only_a.reference, matter.pk, action])
        assert client.get(url).status_code == 403, action
        assert client.post(url, {}).status_code == 403, action
    assert (
        client.post(reverse("workspace:note", args=[only_a.reference]), {"note-text": "x"}).status_code == 403
    )
    assert client.post(reverse("workspace:receipt-send", args=[only_a.reference])).status_code == 403
    callback = matter.callbacks.get()
    assert (
        client.post(
            reverse("workspace:callback-done", args=[callback.pk]), {f"cb{callback.pk}-reached": "1"}
        ).status_code
        == 403
    )
    # The queue of any unit is readable, without claim buttons.
    queue = client.get(reverse("workspace:unit-queue"), {"unit": org.unit_a.pk}).content.decode()
    assert only_a.reference in queue and "Take" not in queue


def test_document_download_checks_access_and_serves_as_attachment(client_for, only_a):
    doc = only_a.attachments.get()
    response = client_for("caseworker_a").get(reverse("workspace:attachment", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 drawing"
    assert client_for("caseworker_b").get(reverse("workspace:attachment", args=[doc.pk])).status_code == 403
