"""Read-only queries for capacity planning: call history, settings, overrides, the roster.

Call history comes from telephony's ``IntervalStatistic`` (read only). Interval starts are stored as
aware datetimes; planning works in Copenhagen wall-clock time, so this module converts both ways.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum

from erhvervskontakt.capacity.forecast import DailyHistory
from erhvervskontakt.capacity.models import DayOverride, PlanChange, PlannedAgents, StaffingSettings
from erhvervskontakt.capacity.planning import SLOT_MINUTES
from erhvervskontakt.core import clock


def local_naive(moment: dt.datetime) -> dt.datetime:
    """Copenhagen wall-clock time of an aware datetime, without tzinfo (the planning convention)."""
    return moment.astimezone(clock.COPENHAGEN).replace(tzinfo=None)


def aware(local: dt.datetime) -> dt.datetime:
    """The aware moment of a Copenhagen wall-clock time (the first one when the clock goes back)."""
    return local.replace(tzinfo=clock.COPENHAGEN, fold=0)


def day_bounds(first_day: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """Aware start of ``first_day`` and of the day after the last one (Copenhagen midnight)."""
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=clock.COPENHAGEN)
    end = dt.datetime.combine(first_day + dt.timedelta(days=days), dt.time(), tzinfo=clock.COPENHAGEN)
    return start, end


def _statistics():
    from erhvervskontakt.telephony.models import IntervalStatistic

    return IntervalStatistic.objects


def known_queues() -> list[str]:
    """Queues a manager can plan: the configured ones, those with settings, those with recent calls."""
    since = clock.now() - dt.timedelta(weeks=settings.CAPACITY_HISTORY_WEEKS)
    queues = set(settings.CAPACITY_QUEUES)
    queues.update(StaffingSettings.objects.values_list("queue", flat=True))
    queues.update(
        _statistics().filter(interval_start__gte=since).values_list("queue", flat=True).distinct().order_by()
    )
    configured = list(settings.CAPACITY_QUEUES)
    return configured + sorted(queues - set(configured))


def default_queue() -> str:
    return (
        settings.CAPACITY_QUEUES[0] if settings.CAPACITY_QUEUES else settings.TELEPHONY_CONTACT_CENTRE_QUEUE
    )


def queue_label(queue: str) -> str:
    """A queue's human name: the unit it is named after, if any."""
    from erhvervskontakt.organisation.models import Unit

    unit = Unit.objects.filter(code=queue).first()
    return f"{unit.name} ({queue})" if unit is not None else queue


def staffing_settings(queue: str) -> StaffingSettings:
    """The queue's settings, or an unsaved row with the defaults."""
    return StaffingSettings.objects.filter(queue=queue).first() or StaffingSettings(queue=queue)


@dataclass(frozen=True)
class History:
    """Call history of one queue in planning form, plus the handling time it shows."""

    daily: DailyHistory | None
    talk_seconds: float | None  # mean handle time of answered calls, None when nothing was answered
    answered: int


def history(queue: str, last_day: dt.date, weeks: int) -> History:
    """Offered calls per slot for the ``weeks`` weeks up to and including ``last_day``.

    The history starts on the first day with a record (a queue that began recently must not look as
    if it had been open without calls before) and always ends on ``last_day``.
    """
    first_day = last_day - dt.timedelta(days=7 * weeks - 1)
    start, end = day_bounds(first_day, (last_day - first_day).days + 1)
    rows = list(
        _statistics()
        .filter(queue=queue, interval_start__gte=start, interval_start__lt=end)
        .values_list("interval_start", "offered", "answered", "total_handle_seconds")
    )
    records = [(local_naive(start_at), offered) for start_at, offered, _, _ in rows]
    answered = sum(row[2] for row in rows)
    handle = sum(row[3] for row in rows)
    daily = (
        DailyHistory.from_records(records, SLOT_MINUTES, last_day=last_day)
        if records and any(offered for _, offered in records)
        else None
    )
    return History(
        daily=daily, talk_seconds=handle / answered if answered and handle else None, answered=answered
    )


def has_history(queue: str) -> bool:
    return _statistics().filter(queue=queue).exists()


def actual_calls(queue: str, first_day: dt.date, days: int) -> dict[dt.datetime, float]:
    """Offered calls already recorded in the plan's days, keyed by local slot start."""
    start, end = day_bounds(first_day, days)
    if start > clock.now():
        return {}
    rows = (
        _statistics()
        .filter(queue=queue, interval_start__gte=start, interval_start__lt=end)
        .values_list("interval_start", "offered")
    )
    actual: dict[dt.datetime, float] = {}
    for start_at, offered in rows:
        key = local_naive(start_at)
        actual[key] = actual.get(key, 0.0) + offered
    return actual


def overrides(queue: str, first_day: dt.date, last_day: dt.date) -> dict[dt.date, DayOverride]:
    return {
        row.day: row
        for row in DayOverride.objects.filter(
            queue=queue, day__gte=first_day, day__lte=last_day
        ).select_related("created_by")
    }


def upcoming_overrides(queue: str, since: dt.date):
    return (
        DayOverride.objects.filter(queue=queue, day__gte=since).select_related("created_by").order_by("day")
    )


def planned_agents(queue: str, first_day: dt.date, days: int) -> dict[dt.datetime, int]:
    """The roster of the plan's days, keyed by local slot start."""
    start, end = day_bounds(first_day, days)
    rows = PlannedAgents.objects.filter(queue=queue, interval_start__gte=start, interval_start__lt=end)
    return {
        local_naive(start_at): agents for start_at, agents in rows.values_list("interval_start", "agents")
    }


def planned_total(queue: str) -> int:
    return PlannedAgents.objects.filter(queue=queue).aggregate(total=Sum("agents"))["total"] or 0


def recent_changes(queue: str, limit: int = 15):
    return PlanChange.objects.filter(queue=queue).select_related("actor")[:limit]
