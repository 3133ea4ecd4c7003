"""The experiment table of FINDINGS.md: each row is a configuration family (a base and a small grid of
one or two parameters). Prints, per row, the metrics of the row's stated configuration on all topics,
and the cross-validated NDCG@10: repeated 5-fold CV over topics (4 repetitions), where each fold picks
the grid point with the best mean NDCG@10 on its training topics and is scored on its held-out topics.
A row without a grid has nothing to tune: its CV figure equals its full figure.

    python3 Benchmarks/research/experiments.py [search|related] [--rows NAME-PREFIX]
"""
import argparse
import itertools
import random

import engine
import exp
import related
import search
import tune

F8 = ["title", "condition", "keyword", "mesh", "intervention", "summary", "description", "eligibility"]
ALLF = [f for f in engine.FIELDS if f != "id"]


def W(fields, **over):
    w = {f: 1.0 for f in fields}
    w.update(over)
    return w


def B(v=0.75, **over):
    b = {f: v for f in engine.FIELDS}
    b.update(over)
    return b


# The recommended search configuration (see FINDINGS.md).
BEST_SEARCH = dict(qtf="distinct", weights=W(F8), b=B(), k1=6.0, numbers=True, negation=True,
                   cond_prior=2.0, first_boost=0.25)
BASE = dict(BEST_SEARCH, cond_prior=0.0, first_boost=0.0)
BEST_RELATED = dict(src_fields={"title": 1.0, "condition": 1.0, "keyword": 1.0, "mesh": 1.0,
                                "eligibility": 1.0}, n_terms=50, k1=8.0)

S = [  # (name, config, grid {param path: values})
    ("S01 BM25F, all 11 text fields weight 1, k1=1.2 b=.75, every word of the note", dict(weights=W(ALLF)), {}),
    ("S02 + distinct query terms", dict(weights=W(ALLF), qtf="distinct"), {}),
    ("S03 classic TF-IDF, all fields, distinct", dict(weights=W(ALLF), qtf="distinct", sim="tfidf"), {}),
    ("S04 classic TF-IDF, 8 text fields, distinct", dict(weights=W(F8), qtf="distinct", sim="tfidf"), {}),
    ("S05 BM25F 8 text fields (no outcome/sponsor/location), k1=1.2", dict(weights=W(F8), qtf="distinct"), {}),
    ("S06 BM25F 8 fields, k1=6 (grid k1 1.2..15, b .75/1)",
     dict(weights=W(F8), qtf="distinct", k1=6.0),
     {"k1": [1.2, 2.0, 4.0, 6.0, 10.0, 15.0], "b": [B(0.75), B(1.0)]}),
    ("S07 S06 with query weight = count", dict(weights=W(F8), qtf="count", k1=6.0), {}),
    ("S08 S06 with query weight = 1+ln(count)", dict(weights=W(F8), qtf="log", k1=6.0), {}),
    ("S09 S06 + drop numbers and units", dict(weights=W(F8), qtf="distinct", k1=6.0, numbers=True), {}),
    ("S10 S06 + drop [** **] markers only", dict(weights=W(F8), qtf="distinct", k1=6.0, deid=True), {}),
    ("S11 S06 + drop NegEx-negated text", dict(weights=W(F8), qtf="distinct", k1=6.0, negation=True), {}),
    ("S12 S06 + abbreviation expansion", dict(weights=W(F8), qtf="distinct", k1=6.0, abbrev=True), {}),
    ("S13 S06 + numbers + negation (= base)",
     dict(weights=W(F8), qtf="distinct", k1=6.0, numbers=True, negation=True), {}),
    ("S14 base + abbreviation expansion",
     dict(weights=W(F8), qtf="distinct", k1=6.0, numbers=True, negation=True, abbrev=True), {}),
    ("S15 base, max_df pruning (grid .05-.5)",
     dict(weights=W(F8), qtf="distinct", k1=6.0, numbers=True, negation=True, max_df=0.1),
     {"max_df": [1.0, 0.5, 0.3, 0.1, 0.05]}),
    ("S16 base, top-N terms by idf (grid 20-100)",
     dict(weights=W(F8), qtf="distinct", k1=6.0, numbers=True, negation=True, top_n=50),
     {"top_n": [0, 20, 30, 50, 80, 100]}),
    ("S17 base + demographics filter", dict(BASE, demo="filter"), {}),
    ("S18 base + demographics demote x0.7 (grid .5-.85)",
     dict(BASE, demo="demote", demote=0.7),
     {"demote": [0.0, 0.5, 0.7, 0.85, 1.0]}),
    ("S19 base + concept bonus 0.3 (grid .05-1)", dict(BASE, concept=0.3),
     {"concept": [0.0, 0.05, 0.1, 0.3, 0.5, 1.0]}),
    ("S20 base + concept term boost 0.5 (grid)", dict(BASE, concept_boost=0.5),
     {"concept_boost": [0.0, 0.5, 1.0, 2.0]}),
    ("S21 base + first-sentence boost 0.5 (grid)", dict(BASE, first_boost=0.5),
     {"first_boost": [0.0, 0.25, 0.5, 1.0]}),
    ("S22 base + RM3 10 docs 30 terms .2 (grid)",
     dict(BASE, prf_docs=10, prf_terms=30, prf_weight=0.2),
     {"prf_docs": [5, 10], "prf_weight": [0.0, 0.2, 0.4]}),
    ("S23 base + condition prior 2 (grid 0-8)", dict(BASE, cond_prior=2.0),
     {"cond_prior": [0.0, 1.0, 2.0, 4.0, 8.0]}),
    ("S23b base + condition prior 2 + first-sentence boost 0.25 = RECOMMENDED (grid cp x fb)",
     dict(BEST_SEARCH), {"cond_prior": [0.0, 1.0, 2.0, 4.0], "first_boost": [0.0, 0.25, 0.5, 1.0]}),
    ("S23c recommended without negation", dict(BEST_SEARCH, negation=False), {}),
    ("S23d recommended without number/unit removal", dict(BEST_SEARCH, numbers=False), {}),
    ("S23e recommended, share = max(cond share, MeSH share)",
     dict(BEST_SEARCH, cond_prior_fields=("maxcm",)), {}),
    ("S24 recommended, k1 grid", dict(BEST_SEARCH), {"k1": [4.0, 6.0, 10.0, 15.0]}),
    ("S25 recommended + demographics demote (grid)", dict(BEST_SEARCH, demo="demote", demote=0.7),
     {"demote": [0.0, 0.5, 0.7, 0.85, 1.0]}),
    ("S26 recommended + demographics filter", dict(BEST_SEARCH, demo="filter"), {}),
    ("S27 recommended + concept bonus (grid)", dict(BEST_SEARCH, concept=0.3),
     {"concept": [0.0, 0.1, 0.3]}),
    ("S28 recommended with classic TF-IDF", dict(BEST_SEARCH, sim="tfidf"), {}),
    ("S28b recommended + abbreviation expansion", dict(BEST_SEARCH, abbrev=True), {}),
    ("S28c recommended + RM3 (grid)", dict(BEST_SEARCH, prf_docs=10, prf_terms=30, prf_weight=0.2),
     {"prf_weight": [0.0, 0.2, 0.4]}),
    ("S30 whole recipe selected per fold: k1 x numbers x negation x cond prior x first boost (240 configs)",
     dict(BEST_SEARCH), {"k1": [1.2, 2.0, 4.0, 6.0, 10.0], "numbers": [False, True], "negation": [False, True],
                         "cond_prior": [0.0, 1.0, 2.0, 4.0], "first_boost": [0.0, 0.25, 0.5]}),
    ("S29 recommended, cond prior over cond+MeSH+keyword+title",
     dict(BEST_SEARCH, cond_prior_fields=("condition", "mesh", "keyword", "title"), cond_prior=1.0),
     {"cond_prior": [0.0, 1.0, 2.0, 4.0]}),
]

R = [
    ("R01 Lucene MLT: 8 fields, top 25 tf-idf terms, boost score/best, BM25F k1=1.2", dict(), {}),
    ("R02 R01 with classic TF-IDF scoring", dict(sim="tfidf"), {}),
    ("R03 R01, 50 terms", dict(n_terms=50), {"n_terms": [25, 50, 100, 200]}),
    ("R04 R01, every term boost 1", dict(boost="one"), {}),
    ("R05 source terms from eligibility only, 50 terms", dict(src_fields={"eligibility": 1.0}, n_terms=50), {}),
    ("R06 source terms from title+condition+keyword+MeSH, 50 terms",
     dict(src_fields=W(["title", "condition", "keyword", "mesh"]), n_terms=50), {}),
    ("R07 R06, k1 grid", dict(src_fields=W(["title", "condition", "keyword", "mesh"]), n_terms=50, k1=8.0),
     {"k1": [1.2, 4.0, 8.0, 15.0]}),
    ("R08 R07 + eligibility terms at 1.0 = RECOMMENDED (grid elig 0-2)", dict(BEST_RELATED),
     {"src_fields": [W(["title", "condition", "keyword", "mesh"], eligibility=x)
                     for x in (0, 0.25, 0.5, 1.0, 1.5, 2.0)]}),
    ("R08b recommended, k1 grid", dict(BEST_RELATED), {"k1": [4.0, 8.0, 15.0, 30.0]}),
    ("R08c recommended, b grid", dict(BEST_RELATED), {"b": [B(0.5), B(0.75), B(1.0)]}),
    ("R08d recommended, intervention field not searched",
     dict(BEST_RELATED, weights=W(F8, intervention=0.0)), {}),
    ("R09 recommended + shared condition/MeSH values bonus (grid)", dict(BEST_RELATED, concept=0.2),
     {"concept": [0.0, 0.2, 0.5]}),
    ("R10 recommended + summary terms", dict(BEST_RELATED, src_fields=dict(BEST_RELATED["src_fields"], summary=1.0)), {}),
    ("R10b recommended + intervention terms",
     dict(BEST_RELATED, src_fields=dict(BEST_RELATED["src_fields"], intervention=1.0)), {}),
    ("R10c recommended + condition prior on term selection (grid)", dict(BEST_RELATED, cond_prior=1.0),
     {"cond_prior": [0.0, 0.5, 1.0, 2.0]}),
    ("R13 whole recipe selected per fold: eligibility weight x k1 x terms (48 configs)", dict(BEST_RELATED),
     {"src_fields": [W(["title", "condition", "keyword", "mesh"], eligibility=x) for x in (0, 0.5, 1.0, 1.5)],
      "k1": [1.2, 4.0, 8.0, 15.0], "n_terms": [25, 50, 100]}),
    ("R11 recommended, terms grid", dict(BEST_RELATED), {"n_terms": [25, 50, 100]}),
    ("R12 recommended with classic TF-IDF scoring", dict(BEST_RELATED, sim="tfidf"), {}),
]


def grid_cfgs(base, grid):
    if not grid:
        return [base]
    keys = list(grid)
    out = []
    for values in itertools.product(*(grid[k] for k in keys)):
        c = dict(base)
        for k, v in zip(keys, values):
            c = tune.set_path(c, k, v) if "." in k else dict(c, **{k: v})
        out.append(c)
    return out


def cv_grid(per_topic_list, units, groups=None, folds=5, repeats=4, seed=1):
    """Repeated k-fold CV: pick the grid point best on the training units, score held-out units."""
    groups = groups or {u: u for u in units}
    keys = sorted(set(groups.values()))
    rng = random.Random(seed)
    total, n = 0.0, 0
    for _ in range(repeats):
        order = keys[:]
        rng.shuffle(order)
        for k in range(folds):
            test_keys = set(order[k::folds])
            test = [u for u in units if groups[u] in test_keys]
            train = [u for u in units if groups[u] not in test_keys]
            best = max(range(len(per_topic_list)),
                       key=lambda i: (sum(per_topic_list[i][u]["ndcg"] for u in train), -i))
            total += sum(per_topic_list[best][u]["ndcg"] for u in test)
            n += len(test)
    return total / n


def run_rows(rows, evaluate, units, groups, mk, prefix):
    print("| configuration | NDCG@10 | P@10 | recall@100 | MAP | CV NDCG@10 |")
    print("|---|---|---|---|---|---|")
    for name, kw, grid in rows:
        if prefix and not name.startswith(prefix):
            continue
        stated = evaluate(mk(**kw))
        pts = [evaluate(mk(**c)) for c in grid_cfgs(kw, grid)]
        m = engine.mean_metrics(stated, set(units))
        cv = cv_grid(pts, units, groups) if grid else m["ndcg"]
        print("| %s | %.4f | %.4f | %.4f | %.4f | %.4f |" % (name, m["ndcg"], m["p10"], m["r100"], m["map"], cv),
              flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["search", "related"])
    ap.add_argument("--rows", default="")
    a = ap.parse_args()
    if a.what == "search":
        run_rows(S, exp.evaluate, exp.scored_topics(), None, search.cfg_of, a.rows)
    else:
        import related_ascent_cv
        idx = exp.idx()
        qr, sources = related.prepare()
        groups = related_ascent_cv.topic_groups(sources)
        run_rows(R, lambda c: related.evaluate(idx, c, qr, sources), sources, groups, related.cfg_of, a.rows)


if __name__ == "__main__":
    main()
