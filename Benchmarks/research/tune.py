"""Coordinate ascent over configuration parameters, on a subset of topics, with memoized evaluations,
and its cross-validation (tune on the training folds, score on the held-out fold).
"""
import copy
import json
import random

import engine
import exp


class Tuner:
    def __init__(self, evaluate):
        """evaluate(cfg) -> {qid: metrics or None}."""
        self.evaluate = evaluate
        self.memo = {}

    def per_topic(self, cfg):
        key = json.dumps(cfg, sort_keys=True, default=str)
        r = self.memo.get(key)
        if r is None:
            r = self.evaluate(cfg)
            self.memo[key] = r
        return r

    def mean(self, cfg, topics):
        pt = self.per_topic(cfg)
        return sum(pt[t]["ndcg"] for t in topics) / len(topics)

    def ascend(self, base, params, topics, rounds=2, log=None):
        """params: [(path, values)], path = "k1" or "weights.title". Returns the best cfg."""
        cfg = copy.deepcopy(base)
        best = self.mean(cfg, topics)
        for _ in range(rounds):
            improved = False
            for path, values in params:
                for v in values:
                    c = set_path(copy.deepcopy(cfg), path, v)
                    s = self.mean(c, topics)
                    if s > best + 1e-9:
                        best, cfg, improved = s, c, True
                        if log:
                            log("  %s=%s -> %.4f" % (path, v, s))
            if not improved:
                break
        return cfg, best

    def cross_validate(self, base, params, folds=5, repeats=1, seed=7, rounds=2):
        topics = exp.scored_topics()
        rng = random.Random(seed)
        total, n, chosen = 0.0, 0, []
        for _ in range(repeats):
            order = topics[:]
            rng.shuffle(order)
            for k in range(folds):
                test = set(order[k::folds])
                train = [t for t in topics if t not in test]
                cfg, _ = self.ascend(base, params, train, rounds)
                pt = self.per_topic(cfg)
                for t in test:
                    total += pt[t]["ndcg"]
                    n += 1
                chosen.append(cfg)
        return total / n, chosen


def set_path(cfg, path, v):
    parts = path.split(".")
    d = cfg
    for p in parts[:-1]:
        d[p] = dict(d[p])
        d = d[p]
    d[parts[-1]] = v
    return cfg


def diff(base, cfg):
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                if base.get(k, {}).get(kk) != vv:
                    out["%s.%s" % (k, kk)] = vv
        elif base.get(k) != v:
            out[k] = v
    return out
