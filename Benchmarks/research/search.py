"""Search with a patient note: query building, BM25F/TF-IDF, demographics, concepts, feedback.

A configuration is a dict (see DEFAULT); `run(idx, cfg)` returns {qid: score vector}.
"""
import math
import re

import numpy as np

import analysis
import concepts
import corpus
import engine
import notes

ALL_FIELDS = engine.FIELDS

DEFAULT = {
    "sim": "bm25f",
    "k1": 1.2,
    "weights": {f: 1.0 for f in ALL_FIELDS if f != "id"},
    "b": {f: 0.75 for f in ALL_FIELDS},
    "qtf": "count",         # count | distinct | log | sqrt
    "deid": False,          # drop [**...**] markers
    "numbers": False,       # drop pure numbers and units
    "abbrev": False,        # expand clinical abbreviations
    "negation": False,      # drop NegEx-negated text
    "max_df": 1.0,          # drop terms in more than this fraction of trials
    "top_n": 0,             # keep the N terms of largest qw * idf (0: all)
    "demo": "none",         # none | filter | demote
    "demote": 0.5,          # score factor for trials whose eligibility excludes the patient
    "concept": 0.0,         # extra weight of a corpus concept (condition/MeSH/keyword value) in the note
    "concept_fields": ("condition", "mesh", "keyword"),
    "concept_min_len": 2,   # only concepts of at least this many terms
    "concept_boost": 0.0,   # multiply the query weight of terms inside matched concepts by (1 + this)
    "prf_docs": 0,          # RM3: feedback docs
    "prf_terms": 20,
    "prf_weight": 0.0,      # lambda: share of the feedback query
    "prf_fields": ("title", "condition", "keyword", "mesh", "summary"),
    "first_boost": 0.0,     # multiply the weight of terms of the note's first sentence by (1 + this)
    "first_chars": 0,       # ... or of its first N characters when > 0
    "cond_prior": 0.0,      # multiply a term's weight by (1 + this * share of its docs listing it as condition/MeSH)
    "cond_prior_fields": ("condition", "mesh"),
}


def cfg_of(**kw):
    c = dict(DEFAULT)
    c.update(kw)
    return c


def qtf_weight(count, mode):
    if mode == "count":
        return float(count)
    if mode == "distinct":
        return 1.0
    if mode == "log":
        return 1.0 + math.log(count)
    if mode == "sqrt":
        return math.sqrt(count)
    raise ValueError(mode)


def build_query(idx, text, cfg):
    """{term_id: weight} for a note."""
    terms = notes.query_terms(text, abbrev=cfg["abbrev"], negation=cfg["negation"], deid=cfg["deid"])
    counts = {}
    for t in terms:
        if cfg["numbers"] and notes.is_boilerplate(t):
            continue
        j = idx.term_id(t)
        if j is None:
            continue
        if idx.df[j] > cfg["max_df"] * idx.N:
            continue
        counts[j] = counts.get(j, 0) + 1
    q = {j: qtf_weight(c, cfg["qtf"]) for j, c in counts.items()}
    if cfg["first_boost"] > 0:
        first = first_part(text, cfg)
        for t in notes.query_terms(first, abbrev=cfg["abbrev"], negation=cfg["negation"], deid=cfg["deid"]):
            j = idx.term_id(t)
            if j in q and q[j] == qtf_weight(counts[j], cfg["qtf"]):
                q[j] *= 1 + cfg["first_boost"]
    if cfg["cond_prior"] > 0:
        share = cond_share(idx, cfg["cond_prior_fields"])
        for j in q:
            q[j] *= 1 + cfg["cond_prior"] * share[j]
    if cfg["concept_boost"] > 0:
        for phrase in concepts.match(idx, text, cfg):
            for j in phrase:
                if j in q:
                    q[j] *= 1 + cfg["concept_boost"]
    if cfg["top_n"] and len(q) > cfg["top_n"]:
        keep = sorted(q, key=lambda j: (-q[j] * idx.idf[j], j))[:cfg["top_n"]]
        q = {j: q[j] for j in keep}
    return q


def first_part(text, cfg):
    if cfg["first_chars"] > 0:
        return text[:cfg["first_chars"]]
    m = re.search(r"[.!?](\s|$)", text)
    return text[:m.end()] if m else text


_share = {}


def cond_share(idx, fields):
    """Per term: the share of the trials containing it that have it in one of `fields`."""
    s = _share.get(fields)
    if s is None and fields == ("maxcm",):
        s = np.maximum(idx.fdf["condition"], idx.fdf["mesh"]) / np.maximum(idx.df, 1)
        _share[fields] = s
    if s is None:
        m = None
        for f in fields:
            p = (idx.tf[f] > 0).astype(np.int8)
            m = p if m is None else m.maximum(p)
        s = np.asarray(m.sum(axis=0)).ravel() / np.maximum(idx.df, 1)
        _share[fields] = s
    return s


def score_query(idx, q, cfg):
    if cfg["sim"] == "tfidf":
        return idx.tfidf(q, cfg["weights"])
    return idx.bm25f(q, cfg["weights"], cfg["b"], cfg["k1"])


def rm3(idx, q, scores, cfg):
    """RM3: q' = (1 - lambda) q/|q| + lambda fb/|fb|, fb from the top prf_docs docs' fields."""
    k = cfg["prf_docs"]
    top = engine.rank(scores, k)
    dt = idx.doc_terms()
    s = scores[top]
    s = np.exp(s - s.max())  # document weights ~ P(d|q)
    fb = {}
    for w, d in zip(s, top):
        counts = {}
        for f in cfg["prf_fields"]:
            for j, tf in dt[d][f].items():
                counts[j] = counts.get(j, 0) + tf
        total = sum(counts.values()) or 1
        for j, c in counts.items():
            fb[j] = fb.get(j, 0.0) + w * c / total
    for j in list(fb):
        if idx.df[j] > cfg["max_df"] * idx.N or notes.is_boilerplate_id(idx, j):
            del fb[j]
        else:
            fb[j] *= idx.idf[j]
    best = sorted(fb, key=lambda j: (-fb[j], j))[:cfg["prf_terms"]]
    fbq = {j: fb[j] for j in best}
    qs, fs = sum(q.values()) or 1, sum(fbq.values()) or 1
    lam = cfg["prf_weight"]
    out = {j: (1 - lam) * w / qs for j, w in q.items()}
    for j, w in fbq.items():
        out[j] = out.get(j, 0.0) + lam * w / fs
    return out


def search(idx, text, cfg):
    q = build_query(idx, text, cfg)
    scores = score_query(idx, q, cfg)
    if cfg["concept"] > 0:
        scores = scores + concepts.concept_scores(idx, text, cfg)
    if cfg["prf_docs"] and cfg["prf_weight"] > 0:
        q2 = rm3(idx, q, scores, cfg)
        scores = score_query(idx, q2, cfg)
        if cfg["concept"] > 0:
            scores = scores + concepts.concept_scores(idx, text, cfg) * (1 - cfg["prf_weight"]) / (sum(q.values()) or 1)
    if cfg["demo"] != "none":
        age, sx = notes.age_years(text), notes.sex(text)
        mask = demo_mask(idx, age, sx)
        factor = 0.0 if cfg["demo"] == "filter" else cfg["demote"]
        scores = np.where(mask, scores * factor, scores)
    return scores


_demo_cache = {}


def demo_mask(idx, age, sx):
    key = (age, sx)
    m = _demo_cache.get(key)
    if m is None:
        m = np.array([notes.excludes(e, age, sx) for e in idx.elig])
        _demo_cache[key] = m
    return m


def run(idx, cfg, topics=None):
    topics = topics or corpus.topics()
    return {qid: search(idx, text, cfg) for qid, text in topics}


def evaluate(idx, cfg, qrels=None, topics=None):
    """Per-topic metrics {qid: metrics or None}."""
    qrels = qrels or corpus.qrels()
    out = {}
    for qid, scores in run(idx, cfg, topics).items():
        order = engine.rank(scores, 1000)
        out[qid] = engine.metrics(qrels.get(qid, {}), [idx.ids[i] for i in order])
    return out
