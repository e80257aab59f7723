"""Loading the shipped form definitions (``catalogue/data/forms/*.yaml``) into the catalogue.

Idempotent: a form that exists is left as the editors made it unless ``update`` is given.
Topics whose shipped YAML names a ``form:`` are linked to it (again only where no editor has
chosen a form, unless ``update``).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from django.db import transaction

from erhvervskontakt.catalogue.io import DATA_DIR
from erhvervskontakt.catalogue.models import FormDefinition, Topic
from erhvervskontakt.portal.cache import bump_catalogue_version
from erhvervskontakt.portal.forms_schema import SchemaError, parse_schema

FORMS_DIR = DATA_DIR / "forms"
TOPICS_DIR = DATA_DIR / "topics"
# libyaml when available: the 39 topic files load in a tenth of the time.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FormsError(ValueError):
    """A shipped form file is broken; the message names the file and every problem."""


def _pair(value, where: str) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("da") or "").strip(), str(value.get("en") or "").strip()
    if isinstance(value, str):
        return value.strip(), ""
    if value is None:
        return "", ""
    raise FormsError(f"{where}: expected text or {{da, en}}")


@functools.lru_cache(maxsize=256)
def _parse(path: Path, _mtime_ns: int, _size: int):
    # Keyed by modification time and size: an edited file is read again.
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise FormsError(f"{path.name}: not valid YAML: {exc}") from exc


def _load(path: Path):
    stat = path.stat()
    return copy.deepcopy(_parse(path, stat.st_mtime_ns, stat.st_size))


def topic_forms() -> dict[str, str]:
    """Topic code → form code for the shipped topics that name a form."""
    links = {}
    for path in sorted(TOPICS_DIR.glob("*.yaml")):
        raw = _load(path)
        if isinstance(raw, dict) and raw.get("code") and raw.get("form"):
            links[str(raw["code"])] = str(raw["form"])
    return links


def read_form_file(path: Path, topic_codes: set[str] | None = None) -> dict:
    raw = _load(path)
    if not isinstance(raw, dict) or not raw.get("code"):
        raise FormsError(f"{path.name}: a form needs a code")
    try:
        parse_schema(raw.get("schema"), topic_codes=topic_codes)
    except SchemaError as exc:
        raise FormsError(f"{path.name}: " + "; ".join(exc.errors)) from exc
    name_da, name_en = _pair(raw.get("name"), f"{path.name}: name")
    if not name_da:
        raise FormsError(f"{path.name}: a form needs a Danish name")
    intro_da, intro_en = _pair(raw.get("intro"), f"{path.name}: intro")
    return {
        "code": str(raw["code"]),
        "name_da": name_da,
        "name_en": name_en,
        "intro_da": intro_da,
        "intro_en": intro_en,
        "schema": raw["schema"],
    }


@transaction.atomic
def load_default_forms(*, update: bool = False) -> dict[str, int]:
    """Create (or with ``update`` overwrite) the shipped forms and link the topics that name them."""
    topic_codes = set(Topic.objects.values_list("code", flat=True)) or None
    created = updated = 0
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        item = read_form_file(path, topic_codes)
        code = item.pop("code")
        existing = FormDefinition.objects.filter(code=code).first()
        if existing is None:
            FormDefinition.objects.create(code=code, **item)
            created += 1
        elif update:
            for key, value in item.items():
                setattr(existing, key, value)
            existing.save()
            updated += 1
    linked = 0
    forms = {f.code: f for f in FormDefinition.objects.all()}
    for topic_code, form_code in topic_forms().items():
        form = forms.get(form_code)
        if form is None:
            continue
        topics = Topic.objects.filter(code=topic_code)
        if not update:
            topics = topics.filter(form__isnull=True)
        linked += topics.update(form=form)
    bump_catalogue_version()  # update() sends no signals
    return {"created": created, "updated": updated, "linked": linked, "forms": len(forms)}
