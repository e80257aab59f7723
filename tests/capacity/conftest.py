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


@pytest.fixture
def call_history(db, frozen_today, queue):
    """Five weeks of synthetic history up to yesterday, through telephony's statistics import."""
    from erhvervskontakt.capacity.demo_history import load_call_history

    created = load_call_history(queue, weeks=5, seed=7)
    assert created > 0
    return created
