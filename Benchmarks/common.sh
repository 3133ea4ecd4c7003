# Shared settings of the benchmark scripts (sourced, not run).
# Locates the repository, ../shared (or $TRIALSEARCH_SHARED) and the work folder $BENCH_DIR, which lives
# outside the repository and holds the corpora, the venv, the indexes and the results.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_ROOT/.." && pwd)"
SHARED="${TRIALSEARCH_SHARED:-$REPO_ROOT/../shared}"
export BENCH_DIR="${BENCH_DIR:-/tmp/trialsearch-bench}"
CORPORA="$BENCH_DIR/corpora"
PYTHON="${PYTHON:-python3}"

SMALL_ZIP="$SHARED/corpus/ctgov-xml.zip"       # 10,614 trials
REPLICA_ZIP="$CORPORA/ctgov-x16.zip"            # 16 copies, 169,824 trials
UPDATES_ZIP="$CORPORA/updates-1000.zip"         # 1,000 changed replica trials
KEYWORDS="$SHARED/bench/keyword-queries.tsv"
TOPICS="$SHARED/eval/trec-ct-2021/topics2021.tsv"
QRELS_ALL="$SHARED/eval/trec-ct-2021/qrels2021.txt"
QRELS_CORPUS="$SHARED/eval/trec-ct-2021/qrels2021-corpus.txt"
SCORE="$SHARED/eval/score.py"
RELATED_QRELS="$SHARED/eval/related_qrels.py"
# The binary measured: the release build of this checkout, or $TRIALSEARCH_BIN (then nothing is built).
TRIALSEARCH="${TRIALSEARCH_BIN:-$REPO_ROOT/.build/release/trialsearch}"
[ -z "${TRIALSEARCH_BIN:-}" ] || NO_SWIFT_BUILD=1

# Corpus names used in file names: the peers' text is $CORPORA/NAME.jsonl, the related-trials
# sample $CORPORA/related-sample-NAME.ids.
SMALL=ctgov-xml
REPLICA=ctgov-x16

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "$*"; exit 1; }

check_shared() {
    [ -f "$SMALL_ZIP" ] || die "no corpus at $SMALL_ZIP: set TRIALSEARCH_SHARED to the shared folder"
    [ -f "$SHARED/bench/make-replica.py" ] || die "no $SHARED/bench/make-replica.py"
}

# The eval's related-trials judgments and source ids, made as ../shared/eval/README.md says:
# $BENCH_DIR/eval/{corpus.ids,related.ids,related.qrels}.
EVAL_DIR="$BENCH_DIR/eval"
make_eval_ids() {
    mkdir -p "$EVAL_DIR"
    if [ ! -s "$EVAL_DIR/related.qrels" ] || [ "$SMALL_ZIP" -nt "$EVAL_DIR/related.qrels" ]; then
        "$PYTHON" - "$SMALL_ZIP" > "$EVAL_DIR/corpus.ids" <<'PY'
import re, sys, zipfile
ids = {m.group(0) for n in zipfile.ZipFile(sys.argv[1]).namelist() for m in [re.search(r"NCT\d{8}", n)] if m}
print("\n".join(sorted(ids)))
PY
        "$PYTHON" "$RELATED_QRELS" "$QRELS_ALL" "$EVAL_DIR/corpus.ids" --ids "$EVAL_DIR/related.ids" \
            > "$EVAL_DIR/related.qrels"
    fi
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# Release build of the checkout into $TRIALSEARCH, its log in LOGFILE. On failure the binary is removed,
# so that no stale binary is measured, and the status is non-zero.
build_release() {  # LOGFILE
    log "swift build -c release --product trialsearch (log: $1)"
    if ! (cd "$REPO_ROOT" && swift build -c release --product trialsearch) > "$1" 2>&1; then
        log "release build FAILED: trialsearch figures will be missing"
        tail -5 "$1" >&2 || true
        rm -f "$TRIALSEARCH"
        return 1
    fi
}
