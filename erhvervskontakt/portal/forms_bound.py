"""A schema field together with what the business typed and its error, ready for a template.

Ids follow one pattern so labels, hints, errors and the error summary always point at the
right element: ``f-<name>`` for the input (``f-<name>-0`` for the first choice of a group,
``f-<name>-from`` / ``f-<name>-street`` for composite fields), ``f-<name>-hint`` and
``f-<name>-error`` for the texts ``aria-describedby`` names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from erhvervskontakt.portal.forms_engine import all_sections, is_visible
from erhvervskontakt.portal.forms_spec import FieldSpec, FormSpec, text_in

TEMPLATES = {
    "text": "input",
    "email": "input",
    "phone": "input",
    "cvr": "input",
    "number": "input",
    "date": "input",
    "textarea": "textarea",
    "select": "select",
    "topic": "select",
    "radio": "choices",
    "daterange": "daterange",
    "address": "address",
    "file": "file",
}
INPUT_TYPES = {"email": "email", "phone": "tel", "date": "date"}
INPUT_MODES = {"cvr": "numeric", "number": "decimal"}
WIDTHS = {
    "cvr": "input-char-11",
    "number": "input-width-s",
    "date": "input-width-s",
    "phone": "input-width-m",
}


@dataclass
class BoundField:
    spec: FieldSpec
    raw: Any
    error: str = ""
    files: tuple = ()
    topic_choices: tuple[tuple[str, str], ...] = ()
    visible: bool = True
    # "Only if ..." for visitors without JavaScript, who see every field.
    condition_text: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def id(self) -> str:
        return f"f-{self.spec.name}"

    @property
    def is_group(self) -> bool:
        return self.spec.type in ("radio", "daterange", "address") or (
            self.spec.type == "checkbox" and bool(self.spec.options)
        )

    @property
    def anchor_id(self) -> str:
        """Where the error summary's link for this field jumps to."""
        if self.spec.type in ("radio", "checkbox") and self.spec.options:
            return f"{self.id}-0"
        if self.spec.type == "daterange":
            return f"{self.id}-from"
        if self.spec.type == "address":
            return f"{self.id}-street"
        return self.id

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.help:
            ids.append(self.hint_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def label(self) -> str:
        return self.spec.text()

    @property
    def help(self) -> str:
        return self.spec.help_text()

    @property
    def template(self) -> str:
        kind = self.spec.type
        if kind == "checkbox":
            return "portal/fields/choices.html" if self.spec.options else "portal/fields/boolean.html"
        return f"portal/fields/{TEMPLATES[kind]}.html"

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.spec.type, "text")

    @property
    def input_mode(self) -> str:
        return INPUT_MODES.get(self.spec.type, "")

    @property
    def width_class(self) -> str:
        return WIDTHS.get(self.spec.type, "")

    @property
    def value(self) -> str:
        return self.raw if isinstance(self.raw, str) else ""

    def part(self, name: str) -> str:
        return self.raw.get(name, "") if isinstance(self.raw, dict) else ""

    @property
    def value_from(self) -> str:
        return self.part("from")

    @property
    def value_to(self) -> str:
        return self.part("to")

    @property
    def street(self) -> str:
        return self.part("street")

    @property
    def postcode(self) -> str:
        return self.part("postcode")

    @property
    def city(self) -> str:
        return self.part("city")

    @property
    def checked(self) -> bool:
        return self.raw == "on"

    @property
    def options(self) -> list[dict[str, Any]]:
        chosen = self.raw if isinstance(self.raw, list) else [self.raw]
        if self.spec.type == "topic":
            pairs = self.topic_choices
        else:
            pairs = tuple((o.value, o.text()) for o in self.spec.options)
        return [
            {"value": value, "label": label, "id": f"{self.id}-{i}", "checked": value in chosen}
            for i, (value, label) in enumerate(pairs)
        ]

    @property
    def input_kind(self) -> str:
        return "checkbox" if self.spec.type == "checkbox" else "radio"

    @property
    def show_if_field(self) -> str:
        return self.spec.show_if.field if self.spec.show_if else ""

    @property
    def show_if_values(self) -> str:
        return json.dumps(list(self.spec.show_if.values)) if self.spec.show_if else ""

    @property
    def accept_attr(self) -> str:
        return ",".join(f".{ext}" for ext in self.spec.accept)

    @property
    def accept_text(self) -> str:
        return ", ".join(ext.upper() for ext in self.spec.accept)

    @property
    def max_size_text(self) -> str:
        return f"{self.spec.max_size_mb:g}"


@dataclass
class BoundSection:
    title: str
    intro: str
    fields: list[BoundField]


def _condition_text(f: FieldSpec, by_name: dict[str, FieldSpec]) -> str:
    if f.show_if is None or f.show_if.field not in by_name:
        return ""
    target = by_name[f.show_if.field]
    if target.type == "checkbox" and not target.options:
        return _("Only if you ticked “%(field)s”.") % {"field": target.text()}
    values = " / ".join(f"“{target.option_label(v)}”" for v in f.show_if.values)
    return _("Only if you answered %(values)s to “%(field)s”.") % {"values": values, "field": target.text()}


def bind(
    spec: FormSpec,
    raw: dict[str, Any],
    errors: dict[str, str],
    *,
    files_by_field: dict[str, list] | None = None,
    topic_choices: tuple[tuple[str, str], ...] = (),
) -> list[BoundSection]:
    """The form's sections with every field bound to its raw value, error and kept files."""
    sections = all_sections(spec)
    by_name = {f.name: f for s in sections for f in s.fields}
    files_by_field = files_by_field or {}
    bound = []
    for section in sections:
        fields = [
            BoundField(
                spec=f,
                raw=raw.get(f.name, [] if f.type == "checkbox" and f.options else ""),
                error=errors.get(f.name, ""),
                files=tuple(files_by_field.get(f.name, ())),
                topic_choices=topic_choices if f.type == "topic" else (),
                visible=is_visible(f, raw, by_name),
                condition_text=_condition_text(f, by_name),
            )
            for f in section.fields
        ]
        bound.append(BoundSection(title=text_in(section.title), intro=text_in(section.intro), fields=fields))
    return bound


def error_summary(sections: list[BoundSection]) -> list[dict[str, str]]:
    """The errors in page order, each linking to its field."""
    return [
        {"anchor": f.anchor_id, "label": f.label, "message": f.error}
        for section in sections
        for f in section.fields
        if f.error
    ]
