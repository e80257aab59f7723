"""Reference numbers such as ``EK-2026-000123``: unique, sequential per year, never reused."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import F

from erhvervskontakt.core import clock
from erhvervskontakt.core.models import ReferenceSequence

REFERENCE_RE = re.compile(r"\b([A-Z]{2,8})-(\d{4})-(\d{6,})\b")


def next_reference(*, prefix: str | None = None, year: int | None = None) -> str:
    """Hand out the next reference number; must run inside the creating transaction.

    The UPDATE takes a row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE mode), so
    concurrent callers queue; if the creating transaction rolls back the number is rolled
    back with it, which keeps numbers gap-free for committed inquiries.
    """
    prefix = prefix or settings.REFERENCE_PREFIX
    year = year or clock.today().year
    with transaction.atomic():
        # Create the year's row if it's the first number of the year; ignore_conflicts makes a
        # concurrent first creation harmless.
        ReferenceSequence.objects.bulk_create(
            [ReferenceSequence(prefix=prefix, year=year, last=0)], ignore_conflicts=True
        )
        ReferenceSequence.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        number = ReferenceSequence.objects.values_list("last", flat=True).get(prefix=prefix, year=year)
    return format_reference(prefix, year, number)


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def find_references(text: str) -> list[str]:
    """Return reference numbers mentioned in ``text`` (e.g. an email subject), in order."""
    prefix = settings.REFERENCE_PREFIX
    return [m.group(0) for m in REFERENCE_RE.finditer(text or "") if m.group(1) == prefix]
