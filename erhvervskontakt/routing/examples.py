"""Routing engine: labelled training texts — from catalogue topic documents, from JSON-lines
files of extra examples — and the shipped texts that cannot be routed (pure Python, no Django)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .config import PICKLE_MODULE


@dataclass(frozen=True)
class TrainingExample:
    """One labelled text. ``source`` is where it came from: "catalogue" (and field, e.g.
    "catalogue:keywords") or "staff" (the topic a matter was finally handled under)."""

    text: str
    topic: str
    weight: float = 1.0
    source: str = "catalogue"


TrainingExample.__module__ = PICKLE_MODULE


# Weight of each catalogue field when the topic YAML files are turned into training examples.
FIELD_WEIGHTS: dict[str, float] = {
    "examples": 1.0,
    "keywords": 1.0,
    "synonyms": 1.0,
    "name": 2.0,
    "summary": 1.0,
    "description": 0.5,
    "when_applies": 0.5,
}


def load_topic_files(directory: str) -> list[dict]:
    """Parse every ``<code>.yaml`` topic file in ``directory`` (sorted by file name)."""
    import yaml

    docs = []
    for name in sorted(os.listdir(directory)):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            if isinstance(doc, dict) and doc.get("code"):
                docs.append(doc)
    return docs


def field_texts(value) -> list[str]:
    """All strings in a catalogue field value: str, {da, en}, list, or {da: [...], en: [...]}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in field_texts(v)]
    if isinstance(value, Iterable):
        return [s for v in value for s in field_texts(v)]
    return [str(value)]


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def topics_meta_from_docs(topic_docs: Sequence[Mapping]) -> dict[str, dict]:
    return {
        d["code"]: {
            "department": d.get("department", ""),
            "external": bool(d.get("external", False)),
            "name": d.get("name", {}),
            "unit": d.get("unit", ""),
        }
        for d in topic_docs
    }


def examples_from_topics(
    topic_docs: Sequence[Mapping], field_weights: Mapping[str, float] | None = None
) -> tuple[list[TrainingExample], dict[str, dict]]:
    """Training examples and topics_meta from parsed topic documents (catalogue schema).

    Examples, keywords and synonyms become one example each; name and summary one per language;
    long fields (description, when_applies) one per sentence.
    """
    fw = dict(FIELD_WEIGHTS if field_weights is None else field_weights)
    out: list[TrainingExample] = []
    for d in topic_docs:
        code = d["code"]
        for fld, w in fw.items():
            if w <= 0:
                continue
            for s in field_texts(d.get(fld)):
                pieces = (
                    [p for p in _SENTENCE_SPLIT.split(s) if p.strip()]
                    if fld in ("description", "when_applies", "how_to_apply", "guidance_internal")
                    else [s]
                )
                for p in pieces:
                    out.append(TrainingExample(p.strip(), code, w, f"catalogue:{fld}"))
    return out, topics_meta_from_docs(topic_docs)


def keyword_phrases(topic_docs: Sequence[Mapping]) -> dict[str, list[str]]:
    """Topic code → keyword and synonym phrases (what the keyword matcher looks for)."""
    return {d["code"]: field_texts(d.get("keywords")) + field_texts(d.get("synonyms")) for d in topic_docs}


def load_extra_examples(path: str, source: str = "extra") -> list[TrainingExample]:
    """Read JSON lines {"text", "topic"[, "weight"]} (e.g. ``routing/data/extra_examples.jsonl``)."""
    import json

    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out.append(
                    TrainingExample(
                        r["text"], r["topic"], float(r.get("weight", 1.0)), r.get("source", source)
                    )
                )
    return out


def default_unroutable() -> list[str]:
    """The shipped texts that need manual triage (``routing/data/unroutable.txt``)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "unroutable.txt")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
