"""The working-day calendar every feature uses for due dates, escalation and opening hours.

A working day is a weekday that is not a Danish public holiday (``holidays`` package), not
one of the city's recurring closed days (``CITY_CLOSED_DAYS``, e.g. Christmas Eve) and not an
extra closed day entered in the admin (``ClosedDay``).

Due dates: "N working days from this moment" means the end (23:59:59, Copenhagen time) of
the N-th working day after the day the inquiry arrived; something arriving after closing time
or on a closed day counts as arriving on the next working day. A business reads the result
as "you will have an answer by <date>".
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.cache import cache

from erhvervskontakt.core import clock

_CLOSED_DAYS_CACHE_KEY = "core:closed-days:v1"
_CLOSED_DAYS_TTL = 60  # seconds; admin edits reach every process within a minute
END_OF_DAY = dt.time(23, 59, 59)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da"))


def _recurring_closed(day: dt.date) -> bool:
    return f"{day.month:02d}-{day.day:02d}" in settings.CITY_CLOSED_DAYS


def _extra_closed_days() -> frozenset[dt.date]:
    days = cache.get(_CLOSED_DAYS_CACHE_KEY)
    if days is None:
        from erhvervskontakt.core.models import ClosedDay

        days = frozenset(ClosedDay.objects.values_list("date", flat=True))
        cache.set(_CLOSED_DAYS_CACHE_KEY, days, _CLOSED_DAYS_TTL)
    return days


def extra_closed_days() -> frozenset[dt.date]:
    """The closed days entered in the admin, for a caller that computes many due dates at once."""
    return _extra_closed_days()


def forget_closed_days() -> None:
    """Drop the cached extra closed days (called when an administrator edits them)."""
    cache.delete(_CLOSED_DAYS_CACHE_KEY)


def closed_reason(day: dt.date, *, extra: frozenset[dt.date] | None = None) -> str | None:
    """Why ``day`` is not a working day, or None when it is one.

    ``extra``: the extra closed days, when the caller has read them already (a loop over many days
    reads them once instead of once per day).
    """
    if day.weekday() >= 5:
        return "weekend"
    name = _public_holidays(day.year).get(day)
    if name:
        return name
    if _recurring_closed(day):
        return "city closed"
    if day in (_extra_closed_days() if extra is None else extra):
        return "closed day"
    return None


def is_working_day(day: dt.date, *, extra: frozenset[dt.date] | None = None) -> bool:
    return closed_reason(day, extra=extra) is None


def next_working_day(day: dt.date, *, extra: frozenset[dt.date] | None = None) -> dt.date:
    """The first working day strictly after ``day``."""
    extra = _extra_closed_days() if extra is None else extra
    day += dt.timedelta(days=1)
    while not is_working_day(day, extra=extra):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int, *, extra: frozenset[dt.date] | None = None) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself is not counted); n=0 gives ``day``."""
    if n < 0:
        raise ValueError("n must not be negative")
    extra = _extra_closed_days() if extra is None else extra
    for _ in range(n):
        day = next_working_day(day, extra=extra)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days pass when going from start to end."""
    if end <= start:
        return 0
    extra = _extra_closed_days()
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra=extra):
            count += 1
    return count


def opening_hours(day: dt.date, *, extra: frozenset[dt.date] | None = None) -> tuple[dt.time, dt.time] | None:
    """Opening and closing time on ``day``, or None when closed all day."""
    if not is_working_day(day, extra=extra):
        return None
    spec = settings.OPENING_HOURS[day.weekday()] if day.weekday() < len(settings.OPENING_HOURS) else ""
    if not spec:
        return None
    start, end = spec.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def is_open(moment: dt.datetime | None = None) -> bool:
    """Whether the contact centre is open at ``moment`` (default now)."""
    local = clock.local(moment)
    hours = opening_hours(local.date())
    return bool(hours) and hours[0] <= local.time() < hours[1]


def effective_receipt_day(moment: dt.datetime, *, extra: frozenset[dt.date] | None = None) -> dt.date:
    """The working day an arrival at ``moment`` counts on (next one after closing or on closed days)."""
    extra = _extra_closed_days() if extra is None else extra
    local = clock.local(moment)
    day = local.date()
    hours = opening_hours(day, extra=extra)
    if hours is None or local.time() >= hours[1]:
        return next_working_day(day, extra=extra)
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 Copenhagen time on ``day``, as an aware datetime."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=clock.COPENHAGEN)


def due_at(
    received: dt.datetime, working_days: int, *, extra: frozenset[dt.date] | None = None
) -> dt.datetime:
    """When a matter received at ``received`` with a promise of ``working_days`` is due.

    ``extra``: ``extra_closed_days()``, when the caller computes many due dates at once.
    """
    extra = _extra_closed_days() if extra is None else extra  # once, not once per day looked at
    first = effective_receipt_day(received, extra=extra)
    return end_of_day(add_working_days(first, working_days, extra=extra))


def shift_due(due: dt.datetime, paused_from: dt.datetime, resumed_at: dt.datetime) -> dt.datetime:
    """Move a due time later by the working days that passed while a matter was paused."""
    lost = working_days_between(clock.local(paused_from).date(), clock.local(resumed_at).date())
    return end_of_day(add_working_days(clock.local(due).date(), lost))


def working_day_before(day: dt.date) -> dt.date:
    """The last working day strictly before ``day``."""
    extra = _extra_closed_days()
    day -= dt.timedelta(days=1)
    while not is_working_day(day, extra=extra):
        day -= dt.timedelta(days=1)
    return day
