"""The routing engine's one entry point for the workspace, the portal and email ingestion.

``route_text(text)`` returns ranked topic suggestions with scores, a confidence, the words
that drove the choice, the matters judged present and whether the top topic is a state
matter. Callers depend only on this module's types.

Until a trained model is available this answers by keyword overlap with the catalogue (names,
keywords, synonyms): useful, explainable, and honest about its lower confidence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from erhvervskontakt.catalogue.models import Topic

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_WORD = re.compile(r"[a-z0-9§]+")


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    name: str
    unit: str
    department: str
    is_external: bool


@dataclass(frozen=True)
class Routing:
    suggestions: list[Suggestion]
    confidence: float
    explanation: list[str] = field(default_factory=list)
    matters: list[str] = field(default_factory=list)
    is_external: bool = False
    needs_manual_triage: bool = True
    model_version: str = "keywords"

    @property
    def top(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(_fold(text)) if len(w) > 2}


def _keyword_route(text: str, limit: int) -> Routing:
    words = _tokens(text)
    if not words:
        return Routing(suggestions=[], confidence=0.0)
    scored = []
    for topic in Topic.objects.filter(is_active=True).select_related("unit", "department"):
        phrases = [topic.name_da, topic.name_en, *topic.keyword_list(), *topic.synonym_list()]
        hits = set()
        for phrase in phrases:
            phrase_words = _tokens(phrase)
            if phrase_words and phrase_words <= words:
                hits |= phrase_words
            else:
                # Prefix match carries compounds ("udeserveringstilladelse") and inflections.
                hits |= {w for w in words for p in phrase_words if len(p) > 4 and (w.startswith(p) or p.startswith(w))}
        if hits:
            scored.append((len(hits), topic, sorted(hits)))
    scored.sort(key=lambda item: (-item[0], item[1].code))
    total = sum(math.exp(s) for s, _, _ in scored) or 1.0
    suggestions = [
        Suggestion(t.code, math.exp(s) / total, t.name, t.unit.name, t.department.code, t.is_external)
        for s, t, _ in scored[:limit]
    ]
    confidence = suggestions[0].score if suggestions else 0.0
    return Routing(
        suggestions=suggestions,
        confidence=confidence,
        explanation=scored[0][2] if scored else [],
        matters=[s.code for s in suggestions if s.score >= 0.25],
        is_external=bool(suggestions) and suggestions[0].is_external,
        needs_manual_triage=confidence < 0.5,
    )


def route_text(text: str, *, limit: int = 5) -> Routing:
    """Rank the catalogue's topics for a business's own words."""
    return _keyword_route(text, limit)
