"""Bilingual model content: fields stored as ``<name>_da`` and ``<name>_en``.

Danish is the source of truth; English falls back to Danish when a translation is missing,
so a page never shows an empty heading.
"""

from __future__ import annotations

from django.utils.translation import get_language


def current_language() -> str:
    lang = (get_language() or "da")[:2]
    return "en" if lang == "en" else "da"


def localized(obj, field: str, language: str | None = None) -> str:
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", "") or ""
    if not value and language != "da":
        value = getattr(obj, f"{field}_da", "") or ""
    return value


class Localized:
    """Mixin: ``obj.tr("name")`` gives the field in the active language."""

    def tr(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)
