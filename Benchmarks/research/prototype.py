#!/usr/bin/env python3
"""Run a named configuration, write its TREC run file and score it with ../shared/eval/score.py.

    python3 Benchmarks/research/prototype.py search  --config best [--out run.txt]
    python3 Benchmarks/research/prototype.py related --config best [--out related-run.txt]
    python3 Benchmarks/research/prototype.py search  --list

The first run parses the corpus zip and caches it in $RESEARCH_CACHE (default /tmp/trialsearch-research,
about a minute); later runs take seconds.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import corpus  # noqa: E402
import engine  # noqa: E402
import experiments as X  # noqa: E402
import related  # noqa: E402
import search  # noqa: E402

SEARCH = {
    "best": X.BEST_SEARCH,
    "base": X.BASE,
    "best+demote": dict(X.BEST_SEARCH, demo="demote", demote=0.7),
    "best+filter": dict(X.BEST_SEARCH, demo="filter"),
    "best-tfidf": dict(X.BEST_SEARCH, sim="tfidf"),
    "bm25f-all-fields": dict(weights=X.W(X.ALLF)),
    "bm25f-all-fields-distinct": dict(weights=X.W(X.ALLF), qtf="distinct"),
    "tfidf-distinct": dict(weights=X.W(X.ALLF), qtf="distinct", sim="tfidf"),
}
RELATED = {
    "best": X.BEST_RELATED,
    "lucene-mlt": dict(),
    "best-tfidf": dict(X.BEST_RELATED, sim="tfidf"),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["search", "related"])
    ap.add_argument("--config", default="best")
    ap.add_argument("--out")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    table = SEARCH if a.what == "search" else RELATED
    if a.list:
        for name, c in table.items():
            print(name, c)
        return
    idx = engine.load_index()
    out = a.out or os.path.join(corpus.CACHE, "%s-%s.run" % (a.what, a.config))
    if a.what == "search":
        cfg = search.cfg_of(**table[a.config])
        runs = {}
        for qid, s in search.run(idx, cfg).items():
            runs[qid] = (engine.rank(s, 1000), s)
        engine.write_run(out, runs, idx, "research-" + a.config)
        qrels = os.path.join(corpus.EVAL, "trec-ct-2021", "qrels2021-corpus.txt")
    else:
        cfg = related.cfg_of(**table[a.config])
        qr, sources = related.prepare()
        related.evaluate(idx, cfg, qr, sources, run_path=out)
        qrels = os.path.join(corpus.CACHE, "related.qrels")
    print("run:", out)
    subprocess.run([sys.executable, os.path.join(corpus.EVAL, "score.py"), qrels, out], check=True)


if __name__ == "__main__":
    main()
