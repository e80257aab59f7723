"""Administrators see and handle the quarantine; nobody else does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.mail.ingest import ingest
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, MailEvent, MailEventKind
from tests.mail.conftest import eml, make_email

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:mail_quarantinedmessage_changelist"


@pytest.fixture
def quarantined(mail_world, settings, routing_finds_nothing):
    settings.MAIL_FALLBACK_TOPIC = ""
    result = ingest(make_email(subject="Hej", body="Ring til mig", message_id="<q1@cafe.test>"))
    settings.MAIL_FALLBACK_TOPIC = "generel"
    return InboundMessage.objects.get(pk=result.inbound_id)


@pytest.fixture
def admin_client(client, personas):
    personas.administrator.is_staff = True
    personas.administrator.save()
    client.force_login(personas.administrator)
    return client


def test_administrator_sees_the_quarantine_with_reasons(admin_client, quarantined):
    ingest(eml("latin1.eml"))  # processed mail is not in the quarantine list
    page = admin_client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    body = page.content.decode()
    assert "owner@cafe.test" in body and "no topic" in body
    assert "Søren" not in body and "soeren@" not in body
    assert "Ring til mig" not in body  # bodies are never shown here


def test_retry_action_turns_it_into_an_inquiry(admin_client, quarantined, personas):
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "retry", "_selected_action": [quarantined.pk]}
    )
    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.NEW_INQUIRY and Inquiry.objects.count() == 1
    event = quarantined.events.get(kind=MailEventKind.RETRIED)
    assert event.actor == personas.administrator


def test_dismiss_and_logged_download(admin_client, quarantined, personas):
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "download_original", "_selected_action": [quarantined.pk]}
    )
    assert response.status_code == 200 and b"Ring til mig" in response.content
    assert MailEvent.objects.get(kind=MailEventKind.RAW_OPENED).actor == personas.administrator
    admin_client.post(reverse(CHANGELIST), {"action": "dismiss", "_selected_action": [quarantined.pk]})
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.DISMISSED


@pytest.mark.parametrize("persona", ["agent", "caseworker_a", "manager", "editor", "outsider"])
def test_everyone_else_is_refused(client, personas, quarantined, persona):
    user = getattr(personas, persona)
    user.is_staff = True  # even with access to the admin site
    user.save()
    client.force_login(user)
    for name in (CHANGELIST, "admin:mail_inboundmessage_changelist", "admin:mail_mailboxstate_changelist"):
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse(CHANGELIST), {"action": "retry", "_selected_action": [quarantined.pk]})
    assert response.status_code == 403
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.QUARANTINED
