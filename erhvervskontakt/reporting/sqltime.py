"""Copenhagen days and months in SQL without converting every row's time zone.

Converting a timestamp to local time (``AT TIME ZONE``) costs microseconds per row in
PostgreSQL, which adds seconds to a yearly report over a million rows. Month boundaries and
UTC offsets are known in advance, so comparisons with constants do the same job:

- ``month_index``: which calendar month of a period a timestamp falls in (a CASE over the
  months' first moments);
- ``local_epoch_sql``: seconds since 1970-01-01 00:00 *local* time, i.e. the UTC epoch plus the
  offset in force at that instant (a CASE over the daylight-saving transitions); integer
  division by 86,400 then gives a local day number, the remainder the time of day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from erhvervskontakt.core import clock
from erhvervskontakt.reporting.periods import Period

EPOCH_DATE = dt.date(1970, 1, 1)


def month_starts(period: Period) -> list[dt.datetime]:
    """The first moment of every calendar month the period touches (aware, Copenhagen)."""
    return [dt.datetime.combine(m, dt.time(0), tzinfo=clock.COPENHAGEN) for m in period.months()]


def month_index(field: str, period: Period) -> Case:
    """0 for the period's first calendar month, 1 for the next, ... (rows outside: first/last)."""
    starts = month_starts(period)
    whens = [
        When(**{f"{field}__lt": start}, then=Value(i - 1)) for i, start in enumerate(starts[1:], start=1)
    ]
    return Case(*whens, default=Value(len(starts) - 1), output_field=IntegerField())


def daynum(day: dt.date) -> int:
    """A local date as days since 1970-01-01 (the same numbering ``local_epoch_sql`` yields)."""
    return (day - EPOCH_DATE).days


@lru_cache(maxsize=32)
def offsets(first_year: int, last_year: int) -> tuple[tuple[int, int], ...]:
    """(UTC epoch from which an offset applies, offset in seconds), in order, for the years given."""
    zone = clock.COPENHAGEN
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    current = int(start.astimezone(zone).utcoffset().total_seconds())
    segments = [(int(start.timestamp()), current)]
    moment = start
    while moment < end:  # hour by hour is exact: transitions happen on whole hours
        moment += dt.timedelta(hours=1)
        offset = int(moment.astimezone(zone).utcoffset().total_seconds())
        if offset != current:
            segments.append((int(moment.timestamp()), offset))
            current = offset
    return tuple(segments)


def epoch_sql(column: str) -> str:
    """Whole seconds since 1970-01-01 UTC of a timestamp column, in this database's dialect.

    The SQL is executed with parameters, so a literal percent sign is written ``%%``.
    """
    if connection.vendor == "postgresql":
        return f"FLOOR(date_part('epoch', {column}))::bigint"
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"
    raise NotImplementedError(f"reporting does not support {connection.vendor}")


def local_epoch_sql(epoch: str, first_year: int, last_year: int) -> str:
    """``epoch`` (an integer SQL expression) shifted to Copenhagen wall-clock seconds."""
    segments = offsets(first_year, last_year)
    whens = " ".join(
        f"WHEN {epoch} < {nxt} THEN {off}"
        for (_s, off), (nxt, _o) in zip(segments, segments[1:], strict=False)
    )
    return (
        f"({epoch} + CASE {whens} ELSE {segments[-1][1]} END)" if whens else f"({epoch} + {segments[0][1]})"
    )
