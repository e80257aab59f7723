"""Reading, writing and importing the catalogue.

One interchange format, a list of flat topic dicts (``name_da``, ``name_en``, ...), is what
``export_catalogue`` prints and ``import_catalogue`` reads. The shipped YAML files (bilingual
fields as ``{da: ..., en: ...}``) are converted to that format and go through the same
``upsert_topic``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from erhvervskontakt.catalogue.models import Theme, Topic, TopicLink, TriageNode, TriageOutcome
from erhvervskontakt.organisation.models import Department, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
BILINGUAL_FIELDS = (
    "name",
    "summary",
    "description",
    "when_applies",
    "how_to_apply",
    "fees",
    "processing_time",
    "guidance_internal",
)
LIST_FIELDS = ("keywords", "synonyms", "examples")


class CatalogueError(ValueError):
    """The catalogue data is inconsistent; the message names the item and the problem."""


def _pair(value: Any, where: str) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value.strip(), ""
    if isinstance(value, dict):
        da, en = value.get("da", ""), value.get("en", "")
        if isinstance(da, list):
            da = "\n".join(str(x) for x in da)
        if isinstance(en, list):
            en = "\n".join(str(x) for x in en)
        return str(da).strip(), str(en).strip()
    raise CatalogueError(f"{where}: expected text or {{da, en}}, got {type(value).__name__}")


# libyaml's loader is ten times faster than the pure-Python one; both are "safe" loaders.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: not valid YAML: {exc}") from exc


def _triage_from_yaml(node: dict, where: str) -> dict:
    label_da, label_en = _pair(node.get("label"), where)
    question_da, question_en = _pair(node.get("question"), where)
    answer_da, answer_en = _pair(node.get("answer"), where)
    return {
        "label_da": label_da,
        "label_en": label_en,
        "question_da": question_da,
        "question_en": question_en,
        "outcome": node.get("outcome", "") or "",
        "answer_da": answer_da,
        "answer_en": answer_en,
        "choices": [_triage_from_yaml(c, where) for c in node.get("choices", []) or []],
    }


def topic_from_yaml(raw: dict, source: str) -> dict:
    """Convert one shipped YAML topic into the flat interchange dict."""
    if not isinstance(raw, dict) or "code" not in raw:
        raise CatalogueError(f"{source}: a topic needs a code")
    item: dict[str, Any] = {
        "code": raw["code"],
        "department": raw.get("department"),
        "unit": raw.get("unit"),
        "response_days": int(raw.get("response_days", 10)),
        "is_external": bool(raw.get("external", False)),
        "themes": list(raw.get("themes") or []),
        "form": raw.get("form") or "",
    }
    for name in BILINGUAL_FIELDS:
        item[f"{name}_da"], item[f"{name}_en"] = _pair(raw.get(name), f"{source}: {name}")
    docs = raw.get("documents") or {}
    item["documents_da"] = [str(d) for d in (docs.get("da") or [])] if isinstance(docs, dict) else []
    item["documents_en"] = [str(d) for d in (docs.get("en") or [])] if isinstance(docs, dict) else []
    for name in LIST_FIELDS:
        item[name] = [str(x).strip() for x in (raw.get(name) or []) if str(x).strip()]
    item["links"] = []
    for link in raw.get("links") or []:
        title_da, title_en = _pair(link.get("title"), f"{source}: link")
        item["links"].append({"title_da": title_da, "title_en": title_en, "url": link["url"]})
    item["triage"] = _triage_from_yaml(raw["triage"], f"{source}: triage") if raw.get("triage") else None
    return item


def load_default_organisation(*, update: bool = False) -> int:
    data = _load_yaml(DATA_DIR / "organisation.yaml")
    count = 0
    for sort, dep in enumerate(data.get("departments", [])):
        name_da, name_en = _pair(dep.get("name"), f"department {dep.get('code')}")
        department, created = Department.objects.get_or_create(
            code=dep["code"],
            defaults={
                "name_da": name_da,
                "name_en": name_en,
                "sort": sort,
                "is_external": dep["code"] == "EXT",
            },
        )
        if update and not created:
            department.name_da, department.name_en, department.sort = name_da, name_en, sort
            department.save()
        for unit_raw in dep.get("units", []):
            unit_name_da, unit_name_en = _pair(unit_raw.get("name"), f"unit {unit_raw.get('code')}")
            hours_da, hours_en = _pair(unit_raw.get("opening_hours"), f"unit {unit_raw.get('code')}")
            values = {
                "department": department,
                "name_da": unit_name_da,
                "name_en": unit_name_en,
                "email": unit_raw.get("email", ""),
                "phone": unit_raw.get("phone", ""),
                "opening_hours_da": hours_da,
                "opening_hours_en": hours_en,
                "website": unit_raw.get("website", ""),
            }
            if update:
                Unit.objects.update_or_create(code=unit_raw["code"], defaults=values)
            else:
                Unit.objects.get_or_create(code=unit_raw["code"], defaults=values)
            count += 1
    return count


def load_default_themes(*, update: bool = False) -> int:
    data = _load_yaml(DATA_DIR / "themes.yaml")
    for sort, raw in enumerate(data.get("themes", [])):
        name_da, name_en = _pair(raw.get("name"), f"theme {raw.get('code')}")
        desc_da, desc_en = _pair(raw.get("description"), f"theme {raw.get('code')}")
        values = {
            "name_da": name_da,
            "name_en": name_en,
            "description_da": desc_da,
            "description_en": desc_en,
            "icon": raw.get("icon", ""),
            "sort": sort,
        }
        if update:
            Theme.objects.update_or_create(code=raw["code"], defaults=values)
        else:
            Theme.objects.get_or_create(code=raw["code"], defaults=values)
    return len(data.get("themes", []))


def default_topics() -> list[dict]:
    """The shipped topics as interchange dicts, sorted by file name."""
    return [
        topic_from_yaml(_load_yaml(path), path.name) for path in sorted((DATA_DIR / "topics").glob("*.yaml"))
    ]


def _save_triage(topic: Topic, node: dict, parent: TriageNode | None, sort: int) -> None:
    outcome = node.get("outcome", "")
    if outcome and outcome not in TriageOutcome.values:
        raise CatalogueError(f"{topic.code}: unknown triage outcome {outcome!r}")
    saved = TriageNode.objects.create(
        topic=topic,
        parent=parent,
        sort=sort,
        **{
            k: node.get(k, "")
            for k in ("label_da", "label_en", "question_da", "question_en", "answer_da", "answer_en")
        },
        outcome=outcome,
    )
    for i, child in enumerate(node.get("choices") or []):
        _save_triage(topic, child, saved, i)


@transaction.atomic
def upsert_topic(item: dict, *, update: bool = True, sort: int = 0) -> tuple[Topic, bool]:
    """Create or (when ``update``) replace a topic from an interchange dict."""
    from erhvervskontakt.catalogue.models import FormDefinition

    code = item.get("code")
    if not code:
        raise CatalogueError("a topic needs a code")
    try:
        department = Department.objects.get(code=item["department"])
    except (Department.DoesNotExist, KeyError) as exc:
        raise CatalogueError(f"{code}: unknown department {item.get('department')!r}") from exc
    try:
        unit = Unit.objects.get(code=item["unit"])
    except (Unit.DoesNotExist, KeyError) as exc:
        raise CatalogueError(f"{code}: unknown unit {item.get('unit')!r}") from exc
    if unit.department_id != department.pk:
        raise CatalogueError(f"{code}: unit {unit.code} is not in department {department.code}")
    existing = Topic.objects.filter(code=code).first()
    if existing is not None and not update:
        return existing, False
    values: dict[str, Any] = {
        "department": department,
        "unit": unit,
        "response_days": int(item.get("response_days", 10)),
        "is_external": bool(item.get("is_external", False)),
        "documents_da": "\n".join(item.get("documents_da") or []),
        "documents_en": "\n".join(item.get("documents_en") or []),
    }
    for name in BILINGUAL_FIELDS:
        values[f"{name}_da"] = item.get(f"{name}_da", "")
        values[f"{name}_en"] = item.get(f"{name}_en", "")
    for name in LIST_FIELDS:
        values[name] = "\n".join(item.get(name) or [])
    form_code = item.get("form") or ""
    values["form"] = FormDefinition.objects.filter(code=form_code).first() if form_code else None
    if existing is None:
        values["sort"] = sort
    topic, created = Topic.objects.update_or_create(code=code, defaults=values)
    theme_codes = item.get("themes") or []
    themes = list(Theme.objects.filter(code__in=theme_codes))
    missing = set(theme_codes) - {t.code for t in themes}
    if missing:
        raise CatalogueError(f"{code}: unknown themes {sorted(missing)}")
    topic.themes.set(themes)
    topic.links.all().delete()
    for i, link in enumerate(item.get("links") or []):
        TopicLink.objects.create(
            topic=topic,
            title_da=link.get("title_da", ""),
            title_en=link.get("title_en", ""),
            url=link["url"],
            sort=i,
        )
    topic.triage_nodes.all().delete()
    if item.get("triage"):
        _save_triage(topic, item["triage"], None, 0)
    return topic, created


def _triage_to_dict(node: TriageNode) -> dict:
    return {
        "label_da": node.label_da,
        "label_en": node.label_en,
        "question_da": node.question_da,
        "question_en": node.question_en,
        "outcome": node.outcome,
        "answer_da": node.answer_da,
        "answer_en": node.answer_en,
        "choices": [_triage_to_dict(c) for c in node.children.all()],
    }


def topic_to_dict(topic: Topic) -> dict:
    item: dict[str, Any] = {
        "code": topic.code,
        "department": topic.department.code,
        "unit": topic.unit.code,
        "response_days": topic.response_days,
        "is_external": topic.is_external,
        "themes": [t.code for t in topic.themes.all()],
        "form": topic.form.code if topic.form_id else "",
    }
    for name in BILINGUAL_FIELDS:
        item[f"{name}_da"] = getattr(topic, f"{name}_da")
        item[f"{name}_en"] = getattr(topic, f"{name}_en")
    item["documents_da"] = topic.documents_list("da")
    item["documents_en"] = [d.strip() for d in topic.documents_en.splitlines() if d.strip()]
    item["keywords"], item["synonyms"], item["examples"] = (
        topic.keyword_list(),
        topic.synonym_list(),
        topic.example_list(),
    )
    item["links"] = [
        {"title_da": ln.title_da, "title_en": ln.title_en, "url": ln.url} for ln in topic.links.all()
    ]
    root = topic.triage_nodes.filter(parent=None).first()
    item["triage"] = _triage_to_dict(root) if root else None
    return item


def export_topics() -> list[dict]:
    topics = Topic.objects.select_related("department", "unit", "form").prefetch_related("themes", "links")
    return [topic_to_dict(t) for t in topics.order_by("department__sort", "code")]


@transaction.atomic
def load_default_catalogue(*, update: bool = False) -> dict[str, int]:
    """Load the shipped organisation, themes and topics; existing rows are kept unless ``update``."""
    units = load_default_organisation(update=update)
    themes = load_default_themes(update=update)
    created = 0
    for sort, item in enumerate(default_topics()):
        _, was_created = upsert_topic(item, update=update, sort=sort)
        created += was_created
    return {"units": units, "themes": themes, "topics_created": created, "topics": Topic.objects.count()}
