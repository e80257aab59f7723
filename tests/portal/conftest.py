"""Portal fixtures: the test catalogue plus the shipped forms, and tiny real files to upload."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from erhvervskontakt.portal.forms_loader import load_default_forms
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run"
)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes = PDF, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted on their English ids; Danish translations come in a later pass.
    with translation.override("en"):
        yield


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached pages must not leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vejareal(org, catalogue):
    return factories.make_topic(org.unit_a, "vejareal", days=10, name_da="Råden over vejareal")


@pytest.fixture
def forms(catalogue, vejareal):
    """The shipped forms loaded over the test catalogue (udeservering and vejareal get linked)."""
    load_default_forms()
    from erhvervskontakt.catalogue.models import FormDefinition

    return {f.code: f for f in FormDefinition.objects.all()}


def contact(**extra) -> dict[str, str]:
    data = {
        "contact_name": "Sofie Jensen",
        "contact_company": "Trattoria Bella ApS",
        "contact_cvr": "13585628",
        "contact_email": "sofie@trattoria.test",
        "contact_phone": "+45 20 30 40 50",
    }
    data.update(extra)
    return data


def outdoor_serving(**extra) -> dict:
    data = {
        "address__street": "Vesterbrogade 12",
        "address__postcode": "1620",
        "address__city": "København V",
        "location_type": "pavement",
        "application_type": "new",
        "area_m2": "12,5",
        "depth_m": "2",
        "furniture": ["tables", "chairs"],
        "tables": "4",
        "seats": "16",
        "period__from": "2030-05-01",
        "period__to": "2030-09-30",
        "alcohol": "no",
        **contact(),
    }
    data.update(extra)
    return data
