"""A per-field inverted index in scipy sparse matrices, BM25F and classic TF-IDF, and the metrics.

BM25F (Robertson & Zaragoza's simple BM25F, as Index/Postings/Impacts.swift documents it):
    score(d) = sum_t qw_t * idf_t * tft / (k1 + tft)
    tft      = sum_f w_f * tf_{t,f}(d) / B_f(d),   B_f(d) = 1 - b_f + b_f * len_f(d) / avglen_f
    idf_t    = ln(1 + (N - df_t + 0.5) / (df_t + 0.5))      df_t: docs with t in any field
(Lucene's constant factor (k1 + 1) does not change rankings and is left out.)
"""
import math
import os
import pickle

import numpy as np
import scipy.sparse as sp

import corpus

FIELDS = corpus.FIELDS


class Index:
    def __init__(self, trials):
        self.ids = [t["id"] for t in trials]
        self.pos = {d: i for i, d in enumerate(self.ids)}
        self.N = len(trials)
        self.vocab = {}
        self.tf = {}
        self.len = {}
        for f in FIELDS:
            rows, cols, vals = [], [], []
            lens = np.zeros(self.N)
            for i, t in enumerate(trials):
                terms = t["terms"][f]
                lens[i] = len(terms)
                counts = {}
                for term in terms:
                    j = self.vocab.setdefault(term, len(self.vocab))
                    counts[j] = counts.get(j, 0) + 1
                rows += [i] * len(counts)
                cols += list(counts)
                vals += list(counts.values())
            self.tf[f] = (rows, cols, vals)
            self.len[f] = lens
        V = len(self.vocab)
        for f in FIELDS:
            rows, cols, vals = self.tf[f]
            self.tf[f] = sp.csc_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(self.N, V))
        self.V = V
        self.avglen = {f: max(self.len[f].mean(), 1e-9) for f in FIELDS}
        present = None
        for f in FIELDS:
            m = (self.tf[f] > 0).astype(np.int8)
            present = m if present is None else present.maximum(m)
        self.df = np.asarray(present.sum(axis=0)).ravel()
        # per-field df (for field-aware term selection)
        self.fdf = {f: np.asarray((self.tf[f] > 0).sum(axis=0)).ravel() for f in FIELDS}
        self.idf = np.log(1 + (self.N - self.df + 0.5) / (self.df + 0.5))
        self.elig = [t["elig"] for t in trials]
        self.terms = None
        self._cache = {}

    def term_id(self, term):
        return self.vocab.get(term)

    # ---- BM25F -------------------------------------------------------------------------------
    def tilde(self, weights, bs):
        """The matrix of tft (docs x terms) for field weights and per-field b (cached)."""
        key = ("bm25f", tuple(sorted(weights.items())), tuple(sorted(bs.items())))
        m = self._cache.get(key)
        if m is None:
            m = None
            for f, w in weights.items():
                if w <= 0:
                    continue
                b = bs.get(f, 0.75)
                B = 1 - b + b * self.len[f] / self.avglen[f]
                part = sp.diags(w / np.maximum(B, 1e-9)) @ self.tf[f]
                m = part if m is None else m + part
            m = sp.csc_matrix(m)
            if len(self._cache) > 8:
                self._cache.clear()
            self._cache[key] = m
        return m

    def bm25f(self, query, weights, bs, k1):
        """query: {term_id: query weight}. Returns a dense score vector."""
        if not query:
            return np.zeros(self.N)
        T = self.tilde(weights, bs)
        cols = np.fromiter(query.keys(), dtype=np.int64)
        qw = np.fromiter(query.values(), dtype=np.float64)
        sub = T[:, cols].tocsc()
        sub.data = sub.data / (k1 + sub.data)
        return sub @ (qw * self.idf[cols])

    # ---- classic TF-IDF (Lucene ClassicSimilarity, per field, summed with field weights) -------
    def tfidf(self, query, weights):
        key = ("tfidf", tuple(sorted(weights.items())))
        m = self._cache.get(key)
        if m is None:
            m = None
            for f, w in weights.items():
                if w <= 0:
                    continue
                norm = 1 / np.sqrt(np.maximum(self.len[f], 1))
                part = self.tf[f].sqrt()
                part = sp.diags(w * norm) @ part
                m = part if m is None else m + part
            m = sp.csc_matrix(m)
            self._cache[key] = m
        cols = np.fromiter(query.keys(), dtype=np.int64)
        qw = np.fromiter(query.values(), dtype=np.float64)
        idf = 1 + np.log(self.N / (self.df[cols] + 1))
        return m[:, cols] @ (qw * idf * idf)

    def doc_terms(self, fields=None):
        """Per doc: {field: {term_id: tf}} (built lazily)."""
        if self.terms is None:
            self.terms = []
            csr = {f: self.tf[f].tocsr() for f in FIELDS}
            for i in range(self.N):
                d = {}
                for f in FIELDS:
                    row = csr[f][i]
                    d[f] = dict(zip(row.indices.tolist(), row.data.tolist()))
                self.terms.append(d)
        return self.terms


def load_index():
    path = os.path.join(corpus.CACHE, "index-v1.pickle")
    if os.path.exists(path):
        with open(path, "rb") as h:
            return pickle.load(h)
    idx = Index(corpus.load())
    with open(path, "wb") as h:
        pickle.dump(idx, h, protocol=pickle.HIGHEST_PROTOCOL)
    return idx


# ---- metrics, identical to ../shared/eval/score.py --------------------------------------------
def rank(scores, depth=1000, exclude=None):
    if exclude is not None:
        scores = scores.copy()
        scores[exclude] = -np.inf
    n = min(depth, len(scores))
    # stable sort on -score: ties in doc order (= trial id order, as trec_eval)
    top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    cutoff = scores[top].min()
    cand = np.nonzero(scores >= cutoff)[0]
    order = cand[np.argsort(-scores[cand], kind="stable")][:n]
    if exclude is not None:
        order = order[scores[order] > -np.inf]
    return order


def _dcg(gains):
    return sum(g / math.log2(r + 2) for r, g in enumerate(gains))


def metrics(judged, ranking_ids):
    """judged: {doc: grade}; ranking_ids: ranked doc ids. Returns dict or None when nothing relevant."""
    if not any(g > 0 for g in judged.values()):
        return None
    gains = [max(judged.get(d, 0), 0) for d in ranking_ids]
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)
    relevant = sum(1 for g in judged.values() if g > 0)
    out = {"ndcg": _dcg(gains[:10]) / _dcg(ideal[:10]),
           "p10": sum(1 for g in gains[:10] if g > 0) / 10,
           "r100": sum(1 for g in gains[:100] if g > 0) / relevant}
    hits, ps = 0, 0.0
    for r, g in enumerate(gains, 1):
        if g > 0:
            hits += 1
            ps += hits / r
    out["map"] = ps / relevant
    return out


def mean_metrics(per_topic, topics=None):
    keys = [t for t in per_topic if per_topic[t] is not None and (topics is None or t in topics)]
    if not keys:
        return {}
    return {m: sum(per_topic[t][m] for t in keys) / len(keys) for m in ("ndcg", "p10", "r100", "map")}


def write_run(path, runs, idx, tag):
    """runs: {qid: (order, scores)}."""
    with open(path, "w") as h:
        for qid, (order, scores) in runs.items():
            for r, i in enumerate(order, 1):
                h.write("%s Q0 %s %d %.6f %s\n" % (qid, idx.ids[i], r, scores[i], tag))
