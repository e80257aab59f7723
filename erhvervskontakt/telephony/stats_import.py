"""Import historical call statistics from a CSV file in the shape of ``IntervalStatistic``.

Columns (header row required, order free, ``,`` or ``;`` separated, UTF-8 with or without BOM)::

    queue, interval_start, offered, answered, abandoned, answered_within_target,
    total_wait_answered_seconds, total_wait_abandoned_seconds, total_handle_seconds
    optional: interval_seconds (must be 1800), service_target_seconds (default: the setting)

``interval_start`` is ISO 8601; without an offset it is Copenhagen time. Every line is checked
before anything is written; one bad line means nothing is imported and every problem is
reported with its line number. Re-importing a file replaces the rows it imported before; a
row computed from call records is only replaced with ``replace=True``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.telephony.models import IntervalStatistic
from erhvervskontakt.telephony.statistics import SOURCE_CALLS, SOURCE_IMPORT

COUNTS = ["offered", "answered", "abandoned", "answered_within_target"]
SECONDS = ["total_wait_answered_seconds", "total_wait_abandoned_seconds", "total_handle_seconds"]
REQUIRED = ["queue", "interval_start", *COUNTS, *SECONDS]
OPTIONAL = ["interval_seconds", "service_target_seconds"]
COLUMNS = [*REQUIRED[:2], "interval_seconds", *COUNTS, "service_target_seconds", *SECONDS]
QUEUE = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
MAX_LINES = 500_000


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    replaced: int = 0


class LineError(ValueError):
    pass


def _number(raw: str, name: str, *, integer: bool, decimal_comma: bool) -> float | int:
    text = (raw or "").strip()
    if decimal_comma:
        text = text.replace(",", ".")
    if text == "":
        raise LineError(_("“%(column)s” is empty.") % {"column": name})
    try:
        value = int(text) if integer else float(text)
    except ValueError as exc:
        kind = _("a whole number") if integer else _("a number")
        raise LineError(_("“%(column)s” must be %(kind)s, not “%(value)s”.") % {
            "column": name, "kind": kind, "value": raw}) from exc  # fmt: skip
    if not math.isfinite(value):
        raise LineError(_("“%(column)s” must be a finite number.") % {"column": name})
    if value < 0:
        raise LineError(_("“%(column)s” must not be negative.") % {"column": name})
    return value


def _moment(raw: str) -> dt.datetime:
    text = (raw or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LineError(
            _("“interval_start” must be a date and time like 2025-03-03T09:30 or 2025-03-03 09:30+01:00.")
        ) from exc
    if moment.tzinfo is None:
        local = moment.replace(tzinfo=clock.COPENHAGEN)
        # A wall-clock time skipped or repeated by daylight saving time cannot be placed.
        roundtrip = local.astimezone(dt.UTC).astimezone(clock.COPENHAGEN).replace(tzinfo=None)
        if roundtrip != moment or local.replace(fold=1).utcoffset() != local.utcoffset():
            raise LineError(_("“interval_start” falls in a daylight saving change; give the UTC offset."))
        moment = local
    seconds = settings.TELEPHONY_INTERVAL_SECONDS
    if int(moment.timestamp()) % seconds or moment.second or moment.microsecond:
        raise LineError(_("“interval_start” must be on a full or half hour."))
    return moment.astimezone(dt.UTC)


def _row(line: dict, decimal_comma: bool) -> dict:
    queue = (line.get("queue") or "").strip()
    if not QUEUE.fullmatch(queue):
        raise LineError(_("“queue” must be 1-64 letters, digits or . _ : -"))
    row = {"queue": queue, "interval_start": _moment(line.get("interval_start", ""))}
    for name in COUNTS:
        row[name] = _number(line.get(name, ""), name, integer=True, decimal_comma=decimal_comma)
    for name in SECONDS:
        row[name] = _number(line.get(name, ""), name, integer=False, decimal_comma=decimal_comma)
    interval = (line.get("interval_seconds") or "").strip()
    if interval and interval != str(settings.TELEPHONY_INTERVAL_SECONDS):
        raise LineError(_("“interval_seconds” must be 1800 (30-minute intervals)."))
    target = (line.get("service_target_seconds") or "").strip()
    row["service_target_seconds"] = (
        _number(target, "service_target_seconds", integer=True, decimal_comma=decimal_comma)
        if target
        else settings.TELEPHONY_SERVICE_LEVEL_SECONDS
    )
    if row["answered"] + row["abandoned"] > row["offered"]:
        raise LineError(_("answered + abandoned is more than offered."))
    if row["answered_within_target"] > row["answered"]:
        raise LineError(_("answered_within_target is more than answered."))
    if row["answered"] == 0 and (row["total_wait_answered_seconds"] or row["total_handle_seconds"]):
        raise LineError(_("Wait or handle time of answered calls is given, but no call was answered."))
    if row["abandoned"] == 0 and row["total_wait_abandoned_seconds"]:
        raise LineError(_("Wait of abandoned calls is given, but no call was abandoned."))
    return row


def read(text: str) -> ImportResult:
    """Check every line of the CSV text; the result holds the rows or the errors (never both)."""
    result = ImportResult()
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        result.errors.append(_("Line 1: missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return result
    unknown = [name for name in header if name and name not in REQUIRED + OPTIONAL]
    if unknown:
        result.errors.append(_("Line 1: unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        return result
    reader.fieldnames = header
    seen: dict[tuple[str, dt.datetime], int] = {}
    for line in reader:
        number = reader.line_num
        if number > MAX_LINES:
            result.errors.append(_("The file has more than %(max)d lines.") % {"max": MAX_LINES})
            break
        if None in line:
            result.errors.append(_("Line %(line)d: more values than columns.") % {"line": number})
            continue
        if not any((value or "").strip() for value in line.values()):
            continue
        try:
            row = _row(line, decimal_comma=delimiter == ";")
        except LineError as exc:
            result.errors.append(_("Line %(line)d: %(error)s") % {"line": number, "error": exc})
            continue
        key = (row["queue"], row["interval_start"])
        if key in seen:
            result.errors.append(
                _("Line %(line)d: the same queue and interval as line %(first)d.")
                % {"line": number, "first": seen[key]}
            )
            continue
        seen[key] = number
        row["line"] = number
        result.rows.append(row)
    if result.errors:
        result.rows = []
    return result


def import_rows(result: ImportResult, *, replace: bool = False) -> ImportResult:
    """Write checked rows in one transaction; a row from call records blocks it unless ``replace``."""
    if result.errors or not result.rows:
        return result
    with transaction.atomic():
        keys = {(r["queue"], r["interval_start"]) for r in result.rows}
        queues = {q for q, _start in keys}
        existing = {
            (s.queue, s.interval_start): s
            for s in IntervalStatistic.objects.select_for_update().filter(queue__in=queues)
            if (s.queue, s.interval_start) in keys
        }
        for row in result.rows:
            current = existing.get((row["queue"], row["interval_start"]))
            if current is not None and current.source == SOURCE_CALLS and not replace:
                result.errors.append(
                    _(
                        "Line %(line)d: %(queue)s %(start)s is already computed from call records "
                        "(use --replace to overwrite it)."
                    )
                    % {"line": row["line"], "queue": row["queue"], "start": row["interval_start"].isoformat()}
                )
        if result.errors:
            transaction.set_rollback(True)
            return result
        for row in result.rows:
            values = {k: v for k, v in row.items() if k not in ("queue", "interval_start", "line")}
            values.update(interval_seconds=settings.TELEPHONY_INTERVAL_SECONDS, source=SOURCE_IMPORT)
            current = existing.get((row["queue"], row["interval_start"]))
            if current is None:
                IntervalStatistic.objects.create(
                    queue=row["queue"], interval_start=row["interval_start"], **values
                )
                result.created += 1
            else:
                for name, value in values.items():
                    setattr(current, name, value)
                current.save()
                result.replaced += 1
    return result


def export_rows(statistics) -> str:
    """The same CSV shape, for a manager's download or moving statistics between systems."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in statistics:
        writer.writerow([
            s.queue, clock.local(s.interval_start).isoformat(), s.interval_seconds, s.offered, s.answered,
            s.abandoned, s.answered_within_target, s.service_target_seconds,
            f"{s.total_wait_answered_seconds:g}", f"{s.total_wait_abandoned_seconds:g}",
            f"{s.total_handle_seconds:g}",
        ])  # fmt: skip
    return out.getvalue()
