"""Finding help: a business's own words → the guides that apply.

Two sources, merged: the routing engine (``routing.api.route_text``), which understands
phrasings, misspellings and compounds, and a full-text search over the guides' content.
On PostgreSQL the full text uses the database's Danish/English stemming; elsewhere (SQLite)
a small in-process index of the 39 guides does the same job portably. Results are cached per
catalogue version and query, since popular searches repeat.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.portal.cache import cached_value, catalogue_version

log = logging.getLogger(__name__)

MAX_QUERY = 200
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning for finding a guide.
_STOPWORD_TEXT = """og i at en et den det der til er paa pa med for af som har jeg vi du de kan skal vil
min mit vores jeres om hvordan hvad hvor hvornaar naar man ikke eller fra ved ogsaa meget gerne hej
tak the a an and or of to in on for with is are be can how what where when do we you my our your
need want please hello"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Weights of where a word is found: the name counts most, the body text least.
WEIGHTS = {"name": 4.0, "keywords": 3.0, "summary": 2.0, "body": 1.0}


@dataclass(frozen=True)
class Hit:
    code: str
    score: float
    source: str  # "routing" or "text"


def normalise_query(q: str) -> str:
    q = "".join(c for c in (q or "") if c.isprintable())
    return " ".join(q.split())[:MAX_QUERY]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


# --- routing engine -------------------------------------------------------------------------


def _routing_hits(q: str) -> list[Hit]:
    from erhvervskontakt.routing.api import route_text

    try:
        routing = route_text(q, limit=5)
    except Exception:  # The engine is replaceable; a failure must not break the search page.
        log.warning(
            "portal: routing engine failed for a search; showing full-text results only", exc_info=True
        )
        return []
    top = routing.suggestions[0].score if routing.suggestions else 0.0
    # Keep the suggestions that are plausible next to the best one.
    return [
        Hit(s.code, float(s.score), "routing") for s in routing.suggestions if s.score >= max(0.05, top / 4)
    ]


# --- full text: PostgreSQL -----------------------------------------------------------------

CONFIGS = {"da": "danish", "en": "english"}
_REBUILD_LOCK = 731_003  # pg_advisory_xact_lock key: one process rebuilds, the others wait
_documents = {"version": None}


def _document_sql(language: str) -> str:
    config = CONFIGS[language]
    name = f"coalesce(nullif(name_{language}, ''), name_da)"

    def text(column: str) -> str:
        return f"coalesce(nullif({column}_{language}, ''), {column}_da)"

    body = " || ' ' || ".join(text(c) for c in ("description", "when_applies", "how_to_apply"))
    return (
        f"SELECT id, '{language}', %(version)s, "
        f"setweight(to_tsvector('{config}', {name}), 'A') || "
        f"setweight(to_tsvector('{config}', keywords || ' ' || synonyms || ' ' || {text('summary')}), 'B')"
        " || "
        f"setweight(to_tsvector('{config}', {body}), 'C') "
        f"FROM {Topic._meta.db_table} WHERE is_active"
    )


def refresh_documents(version: str) -> None:
    """Rebuild the search documents for a catalogue version (once, whichever process comes first)."""
    from erhvervskontakt.portal.models import SearchDocument

    table = SearchDocument._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REBUILD_LOCK])
        if SearchDocument.objects.filter(version=version).exists():
            return
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from the model
        select = " UNION ALL ".join(_document_sql(language) for language in CONFIGS)
        cursor.execute(
            f"INSERT INTO {table} (topic_id, language, version, document) {select}",  # noqa: S608
            {"version": version},
        )
    log.info("portal: search documents rebuilt for catalogue version %s", version)


def _postgres_hits(q: str, language: str, limit: int) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    from erhvervskontakt.portal.models import SearchDocument

    terms = [w for w in re.findall(r"[0-9a-zæøåéü]+", q.lower()) if len(w) > 1][:12]
    if not terms:
        return []
    version = catalogue_version()
    if _documents["version"] != version:
        refresh_documents(version)
        _documents["version"] = version
    # Any of the words, each also as a prefix: "servering" finds "serveringsareal".
    query = SearchQuery(" | ".join(f"{t}:*" for t in terms), search_type="raw", config=CONFIGS[language])
    rows = (
        SearchDocument.objects.filter(language=language, version=version, document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "topic_id")
        .values_list("topic__code", "rank")[:limit]
    )
    return [Hit(code, float(rank), "text") for code, rank in rows]


# --- full text: portable index -------------------------------------------------------------

_index: dict[str, object] = {"version": None, "docs": {}}


def _build_index(language: str) -> dict[str, dict[str, float]]:
    docs: dict[str, dict[str, float]] = {}
    for topic in Topic.objects.filter(is_active=True):
        tr = topic.tr
        parts = {
            "name": f"{tr('name', language)} {topic.name_da}",
            "keywords": f"{topic.keywords} {topic.synonyms}",
            "summary": tr("summary", language),
            "body": " ".join(tr(n, language) for n in ("description", "when_applies", "how_to_apply")),
        }
        weights: dict[str, float] = {}
        for part, text in parts.items():
            for w in words(text):
                weights[w] = max(weights.get(w, 0.0), WEIGHTS[part])
        docs[topic.code] = weights
    return docs


def _portable_hits(q: str, language: str, limit: int) -> list[Hit]:
    version = f"{catalogue_version()}:{language}"
    if _index["version"] != version:
        _index["docs"], _index["version"] = _build_index(language), version
    terms = list(dict.fromkeys(words(q)))[:12]
    if not terms:
        return []
    scored = []
    for code, weights in _index["docs"].items():  # type: ignore[union-attr]
        score = 0.0
        for term in terms:
            best = weights.get(term, 0.0)
            if not best and len(term) >= 4:
                best = (
                    max(
                        (
                            w
                            for word, w in weights.items()
                            if word.startswith(term) or (len(word) >= 5 and term.startswith(word))
                        ),
                        default=0.0,
                    )
                    * 0.8
                )
            score += best
        if score:
            scored.append(Hit(code, score / len(terms), "text"))
    scored.sort(key=lambda h: (-h.score, h.code))
    return scored[:limit]


def full_text_hits(q: str, language: str, limit: int = 10) -> list[Hit]:
    if connection.vendor == "postgresql":
        return _postgres_hits(q, language, limit)
    return _portable_hits(q, language, limit)


def search_codes(q: str, language: str, limit: int = 10) -> list[Hit]:
    """Topic codes for a query, best first: routing suggestions, then the full-text matches."""
    q = normalise_query(q)
    if not q:
        return []

    def compute() -> list[Hit]:
        merged: dict[str, Hit] = {}
        for hit in _routing_hits(q) + full_text_hits(q, language, limit):
            merged.setdefault(hit.code, hit)
        return list(merged.values())[:limit]

    return cached_value("search", f"{language}:{q.lower()}", compute)


def search_topics(q: str, language: str, limit: int = 10) -> list[tuple[Topic, Hit]]:
    hits = search_codes(q, language, limit)
    topics = Topic.objects.filter(is_active=True, code__in=[h.code for h in hits]).select_related(
        "unit", "department"
    )
    by_code = {t.code: t for t in topics}
    return [(by_code[h.code], h) for h in hits if h.code in by_code]
