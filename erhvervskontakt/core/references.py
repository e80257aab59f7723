"""Reference numbers such as ``EK-2026-000123``: unique, sequential per year, never reused."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection

from erhvervskontakt.core import clock
from erhvervskontakt.core.models import ReferenceSequence

REFERENCE_RE = re.compile(r"\b([A-Z]{2,8})-(\d{4})-(\d{6,})\b")


def next_reference(*, prefix: str | None = None, year: int | None = None) -> str:
    """Hand out the next reference number; must run inside the creating transaction.

    One upsert creates the year's row on its first number or increments it, and returns the
    number. It takes a row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE mode), so
    concurrent callers queue until the creating transaction ends; if that transaction rolls back
    the number is rolled back with it, which keeps numbers gap-free for committed inquiries.
    """
    return next_references(1, prefix=prefix, year=year)[0]


def next_references(count: int, *, prefix: str | None = None, year: int | None = None) -> list[str]:
    """Hand out the next ``count`` consecutive numbers at once (a batch of registrations)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    prefix = prefix or settings.REFERENCE_PREFIX
    year = year or clock.today().year
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "  # noqa: S608 - our table name
            f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + %s RETURNING last",
            [prefix, year, count, count],
        )
        (last,) = cursor.fetchone()
    return [format_reference(prefix, year, number) for number in range(last - count + 1, last + 1)]


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def find_references(text: str) -> list[str]:
    """Return reference numbers mentioned in ``text`` (e.g. an email subject), in order."""
    prefix = settings.REFERENCE_PREFIX
    return [m.group(0) for m in REFERENCE_RE.finditer(text or "") if m.group(1) == prefix]
