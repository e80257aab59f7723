"""Demo call history: a realistic weekly and daily pattern, closed days empty, loaded only once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO

from django.core.management import call_command

from erhvervskontakt.capacity.demo_history import generate_rows
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.telephony.models import IntervalStatistic


def test_the_pattern_has_a_monday_peak_a_lunch_dip_and_closed_holidays(db):
    first, last = dt.date(2025, 1, 6), dt.date(2025, 5, 4)  # 17 weeks with Easter and Great Prayer Day
    rows = generate_rows("q", first, last, opening_hours=workdays.opening_hours, tz=clock.COPENHAGEN, seed=1)
    per_weekday, per_slot, days = defaultdict(int), defaultdict(int), set()
    for row in rows:
        start = dt.datetime.fromisoformat(row["interval_start"])
        days.add(start.date())
        per_weekday[start.weekday()] += row["offered"]
        per_slot[start.strftime("%H:%M")] += row["offered"]
        assert row["answered"] + row["abandoned"] == row["offered"]
        assert row["answered_within_target"] <= row["answered"]
        assert 9 <= start.hour < (14 if start.weekday() == 4 else 16)
    assert per_weekday[0] > per_weekday[1] > per_weekday[4] > 0
    assert 5 not in per_weekday and 6 not in per_weekday
    assert per_slot["12:00"] < 0.8 * per_slot["11:00"] and per_slot["12:00"] < 0.8 * per_slot["13:30"]
    assert max(per_slot, key=per_slot.get) in {"10:00", "10:30"}
    for holiday in (dt.date(2025, 4, 17), dt.date(2025, 4, 18), dt.date(2025, 4, 21), dt.date(2025, 1, 1)):
        assert holiday not in days
    assert len(days) == sum(
        1 for i in range((last - first).days + 1) if workdays.opening_hours(first + dt.timedelta(i))
    )


def test_the_command_loads_once(db, frozen_today, queue):
    out = StringIO()
    call_command("load_call_history", "--weeks", "2", stdout=out)
    assert "intervals of call history imported" in out.getvalue()
    rows = IntervalStatistic.objects.filter(queue=queue)
    assert rows.exists() and set(rows.values_list("source", flat=True)) == {"import"}
    assert clock.local(rows.last().interval_start).date() == dt.date(2025, 4, 9)
    count = rows.count()
    out = StringIO()
    call_command("load_call_history", stdout=out)
    assert "already has call statistics; nothing loaded" in out.getvalue()
    assert rows.count() == count


def test_the_command_can_write_the_csv_instead(db, frozen_today, tmp_path):
    target = tmp_path / "history.csv"
    call_command("load_call_history", "--weeks", "1", "--csv", str(target), stdout=StringIO())
    lines = target.read_text().splitlines()
    assert lines[0].startswith("queue,interval_start,interval_seconds,offered")
    assert len(lines) > 40 and not IntervalStatistic.objects.exists()
