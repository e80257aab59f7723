"""Reading JSON-lines input for the routing commands: good lines are used, bad lines are reported
by number with a plain reason (never a traceback) and counted so the command can fail at the end."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    line: int
    data: dict


def read_rows(
    path: str, *, required: dict[str, Callable[[object], bool]], report: Callable[[str], None]
) -> Iterator[Row]:
    """Yield each valid object of the JSON-lines file ``path`` ("-" = standard input).

    ``required`` maps a key to a check of its value; a line failing to parse or a check is reported
    as ``line N: reason`` through ``report`` and skipped. Blank lines are ignored.
    """
    stream = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115 - closed below
    try:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                report(f"line {number}: not UTF-8 text ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                report(f"line {number}: not valid JSON ({exc.msg}, column {exc.colno})")
                continue
            if not isinstance(data, dict):
                report(f"line {number}: expected a JSON object, got {type(data).__name__}")
                continue
            problems = [
                f'"{key}" missing' if key not in data else f'"{key}" invalid'
                for key, ok in required.items()
                if key not in data or not ok(data[key])
            ]
            if problems:
                report(f"line {number}: {', '.join(problems)}")
                continue
            yield Row(number, data)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def is_id(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip() != ""


def is_text(value: object) -> bool:
    return isinstance(value, str)


def is_topic_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(t, str) and t for t in value)
