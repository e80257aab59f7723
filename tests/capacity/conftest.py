"""Capacity fixtures: a frozen 'today' before Easter 2025 and a few weeks of synthetic call history.

Today is Thursday 10 April 2025; the plan week is 14-20 April, with Maundy Thursday (17th) and Good
Friday (18th) closed. The history ends yesterday, the 9th.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from erhvervskontakt.core import clock

TODAY = dt.date(2025, 4, 10)
PLAN_WEEK = dt.date(2025, 4, 14)
HOLIDAYS_IN_PLAN_WEEK = (dt.date(2025, 4, 17), dt.date(2025, 4, 18))


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2025, 4, 10, 10, 0, tzinfo=clock.COPENHAGEN), tick=False):
        yield TODAY


@pytest.fixture
def queue():
    return settings.TELEPHONY_CONTACT_CENTRE_QUEUE


def make_history(
    queue: str, weeks: int, *, last_day: dt.date = TODAY - dt.timedelta(days=1), seed: int = 7
) -> int:
    """Synthetic statistics rows (the demo generator's) for ``weeks`` weeks up to ``last_day``.

    Written with one bulk insert: the import path itself is tested in test_demo_history.py.
    """
    from erhvervskontakt.capacity.demo_history import generate_rows
    from erhvervskontakt.core import workdays
    from erhvervskontakt.telephony.models import IntervalStatistic

    rows = generate_rows(
        queue,
        last_day - dt.timedelta(weeks=weeks, days=-1),
        last_day,
        opening_hours=workdays.opening_hours,
        tz=clock.COPENHAGEN,
        seed=seed,
    )
    IntervalStatistic.objects.bulk_create(
        IntervalStatistic(
            **{**row, "interval_start": dt.datetime.fromisoformat(row["interval_start"]), "source": "import"}
        )
        for row in rows
    )
    return len(rows)


@pytest.fixture
def call_history(db, frozen_today, queue):
    """Five weeks of synthetic history up to yesterday."""
    return make_history(queue, weeks=5)


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
