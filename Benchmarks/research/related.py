"""Related trials: more-like-this over a source trial's fields, and shared-concept signals.

A configuration is a dict (see DEFAULT); `evaluate(idx, cfg)` scores the co-relevance set made by
../shared/eval/related_qrels.py (written to $RESEARCH_CACHE by `prepare()`).
"""
import os
import subprocess

import numpy as np

import concepts
import corpus
import engine

DEFAULT = {
    # term selection (Lucene MoreLikeThis): score(t) = sum_f src_w_f * tf_f(t) * idf(t)
    "src_fields": {"title": 1.0, "condition": 1.0, "keyword": 1.0, "mesh": 1.0, "intervention": 1.0,
                   "summary": 1.0, "description": 1.0, "eligibility": 1.0},
    "sel_idf": "classic",   # classic: 1 + ln(N / (df + 1)); bm25: ln(1 + (N - df + .5)/(df + .5))
    "tf": "raw",            # raw | log | one: the tf factor of term selection
    "n_terms": 25,
    "min_tf": 1,
    "min_df": 2,
    "max_df": 0.5,          # fraction of N
    "boost": "ratio",       # ratio: score/best (Lucene); one; idf
    # scoring of candidates
    "sim": "bm25f",
    "k1": 1.2,
    "weights": {f: 1.0 for f in ("title", "condition", "keyword", "mesh", "intervention", "summary",
                                 "description", "eligibility")},
    "b": {f: 0.75 for f in engine.FIELDS},
    # shared corpus concepts (whole condition / MeSH / keyword values)
    "concept": 0.0,
    "concept_fields": ("condition", "mesh"),
    "cond_prior": 0.0,      # multiply a term's selection score by (1 + this * its condition/MeSH share)
}


def cfg_of(**kw):
    c = dict(DEFAULT)
    c.update(kw)
    return c


def prepare():
    """The co-relevance qrels and source ids, made by the eval's own script."""
    qpath = os.path.join(corpus.CACHE, "related.qrels")
    ipath = os.path.join(corpus.CACHE, "related.ids")
    if not os.path.exists(qpath):
        os.makedirs(corpus.CACHE, exist_ok=True)
        ids_path = os.path.join(corpus.CACHE, "corpus.ids")
        idx = engine.load_index()
        with open(ids_path, "w") as h:
            h.write("\n".join(sorted(idx.ids)) + "\n")
        with open(qpath, "w") as out:
            subprocess.run(["python3", os.path.join(corpus.EVAL, "related_qrels.py"),
                            os.path.join(corpus.EVAL, "trec-ct-2021", "qrels2021.txt"), ids_path,
                            "--ids", ipath], stdout=out, check=True)
    sources = open(ipath).read().split()
    return corpus.qrels(qpath), sources


def select_terms(idx, d, cfg):
    """{term_id: boost} for source doc d."""
    dt = idx.doc_terms()[d]
    N = idx.N
    acc = {}
    for f, w in cfg["src_fields"].items():
        if w <= 0:
            continue
        for j, tf in dt[f].items():
            acc[j] = acc.get(j, 0.0) + w * tf
    scored = {}
    for j, tf in acc.items():
        df = idx.df[j]
        if tf < cfg["min_tf"] or df < cfg["min_df"] or df > cfg["max_df"] * N:
            continue
        idf = 1 + np.log(N / (df + 1)) if cfg["sel_idf"] == "classic" else idx.idf[j]
        tfw = tf if cfg["tf"] == "raw" else (1 + np.log(tf) if cfg["tf"] == "log" else 1.0)
        scored[j] = tfw * idf
    if cfg["cond_prior"] > 0:
        import search
        share = search.cond_share(idx, ("condition", "mesh"))
        for j in scored:
            scored[j] *= 1 + cfg["cond_prior"] * share[j]
    top = sorted(scored, key=lambda j: (-scored[j], j))[:cfg["n_terms"]]
    if not top:
        return {}
    best = scored[top[0]]
    if cfg["boost"] == "ratio":
        return {j: scored[j] / best for j in top}
    if cfg["boost"] == "one":
        return {j: 1.0 for j in top}
    if cfg["boost"] == "sqrt":
        return {j: float(np.sqrt(scored[j] / best)) for j in top}
    raise ValueError(cfg["boost"])


_doc_concepts = {}


def doc_concepts(idx, fields):
    """Per doc: the concept tuples it lists in `fields`, and each concept's doc array."""
    key = tuple(fields)
    r = _doc_concepts.get(key)
    if r is None:
        d = concepts.dictionary(idx, fields)
        per_doc = [[] for _ in range(idx.N)]
        for c, docs in d.items():
            for i in docs:
                per_doc[i].append(c)
        r = (d, per_doc)
        _doc_concepts[key] = r
    return r


def related(idx, d, cfg):
    q = select_terms(idx, d, cfg)
    if cfg["sim"] == "tfidf":
        s = idx.tfidf(q, cfg["weights"]) if q else np.zeros(idx.N)
    else:
        s = idx.bm25f(q, cfg["weights"], cfg["b"], cfg["k1"])
    if cfg["concept"] > 0:
        dic, per_doc = doc_concepts(idx, cfg["concept_fields"])
        for c in per_doc[d]:
            docs = dic[c]
            df = len(docs)
            s[docs] += cfg["concept"] * np.log(1 + (idx.N - df + 0.5) / (df + 0.5))
    return s


def evaluate(idx, cfg, qrels=None, sources=None, run_path=None):
    if qrels is None:
        qrels, sources = prepare()
    out, runs = {}, {}
    for src in sources:
        d = idx.pos[src]
        s = related(idx, d, cfg)
        order = engine.rank(s, 1000, exclude=d)
        out[src] = engine.metrics(qrels.get(src, {}), [idx.ids[i] for i in order])
        if run_path:
            runs[src] = (order, s)
    if run_path:
        engine.write_run(run_path, runs, idx, "research")
    return out
