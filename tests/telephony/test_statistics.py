"""Statistics per queue and 30-minute interval, checked against a hand-computed example."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from erhvervskontakt.telephony import statistics
from erhvervskontakt.telephony.models import Call, IntervalStatistic, IntervalToRecompute
from erhvervskontakt.telephony.tasks import purge_calls_task, recompute_statistics_task
from tests.telephony.conftest import OPEN

pytestmark = pytest.mark.django_db
QUEUE = "kc-erhvervskontakt"
T10 = OPEN  # 10:00 Copenhagen on Tuesday 1 December 2026, the start of the interval


def _at(minutes: int, seconds: int = 0) -> str:
    return (T10 + dt.timedelta(minutes=minutes, seconds=seconds)).isoformat()


def _call(platform, call_id, queued, *, answered=None, ended=None, cause="normalClearing", queue=QUEUE):
    platform.cti({"event": "newCall", "callId": call_id, "from": "+4520000001", "queue": queue,
                  "timestamp": _at(*queued)})  # fmt: skip
    if answered:
        platform.cti({"event": "answer", "callId": call_id, "answeringNumber": "4533661001",
                      "timestamp": _at(*answered)})  # fmt: skip
    if ended:
        platform.cti({"event": "hangup", "callId": call_id, "cause": cause, "timestamp": _at(*ended)})


@pytest.fixture
def example(platform, agent, settings):
    """The hand-computed example: eight calls around the 10:00-10:30 interval, target 20 s."""
    settings.TELEPHONY_SERVICE_LEVEL_SECONDS = 20
    with time_machine.travel(T10 + dt.timedelta(hours=1), tick=False):
        _call(platform, "A", (0, 0), answered=(0, 10), ended=(5, 10))  # wait 10, handle 300: on time
        _call(platform, "B", (2, 0), answered=(2, 45), ended=(6, 45))  # wait 45, handle 240: late
        _call(platform, "C", (10, 0), ended=(10, 30), cause="cancel")  # abandoned after 30 s
        _call(platform, "D", (20, 0), answered=(20, 20), ended=(23, 20))  # wait 20 (= target), handle 180
        _call(platform, "E", (25, 0), ended=(25, 1), cause="busy")  # not connected: offered only
        _call(platform, "F", (29, 50), answered=(30, 5), ended=(32, 5))  # wait 15, handle 120, after 10:30
        _call(platform, "G", (31, 0), answered=(31, 5), ended=(33, 0))  # next interval
        _call(platform, "H", (15, 0), ended=(15, 40), cause="forwarded")  # forwarded: offered only
        _call(
            platform, "I", (5, 0), answered=(5, 1), ended=(6, 0), queue="tmf-byens-anvendelse"
        )  # other queue
        yield T10.astimezone(dt.UTC)


def test_interval_matches_the_hand_computed_example(example):
    recompute_statistics_task()
    row = IntervalStatistic.objects.get(queue=QUEUE, interval_start=example)
    # offered   = A B C D E F H            = 7 (G entered the queue at 10:31; I is another queue)
    # answered  = A B D F                  = 4
    # abandoned = C                        = 1 (E busy and H forwarded are neither)
    # within 20 s: A (10) D (20) F (15)    = 3
    # wait of answered  = 10 + 45 + 20 + 15 = 90 s    -> ASA 90 / 4 = 22.5 s
    # wait of abandoned = 30 s                        -> abandoned after 30 s on average
    # handle time = 300 + 240 + 180 + 120  = 840 s    -> AHT 840 / 4 = 210 s
    # service level = 3 / 7
    assert (row.offered, row.answered, row.abandoned, row.answered_within_target) == (7, 4, 1, 3)
    assert row.total_wait_answered_seconds == 90
    assert row.total_wait_abandoned_seconds == 30
    assert row.total_handle_seconds == 840
    assert row.average_speed_of_answer == 22.5
    assert row.average_handle_time == 210
    assert row.average_abandon_time == 30
    assert row.service_level == pytest.approx(3 / 7)
    assert (row.interval_seconds, row.service_target_seconds, row.source) == (1800, 20, "calls")
    nxt = IntervalStatistic.objects.get(queue=QUEUE, interval_start=example + dt.timedelta(minutes=30))
    assert (nxt.offered, nxt.answered, nxt.total_wait_answered_seconds) == (1, 1, 5)
    other = IntervalStatistic.objects.get(queue="tmf-byens-anvendelse")
    assert (other.offered, other.answered) == (1, 1)
    assert not IntervalToRecompute.objects.exists()


def test_recomputation_is_idempotent_and_follows_late_events(example, platform):
    recompute_statistics_task()
    first = IntervalStatistic.objects.get(queue=QUEUE, interval_start=example)
    assert recompute_statistics_task() == 0  # nothing touched since
    statistics.recompute(QUEUE, example)
    again = IntervalStatistic.objects.get(pk=first.pk)
    assert (again.offered, again.answered, again.total_handle_seconds) == (7, 4, 840)
    # A late answer for C (out of order: it came before the hang-up) turns an abandon into an answer.
    platform.cti(
        {"event": "answer", "callId": "C", "answeringNumber": "4533661001", "timestamp": _at(10, 25)}
    )
    assert IntervalToRecompute.objects.filter(queue=QUEUE, interval_start=example).exists()
    recompute_statistics_task()
    late = IntervalStatistic.objects.get(pk=first.pk)
    assert (late.answered, late.abandoned, late.total_wait_answered_seconds) == (5, 0, 115)


def test_a_call_moving_to_another_queue_updates_both(example, platform):
    recompute_statistics_task()
    platform.cti({"event": "menuChoice", "callId": "A", "choice": "2", "queue": "kff-bevilling",
                  "timestamp": _at(0, 0)})  # fmt: skip
    recompute_statistics_task()
    assert IntervalStatistic.objects.get(queue=QUEUE, interval_start=example).offered == 6
    assert IntervalStatistic.objects.get(queue="kff-bevilling").offered == 1


def test_a_mark_made_during_recomputation_is_kept(example):
    mark = IntervalToRecompute.objects.filter(queue=QUEUE, interval_start=example)
    pk, generation = mark.values_list("pk", "generation").get()
    statistics.mark([(QUEUE, example)])  # another call changed meanwhile
    IntervalToRecompute.objects.filter(pk=pk, generation=generation).delete()  # what recompute does
    assert mark.exists()


def test_imported_rows_are_not_overwritten(example):
    IntervalStatistic.objects.create(queue=QUEUE, interval_start=example, offered=99, source="import")
    recompute_statistics_task()
    assert IntervalStatistic.objects.get(queue=QUEUE, interval_start=example).offered == 99


def test_intervals_are_half_hours_in_copenhagen():
    local = dt.datetime(2026, 7, 1, 14, 44, 59, tzinfo=OPEN.tzinfo)  # summer time, UTC+2
    start = statistics.interval_start_for(local)
    assert start.astimezone(OPEN.tzinfo).strftime("%H:%M:%S") == "14:30:00"


def test_recompute_range_rebuilds_deleted_rows(example):
    recompute_statistics_task()
    IntervalStatistic.objects.all().delete()
    count = statistics.recompute_range(T10 - dt.timedelta(hours=1), T10 + dt.timedelta(hours=2))
    assert count == 3 and IntervalStatistic.objects.count() == 3


def test_purge_deletes_old_calls_and_keeps_statistics(example, settings):
    recompute_statistics_task()
    settings.TELEPHONY_CALL_RETENTION_DAYS = 31
    with time_machine.travel(T10 + dt.timedelta(days=40), tick=False):
        assert purge_calls_task() == 9
    assert Call.objects.count() == 0 and IntervalStatistic.objects.count() == 3


def test_statistics_page_for_managers(example, manager):
    recompute_statistics_task()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    response = client.get("/telephony/statistics/", {"since": "2026-12-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "43 %" in html  # 3 of 7 answered within target
    assert '<td class="text-align-right">23</td>' in html  # ASA 22.5 rounded
    csv = client.get("/telephony/statistics/", {"since": "2026-12-01", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("queue,interval_start,interval_seconds,offered")
    assert "kc-erhvervskontakt,2026-12-01T10:00:00+01:00,1800,7,4,1,3,20,90,30,840" in lines


def test_statistics_page_bad_dates_are_explained(manager, db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    response = client.get("/telephony/statistics/", {"since": "1/12", "until": "2026-01-01"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "caseworker_a", "editor", "outsider"])
def test_statistics_page_is_refused_to_others(personas, persona):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(getattr(personas, persona))
    assert client.get("/telephony/statistics/").status_code == 403
