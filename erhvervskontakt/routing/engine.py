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
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import pickle
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import numpy as np
from scipy import sparse

from . import text as tx

ENGINE_VERSION = "1.0"
MAX_CHARS = 6000  # characters of a text that are analysed (after email clean-up)
MAX_SEGMENTS = 20  # sentences/clauses routed separately for multi-matter detection


# ---------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class TrainingExample:
    """One labelled text. ``source`` is where it came from: "catalogue" (and field, e.g.
    "catalogue:keywords") or "staff" (the topic a matter was finally handled under)."""

    text: str
    topic: str
    weight: float = 1.0
    source: str = "catalogue"


@dataclass
class RouteResult:
    topics: list[str]  # topic codes, best first
    scores: list[float]  # probabilities, same order, monotone non-increasing, sum ≤ 1
    confidence: float  # calibrated P(top topic is right)
    explanation: list[str]  # words in the text that drove the top choice, strongest first
    matters: list[str]  # topics judged present (multi-matter), best first
    is_external: bool  # the top topic is a state matter (EXT)
    department: str = ""  # department code of the top topic
    needs_triage: bool = False  # confidence below the triage threshold (and not a clear multi-matter text)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class EngineConfig:
    """Hyper-parameters. Defaults were chosen on the project's own held-out set (see bench)."""

    C: float = 20.0
    word_weight: float = 1.0
    char_weight: float = 1.0
    char_ngram: tuple[int, int] = (2, 5)
    char_min_df: int = 3
    keyword_boost: float = 0.0  # measured: keywords are already training rows; a boost double-counts
    segment_mix: float = 0.35
    triage_threshold: float = 0.6
    multi_threshold: float = 0.35
    max_iter: int = 300
    solver: str = "lr"  # "lr" multinomial logistic regression | "svm" linear SVM (liblinear) | "sgd"
    lr_solver: str = "lbfgs"  # measured: newton-cg needs half the memory but is less accurate here
    svm_scale: float = 4.0  # logits = svm_scale × SVM decision values (svm/sgd solvers)
    source_weights: dict[str, float] = field(default_factory=lambda: {"staff": 1.5})
    calibrate: bool = True
    calibration_folds: int = 2


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


# ---------------------------------------------------------------------------------------------
# Catalogue → training examples


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


def _texts(value) -> list[str]:
    """All strings in a catalogue field value: str, {da, en}, list, or {da: [...], en: [...]}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _texts(v)]
    if isinstance(value, Iterable):
        return [s for v in value for s in _texts(v)]
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
            for s in _texts(d.get(fld)):
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
    return {d["code"]: _texts(d.get("keywords")) + _texts(d.get("synonyms")) for d in topic_docs}


# ---------------------------------------------------------------------------------------------
# Feature extraction


def _passthrough(x):
    return x


class _Featurizer:
    """Word + char features; fitted with sklearn, applied with a fast pure-Python transform."""

    def __init__(self, vocab: tx.Vocabulary, cfg: EngineConfig):
        self.vocab = vocab
        self.nmin, self.nmax = cfg.char_ngram
        self.word_weight = cfg.word_weight
        self.char_weight = cfg.char_weight
        self.char_min_df = cfg.char_min_df

    # analysis -------------------------------------------------------------------------------
    def analyse(self, text: str, is_email: bool | None = None):
        triples = tx.analyse_pairs(text, self.vocab, is_email=is_email)
        main = [t for t, _, part in triples if not part]
        parts = [t for t, _, part in triples if part]
        return triples, self.word_feats(main, parts), self.char_feats(main)

    @staticmethod
    def word_feats(toks: list[str], parts: Sequence[str] = ()) -> list[str]:
        """Stemmed unigrams and bigrams of the text's words, plus unigrams of compound parts."""
        stems = [tx.stem(t) for t in toks]
        return (
            stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)] + [tx.stem(t) for t in parts]
        )

    def char_feats(self, toks: list[str]) -> list[str]:
        """Character n-grams within each word (padded with spaces) of the loose spelling."""
        out = []
        nmin, nmax = self.nmin, self.nmax
        for t in toks:
            w = f" {tx.squash(t)} "
            n_len = len(w)
            for n in range(nmin, nmax + 1):
                out.extend(w[i : i + n] for i in range(n_len - n + 1))
        return out

    # fitting --------------------------------------------------------------------------------
    def fit_transform(self, texts: Sequence[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        # Character n-grams are generated per document by sklearn's char_wb analyzer over the loose
        # spelling of the words (same n-grams as char_feats(), without holding them all in memory).
        words, chars = [], []
        for t in texts:
            triples = tx.analyse_pairs(t, self.vocab, is_email=False)
            main = [c for c, _, part in triples if not part]
            words.append(self.word_feats(main, [c for c, _, part in triples if part]))
            chars.append(" ".join(tx.squash(c) for c in main))
        wv = TfidfVectorizer(analyzer=_passthrough, sublinear_tf=True, dtype=np.float32)
        cv = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(self.nmin, self.nmax),
            lowercase=False,
            sublinear_tf=True,
            min_df=self.char_min_df,
            dtype=np.float32,
        )
        xw = wv.fit_transform(words)
        xc = cv.fit_transform(chars)
        self.word_index = {k: int(v) for k, v in wv.vocabulary_.items()}
        self.char_index = {k: int(v) for k, v in cv.vocabulary_.items()}
        self.word_idf = wv.idf_.astype(np.float32)
        self.char_idf = cv.idf_.astype(np.float32)
        self.n_word = len(self.word_index)
        self.n_features = self.n_word + len(self.char_index)
        # Specificity of a text = idf of its most specific known word (unigrams only), in [0, 1].
        uni = np.zeros(self.n_word, dtype=np.float32)
        for f, j in self.word_index.items():
            if " " not in f:
                uni[j] = self.word_idf[j]
        self.unigram_idf = uni / (uni.max() or 1.0)
        return sparse.hstack([xw * self.word_weight, xc * self.char_weight]).tocsr()

    # fast transform -------------------------------------------------------------------------
    def _vec(self, feats: list[str], index: dict, idf: np.ndarray, offset: int, scale: float):
        """Sublinear-tf × idf, L2-normalised, scaled: the same values TfidfVectorizer produces."""
        counts = Counter(feats)
        cols, tfs = [], []
        get = index.get
        for f, n in counts.items():
            j = get(f)
            if j is not None:
                cols.append(j)
                tfs.append(n)
        if not cols:
            return np.zeros(0, np.int64), np.zeros(0)
        idx = np.asarray(cols, dtype=np.int64)
        vals = (1.0 + np.log(np.asarray(tfs, dtype=np.float64))) * idf[idx]
        vals *= scale / (np.sqrt((vals * vals).sum()) or 1.0)
        return idx + offset, vals

    def row(self, w: list[str], c: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """One text's feature vector as (column indices, values)."""
        i1, v1 = self._vec(w, self.word_index, self.word_idf, 0, self.word_weight)
        i2, v2 = self._vec(c, self.char_index, self.char_idf, self.n_word, self.char_weight)
        return np.concatenate([i1, i2]), np.concatenate([v1, v2])

    def specificity(self, idx: np.ndarray) -> float:
        w = idx[idx < self.n_word]
        return float(self.unigram_idf[w].max()) if len(w) else 0.0

    def transform_feats(self, feats: Sequence[tuple[list[str], list[str]]]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for w, c in feats:
            idx, vals = self.row(w, c)
            indices.append(idx)
            data.append(vals)
            indptr.append(indptr[-1] + len(idx))
        return sparse.csr_matrix(
            (
                np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
                np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
                indptr,
            ),
            shape=(len(feats), self.n_features),
        )

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        feats = []
        for t in texts:
            _, w, c = self.analyse(t, is_email=False)
            feats.append((w, c))
        return self.transform_feats(feats)


class _KeywordMatcher:
    """Finds catalogue keyword/synonym phrases (as stem sequences) in a text's stems."""

    def __init__(self, phrases: Mapping[str, list[str]], vocab: tx.Vocabulary, topic_index: dict):
        table: dict[tuple[str, ...], set[int]] = {}
        for code, items in phrases.items():
            if code not in topic_index:
                continue
            for p in items:
                toks = tx.analyse(p, vocab, is_email=False)  # without compound parts
                stems = tuple(tx.stem(t) for t in toks)
                if not stems or (len(stems) == 1 and len(stems[0]) < 3):
                    continue
                table.setdefault(stems, set()).add(topic_index[code])
                # A compound keyword also matches when written as its split parts.
                if len(toks) == 1:
                    parts = vocab._split(toks[0])
                    if parts:
                        table.setdefault(tuple(tx.stem(t) for t in parts), set()).add(topic_index[code])
        n = len(topic_index)
        self.table = {k: (sorted(v), math.log(1 + n / len(v)) / math.log(1 + n)) for k, v in table.items()}
        self.max_len = max((len(k) for k in self.table), default=1)
        self.n_topics = n

    def match(self, triples) -> tuple[np.ndarray, list[tuple[tuple[str, ...], int, int]]]:
        """Keyword boost per topic and the hits (phrase, start, length) in the main-token sequence.

        Phrases are looked up in the sequence of the text's words; the parts of a split compound are
        tried only as a whole phrase (so ``udendoersservering`` matches "udendørs servering").
        """
        stems = []
        part_groups: list[tuple[int, list[str]]] = []
        for canon, _, part in triples:
            if part:
                if part_groups and part_groups[-1][0] == len(stems) - 1:
                    part_groups[-1][1].append(tx.stem(canon))
                else:
                    part_groups.append((len(stems) - 1, [tx.stem(canon)]))
            else:
                stems.append(tx.stem(canon))
        boost = np.zeros(self.n_topics)
        hits = []
        seen = set()

        def hit(key, i, L):
            v = self.table.get(key)
            if v is None or key in seen:
                return
            seen.add(key)
            topics, w = v
            w = w * (1.0 + 0.5 * (L - 1))  # longer phrases are stronger evidence
            for t in topics:
                boost[t] += w
            hits.append((key, i, L))

        for i in range(len(stems)):
            for L in range(min(self.max_len, len(stems) - i), 0, -1):
                hit(tuple(stems[i : i + L]), i, L)
        matched_at = {i for _, i, L in hits if L == 1}
        for i, group in part_groups:
            if len(group) >= 2 and i >= 0 and i not in matched_at:
                hit(tuple(group), i, 1)
        return np.minimum(boost, 2.5), hits


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# The model


class RoutingModel:
    """A trained router. Create with :func:`train`; persist with :meth:`to_bytes`/:meth:`from_bytes`."""

    def __init__(self, featurizer, W, b, topics, topics_meta, matcher, calib, cfg, metadata):
        self.featurizer: _Featurizer = featurizer
        self.W = W  # (n_features, n_topics) float32
        self.b = b  # (n_topics,)
        self.topics: list[str] = topics
        self.topics_meta: dict[str, dict] = topics_meta
        self.matcher: _KeywordMatcher = matcher
        self.calib = calib  # (a, b, c): see _confidence; None = the top probability itself
        self.config: EngineConfig = cfg
        self.metadata: dict = metadata
        self._ext = np.array([bool(topics_meta.get(t, {}).get("external")) for t in topics])

    # -- core scoring ----------------------------------------------------------------------------
    def _row_logits(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        if len(idx) == 0:
            return self.b.astype(np.float64).copy()
        return vals @ self.W[idx] + self.b

    def _probabilities(self, text: str):
        """Final topic distribution for ``text`` plus what the explanation needs."""
        fz = self.featurizer
        is_email = "\n" in text.strip() or len(text) > 280
        body = tx.strip_email(text) if is_email else text
        body = body[:MAX_CHARS]  # bound the cost of pasted documents and long threads
        triples, wf, cf = fz.analyse(body, is_email=False)
        n_words = sum(1 for _, _, part in triples if not part)
        segs = tx.segments(body)[:MAX_SEGMENTS] if n_words >= 6 else []
        if len(segs) < 2:
            segs = []
        kb = self.config.keyword_boost
        idx, vals = fz.row(wf, cf)
        hits: list = []
        logits = [self._row_logits(idx, vals)]
        if kb:
            boost, hits = self.matcher.match(triples)
            logits[0] = logits[0] + kb * boost
        for s in segs:
            t2, w2, c2 = fz.analyse(s, is_email=False)
            lg = self._row_logits(*fz.row(w2, c2))
            logits.append(lg + kb * self.matcher.match(t2)[0] if kb else lg)
        probs = _softmax(np.vstack(logits))
        p_whole = probs[0]
        if segs:
            seg_max = probs[1:].max(axis=0)
            mix = self.config.segment_mix
            p = (1 - mix) * p_whole + mix * seg_max
            p = p / p.sum()
        else:
            seg_max = None
            p = p_whole
        return p, p_whole, seg_max, (idx, vals), triples, hits, fz.specificity(idx)

    def _confidence(self, p_sorted: np.ndarray, specificity: float = 1.0) -> float:
        """Calibrated P(top topic is right): sigmoid(a · logit(p_top) + b · specificity + c).

        Monotone in the top probability; ``specificity`` (idf of the most specific known word, 0–1)
        lowers the confidence of texts made only of generic words ("tilladelse", "hjælp").
        """
        top = min(max(float(p_sorted[0]), 1e-6), 1 - 1e-6)
        if self.calib is None:
            return top
        a, b, c = self.calib
        return float(1.0 / (1.0 + math.exp(-(a * math.log(top / (1 - top)) + b * specificity + c))))

    def _explain(self, x_row, topic_idx: int, pairs, hits, limit: int = 6) -> list[str]:
        """Words of the text with the largest positive contribution to the top topic's score."""
        fz = self.featurizer
        idx, vals = x_row
        contrib: dict[str, float] = {}
        # Map keys back to what the business wrote.
        stem_to_surface: dict[str, str] = {}
        canon_to_surface: dict[str, str] = {}
        for canon, surface, _ in pairs:
            stem_to_surface.setdefault(tx.stem(canon), surface)
            canon_to_surface.setdefault(canon, surface)
        inv_word = getattr(fz, "_inv_word", None)
        if inv_word is None:
            inv_word = fz._inv_word = {v: k for k, v in fz.word_index.items()}
            fz._inv_char = {v: k for k, v in fz.char_index.items()}
        inv_char = fz._inv_char
        c_all = vals * self.W[idx, topic_idx] if len(idx) else np.zeros(0)
        # Which words contain each character n-gram (built once for this text).
        owners: dict[str, list[str]] = {}
        for canon, surface in canon_to_surface.items():
            for g in set(fz.char_feats([canon])):
                owners.setdefault(g, []).append(surface)
        for j, c in zip(idx.tolist(), c_all.tolist(), strict=False):
            if c <= 0:
                continue
            if j < fz.n_word:
                for s in inv_word[j].split(" "):
                    surf = stem_to_surface.get(s)
                    if surf:
                        contrib[surf] = contrib.get(surf, 0.0) + c
            else:
                ow = owners.get(inv_char[j - fz.n_word], ())
                for o in ow:
                    contrib[o] = contrib.get(o, 0.0) + c / len(ow)
        surf_by_pos = [s for _, s, part in pairs if not part]
        for key, i, L in hits:
            if topic_idx in self.matcher.table[key][0]:
                words = " ".join(dict.fromkeys(surf_by_pos[i : i + L]))
                contrib[words] = contrib.get(words, 0.0) + self.config.keyword_boost
        ranked = sorted(contrib.items(), key=lambda kv: -kv[1])
        out: list[str] = []
        for w, _ in ranked:
            if not any(w in o.split() for o in out):
                out.append(w)
            if len(out) >= limit:
                break
        return out

    # -- public API ----------------------------------------------------------------------------
    def route(
        self,
        text: str,
        k: int = 39,
        *,
        triage_threshold: float | None = None,
        multi_threshold: float | None = None,
        explain: bool = True,
    ) -> RouteResult:
        """Rank the topics for ``text``. Returns at least ``min(5, n_topics)`` topics."""
        tt = self.config.triage_threshold if triage_threshold is None else triage_threshold
        mt = self.config.multi_threshold if multi_threshold is None else multi_threshold
        p, p_whole, seg_max, x_row, pairs, hits, specificity = self._probabilities(text or "")
        order = np.argsort(-p, kind="stable")
        k = max(min(k, len(order)), min(5, len(order)))
        top = order[:k]
        conf = self._confidence(p[order], specificity)
        codes = [self.topics[i] for i in top]
        # Matters: the top topic when the engine is sure enough, and every topic whose evidence (its
        # probability, or for split texts the mean of that and its best clause probability) clears the
        # multi-matter threshold.
        matters: list[str] = []
        for rank, i in enumerate(order[:6]):
            evidence = p[i]
            if seg_max is not None:
                evidence = max(evidence, 0.5 * (p[i] + seg_max[i]))
            if (rank == 0 and conf >= tt) or evidence >= mt:
                matters.append(self.topics[i])
        explanation = self._explain(x_row, int(order[0]), pairs, hits) if explain and pairs else []
        top_code = codes[0]
        return RouteResult(
            topics=codes,
            scores=np.round(p[top], 6).tolist(),
            confidence=round(conf, 4),
            explanation=explanation,
            matters=matters,
            is_external=bool(self._ext[order[0]]),
            department=self.topics_meta.get(top_code, {}).get("department", ""),
            # Unsure of the top topic and no clear set of several matters: an agent decides.
            needs_triage=not matters or (conf < tt and len(matters) < 2),
        )

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        pickle.dump(self, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return buf.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> RoutingModel:
        obj = pickle.loads(data)  # noqa: S301 - models are produced by this code and stored by the app
        if not isinstance(obj, RoutingModel):
            raise TypeError("not a RoutingModel")
        return obj

    def __getstate__(self):
        state = self.__dict__.copy()
        fz = state["featurizer"]
        for attr in ("_inv_word", "_inv_char"):
            fz.__dict__.pop(attr, None)
        return state


# ---------------------------------------------------------------------------------------------
# Training


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
        p = _softmax(np.asarray(X[test] @ W) + b)
        feats.append(np.column_stack([p.max(axis=1), spec_rows(X[test])]))
        labels.append(p.argmax(axis=1) == y[test])
    if unroutable:
        Xu = fz.transform(list(unroutable))
        pu = _softmax(np.asarray(Xu @ W_full) + b_full)
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


def default_unroutable() -> list[str]:
    """The shipped texts that need manual triage (``routing/data/unroutable.txt``)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "unroutable.txt")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]


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
        vocab_texts.extend(_texts(m.get("name")))
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


# ---------------------------------------------------------------------------------------------
# Evaluation (same definitions as the acceptance scorer)


def evaluate(
    model: RoutingModel,
    gold_rows: Iterable[Mapping],
    departments: Mapping[str, str] | None = None,
    *,
    predictions: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    """top1/top3/department accuracy and multi-matter recall@(k+1), exactly as ``score.py`` counts.

    ``gold_rows`` are {"id", "text", "topics": [primary, ...]}. ``departments`` maps topic → department
    (defaults to the model's topics_meta). ``predictions`` (id → ranked codes) skips routing.
    """
    dept = (
        dict(departments)
        if departments is not None
        else {c: m.get("department", "") for c, m in model.topics_meta.items()}
    )
    n = top1 = top3 = dep = 0
    multi_n = 0
    multi_hit = 0.0
    for g in gold_rows:
        if predictions is not None:
            ranked = list(predictions[g["id"]])
        else:
            ranked = model.route(g["text"], explain=False).topics
        gold = list(g["topics"])
        n += 1
        ok1 = bool(ranked) and ranked[0] in gold
        top1 += ok1
        top3 += any(t in gold for t in ranked[:3])
        dep += bool(ranked) and dept.get(ranked[0]) in {dept.get(t) for t in gold}
        if len(gold) > 1:
            k = len(gold) + 1
            multi_n += 1
            multi_hit += sum(t in ranked[:k] for t in gold) / len(gold)
    if n == 0:
        return {"n": 0, "top1": 0.0, "top3": 0.0, "dept": 0.0, "multi": 1.0, "multi_n": 0}
    return {
        "n": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "dept": dep / n,
        "multi": multi_hit / multi_n if multi_n else 1.0,
        "multi_n": multi_n,
    }


def format_metrics(m: Mapping) -> str:
    """The lines ``score.py`` prints (without --show-errors), for ``route_eval``."""
    return "\n".join(
        [
            f"inquiries: {m['n']}",
            f"top1 topic accuracy: {m['top1']:.3f}",
            f"top3 topic accuracy: {m['top3']:.3f}",
            f"department accuracy (top1): {m['dept']:.3f}",
            f"multi-matter recall@(k+1): {m['multi']:.3f} over {m['multi_n']}",
            f"top1={m['top1']:.3f} top3={m['top3']:.3f} dept={m['dept']:.3f} multi={m['multi']:.3f}",
        ]
    )


def is_not_worse(
    new: Mapping,
    old: Mapping | None,
    *,
    keys: Sequence[str] = ("top1", "top3", "dept", "multi"),
    tolerance: float = 0.0,
) -> bool:
    """Model-replacement rule: the new model's held-back metrics are each ≥ the old's (− tolerance)."""
    if not old:
        return True
    return all(float(new.get(k, 0.0)) >= float(old.get(k, 0.0)) - tolerance for k in keys if k in old)
