"""Fixtures for the email channel: a real Dovecot, a real SMTP server, the message corpus."""

from __future__ import annotations

import itertools
import os
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from erhvervskontakt.mail.config import parse_mailboxes
from tests.conftest import require_service
from tests.mail.servers import SmtpCapture, dovecot_available, start_dovecot

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail"
TEST_KEY = "l1Yk8oN2-3dVt6JbVq1aX1c1mQ2Yx1m7QYkq6p6Q2cA="  # a throw-away Fernet key for tests
_folders = itertools.count(1)


def eml(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def make_email(
    *,
    subject: str = "Udeservering på fortovet",
    body: str = "Vi vil gerne have borde og stole på fortovet.",
    sender: str = "Ejer <owner@cafe.test>",
    to: str = "erhverv@example.test",
    message_id: str | None = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    html: str = "",
) -> bytes:
    """A well-formed email; ``message_id=None`` leaves the header out."""
    import datetime as dt

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC))
    if message_id is not None:
        msg["Message-ID"] = message_id or make_msgid(idstring=uuid.uuid4().hex[:10], domain="cafe.test")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments or []:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(msg)


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.MAIL_RAW_KEYS = [TEST_KEY]
    settings.MAIL_FALLBACK_TOPIC = "generel"
    settings.MAIL_AUTO_FORWARD_MIN_CONFIDENCE = None
    settings.MAIL_AUTO_FORWARD_TOPICS = []
    settings.MAIL_IMAP_MAILBOXES = []
    settings.MAIL_OWN_ADDRESSES = ["erhverv@example.test"]
    settings.MAIL_RECEIPTS_PER_SENDER_PER_HOUR = 3


@pytest.fixture
def routing_finds_nothing(monkeypatch):
    """The routing engine places nothing (independent of whichever model is serving)."""
    from erhvervskontakt.mail import decisions
    from erhvervskontakt.routing.api import Routing

    monkeypatch.setattr(
        decisions, "route_text", lambda text, limit=5: Routing(suggestions=[], confidence=0.0)
    )


@pytest.fixture
def mail_world(catalogue, personas):
    """The organisation, catalogue and personas the ingestion tests register inquiries into."""
    return catalogue


@pytest.fixture(scope="session")
def dovecot():
    require_service(
        "Dovecot", dovecot_available(), "the dovecot binary is missing (apt install dovecot-imapd)"
    )
    server = start_dovecot()
    yield server
    server.stop(remove=True)


class Mailbox:
    """A fresh folder on the test Dovecot, configured as the only polled mailbox."""

    def __init__(self, server, folder: str, settings, **params):
        self.server = server
        self.folder = folder
        self.config = parse_mailboxes(server.url(folder, name=folder, **params))[0]
        settings.MAIL_IMAP_MAILBOXES = [self.config]
        server.append(folder, [])

    def append(self, *messages: bytes) -> None:
        self.server.append(self.folder, list(messages))

    def uids(self, criteria=("ALL",)) -> list[int]:
        client = self.server.client()
        try:
            client.select_folder(self.folder, readonly=True)
            return sorted(client.search(list(criteria)))
        finally:
            client.logout()

    def pending(self) -> list[int]:
        return self.uids(["NOT", "KEYWORD", "$Erhvervskontakt"])


@pytest.fixture
def mailbox(dovecot, settings):
    return Mailbox(dovecot, f"T{os.getpid()}x{next(_folders)}", settings)


@pytest.fixture
def smtp(settings):
    server = SmtpCapture().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _english():
    """Assertions here read the English message ids. Danish, the default, is checked for
    completeness in tests/test_translations.py and in the Danish browser journeys."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
