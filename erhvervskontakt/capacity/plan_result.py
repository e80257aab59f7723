"""The result of a plan: days of 30-minute slots with forecast, requirement, roster and outcome.

Built by :func:`erhvervskontakt.capacity.planning.compute_plan`; read by the pages and the CSV export.
Aggregates over slots weigh by forecast calls: a day's service level is the share of its calls, not
the average of its half hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from erhvervskontakt.capacity.erlang import StaffingResult

if TYPE_CHECKING:
    from erhvervskontakt.capacity.forecast import BacktestResult
    from erhvervskontakt.capacity.planning import Targets

SLOT_MINUTES = 30
SLOT_SECONDS = SLOT_MINUTES * 60
# Forecast slots below this many calls are shown as empty and do not make a slot "busy".
MIN_CALLS = 0.05


@dataclass
class Slot:
    start: dt.datetime
    calls: float
    required_c: StaffingResult
    required_a: StaffingResult | None
    planned: int | None = None
    on_phones: int | None = None
    expected: StaffingResult | None = None
    actual: float | None = None
    is_open: bool = True

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=SLOT_MINUTES)

    @property
    def required(self) -> StaffingResult:
        """The requirement the roster must meet: Erlang A when patience is set, else Erlang C."""
        return self.required_a if self.required_a is not None else self.required_c

    @property
    def to_roster(self) -> int:
        return self.required.agents_with_shrinkage

    @property
    def busy(self) -> bool:
        return self.calls >= MIN_CALLS

    @property
    def shortfall(self) -> int | None:
        """Rostered minus needed (negative = too few); None when nothing is planned."""
        return None if self.planned is None else self.planned - self.to_roster

    @property
    def short_by(self) -> int:
        """Agents missing in a slot with calls (0 when enough are planned or nothing is planned)."""
        shortfall = self.shortfall
        return -shortfall if self.busy and shortfall is not None and shortfall < 0 else 0


@dataclass
class DayPlan:
    day: dt.date
    is_open: bool
    hours: tuple[dt.time, dt.time] | None
    override: float | None
    slots: list[Slot]

    @property
    def calls(self) -> float:
        return sum(slot.calls for slot in self.slots)

    @property
    def actual_calls(self) -> float | None:
        values = [slot.actual for slot in self.slots if slot.actual is not None]
        return sum(values) if values else None

    @property
    def peak_to_roster(self) -> int:
        return max((slot.to_roster for slot in self.slots), default=0)

    @property
    def hours_to_roster(self) -> float:
        return sum(slot.to_roster for slot in self.slots) * SLOT_MINUTES / 60

    @property
    def planned_hours(self) -> float | None:
        values = [slot.planned for slot in self.slots if slot.planned is not None]
        return sum(values) * SLOT_MINUTES / 60 if values else None

    @property
    def busy_slots(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.busy]

    @property
    def planned_busy_slots(self) -> list[Slot]:
        return [slot for slot in self.busy_slots if slot.expected is not None]

    @property
    def understaffed_slots(self) -> int:
        return sum(1 for slot in self.slots if slot.short_by)

    def _weighted(self, name: str) -> float | None:
        return _weighted(self.planned_busy_slots, name)

    @property
    def expected_service_level(self) -> float | None:
        return self._weighted("service_level")

    @property
    def expected_abandon(self) -> float | None:
        return self._weighted("p_abandon")

    @property
    def required_service_level(self) -> float | None:
        """Calls-weighted service level if exactly the required agents answer."""
        busy = self.busy_slots
        total = sum(slot.calls for slot in busy)
        if not total:
            return None
        return sum(slot.calls * slot.required.service_level for slot in busy) / total


def _weighted(slots: list[Slot], name: str) -> float | None:
    """Calls-weighted mean of an ``expected`` measure (the share of the calls, not of the slots)."""
    total = sum(slot.calls for slot in slots)
    if not total:
        return None
    values = [getattr(slot.expected, name) for slot in slots]
    if any(value is None for value in values):
        return None
    return sum(slot.calls * value for slot, value in zip(slots, values, strict=True)) / total


@dataclass
class Plan:
    days: list[DayPlan]
    targets: Targets
    method: str
    notes: list[str]
    history_first_day: dt.date | None
    history_last_day: dt.date | None
    backtest: BacktestResult | None
    visible_slots: list[int]

    @property
    def slots(self) -> list[Slot]:
        return [slot for day in self.days for slot in day.slots]

    @property
    def calls(self) -> float:
        return sum(day.calls for day in self.days)

    @property
    def has_forecast(self) -> bool:
        return self.method != "none"

    @property
    def planned_busy_slots(self) -> list[Slot]:
        return [slot for day in self.days for slot in day.planned_busy_slots]

    @property
    def busy_slot_count(self) -> int:
        return sum(len(day.busy_slots) for day in self.days)

    @property
    def expected_service_level(self) -> float | None:
        return _weighted(self.planned_busy_slots, "service_level")

    @property
    def expected_abandon(self) -> float | None:
        return _weighted(self.planned_busy_slots, "p_abandon")

    @property
    def hours_to_roster(self) -> float:
        return sum(day.hours_to_roster for day in self.days)

    @property
    def planned_hours(self) -> float | None:
        values = [day.planned_hours for day in self.days if day.planned_hours is not None]
        return sum(values) if values else None

    @property
    def understaffed_slots(self) -> int:
        return sum(day.understaffed_slots for day in self.days)

    def slot(self, start: dt.datetime) -> Slot | None:
        for day in self.days:
            if day.day == start.date():
                index = (start.hour * 60 + start.minute) // SLOT_MINUTES
                return day.slots[index]
        return None
