"""Coordinate ascent over all search parameters, on all topics and under 5-fold cross-validation.

    python3 Benchmarks/research/ascent_cv.py [--folds 5] [--rounds 2]
Prints the ascent on all topics, then each fold's chosen parameters and the held-out NDCG@10.
"""
import argparse

import engine
import exp
import search
import tune

W = {f: 1.0 for f in engine.FIELDS if f not in ("id", "outcome", "sponsor", "location")}
BASE = search.cfg_of(qtf="distinct", weights=dict(W, outcome=0.0, sponsor=0.0, location=0.0),
                     b={f: 0.75 for f in engine.FIELDS}, k1=6, numbers=True, negation=True)
PARAMS = [("k1", [4, 6, 8, 10, 15]), ("cond_prior", [0, 1, 2, 4]),
          ("demo", ["none", "demote"]), ("demote", [0.0, 0.5, 0.7, 0.85]),
          ("concept", [0, 0.1, 0.3]), ("first_boost", [0, 0.25, 0.5])]
PARAMS += [("weights." + f, [0, 0.25, 0.5, 1, 2, 3]) for f in engine.FIELDS if f != "id"]
PARAMS += [("b." + f, [0.3, 0.5, 0.75, 0.9, 1.0]) for f in engine.FIELDS
           if f not in ("id", "sponsor", "location")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    T = tune.Tuner(exp.evaluate)
    topics = exp.scored_topics()
    cfg, best = T.ascend(BASE, PARAMS, topics, a.rounds)
    print("all topics: %.4f %s" % (best, tune.diff(BASE, cfg)), flush=True)
    print("  ", exp.fmt(engine.mean_metrics(T.per_topic(cfg))), flush=True)
    cv, chosen = T.cross_validate(BASE, PARAMS, folds=a.folds, rounds=a.rounds)
    for c in chosen:
        print("fold pick:", tune.diff(BASE, c), flush=True)
    print("cross-validated NDCG@10: %.4f" % cv, flush=True)


if __name__ == "__main__":
    main()
