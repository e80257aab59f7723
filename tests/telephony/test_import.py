"""python manage.py import_call_stats: good files in, bad lines reported, nothing half-imported."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from erhvervskontakt.core.clock import COPENHAGEN
from erhvervskontakt.telephony.models import IntervalStatistic

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "telephony"


def _run(name: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_call_stats", str(DATA / name), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_file_is_imported():
    out, _err = _run("call_stats_good.csv")
    assert "3 intervals imported" in out
    row = IntervalStatistic.objects.get(
        queue="kc-erhvervskontakt", interval_start=dt.datetime(2025, 3, 3, 9, 0, tzinfo=COPENHAGEN)
    )
    assert (row.offered, row.answered, row.abandoned, row.answered_within_target) == (12, 10, 2, 8)
    assert (row.total_wait_answered_seconds, row.total_handle_seconds, row.source) == (145.5, 2400, "import")
    other = IntervalStatistic.objects.get(queue="tmf-byens-anvendelse")
    assert other.service_target_seconds == 20  # the setting, as the column was empty


def test_importing_again_replaces_what_was_imported():
    _run("call_stats_good.csv")
    out, _err = _run("call_stats_good.csv")
    assert "0 intervals imported, 3 replaced" in out
    assert IntervalStatistic.objects.count() == 3


def test_excel_style_file_with_bom_semicolons_and_decimal_commas():
    _run("call_stats_excel.csv")
    row = IntervalStatistic.objects.get()
    assert row.interval_start == dt.datetime(2025, 3, 4, 10, 0, tzinfo=COPENHAGEN)
    assert (row.total_wait_answered_seconds, row.total_wait_abandoned_seconds, row.total_handle_seconds) == (
        22.5, 12.25, 1000.5,
    )  # fmt: skip


def test_bad_lines_are_each_reported_and_nothing_is_imported():
    with pytest.raises(CommandError, match="nothing was imported"):
        _run("call_stats_bad.csv")
    assert IntervalStatistic.objects.count() == 0
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_call_stats", str(DATA / "call_stats_bad.csv"), stderr=err)
    lines = err.getvalue().splitlines()
    expected = {
        3: "full or half hour",
        4: "answered + abandoned is more than offered",
        5: "must be a date and time",
        6: "“queue” must be",
        7: "must be a whole number, not “two”",
        8: "the same queue and interval as line 2",
        9: "daylight saving",
        10: "no call was answered",
        11: "must not be negative",
        12: "more values than columns",
    }
    for number, message in expected.items():
        assert any(f"Line {number}: " in line and message in line for line in lines), (number, lines)
    assert not any("Line 2:" in line for line in lines)
    assert len(lines) == len(expected)


def test_interval_computed_from_calls_is_kept_unless_replace():
    IntervalStatistic.objects.create(
        queue="kc-erhvervskontakt",
        interval_start=dt.datetime(2025, 3, 3, 9, 30, tzinfo=COPENHAGEN),
        offered=1,
    )
    with pytest.raises(CommandError):
        _run("call_stats_good.csv")
    assert IntervalStatistic.objects.count() == 1  # not half-imported
    _run("call_stats_good.csv", "--replace")
    assert IntervalStatistic.objects.count() == 3
    assert IntervalStatistic.objects.get(interval_start__minute=30).offered == 9


def test_dry_run_checks_only():
    out, _err = _run("call_stats_good.csv", "--dry-run")
    assert "3 rows are valid" in out and IntervalStatistic.objects.count() == 0


def test_missing_columns_missing_file_and_wrong_encoding(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("queue,interval_start,offered\nkc,2025-03-03T09:00,1\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_call_stats", str(header), stderr=err)
    assert "missing columns: answered, abandoned" in err.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_call_stats", str(tmp_path / "nope.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("queue\nkø\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_call_stats", str(latin))


def test_export_reads_back_in(tmp_path):
    from erhvervskontakt.telephony import stats_import

    _run("call_stats_good.csv")
    exported = stats_import.export_rows(IntervalStatistic.objects.order_by("queue", "interval_start"))
    IntervalStatistic.objects.all().delete()
    result = stats_import.import_rows(stats_import.read(exported))
    assert result.errors == [] and result.created == 3
