"""Working days counted in the database agree with core.workdays, holidays and closing times included."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.core.models import ClosedDay
from erhvervskontakt.inquiries.models import Matter
from erhvervskontakt.reporting import workcalendar
from erhvervskontakt.reporting.models import CalendarBuild, CalendarDay
from tests import factories


def python_days(received: dt.datetime, responded: dt.datetime) -> int:
    start = workdays.effective_receipt_day(received)
    return workdays.working_days_between(start, clock.local(responded).date())


def _moments(rng: random.Random, n: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Receipts around Easter, Constitution Day, Christmas and New Year, at any hour (also after closing)."""
    anchors = [dt.date(2025, 4, 14), dt.date(2025, 6, 2), dt.date(2025, 12, 19), dt.date(2024, 12, 30)]
    pairs = []
    for _ in range(n):
        day = rng.choice(anchors) + dt.timedelta(days=rng.randint(0, 10))
        received = dt.datetime.combine(
            day, dt.time(rng.randint(0, 23), rng.choice([0, 29, 59])), tzinfo=clock.COPENHAGEN
        )
        responded = received + dt.timedelta(hours=rng.randint(0, 24 * 20))
        pairs.append((received, responded))
    # Edges: exactly at closing time, a minute before, Friday's early closing, midnight.
    for received in (
        dt.datetime(2025, 4, 16, 16, 0, tzinfo=clock.COPENHAGEN),
        dt.datetime(2025, 4, 16, 15, 59, 59, tzinfo=clock.COPENHAGEN),
        dt.datetime(2025, 3, 7, 14, 0, tzinfo=clock.COPENHAGEN),
        dt.datetime(2025, 3, 7, 13, 59, tzinfo=clock.COPENHAGEN),
        dt.datetime(2025, 3, 10, 0, 0, tzinfo=clock.COPENHAGEN),
    ):
        for hours in (0, 1, 17, 24, 70):
            pairs.append((received, received + dt.timedelta(hours=hours)))
    return pairs


@pytest.fixture
def inquiry(catalogue, agent):
    return factories.register([catalogue.generel], actor=agent, send_receipt=False)


def _matters(inquiry, pairs) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    topic = inquiry.matters.first().topic
    created = Matter.objects.bulk_create(
        Matter(
            inquiry=inquiry,
            topic=topic,
            unit=topic.unit,
            received_at=received,
            responded_at=responded,
            due_at=workdays.due_at(received, 5),
        )
        for received, responded in pairs
    )
    return {m.pk: pair for m, pair in zip(created, pairs, strict=True)}


def test_sql_working_days_match_python_for_many_moments(inquiry):
    by_id = _matters(inquiry, _moments(random.Random(2025), 300))
    qs = Matter.objects.filter(pk__in=list(by_id))
    sql, params = workcalendar.response_days_sql(qs, dt.date(2024, 12, 1))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        got = dict(cursor.fetchall())
    expected = {pk: python_days(*pair) for pk, pair in by_id.items()}
    assert got == expected


def test_histogram_and_bucket_list_agree(inquiry):
    by_id = _matters(inquiry, _moments(random.Random(7), 80))
    qs = Matter.objects.filter(pk__in=list(by_id))
    since = dt.date(2024, 12, 1)
    histogram = workcalendar.response_days_histogram(qs, since)
    assert sum(histogram.values()) == len(by_id)
    for low, high in ((0, 0), (1, 1), (2, 5), (6, None)):
        listed = set(
            workcalendar.matters_with_response_days(qs, since, low, high).values_list("pk", flat=True)
        )
        expected = {
            pk
            for pk, pair in by_id.items()
            if python_days(*pair) >= low and (high is None or python_days(*pair) <= high)
        }
        assert listed == expected
        assert len(listed) == sum(
            n for wd, n in histogram.items() if wd >= low and (high is None or wd <= high)
        )


@pytest.fixture
def forget_calendars():
    """Closed days are cached per process (core) and checked once a minute (reporting): forget both."""
    yield
    workdays.forget_closed_days()
    workcalendar._verified.clear()


def test_the_calendar_is_rebuilt_when_an_administrator_closes_a_day(inquiry, forget_calendars):
    received = dt.datetime(2025, 9, 1, 10, tzinfo=clock.COPENHAGEN)  # Monday
    responded = dt.datetime(2025, 9, 3, 10, tzinfo=clock.COPENHAGEN)  # Wednesday: 2 working days
    by_id = _matters(inquiry, [(received, responded)])
    qs = Matter.objects.filter(pk__in=list(by_id))
    assert workcalendar.response_days_histogram(qs, dt.date(2025, 9, 1)) == {2: 1}
    ClosedDay.objects.create(date=dt.date(2025, 9, 2), name="Lukket for flytning")
    workdays.forget_closed_days()
    workcalendar._verified.clear()  # the once-a-minute check, skipped here instead of waiting
    assert workcalendar.response_days_histogram(qs, dt.date(2025, 9, 1)) == {1: 1}
    assert CalendarBuild.objects.count() == 1


def test_the_calendar_grows_to_cover_a_later_period(db, forget_calendars):
    workcalendar.ensure(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    build = CalendarBuild.objects.get()
    assert (build.first, build.last) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    workcalendar._verified.clear()
    workcalendar.ensure(dt.date(2030, 1, 1), dt.date(2030, 2, 1))
    build = CalendarBuild.objects.get()
    assert (build.first, build.last) == (dt.date(2024, 1, 1), dt.date(2031, 12, 31))
    easter_monday = CalendarDay.objects.get(date=dt.date(2025, 4, 21))
    maundy_thursday_eve = CalendarDay.objects.get(date=dt.date(2025, 4, 16))
    # Thu 17, Fri 18, Sat, Sun and Mon 21 Apr are closed: the running number stands still.
    assert easter_monday.ordinal == maundy_thursday_eve.ordinal
    assert easter_monday.closes_minute is None
    assert maundy_thursday_eve.closes_minute == 16 * 60
