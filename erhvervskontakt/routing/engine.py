"""Routing engine: ranks the catalogue's topics for any free text (pure Python, no Django).

Design (see ``bench/routing/README.md`` for the measurements behind the defaults):

* Text → canonical tokens (:mod:`.text`): email greeting/signature stripped, æ/ø/å folded, missing
  æ/ø/å and typos repaired against the training vocabulary, unknown compounds split.
* Features: word TF-IDF over stemmed tokens (uni- and bigrams) plus character n-grams (2–5, within
  words) over a loose spelling (ae/oe/aa → a/o/a) — the n-grams carry compounds, typos and
  inflections the words miss.
* A multinomial logistic regression trained on the catalogue's example phrasings, keywords, synonyms,
  names, summaries and descriptions (each field weighted) and on staff decisions.
* An optional keyword matcher (``EngineConfig.keyword_boost``) adds a boost for catalogue keyword
  phrases found in the text; measured, it double-counts keywords that are already training rows and
  lowers accuracy, so it is off by default.
* Multi-matter: the text is also split into sentences/clauses; each is routed and a topic's best
  clause score is mixed into the ranking, so every matter of a long email reaches the top of the list.
* Confidence: logistic calibration on logit(top probability) and the specificity of the text's most
  specific known word, fitted on cross-validated predictions of the training phrasings plus texts
  that cannot be routed (``data/unroutable.txt``). Below ``triage_threshold`` → manual triage.

The engine's modules, one concept each; this module is their public face (import from here):

* :mod:`.config` — ``ENGINE_VERSION``, ``EngineConfig`` (hyper-parameters), ``PICKLE_MODULE``.
* :mod:`.examples` — ``TrainingExample``; catalogue topic documents, extra-example files and the
  unroutable texts turned into training input.
* :mod:`.features` — ``_Featurizer`` (word and character TF-IDF) and ``_KeywordMatcher``.
* :mod:`.routing_model` — ``RoutingModel`` (ranking, multi-matter, confidence, explanation,
  to/from bytes) and ``RouteResult``.
* :mod:`.fitting` — ``train``/``train_from_topic_docs``: the linear fit and confidence calibration.
* :mod:`.evaluation` — ``evaluate``, ``format_metrics`` and the replacement rule ``is_not_worse``.

Stored models name their classes ``erhvervskontakt.routing.engine.<Class>``: every class keeps this
module as its ``__module__`` and is re-exported here, so models pickled before and after the split
load alike (see ``config.PICKLE_MODULE``).
"""

from __future__ import annotations

import numpy as np  # noqa: F401 - ``engine.np`` is used by callers and tests

from .config import ENGINE_VERSION, PICKLE_MODULE, EngineConfig
from .evaluation import evaluate, format_metrics, is_not_worse
from .examples import (
    FIELD_WEIGHTS,
    TrainingExample,
    default_unroutable,
    examples_from_topics,
    keyword_phrases,
    load_extra_examples,
    load_topic_files,
    topics_meta_from_docs,
)
from .features import _Featurizer, _KeywordMatcher
from .fitting import _data_hash, train, train_from_topic_docs
from .routing_model import MAX_CHARS, MAX_SEGMENTS, RouteResult, RoutingModel

__all__ = [
    "ENGINE_VERSION",
    "FIELD_WEIGHTS",
    "MAX_CHARS",
    "MAX_SEGMENTS",
    "EngineConfig",
    "RouteResult",
    "RoutingModel",
    "TrainingExample",
    "default_unroutable",
    "evaluate",
    "examples_from_topics",
    "format_metrics",
    "is_not_worse",
    "keyword_phrases",
    "load_extra_examples",
    "load_topic_files",
    "topics_meta_from_docs",
    "train",
    "train_from_topic_docs",
    # Internal, but used by datasets.py, the tests, and (the classes) named by stored models.
    "_Featurizer",
    "_KeywordMatcher",
    "_data_hash",
]

assert __name__ == PICKLE_MODULE, "config.PICKLE_MODULE must name this module"
