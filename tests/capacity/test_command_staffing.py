"""`manage.py staffing`: JSON for the published examples, --agents evaluation, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = [
    "--calls",
    "100",
    "--interval",
    "1800",
    "--aht",
    "180",
    "--target-seconds",
    "20",
    "--target-level",
    "0.8",
]


def staffing(*args: str) -> dict:
    out = StringIO()
    call_command("staffing", *args, stdout=out)
    return json.loads(out.getvalue())


def test_textbook_example_needs_14_agents_and_20_with_shrinkage():
    result = staffing(*EXAMPLE, "--shrinkage", "0.3")
    assert result["model"] == "erlang_c"
    assert result["agents"] == 14
    assert result["agents_with_shrinkage"] == 20
    assert result["p_wait"] == pytest.approx(0.1741, abs=5e-5)
    assert result["service_level"] == pytest.approx(0.888, abs=5e-4)
    assert result["asa_seconds"] == pytest.approx(7.84, abs=5e-3)
    assert result["occupancy"] == pytest.approx(10 / 14, abs=1e-6)
    assert result["traffic_erlangs"] == pytest.approx(10.0)
    assert result["meets_targets"] is True
    assert "p_abandon" not in result


def test_maximum_occupancy_70_percent_needs_15_and_22():
    result = staffing(*EXAMPLE, "--shrinkage", "0.3", "--max-occupancy", "0.7")
    assert (result["agents"], result["agents_with_shrinkage"]) == (15, 22)
    assert result["service_level"] == pytest.approx(0.941, abs=5e-4)
    assert result["p_wait"] == pytest.approx(0.102, abs=5e-4)


def test_erlang_a_evaluates_14_agents_with_300_seconds_patience():
    result = staffing(*EXAMPLE, "--patience", "300", "--agents", "14")
    assert result["model"] == "erlang_a"
    assert result["agents"] == 14
    assert result["p_abandon"] == pytest.approx(0.0140, abs=5e-5)
    assert result["p_wait"] == pytest.approx(0.1453, abs=5e-5)
    assert result["service_level"] == pytest.approx(0.9168, abs=5e-5)


def test_agents_evaluates_instead_of_searching():
    result = staffing(*EXAMPLE, "--agents", "13")
    assert result["agents"] == 13
    assert result["service_level"] < 0.8
    assert result["meets_targets"] is False


def test_an_unstable_queue_has_no_average_wait():
    result = staffing(*EXAMPLE, "--agents", "9")
    assert result["service_level"] == 0.0
    assert result["asa_seconds"] is None  # JSON has no infinity


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target-level", "80"], "--target-level must be in [0, 1)"),
        (["--aht", "0"], "--aht must be greater than zero"),
        (["--max-abandon", "0.05"], "--max-abandon needs --patience"),
        (["--agents", "-1"], "--agents must be zero or positive"),
        (["--shrinkage", "1"], "--shrinkage must be in [0, 1)"),
        (["--calls", "nan"], "--calls must be finite"),
    ],
)
def test_bad_arguments_raise_a_clear_error(args, message):
    with pytest.raises(
        CommandError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        staffing(*EXAMPLE, *args)


def test_a_value_that_is_not_a_number_is_refused_by_the_parser():
    with pytest.raises(CommandError, match="argument --calls: invalid float value: 'many'"):
        staffing("--calls", "many", "--aht", "180")


def test_bad_arguments_on_the_command_line_exit_non_zero_without_a_traceback():
    # --skip-checks: the system checks import every URLconf, which is slow and beside the point here.
    command = [sys.executable, "manage.py", "staffing", "--skip-checks", *EXAMPLE, "--target-level", "80"]
    env = {"DEBUG": "1", "PATH": "/usr/bin:/bin", "VAR_DIR": "/tmp/erhvervskontakt-staffing-test"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "CommandError: --target-level must be in [0, 1)" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
