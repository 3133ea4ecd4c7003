#!/usr/bin/env bash
# Makes the benchmark corpora once, in $BENCH_DIR/corpora (default /tmp/trialsearch-bench/corpora),
# outside the repository. Every step is skipped when its output is up to date.
#   - ctgov-x16.zip: the 16x replica (169,824 trials) by ../shared/bench/make-replica.py -k 16;
#   - NAME.jsonl: the peers' input, the pre-extracted text of each trial ({"id","text"}), see
#     extract_text.py; its extraction time is in NAME.jsonl.meta.json and is not part of any build time;
#   - related-sample-NAME.ids: 200 trial ids, evenly spaced over the sorted ids, the source trials of
#     the related-trials latency benchmark (both engines read this file);
#   - updates-1000.zip (+ .jsonl): 1,000 changed replica trials for the update benchmark.
# Usage: corpora.sh [--no-replica]
set -euo pipefail
source "$(dirname "$0")/common.sh"

replica=1
for arg in "$@"; do
    case "$arg" in
        --no-replica|--quick) replica=0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $arg" ;;
    esac
done
check_shared
mkdir -p "$CORPORA"

extract() {  # ZIP NAME [sample size]
    "$PYTHON" "$BENCH_ROOT/extract_text.py" "$1" "$CORPORA/$2.jsonl" \
        ${3:+--sample "$3" --sample-out "$CORPORA/related-sample-$2.ids"}
}

extract "$SMALL_ZIP" "$SMALL" 200

if [ "$replica" = 1 ]; then
    "$PYTHON" "$SHARED/bench/make-replica.py" -k 16 -o "$REPLICA_ZIP"
    extract "$REPLICA_ZIP" "$REPLICA" 200
    if [ ! -f "$UPDATES_ZIP" ] || [ "$REPLICA_ZIP" -nt "$UPDATES_ZIP" ]; then
        "$PYTHON" "$BENCH_ROOT/make_updates.py" "$REPLICA_ZIP" "$UPDATES_ZIP" -n 1000
    fi
    extract "$UPDATES_ZIP" updates-1000
fi
log "corpora ready in $CORPORA"
