"""Routing engine: what the model sees of a text — word and character TF-IDF features, and the
catalogue keyword phrases found in it (pure Python, no Django)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from . import text as tx
from .config import PICKLE_MODULE, EngineConfig


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


_Featurizer.__module__ = PICKLE_MODULE


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


_KeywordMatcher.__module__ = PICKLE_MODULE
