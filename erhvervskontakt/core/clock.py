"""The one place the system asks for the current time.

Business code calls ``clock.now()`` rather than ``timezone.now()`` directly so tests can
travel in time (time-machine patches both) and so a future "simulated clock" for demos has a
single seam. Local business dates are always in Europe/Copenhagen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


_override: ContextVar[dt.datetime | None] = ContextVar("clock_override", default=None)


def now() -> dt.datetime:
    """Return the current moment, timezone-aware (UTC)."""
    return _override.get() or timezone.now()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (demo data with a realistic history).

    Tests use time-machine instead, which also moves the database's and Django's clocks.
    """
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)


def local(moment: dt.datetime | None = None) -> dt.datetime:
    """Return ``moment`` (default: now) in Copenhagen time."""
    return (moment or now()).astimezone(COPENHAGEN)


def today() -> dt.date:
    """Return today's date in Copenhagen."""
    return local().date()
