"""Coordinate ascent over the related-trials parameters, on all sources and under 5-fold
cross-validation over the patient topics the co-relevance pairs come from.

    python3 Benchmarks/research/related_ascent_cv.py [--folds 5] [--rounds 2]

Folds are over source trials grouped by topic: every source of one TREC topic is in the same fold
(sources of the same topic share their relevant sets, so splitting them would leak).
"""
import argparse
import random

import corpus
import engine
import exp
import related
import tune

S = {"title": 1.0, "condition": 1.0, "keyword": 1.0, "mesh": 1.0, "eligibility": 0.5}
BASE = related.cfg_of(src_fields=S, n_terms=50, k1=8)
REFERENCE = related.cfg_of(src_fields=dict(S, eligibility=1.0), n_terms=50, k1=8.0)
F8 = ["title", "condition", "keyword", "mesh", "intervention", "summary", "description", "eligibility"]
PARAMS = [("k1", [4, 8, 15, 30]), ("n_terms", [25, 50, 100]), ("boost", ["ratio", "one", "sqrt"]),
          ("concept", [0, 0.2, 0.5])]
PARAMS += [("src_fields." + f, [0, 0.25, 0.5, 1, 2]) for f in F8]
PARAMS += [("weights." + f, [0, 0.5, 1, 2]) for f in F8]
PARAMS += [("b." + f, [0.3, 0.75, 1.0]) for f in ("title", "summary", "description", "eligibility", "keyword")]


def topic_groups(sources):
    """source -> the first TREC topic it is relevant to (grade >= 1), for grouped folds."""
    q = corpus.qrels(corpus.EVAL + "/trec-ct-2021/qrels2021.txt")
    first = {}
    for t in sorted(q, key=int):
        for d, g in q[t].items():
            if g >= 1 and d not in first:
                first[d] = t
    return {s: first.get(s, s) for s in sources}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--skip-all", action="store_true", help="skip the ascent on all sources")
    a = ap.parse_args()
    idx = exp.idx()
    qr, sources = related.prepare()
    T = tune.Tuner(lambda c: related.evaluate(idx, c, qr, sources))
    if not a.skip_all:
        cfg, best = T.ascend(BASE, PARAMS, sources, a.rounds)
        print("all sources: %.4f %s" % (best, tune.diff(BASE, cfg)), flush=True)
        print("  ", exp.fmt(engine.mean_metrics(T.per_topic(cfg))), flush=True)
    groups = topic_groups(sources)
    keys = sorted(set(groups.values()), key=int)
    random.Random(7).shuffle(keys)
    total, n = 0.0, 0
    for k in range(a.folds):
        test_keys = set(keys[k::a.folds])
        test = [s for s in sources if groups[s] in test_keys]
        train = [s for s in sources if groups[s] not in test_keys]
        c, _ = T.ascend(BASE, PARAMS, train, a.rounds)
        pt = T.per_topic(c)
        total += sum(pt[s]["ndcg"] for s in test)
        n += len(test)
        base_pt = T.per_topic(REFERENCE)
        print("fold %d pick: %s held-out %.4f (recommended method: %.4f)" % (
            k, tune.diff(BASE, c), sum(pt[s]["ndcg"] for s in test) / len(test),
            sum(base_pt[s]["ndcg"] for s in test) / len(test)), flush=True)
    print("cross-validated NDCG@10: %.4f" % (total / n), flush=True)


if __name__ == "__main__":
    main()
