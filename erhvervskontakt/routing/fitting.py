"""Routing engine: training — fits the linear model and the confidence calibration on labelled
texts and returns a :class:`~.routing_model.RoutingModel` (pure Python, no Django; the database
side, model versions and the replacement rule, is in ``training.py``)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

import numpy as np

from . import text as tx
from .config import ENGINE_VERSION, EngineConfig
from .examples import TrainingExample, default_unroutable, examples_from_topics, field_texts, keyword_phrases
from .features import _Featurizer, _KeywordMatcher
from .routing_model import RoutingModel, softmax


def _data_hash(examples: Sequence[TrainingExample], topics_meta: Mapping) -> str:
    h = hashlib.sha256()
    for e in sorted(examples, key=lambda e: (e.topic, e.text, e.source, e.weight)):
        h.update(f"{e.topic}\t{e.source}\t{e.weight:g}\t{e.text}\n".encode())
    for code in sorted(topics_meta):
        m = topics_meta[code]
        h.update(f"{code}\t{m.get('department', '')}\t{bool(m.get('external'))}\n".encode())
    return h.hexdigest()


def _fit_linear(X, y, w, n_topics, cfg: EngineConfig, seed: int):
    """Fit the linear model; returns W (n_features × n_topics, float32) and b (n_topics) as logits."""
    present = np.unique(y)
    if cfg.solver == "svm":
        from sklearn.svm import LinearSVC

        clf = LinearSVC(C=cfg.C / 20.0, random_state=seed, max_iter=2000, tol=1e-3)
        clf.fit(X, y, sample_weight=w)
        coef, intercept, scale = clf.coef_, clf.intercept_, cfg.svm_scale
    elif cfg.solver == "sgd":
        from sklearn.linear_model import SGDClassifier

        clf = SGDClassifier(
            loss="modified_huber", alpha=1e-5 * 20.0 / cfg.C, random_state=seed, max_iter=30, tol=1e-4
        )
        clf.fit(X, y, sample_weight=w)
        coef, intercept, scale = clf.coef_, clf.intercept_, cfg.svm_scale
    else:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(
            C=cfg.C, solver=cfg.lr_solver, max_iter=cfg.max_iter, random_state=seed, tol=1e-3
        )
        clf.fit(X, y, sample_weight=w)
        coef, intercept, scale = clf.coef_, clf.intercept_, 1.0
    W = np.zeros((X.shape[1], n_topics), dtype=np.float32)
    b = np.full(n_topics, -30.0)
    if len(present) == 2 and coef.shape[0] == 1:  # binary problem: sklearn gives one column
        W[:, present[1]] = coef[0] / 2 * scale
        W[:, present[0]] = -coef[0] / 2 * scale
        b[present[1]], b[present[0]] = intercept[0] / 2 * scale, -intercept[0] / 2 * scale
    else:
        W[:, present] = coef.T * scale
        b[present] = intercept * scale
    return W, b


def _fit_calibration(
    X, y, w, sources, n_topics, cfg: EngineConfig, seed: int, fz, W_full, b_full, unroutable: Sequence[str]
):
    """Confidence calibration: logistic regression of "top topic right" on logit(p_top) and specificity.

    Positives and negatives come from cross-validated predictions of the whole phrasings (catalogue
    examples and staff decisions, not keywords or names); texts that cannot be routed (greetings,
    generic words, gibberish; ``routing/data/unroutable.txt``) are added as negatives, scored by the
    full model. Returns (a, b, c) or None when there is too little to fit (then the confidence is the
    top probability itself).
    """
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    idx = np.array([i for i, s in enumerate(sources) if s in ("catalogue:examples", "staff")])
    if len(idx) < 40 or len(set(y[idx])) < 2:
        return None
    folds = rng.integers(0, cfg.calibration_folds, size=len(idx))
    feats, labels = [], []

    def spec_rows(Xs):
        return np.array(
            [fz.specificity(Xs.indices[Xs.indptr[i] : Xs.indptr[i + 1]]) for i in range(Xs.shape[0])]
        )

    fast = EngineConfig(**{**asdict(cfg), "max_iter": min(cfg.max_iter, 100)})
    for f in range(cfg.calibration_folds):
        test = idx[folds == f]
        train_mask = np.ones(X.shape[0], bool)
        train_mask[test] = False
        W, b = _fit_linear(X[train_mask], y[train_mask], w[train_mask], n_topics, fast, seed)
        p = softmax(np.asarray(X[test] @ W) + b)
        feats.append(np.column_stack([p.max(axis=1), spec_rows(X[test])]))
        labels.append(p.argmax(axis=1) == y[test])
    if unroutable:
        Xu = fz.transform(list(unroutable))
        pu = softmax(np.asarray(Xu @ W_full) + b_full)
        feats.append(np.column_stack([pu.max(axis=1), spec_rows(Xu)]))
        labels.append(np.zeros(len(unroutable), bool))
    F = np.vstack(feats)
    L = np.concatenate(labels)
    if L.all() or not L.any():
        return None
    top = np.clip(F[:, 0], 1e-6, 1 - 1e-6)
    F = np.column_stack([np.log(top / (1 - top)), F[:, 1]])
    cal = LogisticRegression(C=1.0).fit(F, L)
    a, b = float(cal.coef_[0][0]), float(cal.coef_[0][1])
    if a <= 0:  # not monotone in the top probability: no usable signal
        return None
    return (a, max(b, 0.0), float(cal.intercept_[0]))


def train(
    examples: Sequence[TrainingExample],
    topics_meta: Mapping[str, Mapping],
    *,
    seed: int = 0,
    keywords: Mapping[str, list[str]] | None = None,
    config: EngineConfig | None = None,
    unroutable: Sequence[str] | None = None,
) -> RoutingModel:
    """Train a :class:`RoutingModel`.

    ``topics_meta`` maps topic code → {"department", "external", "name"}; every topic listed there is
    ranked (topics without examples get a very low score). ``keywords`` (topic → phrases) feeds the
    keyword matcher; when omitted, examples whose source ends in ``keywords`` or ``synonyms`` are used.
    Each example's weight is multiplied by ``config.source_weights`` for its source (staff decisions
    count 1.5× by default). ``unroutable`` are texts that need manual triage, used only to calibrate
    the confidence (default: the shipped ``routing/data/unroutable.txt``).
    """
    t0 = time.perf_counter()
    cfg = config or EngineConfig()
    topics = sorted(topics_meta)
    tindex = {c: i for i, c in enumerate(topics)}
    examples = [e for e in examples if e.topic in tindex and e.text and e.text.strip()]
    if not examples:
        raise ValueError("no training examples for the given topics")
    # Names and keywords also define the vocabulary used to repair spellings.
    vocab_texts = [e.text for e in examples]
    for m in topics_meta.values():
        vocab_texts.extend(field_texts(m.get("name")))
    vocab = tx.Vocabulary(vocab_texts)
    fz = _Featurizer(vocab, cfg)
    texts = [e.text for e in examples]
    X = fz.fit_transform(texts)
    y = np.array([tindex[e.topic] for e in examples])
    sw = np.array([e.weight * cfg.source_weights.get(e.source.split(":")[0], 1.0) for e in examples])
    W, b = _fit_linear(X, y, sw, len(topics), cfg, seed)
    if keywords is None:
        kw: dict[str, list[str]] = {}
        for e in examples:
            if e.source.endswith(("keywords", "synonyms")):
                kw.setdefault(e.topic, []).append(e.text)
        keywords = kw
    matcher = _KeywordMatcher(keywords, vocab, tindex)
    calib = (
        _fit_calibration(
            X,
            y,
            sw,
            [e.source for e in examples],
            len(topics),
            cfg,
            seed,
            fz,
            W,
            b,
            default_unroutable() if unroutable is None else unroutable,
        )
        if cfg.calibrate
        else None
    )
    dh = _data_hash(examples, topics_meta)
    now = datetime.now(UTC)
    sources: dict[str, int] = {}
    for e in examples:
        key = e.source.split(":")[0]
        sources[key] = sources.get(key, 0) + 1
    metadata = {
        "version": f"{ENGINE_VERSION}-{now:%Y%m%d%H%M%S}-{dh[:8]}",
        "engine_version": ENGINE_VERSION,
        "trained_at": now.isoformat(timespec="seconds"),
        "training_size": len(examples),
        "training_sources": sources,
        "n_topics": len(topics),
        "n_features": int(X.shape[1]),
        "data_hash": dh,
        "seed": seed,
        "config": asdict(cfg),
    }
    model = RoutingModel(
        fz, W, b, topics, {c: dict(topics_meta[c]) for c in topics}, matcher, calib, cfg, metadata
    )
    metadata["train_seconds"] = round(time.perf_counter() - t0, 2)
    return model


def train_from_topic_docs(
    topic_docs: Sequence[Mapping],
    extra: Iterable[TrainingExample] = (),
    *,
    seed: int = 0,
    config: EngineConfig | None = None,
    field_weights: Mapping[str, float] | None = None,
) -> RoutingModel:
    """Convenience: train from parsed catalogue topic documents plus extra (e.g. staff) examples."""
    examples, meta = examples_from_topics(topic_docs, field_weights)
    return train(examples + list(extra), meta, seed=seed, keywords=keyword_phrases(topic_docs), config=config)
