"""Working days counted inside the database, with the same rules as ``core.workdays``.

"Working days to response" is needed for a million matters at a time, and the drill-down of
a bucket ("answered after 6–10 working days") must list exactly the matters behind it. The
calendar is therefore copied into a small table (``CalendarDay``: one row per day, the
running number of working days, the closing minute) and joined twice: once at the day of
receipt, once at the day of response. The copy is rebuilt whenever ``core.workdays`` says
something different (a closed day added in the admin, a new year's holidays), checked at most
once a minute per process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.db import IntegrityError, connection, transaction
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.reporting import sqltime
from erhvervskontakt.reporting.models import CalendarBuild, CalendarDay

CHECK_SECONDS = 60  # as long as core.workdays caches the admin's closed days
_verified: dict[str, tuple[float, int, dt.date, dt.date, str]] = {}


def _days(first: dt.date, last: dt.date) -> list[CalendarDay]:
    rows = []
    ordinal = 0
    day = first
    while day <= last:
        if workdays.is_working_day(day):
            ordinal += 1
        hours = workdays.opening_hours(day)
        closes = hours[1].hour * 60 + hours[1].minute if hours else None
        rows.append(CalendarDay(date=day, daynum=sqltime.daynum(day), ordinal=ordinal, closes_minute=closes))
        day += dt.timedelta(days=1)
    return rows


def _fingerprint(rows: list[CalendarDay]) -> str:
    digest = hashlib.sha256(b"calendar-v2")
    for row in rows:
        digest.update(f"{row.date}:{row.ordinal}:{row.closes_minute};".encode())
    return digest.hexdigest()


def ensure(first: dt.date, last: dt.date) -> None:
    """Make sure the calendar table covers ``first``..``last`` and agrees with ``core.workdays``."""
    build = CalendarBuild.objects.order_by("pk").first()
    key = connection.alias
    seen = _verified.get(key)
    if (
        build is not None
        and seen is not None
        and seen[1] == build.pk
        and (seen[2], seen[3], seen[4]) == (build.first, build.last, build.fingerprint)
        and time.monotonic() - seen[0] < CHECK_SECONDS
        and build.first <= first
        and last <= build.last
    ):
        return
    # Cover whole years around what is asked, so the table is rarely rebuilt.
    want_first = dt.date(first.year - 1, 1, 1)
    want_last = dt.date(last.year + 1, 12, 31)
    if build is not None:
        want_first, want_last = min(want_first, build.first), max(want_last, build.last)
    rows = _days(want_first, want_last)
    fingerprint = _fingerprint(rows)
    if build is None or (build.first, build.last, build.fingerprint) != (want_first, want_last, fingerprint):
        build = _rebuild(rows, want_first, want_last, fingerprint)
    _verified[key] = (time.monotonic(), build.pk, build.first, build.last, build.fingerprint)


def _rebuild(rows: list[CalendarDay], first: dt.date, last: dt.date, fingerprint: str) -> CalendarBuild:
    for _attempt in range(2):
        try:
            with transaction.atomic():
                build = CalendarBuild.objects.select_for_update().order_by("pk").first()
                if build is not None and (build.first, build.last, build.fingerprint) == (
                    first,
                    last,
                    fingerprint,
                ):
                    return build  # another process just built the same calendar
                CalendarBuild.objects.all().delete()
                CalendarDay.objects.all().delete()
                CalendarDay.objects.bulk_create(rows, batch_size=1000)
                return CalendarBuild.objects.create(
                    first=first, last=last, fingerprint=fingerprint, built_at=clock.now()
                )
        except IntegrityError:
            continue  # two first builds raced; the second attempt sees the winner's row
    raise RuntimeError("the reporting calendar could not be built")


def response_days_sql(matters: QuerySet, since: dt.date) -> tuple[str, list]:
    """SQL yielding ``(id, wd)`` for every responded matter of ``matters`` (received from ``since``).

    ``wd`` is the number of working days from the day the matter counts as received (the next
    working day when it arrived after closing time or on a closed day, as for due dates) to
    the day of its first response; 0 means the same working day. It equals
    ``workdays.working_days_between(workdays.effective_receipt_day(received_at), response day)``.
    Local days and minutes come from ``sqltime`` (no per-row time-zone conversion).
    """
    # Responses are never later than today; a year's margin covers clocks that run ahead.
    last = max(clock.today(), since) + dt.timedelta(days=366)
    ensure(since - dt.timedelta(days=1), last)
    inner = matters.filter(responded_at__isnull=False).order_by().values("id", "received_at", "responded_at")
    sql, params = inner.query.sql_with_params()
    years = (since.year - 1, last.year)
    received = sqltime.local_epoch_sql("m.er", *years)
    responded = sqltime.local_epoch_sql("m.es", *years)
    # OFFSET 0 keeps PostgreSQL from inlining this subquery, so each epoch is computed once per
    # row instead of once per daylight-saving branch below.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    epochs = (
        f"SELECT m.id AS id, {sqltime.epoch_sql('m.received_at')} AS er, "
        f"{sqltime.epoch_sql('m.responded_at')} AS es FROM ({sql}) m{fence}"
    )
    local = f"SELECT m.id AS id, {received} AS lr, {responded} AS ls FROM ({epochs}) m"
    table = connection.ops.quote_name(CalendarDay._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    wd = (
        f"{greatest}(c2.ordinal - c1.ordinal - CASE WHEN c1.closes_minute IS NOT NULL "
        f"AND (l.lr %% 86400) / 60 < c1.closes_minute THEN 0 ELSE 1 END, 0)"  # %% : executed with params
    )
    return (
        f"SELECT l.id AS id, {wd} AS wd FROM ({local}) l "
        f"JOIN {table} c1 ON c1.daynum = l.lr / 86400 JOIN {table} c2 ON c2.daynum = l.ls / 86400",
        list(params),
    )


def response_days_histogram(matters: QuerySet, since: dt.date) -> dict[int, int]:
    """How many responded matters took each number of working days: ``{wd: count}``."""
    sql, params = response_days_sql(matters, since)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT wd, COUNT(*) FROM ({sql}) r GROUP BY wd", params)
        return {int(wd): int(n) for wd, n in cursor.fetchall()}


def matters_with_response_days(matters: QuerySet, since: dt.date, low: int, high: int | None) -> QuerySet:
    """The matters of ``matters`` whose working days to response lie in ``low``..``high``."""
    sql, params = response_days_sql(matters, since)
    condition = "wd >= %s" + ("" if high is None else " AND wd <= %s")
    bounds = [low] if high is None else [low, high]
    # Parameters stay parameters: only our own SQL text and the ORM's compiled query are joined.
    ids = RawSQL(  # noqa: S611
        f"SELECT id FROM ({sql}) r WHERE {condition}", [*params, *bounds], output_field=IntegerField()
    )
    return matters.filter(pk__in=ids)
