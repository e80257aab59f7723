"""Due dates count working days: weekends, Danish holidays and the city's closed days are skipped."""

import datetime as dt

import pytest

from erhvervskontakt.core import workdays
from erhvervskontakt.core.clock import COPENHAGEN
from erhvervskontakt.core.models import ClosedDay


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=COPENHAGEN)


def due_date(received, n):
    return workdays.due_at(received, n).astimezone(COPENHAGEN).date()


@pytest.mark.django_db
class TestDueDates:
    def test_plain_week(self):
        # Monday 10:00 + 3 working days = Thursday.
        assert due_date(at(2026, 3, 2), 3) == dt.date(2026, 3, 5)

    def test_weekend_is_skipped(self):
        # Thursday + 2 working days: Friday, (weekend), Monday.
        assert due_date(at(2026, 3, 5), 2) == dt.date(2026, 3, 9)

    def test_received_on_saturday_counts_from_monday(self):
        assert due_date(at(2026, 3, 7), 1) == dt.date(2026, 3, 10)

    def test_received_after_closing_counts_as_next_working_day(self):
        # Friday 15:30 is after Friday closing (14:00): counts as Monday; +1 = Tuesday.
        assert due_date(at(2026, 3, 6, 15, 30), 1) == dt.date(2026, 3, 10)
        # Friday 11:00 is open: +1 = Monday.
        assert due_date(at(2026, 3, 6, 11), 1) == dt.date(2026, 3, 9)

    def test_easter_2026(self):
        # Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April.
        # Wednesday 1 April + 1 working day = Tuesday 7 April.
        assert due_date(at(2026, 4, 1), 1) == dt.date(2026, 4, 7)
        assert due_date(at(2026, 3, 31), 3) == dt.date(2026, 4, 8)

    def test_christmas_and_new_year(self):
        # 23 Dec 2026 (Wed) + 1: 24 (closed), 25, 26 holidays, 27 Sunday, 28 Monday.
        assert due_date(at(2026, 12, 23), 1) == dt.date(2026, 12, 28)
        # 28 Dec + 3: 29, 30, (31 closed, 1 Jan holiday, weekend) 4 Jan.
        assert due_date(at(2026, 12, 28), 3) == dt.date(2027, 1, 4)

    def test_constitution_day_is_closed(self):
        # 5 June 2026 is a Friday and the city is closed: Thursday 4 June + 1 = Monday 8 June.
        assert due_date(at(2026, 6, 4), 1) == dt.date(2026, 6, 8)

    def test_ascension_and_whit_monday(self):
        # Ascension Day 14 May 2026 (Thu); Whit Monday 25 May.
        assert due_date(at(2026, 5, 13), 1) == dt.date(2026, 5, 15)
        assert due_date(at(2026, 5, 22), 1) == dt.date(2026, 5, 26)

    def test_extra_closed_day_from_admin(self):
        ClosedDay.objects.create(date=dt.date(2026, 3, 3), name="IT-nedbrud")
        workdays.forget_closed_days()
        assert due_date(at(2026, 3, 2), 1) == dt.date(2026, 3, 4)
        workdays.forget_closed_days()

    def test_due_time_is_end_of_day_in_copenhagen(self):
        due = workdays.due_at(at(2026, 3, 2), 1).astimezone(COPENHAGEN)
        assert (due.hour, due.minute) == (23, 59)

    def test_dst_change_keeps_local_end_of_day(self):
        # Summer time starts 29 March 2026.
        due = workdays.due_at(at(2026, 3, 27), 1).astimezone(COPENHAGEN)
        assert due.date() == dt.date(2026, 3, 30) and due.hour == 23


@pytest.mark.django_db
class TestCalendar:
    def test_working_days_between(self):
        # Friday to the next Wednesday: Monday, Tuesday, Wednesday.
        assert workdays.working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 11)) == 3
        assert workdays.working_days_between(dt.date(2026, 3, 11), dt.date(2026, 3, 6)) == 0

    def test_pause_shifts_due_by_working_days_lost(self):
        due = workdays.due_at(at(2026, 3, 2), 5)  # Monday 9 March
        # Paused Wednesday 4 March, resumed Monday 9 March: Thu, Fri, Mon = 3 working days.
        shifted = workdays.shift_due(due, at(2026, 3, 4), at(2026, 3, 9)).astimezone(COPENHAGEN)
        assert shifted.date() == dt.date(2026, 3, 12)

    def test_same_day_pause_does_not_shift(self):
        due = workdays.due_at(at(2026, 3, 2), 5)
        assert workdays.shift_due(due, at(2026, 3, 4, 9), at(2026, 3, 4, 15)) == due

    def test_opening_hours(self):
        assert workdays.is_open(at(2026, 3, 2, 10))
        assert not workdays.is_open(at(2026, 3, 2, 17))
        assert not workdays.is_open(at(2026, 3, 7, 10))  # Saturday
        assert not workdays.is_open(at(2026, 12, 24, 10))  # Christmas Eve
        assert workdays.is_open(at(2026, 3, 6, 13, 59)) and not workdays.is_open(at(2026, 3, 6, 14))

    def test_working_day_before(self):
        assert workdays.working_day_before(dt.date(2026, 4, 7)) == dt.date(2026, 4, 1)

    def test_negative_days_rejected(self):
        with pytest.raises(ValueError):
            workdays.add_working_days(dt.date(2026, 3, 2), -1)
