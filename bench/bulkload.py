"""Helpers for loading millions of rows into PostgreSQL with COPY (used by generate_inquiries.py)."""

from __future__ import annotations

import datetime as dt
import tempfile

NULL = "\\N"


def esc(value) -> str:
    """One field in PostgreSQL COPY text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def clean(text: str) -> str:
    """Text safe to put in a COPY line without escaping (no tabs, newlines or backslashes)."""
    return " ".join(text.replace("\\", "/").split())


class Copier:
    """Spools rows for one table to a temporary file; ``load`` streams it to COPY afterwards.

    One connection runs one COPY at a time and rows for several tables are generated
    interleaved, so each table is spooled first and copied in turn.
    """

    def __init__(self, cursor, table: str, columns: str, block: int = 20000):
        self.cursor = cursor
        self.sql = f"COPY {table} ({columns}) FROM STDIN"
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in load()
        self.buffer: list[str] = []
        self.block = block
        self.rows = 0

    def row(self, *values) -> None:
        self.line("\t".join(esc(v) for v in values))

    def line(self, line: str) -> None:
        """A row already in COPY format (the hot path)."""
        self.buffer.append(line)
        if len(self.buffer) >= self.block:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.file.write("\n".join(self.buffer) + "\n")
            self.rows += len(self.buffer)
            self.buffer = []

    def load(self) -> int:
        self.flush()
        self.file.seek(0)
        with self.cursor.copy(self.sql) as copy:
            while chunk := self.file.read(1 << 20):
                copy.write(chunk)
        self.file.close()
        return self.rows


class Stamps:
    """ISO strings for timestamps, memoised (the same moment is written many times)."""

    def __init__(self):
        self.cache: dict[dt.datetime, str] = {}

    def __call__(self, moment: dt.datetime) -> str:
        text = self.cache.get(moment)
        if text is None:
            if len(self.cache) > 200_000:
                self.cache.clear()
            text = self.cache[moment] = moment.isoformat(sep=" ")
        return text


class Calendar:
    """Due dates exactly as ``core.workdays.due_at`` computes them, memoised per day."""

    def __init__(self):
        from erhvervskontakt.core import workdays

        self.workdays = workdays
        self._working: dict[dt.date, bool] = {}
        self._closing: dict[dt.date, dt.time | None] = {}
        self._add: dict[tuple[dt.date, int], dt.date] = {}

    def is_working(self, day: dt.date) -> bool:
        value = self._working.get(day)
        if value is None:
            value = self._working[day] = self.workdays.is_working_day(day)
        return value

    def next_working(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        value = self._add.get(key)
        if value is None:
            value = day
            for _ in range(n):
                value = self.next_working(value)
            self._add[key] = value
        return value

    def effective_day(self, local: dt.datetime) -> dt.date:
        day = local.date()
        if day not in self._closing:
            hours = self.workdays.opening_hours(day)
            self._closing[day] = hours[1] if hours else None
        closing = self._closing[day]
        if closing is None or local.time() >= closing:
            return self.next_working(day)
        return day

    def due(self, local_received: dt.datetime, days: int) -> dt.datetime:
        return self.workdays.end_of_day(self.add(self.effective_day(local_received), days))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count

    def shift(self, due: dt.datetime, paused_from: dt.datetime, resumed: dt.datetime, tz) -> dt.datetime:
        """``workdays.shift_due``: move ``due`` by the working days lost while paused."""
        lost = self.working_days_between(paused_from.astimezone(tz).date(), resumed.astimezone(tz).date())
        return self.workdays.end_of_day(self.add(due.astimezone(tz).date(), lost))


def drop_secondary_structures(cursor, tables: list[str]) -> list[str]:
    """Drop foreign keys and non-unique indexes of ``tables``; return the SQL that recreates them.

    Recreating a foreign key validates every row in one pass, which is far faster than the
    per-row checks during COPY.
    """
    recreate = []
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
        """,
        [tables],
    )
    for table, name, definition in cursor.fetchall():
        recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
        """,
        [tables],
    )
    for name, definition in cursor.fetchall():
        recreate.insert(0, definition)
        cursor.execute(f"DROP INDEX {name}")
    return recreate


def reset_sequences(cursor, tables: list[str]) -> None:
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )
