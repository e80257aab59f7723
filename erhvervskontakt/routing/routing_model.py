"""Routing engine: the trained model — scores and ranks the topics for a text, mixes in its
sentences' scores to find every matter of a long text, calibrates its confidence, explains its
first choice, and (de)serialises itself (pure Python, no Django)."""

from __future__ import annotations

import io
import math
import pickle
from dataclasses import asdict, dataclass

import numpy as np

from . import text as tx
from .config import PICKLE_MODULE, EngineConfig
from .features import _Featurizer, _KeywordMatcher

MAX_CHARS = 6000  # characters of a text that are analysed (after email clean-up)
MAX_SEGMENTS = 20  # sentences/clauses routed separately for multi-matter detection


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


RouteResult.__module__ = PICKLE_MODULE


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


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
        probs = softmax(np.vstack(logits))
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


RoutingModel.__module__ = PICKLE_MODULE
