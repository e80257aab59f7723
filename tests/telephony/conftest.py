"""Fixtures for the phone channel: an example menu, a platform integration that signs its
requests, and TwiML validation against the schema of the subset we produce."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from lxml import etree

from erhvervskontakt.core.clock import COPENHAGEN
from erhvervskontakt.telephony import auth, twiml
from erhvervskontakt.telephony.examples import build_example_menu

# Tuesday 1 December 2026: open 09:00-16:00.
OPEN = dt.datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
CLOSED = dt.datetime(2026, 12, 1, 19, 0, tzinfo=COPENHAGEN)
SCHEMA = etree.XMLSchema(etree.parse(str(twiml.SCHEMA_PATH)))


def valid_twiml(content: bytes) -> etree._Element:
    """Parse a produced document and fail unless it is valid against the TwiML subset schema."""
    root = etree.fromstring(content)
    if not SCHEMA.validate(root):
        raise AssertionError(f"TwiML does not match the schema: {SCHEMA.error_log}\n{content.decode()}")
    return root


@pytest.fixture
def at_open():
    with time_machine.travel(OPEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def at_closed():
    with time_machine.travel(CLOSED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def menu(catalogue):
    return build_example_menu(
        code="erhverv", area_topic=catalogue.udeservering, licence_topic=catalogue.alkoholbevilling
    )


@pytest.fixture
def integration(db):
    integration, token, secret = auth.create_integration("test-platform")
    integration.token = token
    integration.secret = secret
    return integration


class Platform:
    """A telephone platform as our endpoints see it: signed TwiML requests and CTI events."""

    def __init__(self, client, integration):
        self.client = client
        self.integration = integration

    def twiml(self, url: str, params: dict | None = None, *, sign: bool = True, headers: dict | None = None):
        """POST to a TwiML URL (absolute or a path) like Twilio would; return the response."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        absolute = f"http://testserver{path}"
        data = {k: v for k, v in (params or {}).items() if v is not None}
        extra = dict(headers or {})
        if sign:
            extra["HTTP_X_TWILIO_SIGNATURE"] = auth.signature(self.integration.secret, absolute, data.items())
        return self.client.post(path, data, **extra)

    def doc(self, url: str, params: dict | None = None) -> etree._Element:
        response = self.twiml(url, params)
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/xml")
        return valid_twiml(response.content)

    def cti(self, event, *, token: str | None = None):
        body = event if isinstance(event, bytes | str) else json.dumps(event)
        token = self.integration.token if token is None else token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return self.client.post("/telephony/cti/events/", body, content_type="application/json", **headers)


@pytest.fixture
def platform(client, integration):
    return Platform(client, integration)


class Caller:
    """Walks a menu through the real endpoints: follows Gather actions and Redirects."""

    def __init__(self, platform: Platform, call_sid: str = "CA-test-1", caller: str = "+4520000001"):
        self.platform = platform
        self.params = {"CallSid": call_sid, "From": caller, "To": "+4533663366"}
        self.doc = None
        self.documents: list[etree._Element] = []

    def call(self, code: str = "erhverv") -> etree._Element:
        return self._fetch(f"/telephony/ivr/{code}/", {})

    def _fetch(self, url: str, extra: dict) -> etree._Element:
        self.doc = self.platform.doc(url, {**self.params, **extra})
        self.documents.append(self.doc)
        return self.doc

    def press(self, digits: str) -> etree._Element:
        gather = self.doc.find("Gather")
        assert gather is not None, etree.tostring(self.doc)
        return self._fetch(gather.get("action"), {"Digits": digits})

    def wait(self) -> etree._Element:
        """Press nothing: the platform continues with the Redirect after the Gather."""
        redirect = self.doc.find("Redirect")
        assert redirect is not None, etree.tostring(self.doc)
        return self._fetch(redirect.text, {})

    def follow(self) -> etree._Element:
        return self.wait()

    def said(self) -> list[str]:
        return [say.text for say in self.doc.iter("Say")]

    def enqueued(self) -> str | None:
        element = self.doc.find("Enqueue")
        return element.text if element is not None else None

    def hung_up(self) -> bool:
        return self.doc.find("Hangup") is not None


@pytest.fixture
def caller(platform, menu):
    return Caller(platform)


def query(url: str) -> dict:
    from urllib.parse import parse_qs

    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


__all__ = ["CLOSED", "OPEN", "Caller", "Platform", "query", "urlencode", "valid_twiml"]


@pytest.fixture(autouse=True)
def _english():
    """Assertions read English message ids; the Danish catalogue is filled in later in one pass."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The screen-pop versions and the staff phone map live in the cache: start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
