"""The shipped Copenhagen catalogue: exactly the customer's 39 topics, with real content."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from erhvervskontakt.catalogue.io import load_default_catalogue
from erhvervskontakt.catalogue.models import Topic

EXPECTED = {
    row["code"]: row
    for row in csv.DictReader(
        (Path(__file__).parent.parent / "data" / "catalogue.tsv").open(encoding="utf-8"), delimiter="\t"
    )
}


@pytest.fixture
def shipped(db):
    load_default_catalogue()


def export() -> list[dict]:
    out = io.StringIO()
    call_command("export_catalogue", stdout=out)
    return json.loads(out.getvalue())


def test_export_lists_exactly_the_39_codes_with_their_departments(shipped):
    data = export()
    assert len(EXPECTED) == 39
    assert {item["code"]: item["department"] for item in data} == {
        c: r["department"] for c, r in EXPECTED.items()
    }
    for item in data:
        assert {"code", "department", "unit", "name_da", "name_en", "response_days"} <= item.keys()
        assert item["name_da"] == EXPECTED[item["code"]]["name_da"]
        assert item["name_en"] == EXPECTED[item["code"]]["name_en"]
        assert item["response_days"] >= 1


def test_every_topic_has_useful_content_in_both_languages(shipped):
    for topic in Topic.objects.all():
        for field in ("summary", "description", "how_to_apply", "processing_time", "guidance_internal"):
            for lang in ("da", "en"):
                assert len(getattr(topic, f"{field}_{lang}")) > 40, (topic.code, field, lang)
        assert topic.themes.exists(), topic.code
        assert len(topic.keyword_list()) >= 10, topic.code
        assert len(topic.example_list()) >= 15, topic.code
        assert topic.unit.department_id == topic.department_id
        if topic.is_external:
            assert topic.links.exists(), topic.code


def test_loading_twice_keeps_editors_changes(shipped):
    topic = Topic.objects.get(code="udeservering")
    topic.response_days = 17
    topic.save()
    result = load_default_catalogue()
    assert result["topics_created"] == 0
    assert Topic.objects.get(code="udeservering").response_days == 17
    assert Topic.objects.count() == 39


def test_export_import_round_trip(shipped, tmp_path):
    data = export()
    data[0]["name_da"] = "Ændret navn"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_catalogue", str(path), stdout=io.StringIO())
    assert Topic.objects.get(code=data[0]["code"]).name_da == "Ændret navn"
    again = export()
    assert again[0] == data[0]


def test_import_of_bad_data_changes_nothing(shipped, tmp_path):
    data = export()
    data[0]["name_da"] = "Skal ikke gemmes"
    data[1]["unit"] = "no-such-unit"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="no-such-unit"):
        call_command("import_catalogue", str(path), stdout=io.StringIO())
    assert Topic.objects.get(code=data[0]["code"]).name_da != "Skal ikke gemmes"


def test_triage_trees_are_loaded(shipped):
    with_trees = Topic.objects.filter(triage_nodes__parent=None).distinct().count()
    assert with_trees >= 10
