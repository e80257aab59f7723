"""Turn a :class:`WeekPlan` into what the templates show: day rows, interval rows, charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erhvervskontakt.capacity import charts
from erhvervskontakt.capacity.models import DayOverride
from erhvervskontakt.capacity.planning import DayPlan, Slot
from erhvervskontakt.capacity.weekplan import WeekPlan, closed_label


@dataclass
class DayView:
    plan: DayPlan
    label: str
    short_label: str
    closed: str  # why the centre is closed, '' when open
    override: DayOverride | None
    rows: list[Slot]

    @property
    def shown(self) -> bool:
        """Whether the day gets its own interval table (open, overridden or with calls or a roster)."""
        return bool(self.plan.is_open or self.override or self.plan.busy_slots or self.plan.planned_hours)

    @property
    def anchor(self) -> str:
        return f"day-{self.plan.day.isoformat()}"


def day_label(day: dt.date) -> str:
    return date_format(day, "l j. F Y")


def short_day_label(day: dt.date) -> str:
    return date_format(day, "D j/n")


def day_views(week: WeekPlan) -> list[DayView]:
    visible = week.plan.visible_slots
    return [
        DayView(
            plan=day,
            label=day_label(day.day),
            short_label=short_day_label(day.day),
            closed=closed_label(day.day),
            override=week.overrides.get(day.day),
            rows=[day.slots[index] for index in visible],
        )
        for day in week.plan.days
    ]


def week_charts(days: list[DayView]) -> list:
    """Two charts over the shown days' intervals: calls, and agents to roster against planned."""
    shown = [day for day in days if day.shown and day.rows]
    groups, slots = [], []
    for day in shown:
        # Only the day's own open (or busy, or planned) half hours: Friday closes early.
        rows = [slot for slot in day.rows if slot.is_open or slot.busy or slot.planned is not None]
        if not rows:
            continue
        groups.append(charts.Group(day.short_label, len(slots), len(slots) + len(rows)))
        slots.extend(rows)
    if not slots:
        return []
    has_actual = any(slot.actual is not None for slot in slots)
    call_series = [charts.Series(_("Forecast calls"), [slot.calls for slot in slots], "bars")]
    if has_actual:
        call_series.append(
            charts.Series(
                _("Actual calls"), [slot.actual if slot.actual is not None else 0 for slot in slots], "dashed"
            )
        )
    first, last = slots[0].start, slots[-1].end
    calls_chart = charts.chart(
        chart_id="chart-calls",
        title=_("Calls per half hour"),
        description=_(
            "Forecast calls per half hour from %(first)s to %(last)s, %(total)s calls in all; "
            "peak %(peak)s calls. "
            "The same numbers are in the tables below."
        )
        % {
            "first": date_format(first, "j/n H:i"),
            "last": date_format(last, "j/n H:i"),
            "total": f"{sum(slot.calls for slot in slots):.0f}",
            "peak": f"{max(slot.calls for slot in slots):.0f}",
        },
        series=call_series,
        groups=groups,
        y_label=_("Calls"),
    )
    has_planned = any(slot.planned is not None for slot in slots)
    agent_series = [charts.Series(_("Agents to roster"), [float(slot.to_roster) for slot in slots], "step")]
    if has_planned:
        agent_series.insert(
            0, charts.Series(_("Planned agents"), [slot.planned or 0 for slot in slots], "bars")
        )
    short = sum(1 for slot in slots if slot.short_by)
    agents_chart = charts.chart(
        chart_id="chart-agents",
        title=_("Agents to roster and planned agents per half hour"),
        description=(
            _("Peak: %(peak)d agents to roster. ") % {"peak": max(slot.to_roster for slot in slots)}
            + (
                _("%(short)d half hours with calls have fewer planned agents than needed.") % {"short": short}
                if has_planned
                else _("No agents have been planned for these days yet.")
            )
        ),
        series=agent_series,
        groups=groups,
        y_label=_("Agents"),
    )
    return [calls_chart, agents_chart]
