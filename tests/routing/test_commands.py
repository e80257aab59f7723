"""The command-line contract: route, route_eval (the same lines as score.py), route_train."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.routing.models import ModelVersion, RunStatus, TrainingRun, Trigger

pytestmark = pytest.mark.django_db

SCORE_PY = Path(__file__).resolve().parents[1] / "data" / "routing" / "score.py"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        with translation.override("en"):  # messages are asserted in English, whatever LANGUAGE_CODE is
            call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    return out.getvalue(), err.getvalue(), error


def write_jsonl(path: Path, rows) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def test_route_trains_the_first_model_and_writes_one_json_line_per_input(catalogue, tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "text": "borde og stole på fortovet"},
            {"id": 7, "text": "Vi vil have et A-skilt ved døren"},
            {"id": "c", "text": ""},
        ],
    )
    out, err, error = run("route", "--jsonl", str(src))
    assert error is None
    lines = [json.loads(line) for line in out.splitlines()]  # standard output is only JSON lines
    assert [r["id"] for r in lines] == ["a", 7, "c"]
    departments = dict(Topic.objects.values_list("code", "department__code"))
    for r in lines:
        assert set(r) == {"id", "topics", "scores", "department", "matters"}
        assert len(r["topics"]) >= 5 and len(r["scores"]) == len(r["topics"])
        assert r["scores"] == sorted(r["scores"], reverse=True)
        assert r["department"] == departments[r["topics"][0]]
        assert set(r["matters"]) <= set(departments)
    assert lines[0]["topics"][0] == "udeservering" and lines[1]["topics"][0] == "skilte"
    assert "training the first one" in err  # progress went to standard error
    assert TrainingRun.objects.get().trigger == Trigger.COMMAND
    assert ModelVersion.objects.filter(is_active=True).count() == 1


def test_route_reports_bad_lines_by_number_and_still_answers_the_good_ones(catalogue, tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "ok1", "text": "skilt"},
            "{not json",
            {"text": "no id here"},
            {"id": "x"},
            "[1, 2]",
            "",
            {"id": "ok2", "text": "udeservering"},
        ],
    )
    out, err, error = run("route", "--jsonl", str(src))
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["ok1", "ok2"]
    assert "line 2: not valid JSON" in err
    assert 'line 3: "id" missing' in err
    assert 'line 4: "text" missing' in err
    assert "line 5: expected a JSON object" in err
    assert "Traceback" not in err
    assert isinstance(error, CommandError) and "4 input line(s) skipped" in str(error)


def test_route_a_missing_file_is_a_clear_error(catalogue, tmp_path):
    _, _, error = run("route", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert isinstance(error, CommandError) and "cannot read" in str(error)


def test_route_on_an_empty_catalogue_is_a_clear_error(db, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "skilt"}])
    _, _, error = run("route", "--jsonl", str(src))
    assert isinstance(error, CommandError) and "no active topics" in str(error)


def test_route_eval_prints_exactly_what_score_py_prints(catalogue, tmp_path):
    gold_rows = [
        {"id": "g1", "text": "borde og stole på fortovet", "topics": ["udeservering"]},
        {"id": "g2", "text": "A-skilt på fortovet", "topics": ["skilte"]},
        {"id": "g3", "text": "moms og skat", "topics": ["ekstern-skat"]},
        {
            "id": "g4",
            "text": "alkoholbevilling og udeservering",
            "topics": ["alkoholbevilling", "udeservering"],
        },
        {"id": "g5", "text": "miljøgodkendelse", "topics": ["miljoe"]},
        {"id": "g6", "text": "hvem kan jeg ringe til", "topics": ["generel"]},
    ]
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_rows)
    predictions, _, error = run("route", "--jsonl", str(gold))
    assert error is None
    pred = tmp_path / "pred.jsonl"
    pred.write_text(predictions, encoding="utf-8")
    tsv = tmp_path / "catalogue.tsv"
    with tsv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["code", "department"])
        writer.writerows(Topic.objects.values_list("code", "department__code"))
    expected = subprocess.run(
        [sys.executable, str(SCORE_PY), str(gold), str(pred), "--catalogue", str(tsv)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out, err, error = run("route_eval", str(gold))
    assert error is None
    assert out == expected
    assert out.splitlines()[0] == "inquiries: 6" and out.splitlines()[-1].startswith("top1=")


def test_route_eval_reports_bad_lines_and_fails_at_the_end(catalogue, tmp_path):
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "g1", "text": "skilt", "topics": ["skilte"]},
            {"id": "g2", "text": "skilt"},
            {"id": "g3", "text": "skilt", "topics": []},
            "nonsense",
        ],
    )
    out, err, error = run("route_eval", str(gold))
    assert out.startswith("inquiries: 1\n")
    assert (
        'line 2: "topics" missing' in err
        and 'line 3: "topics" invalid' in err
        and "line 4: not valid JSON" in err
    )
    assert isinstance(error, CommandError)


def test_route_train_if_missing_and_force(catalogue):
    out, err, error = run("route_train", "--if-missing")
    assert error is None and "New model activated" in out
    first = ModelVersion.objects.get(is_active=True)
    assert first.trigger == Trigger.SETUP
    out, _, _ = run("route_train", "--if-missing")
    assert "nothing to do" in out and ModelVersion.objects.count() == 1
    out, _, _ = run("route_train")
    assert "training data unchanged" in out
    out, _, _ = run("route_train", "--force")
    assert "New model activated" in out and ModelVersion.objects.get(is_active=True) != first
    assert list(TrainingRun.objects.order_by("id").values_list("status", flat=True)) == [
        RunStatus.ACTIVATED,
        RunStatus.UNCHANGED,
        RunStatus.ACTIVATED,
    ]
    _, _, error = run("route_train", "--if-missing", "--force")
    assert isinstance(error, CommandError)
