"""The parsed form of a schema: what the form engine renders and validates against.

``forms_schema.parse_schema`` builds these from the JSON an editor writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from erhvervskontakt.core.i18n import current_language


def text_in(value: Any, language: str | None = None) -> str:
    """A bilingual schema text (``{da, en}`` or a plain Danish string) in the active language."""
    language = language or current_language()
    if isinstance(value, dict):
        return str(value.get(language) or value.get("da") or "")
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Option:
    value: str
    label: Any

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    label: Any
    help: Any = None
    required: bool = False
    show_if: Condition | None = None
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    decimals: int = 0
    unit: str = ""
    max_length: int = 0
    rows: int = 5
    min_days_ahead: int | None = None
    max_days_ahead: int | None = None
    max_days: int | None = None
    accept: tuple[str, ...] = ()
    max_size_mb: float = 10
    max_files: int = 1
    autocomplete: str = ""

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)

    def help_text(self, language: str | None = None) -> str:
        return text_in(self.help, language)

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def option_label(self, value: str, language: str | None = None) -> str:
        for option in self.options:
            if option.value == value:
                return option.text(language)
        return value


@dataclass(frozen=True)
class Section:
    title: Any
    intro: Any
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class FormSpec:
    kind: str
    topic: str
    subject_field: str
    contact: dict[str, str]
    sections: tuple[Section, ...]
    fields_by_name: dict[str, FieldSpec] = field(default_factory=dict)

    @property
    def fields(self) -> list[FieldSpec]:
        return [f for section in self.sections for f in section.fields]
