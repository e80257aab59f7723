"""Encrypted originals: key rotation, purge after the retention period, quarantined ones kept."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from cryptography.fernet import Fernet

from erhvervskontakt.mail.ingest import ingest, open_original, purge_originals
from erhvervskontakt.mail.models import InboundMessage, MailEvent, MailEventKind, RawMessage
from erhvervskontakt.mail.rawstore import InvalidToken, open_raw
from erhvervskontakt.mail.tasks import purge_raw_originals
from tests.mail.conftest import TEST_KEY, eml, make_email

pytestmark = pytest.mark.django_db


def test_key_rotation_keeps_old_originals_readable(mail_world, settings):
    raw = make_email()
    old = InboundMessage.objects.get(pk=ingest(raw).inbound_id)
    new_key = Fernet.generate_key().decode()
    settings.MAIL_RAW_KEYS = [new_key, TEST_KEY]
    assert open_raw(old.raw.ciphertext) == raw
    settings.MAIL_RAW_KEYS = [new_key]
    with pytest.raises(InvalidToken):
        open_raw(old.raw.ciphertext)


def test_opening_an_original_needs_a_purpose_and_is_logged(mail_world, personas):
    inbound = InboundMessage.objects.get(pk=ingest(eml("cpr.eml")).inbound_id)
    with pytest.raises(ValueError):
        open_original(inbound, actor=personas.administrator, purpose=" ")
    assert b"0101901234" in open_original(inbound, actor=personas.administrator, purpose="complaint 17")
    event = MailEvent.objects.get(kind=MailEventKind.RAW_OPENED)
    assert event.actor == personas.administrator and event.text == "complaint 17"


def test_purge_after_retention_keeps_quarantined(mail_world, settings):
    settings.MAIL_RAW_RETENTION_DAYS = 90
    start = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        processed = ingest(eml("latin1.eml")).inbound_id
        quarantined = ingest(eml("garbage.eml")).inbound_id
    with time_machine.travel(start + dt.timedelta(days=89), tick=False):
        assert purge_originals() == 0
    with time_machine.travel(start + dt.timedelta(days=91), tick=False):
        assert purge_raw_originals.delay().get() == 1
    assert not RawMessage.objects.filter(inbound_id=processed).exists()
    assert RawMessage.objects.filter(inbound_id=quarantined).exists()
    assert InboundMessage.objects.filter(pk=processed).exists()  # the record stays, only the original goes
    assert MailEvent.objects.filter(kind=MailEventKind.RAW_PURGED).count() == 1
