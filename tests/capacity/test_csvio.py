"""Reading planned agents from spreadsheets: formats, daylight saving, and every error at once."""

from __future__ import annotations

import datetime as dt

import pytest

from erhvervskontakt.capacity.csvio import CsvError, parse_planned_agents, parse_start

UTC = dt.UTC


@pytest.mark.parametrize(
    "text",
    [
        "2025-04-14 09:30",
        "2025-04-14T09:30",
        "14-04-2025 09:30",
        "14.04.2025 09:30",
        "2025-04-14T09:30+02:00",
        "2025-04-14T07:30Z",
    ],
)
def test_interval_starts_in_spreadsheet_formats(text):
    assert parse_start(text) == dt.datetime(2025, 4, 14, 7, 30, tzinfo=UTC)


def test_winter_time_and_the_missing_hour():
    assert parse_start("2025-01-06 09:00") == dt.datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="does not exist"):
        parse_start("2025-03-30 02:30")
    with pytest.raises(ValueError, match="start of a half hour"):
        parse_start("2025-04-14 09:15")
    with pytest.raises(ValueError, match="not a date and time"):
        parse_start("mandag kl. 9")


def test_the_plan_export_can_be_read_back():
    data = (
        "queue,date,interval_start,interval_end,planned_agents\r\n"
        "kc,2025-04-14,2025-04-14T09:00+02:00,2025-04-14T09:30+02:00,7\r\n"
        "kc,2025-04-14,2025-04-14T09:30+02:00,2025-04-14T10:00+02:00,\r\n"
    ).encode("utf-8-sig")
    rows = parse_planned_agents(data, queue="kc")
    assert rows == {
        dt.datetime(2025, 4, 14, 7, 0, tzinfo=UTC): 7,
        dt.datetime(2025, 4, 14, 7, 30, tzinfo=UTC): None,
    }


def test_windows_1252_and_tabs_are_accepted():
    data = "interval_start\tagents\tnote\n2025-04-14 09:00\t3\tMøde\n".encode("cp1252")
    assert parse_planned_agents(data, queue="kc") == {dt.datetime(2025, 4, 14, 7, 0, tzinfo=UTC): 3}


def test_every_problem_is_reported_with_its_line():
    data = (
        b"queue;interval_start;agents\n"
        b"kc;2025-04-14 09:00;1000\n"
        b"other;2025-04-14 09:30;3\n"
        b"kc;2025-04-14 10:00;2\n"
        b"kc;2025-04-14 10:00;2\n"
        b"kc\n"
    )
    with pytest.raises(CsvError) as caught:
        parse_planned_agents(data, queue="kc")
    errors = caught.value.errors
    assert [error.split(":")[0] for error in errors] == ["Line 2", "Line 3", "Line 5", "Line 6"]
    assert "0 to 999" in errors[0] and "“other”" in errors[1] and "line 4" in errors[2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"start;count\n", "must name the columns"),
        (b"start;agents\n", "no intervals"),
        (b"x" * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_unusable_files(data, message):
    with pytest.raises(CsvError, match=message):
        parse_planned_agents(data, queue="kc")
