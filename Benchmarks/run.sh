#!/usr/bin/env bash
# One command for every speed/size/memory target of issues 2-4, each as a ratio against Tantivy measured
# in the same run on the same corpora. Builds trialsearch (release), makes the corpora when missing
# (corpora.sh), runs Tantivy (peers/tantivy_bench.py) and trialsearch (trialsearch_bench.py) on the
# 10,614-trial zip and on its 16x replica, times `trialsearch "mesenchymal ovarian"` with process start,
# and prints a markdown table (report.py). Results go to $BENCH_DIR/results/DATE/ (and .../latest).
#
# Usage: Benchmarks/run.sh [--quick] [--no-replica] [--no-tantivy] [--no-trialsearch] [--no-build]
#   --quick          the 10,614-trial corpus only, one build each, 10 process-start runs
#   --no-replica     the 10,614-trial corpus only (3 builds each, as usual)
#   --no-tantivy     skip the Tantivy side (the table then has no ratios)
#   --no-trialsearch skip the trialsearch side (e.g. to measure the baselines only)
#   --no-build       do not run `swift build -c release` (use the binary that is there)
# Environment: BENCH_DIR (default /tmp/trialsearch-bench), TRIALSEARCH_SHARED (default ../shared),
#   TRIALSEARCH_BIN (measure this binary instead of building the checkout).
set -euo pipefail
source "$(dirname "$0")/common.sh"

quick=0 replica=1 tantivy=1 trialsearch=1 build=1
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1; replica=0 ;;
        --no-replica) replica=0 ;;
        --no-tantivy) tantivy=0 ;;
        --no-trialsearch) trialsearch=0 ;;
        --no-build) build=0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $arg (see --help)" ;;
    esac
done
check_shared

stamp="$(date +%Y%m%d-%H%M%S)"
RESULTS="$BENCH_DIR/results/$stamp"
mkdir -p "$RESULTS"
ln -sfn "$RESULTS" "$BENCH_DIR/results/latest"
small_builds=3 process_runs=30
[ "$quick" = 1 ] && small_builds=1 process_runs=10

"$PYTHON" - "$RESULTS/run.json" "$(echo "$0" "$@")" "$REPO_ROOT" <<'PY'
import json, os, subprocess, sys, time
out, command, repo = sys.argv[1:4]
commit = subprocess.run(["git", "-C", repo, "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
json.dump({"date": time.strftime("%Y-%m-%d %H:%M"), "command": command, "commit": commit,
           "machine": f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
           "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}, open(out, "w"))
PY

# 1. Corpora (skipped when up to date).
if [ "$replica" = 1 ]; then "$BENCH_ROOT/corpora.sh"; else "$BENCH_ROOT/corpora.sh" --no-replica; fi

# 2. trialsearch, release build. A failure is reported and the Tantivy side still runs.
if [ "$trialsearch" = 1 ] && [ "$build" = 1 ] && [ -z "${NO_SWIFT_BUILD:-}" ]; then
    build_release "$RESULTS/swift-build.log" || true   # the Tantivy side still runs
fi
if [ "$trialsearch" = 1 ] && ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
        && command -v apt-get >/dev/null 2>&1; then
    log "installing hyperfine (Debian package) for the process-start timing"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine \
        || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }; } \
        > "$RESULTS/apt-hyperfine.log" 2>&1 || log "hyperfine not installable; falling back to repeated runs"
fi

# 3. Both engines on each corpus. Tantivy first, then trialsearch: never at the same time.
corpus() {  # NAME ZIP BUILD_RUNS [replica]
    local name="$1" zip="$2" runs="$3" is_replica="${4:-}"
    if [ "$tantivy" = 1 ]; then
        log "Tantivy on $name"
        local extra=()
        [ "$name" = "$SMALL" ] && extra+=(--eval-related-ids "$EVAL_DIR/related.ids")
        [ -n "$is_replica" ] && extra+=(--updates-jsonl "$CORPORA/updates-1000.jsonl")
        "$PYTHON" "$BENCH_ROOT/peers/tantivy_bench.py" --jsonl "$CORPORA/$name.jsonl" --name "$name" \
            --out "$RESULTS/tantivy-$name.json" --keywords "$KEYWORDS" --topics "$TOPICS" \
            --related-ids "$CORPORA/related-sample-$name.ids" --build-runs "$runs" "${extra[@]}"
    fi
    if [ "$trialsearch" = 1 ]; then
        log "trialsearch on $name"
        local extra=()
        [ -n "$is_replica" ] && extra+=(--updates-zip "$UPDATES_ZIP")
        "$PYTHON" "$BENCH_ROOT/trialsearch_bench.py" --bin "$TRIALSEARCH" --name "$name" --zip "$zip" \
            --work "$BENCH_DIR/trialsearch/$name" --out "$RESULTS/trialsearch-$name.json" \
            --keywords "$KEYWORDS" --topics "$TOPICS" --related-ids "$CORPORA/related-sample-$name.ids" \
            --build-runs "$runs" "${extra[@]}"
    fi
}
make_eval_ids   # the eval's related-trials source ids, for Tantivy's related run file
corpus "$SMALL" "$SMALL_ZIP" "$small_builds"
[ "$replica" = 1 ] && corpus "$REPLICA" "$REPLICA_ZIP" 1 replica

# 4. Process start on the shipped corpus (the repository's Corpus/ and ./Index).
if [ "$trialsearch" = 1 ]; then
    log "trialsearch \"mesenchymal ovarian\" with process start"
    "$PYTHON" "$BENCH_ROOT/trialsearch_bench.py" --bin "$TRIALSEARCH" --name process-start \
        --work "$BENCH_DIR/trialsearch/process-start" --out "$RESULTS/trialsearch-process-start.json" \
        --process-start "mesenchymal ovarian" --cwd "$REPO_ROOT" --runs "$process_runs"
fi

# 5. The table.
"$PYTHON" "$BENCH_ROOT/report.py" "$RESULTS"
log "results in $RESULTS"
