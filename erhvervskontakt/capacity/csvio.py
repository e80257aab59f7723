"""CSV in and out: the plan as a spreadsheet, and planned agents from one.

Export columns are English identifiers (stable for spreadsheets and scripts); times are Copenhagen
local time with their UTC offset. The planned-agents import reads the export back (its
``interval_start`` and ``planned_agents`` columns) or a two-column file ``interval_start,agents``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from erhvervskontakt.core import clock

if TYPE_CHECKING:
    from erhvervskontakt.capacity.weekplan import WeekPlan

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_LINES = 20_000
MAX_ERRORS = 20

EXPORT_COLUMNS = [
    "queue",
    "date",
    "interval_start",
    "interval_end",
    "day_open",
    "forecast_calls",
    "actual_calls",
    "aht_seconds",
    "required_agents_erlang_c",
    "required_agents_erlang_a",
    "agents_to_roster",
    "planned_agents",
    "agents_on_phones",
    "expected_service_level",
    "expected_abandonment",
    "expected_asa_seconds",
    "expected_occupancy",
]


class CsvError(ValueError):
    """The file cannot be imported; ``errors`` lists the problems (with line numbers)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else str(round(value))


def _aware(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=clock.COPENHAGEN, fold=0)


def plan_csv(week: WeekPlan) -> str:
    """Every slot of the plan's days with calls, planned agents or opening hours, one line each."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    aht = week.plan.targets.aht_seconds
    for day in week.plan.days:
        for slot in day.slots:
            if not (slot.is_open or slot.busy or slot.planned is not None or slot.actual):
                continue
            expected = slot.expected
            writer.writerow(
                [
                    week.queue,
                    day.day.isoformat(),
                    _aware(slot.start).isoformat(timespec="minutes"),
                    _aware(slot.end).isoformat(timespec="minutes"),
                    "1" if day.is_open else "0",
                    _fmt(slot.calls, 2),
                    _fmt(slot.actual, 0),
                    _fmt(aht, 1),
                    slot.required_c.agents,
                    "" if slot.required_a is None else slot.required_a.agents,
                    slot.to_roster,
                    "" if slot.planned is None else slot.planned,
                    "" if slot.on_phones is None else slot.on_phones,
                    _fmt(expected.service_level if expected and slot.busy else None),
                    _fmt(expected.p_abandon if expected and slot.busy else None),
                    _fmt(expected.asa_seconds if expected and slot.busy else None, 1),
                    _fmt(expected.occupancy if expected and slot.busy else None),
                ]
            )
    return out.getvalue()


_LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M")


def parse_start(text: str) -> dt.datetime:
    """An interval start from ISO 8601 (offset optional) or a Danish spreadsheet date, as aware UTC."""
    text = text.strip()
    moment = None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for pattern in _LOCAL_FORMATS:
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(_("“%(value)s” is not a date and time such as 2026-03-02 09:30.") % {"value": text})
    if moment.tzinfo is None:
        local = _aware(moment)
        if local.astimezone(dt.UTC).astimezone(clock.COPENHAGEN).replace(tzinfo=None) != moment:
            raise ValueError(_("%(value)s does not exist in Copenhagen (daylight saving).") % {"value": text})
        moment = local
    if moment.second or moment.microsecond or moment.astimezone(dt.UTC).minute % 30:
        raise ValueError(_("%(value)s is not the start of a half hour.") % {"value": text})
    return moment.astimezone(dt.UTC)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on Danish Windows save "CSV" as Windows-1252; digits and dates read the same.
        return data.decode("cp1252", errors="replace")


_AGENTS = re.compile(r"\d{1,3}")


def parse_planned_agents(data: bytes, *, queue: str) -> dict[dt.datetime, int | None]:
    """Planned agents per interval start (aware UTC) from CSV bytes; an empty agents cell removes it.

    Raises :class:`CsvError` with every problem found (up to :data:`MAX_ERRORS`); nothing is partial.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise CsvError([_("The file is larger than 1 MB.")])
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise CsvError([_("The file is empty.")]) from None
    start_col = next((header.index(n) for n in ("interval_start", "start") if n in header), None)
    agents_col = next((header.index(n) for n in ("planned_agents", "agents") if n in header), None)
    if start_col is None or agents_col is None:
        raise CsvError(
            [
                _(
                    "Line 1 must name the columns interval_start and agents "
                    "(or planned_agents, as in the export)."
                )
            ]
        )
    queue_col = header.index("queue") if "queue" in header else None
    errors: list[str] = []
    rows: dict[dt.datetime, int | None] = {}
    first_line: dict[dt.datetime, int] = {}
    for cells in reader:
        line = reader.line_num
        if line > MAX_IMPORT_LINES:
            errors.append(_("The file has more than %(max)d lines.") % {"max": MAX_IMPORT_LINES})
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) <= max(start_col, agents_col):
            errors.append(_("Line %(line)d: too few columns.") % {"line": line})
            continue
        if queue_col is not None and len(cells) > queue_col and cells[queue_col].strip() not in ("", queue):
            errors.append(
                _("Line %(line)d: queue “%(found)s” is not %(queue)s.")
                % {"line": line, "found": cells[queue_col].strip(), "queue": queue}
            )
            continue
        try:
            start = parse_start(cells[start_col])
        except ValueError as exc:
            errors.append(_("Line %(line)d: %(error)s") % {"line": line, "error": exc})
            continue
        raw = cells[agents_col].strip()
        if raw and not _AGENTS.fullmatch(raw):
            errors.append(
                _("Line %(line)d: agents must be a whole number from 0 to 999, not “%(value)s”.")
                % {"line": line, "value": raw}
            )
            continue
        if start in first_line:
            errors.append(
                _("Line %(line)d: the same interval as line %(first)d.")
                % {"line": line, "first": first_line[start]}
            )
            continue
        first_line[start] = line
        rows[start] = int(raw) if raw else None
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise CsvError(errors[:MAX_ERRORS])
    if not rows:
        raise CsvError([_("The file has no intervals.")])
    return rows
