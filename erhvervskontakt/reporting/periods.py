"""Report periods: whole Copenhagen days, first and last day included."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from erhvervskontakt.core import clock

# Longer periods are refused at the form: a report over decades answers no question and
# would only load the database.
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """From the start of ``start`` to the end of ``end`` (Copenhagen time)."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> dt.datetime:
        """The first moment of the period (aware)."""
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=clock.COPENHAGEN)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period (aware); periods are half-open [since, until)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=clock.COPENHAGEN)

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts.

        Whole calendar months compare with the same number of whole months before (2025 with
        2024, even though 2024 has a leap day); other periods with the same number of days.
        """
        end = self.start - dt.timedelta(days=1)
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            index = self.start.year * 12 + self.start.month - 1 - months
            return Period(dt.date(index // 12, index % 12 + 1, 1), end)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    def label(self) -> str:
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def as_params(self, prefix: str = "") -> dict[str, str]:
        return {f"{prefix}from": self.start.isoformat(), f"{prefix}to": self.end.isoformat()}


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31))


def month(day: dt.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last))


def presets(today: dt.date | None = None) -> list[tuple[str, Period]]:
    """Quick choices offered above the report form."""
    today = today or clock.today()
    last_month_day = today.replace(day=1) - dt.timedelta(days=1)
    return [
        (_("Last year"), year(today.year - 1)),
        (_("This year so far"), Period(dt.date(today.year, 1, 1), today)),
        (_("Last month"), month(last_month_day)),
        (_("Last 30 days"), Period(today - dt.timedelta(days=29), today)),
    ]


def default_period(today: dt.date | None = None) -> Period:
    today = today or clock.today()
    return Period(dt.date(today.year, 1, 1), today)
