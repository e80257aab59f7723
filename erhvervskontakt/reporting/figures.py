"""The result of a report: named figures, each with what it drills down to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from erhvervskontakt.reporting.periods import Period
from erhvervskontakt.reporting.scope import Scope

COUNT, PERCENT, SCORE, DAYS, SECONDS = "count", "percent", "score", "days", "seconds"


def pct(part: int | float | None, whole: int | float | None) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return 100.0 * part / whole


def growth(current: int | None, previous: int | None) -> float | None:
    """Change from ``previous`` to ``current`` in percent of ``previous``; None without a previous."""
    if current is None or not previous:
        return None
    return 100.0 * (current - previous) / previous


def ratio(part: int | float | None, whole: int | float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


@dataclass
class Figure:
    key: str
    value: int | float | None
    kind: str = COUNT
    measure: str | None = None  # the drill-down measure (for a percentage: its numerator)
    period: Period | None = None  # drill-down period when it is not the report's own
    params: dict[str, str] = field(default_factory=dict)  # extra drill-down filters

    @property
    def drillable(self) -> bool:
        return self.measure is not None and self.value not in (None, 0)


@dataclass
class GoalResult:
    goal: object  # ServiceGoal
    actual: float | None
    figure_key: str | None  # the report figure it was read from, when it is one
    measure: str | None
    params: dict[str, str]

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual >= float(self.goal.target)


@dataclass
class Report:
    period: Period
    scope: Scope
    now: dt.datetime
    figures: dict[str, Figure] = field(default_factory=dict)
    calls_included: bool = False
    surveys_available: bool = False
    departments: list = field(default_factory=list)  # Department rows with matters in the report
    topics: list = field(default_factory=list)
    coordinator_units: list = field(default_factory=list)
    months: list[dt.date] = field(default_factory=list)
    goals: list[GoalResult] = field(default_factory=list)
    baseline: Report | None = None
    inquiry_id_range: tuple[int, int] | None = None  # lowest and highest id of the report's inquiries

    @property
    def previous(self) -> Period:
        return self.period.previous()

    def add(self, key: str, value, kind: str = COUNT, measure: str | None = None, **extra) -> Figure:
        figure = Figure(key=key, value=value, kind=kind, measure=measure, **extra)
        self.figures[key] = figure
        return figure

    def value(self, key: str):
        figure = self.figures.get(key)
        return None if figure is None else figure.value

    def values(self) -> dict[str, int | float | None]:
        return {key: figure.value for key, figure in self.figures.items()}

    def __getitem__(self, key: str) -> Figure:
        return self.figures[key]
