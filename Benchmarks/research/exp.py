"""Shared experiment helpers: evaluate a config, cross-validate a grid, print a row."""
import itertools
import random

import corpus
import engine
import search

_idx = None
_qrels = None


def idx():
    global _idx
    if _idx is None:
        _idx = engine.load_index()
    return _idx


def qrels():
    global _qrels
    if _qrels is None:
        _qrels = corpus.qrels()
    return _qrels


def evaluate(cfg):
    return search.evaluate(idx(), cfg, qrels())


def scored_topics():
    q = qrels()
    return sorted((t for t in q if any(g > 0 for g in q[t].values())), key=int)


def cross_validate(per_topic_by_cfg, folds=5, repeats=4, seed=1):
    """Repeated k-fold CV over topics: per fold, pick the config with the best mean NDCG@10 on the
    training topics and score it on the held-out topics. Returns (mean held-out NDCG@10, picks)."""
    topics = scored_topics()
    total, n, picks = 0.0, 0, {}
    rng = random.Random(seed)
    names = list(per_topic_by_cfg)
    for r in range(repeats):
        order = topics[:]
        rng.shuffle(order)
        for k in range(folds):
            test = set(order[k::folds])
            train = [t for t in topics if t not in test]
            best = max(names, key=lambda c: (sum(per_topic_by_cfg[c][t]["ndcg"] for t in train), -names.index(c)))
            picks[best] = picks.get(best, 0) + 1
            for t in test:
                total += per_topic_by_cfg[best][t]["ndcg"]
                n += 1
    return total / n, picks


def fmt(m):
    return "%.4f  %.4f  %.4f  %.4f" % (m["ndcg"], m["p10"], m["r100"], m["map"])
