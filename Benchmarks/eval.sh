#!/usr/bin/env bash
# Ranking quality on the development set (../shared/eval, the 10,614-trial zip), trialsearch beside Tantivy
# and beside the best peers of PEERS.md (issue 4's targets: search NDCG@10 >= 0.41, related >= 0.35).
#   search:  trialsearch search --topics topics2021.tsv --limit 1000 --format trec, scored by score.py with
#            qrels2021-corpus.txt;
#   related: the co-relevance judgments and source ids made by related_qrels.py (as ../shared/eval/README.md
#            says), trialsearch related --ids --limit 1000 --format trec, scored the same way.
# Tantivy's runs are the ones peers/tantivy_bench.py wrote (run.sh makes them); made here when missing.
# Usage: Benchmarks/eval.sh [--no-build] [--no-tantivy]
# Environment: BENCH_DIR, TRIALSEARCH_SHARED, TRIALSEARCH_BIN (as for run.sh).
set -euo pipefail
source "$(dirname "$0")/common.sh"

build=1 tantivy=1
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        --no-tantivy) tantivy=0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $arg (see --help)" ;;
    esac
done
check_shared
make_eval_ids
OUT="$EVAL_DIR/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
ln -sfn "$OUT" "$EVAL_DIR/latest"

# trialsearch runs. A failure is reported in the table (no crash): "fatal" when no run can be made.
fatal=""
if [ "$build" = 1 ] && [ -z "${NO_SWIFT_BUILD:-}" ]; then
    build_release "$OUT/swift-build.log" || fatal="release build failed, see $OUT/swift-build.log"
fi
[ -n "$fatal" ] || [ -x "$TRIALSEARCH" ] || fatal="no binary at $TRIALSEARCH"
INDEX="$EVAL_DIR/index"
failure() {  # NAME STATUS -> one line: what failed, its exit status and the end of its stderr
    echo "\`trialsearch $1\` exited $2: $(tail -3 "$OUT/$1.stderr" | tr '\n' ' ')"
}
if [ -z "$fatal" ]; then
    status=0
    "$TRIALSEARCH" index --index "$INDEX" --rebuild "$SMALL_ZIP" > /dev/null 2> "$OUT/index.stderr" || status=$?
    [ "$status" = 0 ] || fatal="$(failure index "$status")"
fi
ts_run() {  # NAME OUTFILE COMMAND... -> prints the failure, if any
    local name="$1" out="$2"; shift 2
    if [ -n "$fatal" ]; then echo "$fatal"; return 0; fi
    local status=0
    "$@" > "$out" 2> "$OUT/$name.stderr" || status=$?
    if [ "$status" != 0 ]; then
        failure "$name" "$status"
        rm -f "$out"
    fi
}
search_status="$(ts_run search "$OUT/trialsearch-topics.trec" "$TRIALSEARCH" search --index "$INDEX" \
    --topics "$TOPICS" --limit 1000 --format trec --run-tag trialsearch)"
related_status="$(ts_run related "$OUT/trialsearch-related.trec" "$TRIALSEARCH" related --index "$INDEX" \
    --ids "$EVAL_DIR/related.ids" --limit 1000 --format trec --run-tag trialsearch-related)"

# Tantivy's runs (from run.sh's Tantivy side, or made now).
TV="$BENCH_DIR/tantivy/$SMALL"
tv_topics="$TV/tantivy-$SMALL-topics-top1000.trec" tv_related="$TV/tantivy-$SMALL-related-top1000.trec"
if [ "$tantivy" = 1 ] && { [ ! -s "$tv_topics" ] || [ ! -s "$tv_related" ]; }; then
    "$BENCH_ROOT/corpora.sh" --no-replica
    "$PYTHON" "$BENCH_ROOT/peers/tantivy_bench.py" --jsonl "$CORPORA/$SMALL.jsonl" --name "$SMALL" \
        --topics "$TOPICS" --eval-related-ids "$EVAL_DIR/related.ids"
fi
[ "$tantivy" = 1 ] && cp "$tv_topics" "$OUT/tantivy-topics.trec" && cp "$tv_related" "$OUT/tantivy-related.trec"

"$PYTHON" - "$SCORE" "$QRELS_CORPUS" "$EVAL_DIR/related.qrels" "$OUT" "$search_status" "$related_status" \
    <<'PY' | tee "$OUT/report.md"
import os, subprocess, sys
score, qrels, related_qrels, out, search_status, related_status = sys.argv[1:7]
def scores(q, run):
    if not os.path.exists(run):
        return None
    res = subprocess.run([sys.executable, score, q, run], capture_output=True, text=True, check=True).stdout
    return dict((k, float(v)) for k, v in (line.split("\t") for line in res.strip().splitlines()))
def row(engine, s, status=""):
    if s is None:
        return f"| {engine} | – | – | – | – | {status or 'no run'} |"
    return (f"| {engine} | {s['ndcg@10']:.3f} | {s['p@10']:.3f} | {s['recall@100']:.3f} | {s['map']:.3f} "
            f"| {int(s['topics'])} topics |")
print("# Ranking quality on ../shared/eval (10,614 trials)\n")
print("Search: the 75 TREC 2021 topics as raw text, top 1,000, scored with qrels2021-corpus.txt.\n")
print("| engine | NDCG@10 | P@10 | recall@100 | MAP | |\n|---|---|---|---|---|---|")
ts = scores(qrels, f"{out}/trialsearch-topics.trec")
print(row("trialsearch", ts, search_status))
print(row("Tantivy (measured here, BM25, default tokenizer)", scores(qrels, f"{out}/tantivy-topics.trec")))
print("| best peer in PEERS.md (bm25s, repeated query words removed) | 0.327 | | | | |")
print("| best untuned peer in PEERS.md (SQLite FTS5) | 0.308 | 0.163 | 0.695 | 0.280 | |")
print("| target (issue 4) | ≥ 0.41 | | | | |")
print("\nRelated trials: co-relevance judgments of related_qrels.py, 255 source trials, top 1,000.\n")
print("| engine | NDCG@10 | P@10 | recall@100 | MAP | |\n|---|---|---|---|---|---|")
tr = scores(related_qrels, f"{out}/trialsearch-related.trec")
print(row("trialsearch", tr, related_status))
print(row("Tantivy native more-like-this (measured here)", scores(related_qrels, f"{out}/tantivy-related.trec")))
print("| best peer in PEERS.md (bm25s, top-25 tf-idf terms of the source) | 0.281 | | | 0.226 | |")
print("| target (issue 4) | ≥ 0.35 | | | | |")
verdicts = []
if ts: verdicts.append(f"search NDCG@10 {ts['ndcg@10']:.3f}: target ≥ 0.41 {'met' if ts['ndcg@10'] >= 0.41 else 'NOT met'}")
if tr: verdicts.append(f"related NDCG@10 {tr['ndcg@10']:.3f}: target ≥ 0.35 {'met' if tr['ndcg@10'] >= 0.35 else 'NOT met'}")
if verdicts: print("\n" + "; ".join(verdicts) + ".")
PY
log "runs and report in $OUT"
