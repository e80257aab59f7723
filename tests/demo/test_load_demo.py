"""``make run`` loads the demo through ``load_demo``: staff logins for every persona, businesses
and inquiries in every state, made through the service functions, once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_catalogue(settings):
    settings.DEMO_MODE = True
    call_command("load_catalogue", verbosity=0)


@pytest.mark.django_db(transaction=True)  # real commits: delivery is asked for after them
def test_the_demo_gives_every_persona_a_login_and_inquiries_with_mail(shipped_catalogue, client, monkeypatch):
    requests = []
    monkeypatch.setattr(
        outbox, "_schedule_delivery", lambda: requests.append(OutboundMessage.objects.count())
    )
    call_command("load_demo", inquiries=12, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Inquiry.objects.count() == 12
    assert OutboundMessage.objects.exists()  # receipts and replies wait in the outbox
    # The worker is asked once, after the commit, not once per queued email.
    assert requests == [OutboundMessage.objects.count()]
    for username in ("agent", "caseworker", "caseworker_b", "unit_contact", "manager", "editor", "admin"):
        assert client.login(username=username, password="demo"), username
        client.logout()


def test_loading_twice_adds_nothing(shipped_catalogue, capsys):
    call_command("load_demo", inquiries=5)
    call_command("load_demo", inquiries=5)
    assert Inquiry.objects.count() == 5
    assert "already loaded" in capsys.readouterr().out


def test_outside_demo_mode_nothing_is_loaded(shipped_catalogue, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo", inquiries=5)
    assert not Inquiry.objects.exists()
