"""What a routing model learns from and is judged on, read from the database.

Three sources of training examples:

* the catalogue as editors keep it in the database (active topics only), converted to the
  engine's topic documents through the catalogue's interchange format (``topic_to_dict``);
* shipped extra phrasings, ``routing/data/*.jsonl`` (``{"text", "topic"}`` lines);
* staff decisions: the topic a closed single-matter inquiry was finally handled under
  (``inquiries.selectors.labelled_examples``).

Staff decisions are split once and for all by a hash of the matter id: about
``ROUTING_HOLDOUT_PERCENT`` % are held back and never trained on; models are compared on them.
While there are fewer than ``ROUTING_MIN_STAFF_HOLDOUT`` held-back decisions, the shipped
evaluation set (``routing/data/evaluation/evaluation.jsonl``) is added so that a comparison
means something from the first day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from erhvervskontakt.catalogue.io import BILINGUAL_FIELDS, LIST_FIELDS, topic_to_dict
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.selectors import labelled_examples
from erhvervskontakt.routing import engine
from erhvervskontakt.routing import text as tx

DATA_DIR = Path(__file__).resolve().parent / "data"
EVALUATION_FILE = DATA_DIR / "evaluation" / "evaluation.jsonl"
# A staff text is analysed like a routed one: email greeting and signature removed, length bounded.
MAX_STAFF_CHARS = engine.MAX_CHARS


def engine_doc(item: dict) -> dict:
    """A catalogue interchange dict (``catalogue.io.topic_to_dict``) as the engine's topic document
    (the schema of the shipped YAML files: bilingual fields as ``{da, en}``)."""
    doc = {
        "code": item["code"],
        "department": item["department"],
        "unit": item["unit"],
        "external": bool(item.get("is_external")),
    }
    for name in BILINGUAL_FIELDS:
        doc[name] = {"da": item.get(f"{name}_da", ""), "en": item.get(f"{name}_en", "")}
    doc["documents"] = {
        "da": list(item.get("documents_da") or []),
        "en": list(item.get("documents_en") or []),
    }
    for name in LIST_FIELDS:
        doc[name] = list(item.get(name) or [])
    return doc


def catalogue_docs() -> list[dict]:
    """The active topics in the database as engine topic documents, sorted by code."""
    topics = (
        Topic.objects.filter(is_active=True)
        .select_related("department", "unit", "form")
        .prefetch_related("themes", "links")
        .order_by("code")
    )
    return [engine_doc(topic_to_dict(t)) for t in topics]


def shipped_extra_examples() -> list[engine.TrainingExample]:
    """Extra phrasings shipped with the product (``routing/data/*.jsonl``)."""
    out: list[engine.TrainingExample] = []
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        out.extend(engine.load_extra_examples(str(path), source="extra"))
    return out


def is_held_back(matter_id: int, percent: int | None = None) -> bool:
    """Deterministic hold-out: the same matter is always on the same side, whatever else changes."""
    pct = settings.ROUTING_HOLDOUT_PERCENT if percent is None else percent
    digest = hashlib.sha256(f"routing-holdout:{matter_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < pct


def staff_text(text: str) -> str:
    """The part of an inquiry's text worth learning from: greeting and signature removed."""
    text = (text or "").strip()
    if "\n" in text or len(text) > 280:
        text = tx.strip_email(text)
    return text[:MAX_STAFF_CHARS]


def load_evaluation_rows(path: Path = EVALUATION_FILE) -> list[dict]:
    """Shipped evaluation rows ``{"id", "text", "topics"}``."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class TrainingSet:
    examples: list[engine.TrainingExample]
    topics_meta: dict[str, dict]
    keywords: dict[str, list[str]]
    holdout: list[dict]  # {"id", "text", "topics"}
    holdout_source: str  # "staff", "shipped+staff" or "shipped"
    departments: dict[str, str]
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        return engine._data_hash(self.examples, self.topics_meta)

    @property
    def is_empty(self) -> bool:
        return not self.topics_meta or not self.examples


def staff_since(now: dt.datetime | None = None) -> dt.datetime | None:
    days = settings.ROUTING_STAFF_EXAMPLES_DAYS
    return (now or clock.now()) - dt.timedelta(days=days) if days else None


def build_training_set() -> TrainingSet:
    """Everything one training run needs, read in one go."""
    docs = catalogue_docs()
    examples, meta = engine.examples_from_topics(docs)
    codes = set(meta)
    examples += [e for e in shipped_extra_examples() if e.topic in codes]
    held: list[dict] = []
    for text, code, matter_id in labelled_examples(since=staff_since()):
        if code not in codes:
            continue  # a topic since deactivated or removed teaches nothing routable
        if is_held_back(matter_id):
            held.append({"id": f"matter-{matter_id}", "text": text, "topics": [code]})
        else:
            cleaned = staff_text(text)
            if cleaned:
                examples.append(engine.TrainingExample(cleaned, code, 1.0, "staff"))
    if len(held) >= settings.ROUTING_MIN_STAFF_HOLDOUT:
        holdout, source = held, "staff"
    else:
        shipped = [r for r in load_evaluation_rows() if r["topics"] and all(t in codes for t in r["topics"])]
        holdout = shipped + held
        source = "shipped+staff" if held else "shipped"
    sources = Counter(e.source.split(":")[0] for e in examples)
    return TrainingSet(
        examples=examples,
        topics_meta=meta,
        keywords=engine.keyword_phrases(docs),
        holdout=holdout,
        holdout_source=source,
        departments={c: m["department"] for c, m in meta.items()},
        sources={"catalogue": 0, "extra": 0, "staff": 0, **dict(sources)},
    )
