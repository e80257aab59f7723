"""Keyword-overlap routing: the fallback when no model can be trained (an empty catalogue) or the
first training failed. Useful, explainable, and honest about its lower confidence."""

from __future__ import annotations

import math
import re
import unicodedata

from erhvervskontakt.catalogue.models import Topic

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_WORD = re.compile(r"[a-z0-9§]+")
VERSION = "keywords"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(_fold(text)) if len(w) > 2}


def keyword_scores(text: str) -> list[tuple[float, Topic, list[str]]]:
    """(score, topic, matched words) for topics sharing words with ``text``, best first."""
    words = _tokens(text)
    if not words:
        return []
    scored = []
    for topic in Topic.objects.filter(is_active=True).select_related("unit", "department"):
        phrases = [topic.name_da, topic.name_en, *topic.keyword_list(), *topic.synonym_list()]
        hits: set[str] = set()
        for phrase in phrases:
            phrase_words = _tokens(phrase)
            if phrase_words and phrase_words <= words:
                hits |= phrase_words
            else:
                # Prefix match carries compounds ("udeserveringstilladelse") and inflections.
                hits |= {
                    w
                    for w in words
                    for p in phrase_words
                    if len(p) > 4 and (w.startswith(p) or p.startswith(w))
                }
        if hits:
            scored.append((len(hits), topic, sorted(hits)))
    scored.sort(key=lambda item: (-item[0], item[1].code))
    total = sum(math.exp(s) for s, _, _ in scored) or 1.0
    return [(math.exp(s) / total, t, hits) for s, t, hits in scored]
