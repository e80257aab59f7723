"""The one door for every change to capacity planning data.

Each function runs in a transaction, validates, writes, and appends a :class:`PlanChange` naming the
actor and what changed. Views, commands and imports call these; nothing else saves these models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from erhvervskontakt.capacity import csvio
from erhvervskontakt.capacity.models import (
    ChangeKind,
    DayOverride,
    OverrideReason,
    PlanChange,
    PlannedAgents,
    StaffingSettings,
)
from erhvervskontakt.core import clock

SETTINGS_FIELDS = (
    "service_level_percent",
    "service_level_seconds",
    "max_occupancy_percent",
    "shrinkage_percent",
    "patience_seconds",
    "max_abandon_percent",
    "aht_seconds",
    "after_call_work_seconds",
)


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value for the change record."""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral() else format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record(queue: str, kind: str, actor, **details: Any) -> PlanChange:
    """Append a change record (inside the caller's transaction)."""
    return PlanChange.objects.create(
        queue=queue,
        kind=kind,
        at=clock.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        details={key: _plain(value) for key, value in details.items()},
    )


@transaction.atomic
def settings_update(queue: str, values: Mapping[str, Any], *, actor) -> StaffingSettings:
    """Change a queue's staffing settings; fields missing from ``values`` keep their value.

    Raises ValidationError (nothing saved) when a value is out of range or the combination is invalid.
    """
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    row = StaffingSettings.objects.select_for_update().filter(queue=queue).first()
    if row is None:
        row = StaffingSettings(queue=queue)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor if actor is not None and actor.is_authenticated else None
    row.full_clean()
    row.save()
    row.refresh_from_db()
    changed = {
        name: {"from": _plain(before[name]), "to": _plain(getattr(row, name))}
        for name in SETTINGS_FIELDS
        if before[name] != getattr(row, name)
    }
    if changed:
        record(queue, ChangeKind.SETTINGS, actor, changed=changed)
    return row


@transaction.atomic
def override_set(
    queue: str, day: dt.date, total_calls: int, reason: str, *, actor, note: str = ""
) -> DayOverride:
    """Replace the forecast total of ``day`` by ``total_calls`` (creating or changing the override)."""
    if reason not in OverrideReason.values:
        raise ValidationError({"reason": f"unknown reason {reason!r}"})
    row = DayOverride.objects.select_for_update().filter(queue=queue, day=day).first()
    previous = None if row is None else row.total_calls
    if row is None:
        row = DayOverride(queue=queue, day=day)
    row.total_calls = total_calls
    row.reason = reason
    row.note = note
    row.created_by = actor if actor is not None and actor.is_authenticated else None
    row.full_clean(validate_unique=False)
    row.save()
    record(
        queue,
        ChangeKind.OVERRIDE_SET,
        actor,
        day=day,
        total_calls=total_calls,
        previous=previous,
        reason=reason,
        note=note,
    )
    return row


@transaction.atomic
def override_remove(queue: str, day: dt.date, *, actor) -> bool:
    """Remove the override of ``day``; False when there was none."""
    row = DayOverride.objects.select_for_update().filter(queue=queue, day=day).first()
    if row is None:
        return False
    record(queue, ChangeKind.OVERRIDE_REMOVED, actor, day=day, total_calls=row.total_calls, reason=row.reason)
    row.delete()
    return True


@dataclass(frozen=True)
class RosterChange:
    created: int
    updated: int
    removed: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.removed


def _check_start(start: dt.datetime) -> dt.datetime:
    if start.tzinfo is None:
        raise ValueError(f"interval start {start} must be timezone-aware")
    if start.second or start.microsecond or start.astimezone(dt.UTC).minute % 30:
        raise ValueError(f"interval start {start} is not on a 30-minute boundary")
    return start.astimezone(dt.UTC)


@transaction.atomic
def planned_agents_set(
    queue: str,
    values: Mapping[dt.datetime, int | None],
    *,
    actor,
    kind: str = ChangeKind.ROSTER,
    source: str = "form",
) -> RosterChange:
    """Set the planned agents of the given intervals (None removes the plan for an interval).

    Interval starts are aware datetimes on 30-minute boundaries. Raises ValueError (nothing saved)
    for a negative or too large number. Unchanged intervals are not written.
    """
    wanted: dict[dt.datetime, int | None] = {}
    for start, agents in values.items():
        if agents is not None and (isinstance(agents, bool) or not isinstance(agents, int)):
            raise ValueError(f"planned agents must be whole numbers, got {agents!r}")
        if agents is not None and not 0 <= agents <= 999:
            raise ValueError(f"planned agents must be between 0 and 999, got {agents}")
        wanted[_check_start(start)] = agents
    if not wanted:
        return RosterChange(0, 0, 0)
    existing = {
        row.interval_start: row
        for row in PlannedAgents.objects.select_for_update().filter(
            queue=queue, interval_start__in=list(wanted)
        )
    }
    user = actor if actor is not None and actor.is_authenticated else None
    created: list[PlannedAgents] = []
    updated: list[PlannedAgents] = []
    removed: list[int] = []
    for start, agents in wanted.items():
        row = existing.get(start)
        if agents is None:
            if row is not None:
                removed.append(row.pk)
        elif row is None:
            created.append(PlannedAgents(queue=queue, interval_start=start, agents=agents, updated_by=user))
        elif row.agents != agents:
            row.agents = agents
            row.updated_by = user
            row.updated_at = clock.now()
            updated.append(row)
    PlannedAgents.objects.bulk_create(created)
    PlannedAgents.objects.bulk_update(updated, ["agents", "updated_by", "updated_at"])
    PlannedAgents.objects.filter(pk__in=removed).delete()
    change = RosterChange(len(created), len(updated), len(removed))
    if change.total:
        changed_starts = sorted(
            [row.interval_start for row in created + updated]
            + [start for start, agents in wanted.items() if agents is None and start in existing]
        )
        record(
            queue,
            kind,
            actor,
            source=source,
            created=change.created,
            updated=change.updated,
            removed=change.removed,
            first=changed_starts[0],
            last=changed_starts[-1],
        )
    return change


def planned_agents_import(queue: str, data: bytes, *, actor, filename: str = "") -> RosterChange:
    """Import planned agents from a CSV file (see :func:`csvio.parse_planned_agents`); all or nothing.

    Raises :class:`csvio.CsvError` listing the bad lines when the file cannot be used.
    """
    rows = csvio.parse_planned_agents(data, queue=queue)
    return planned_agents_set(
        queue, rows, actor=actor, kind=ChangeKind.ROSTER_IMPORT, source=filename or "csv"
    )
