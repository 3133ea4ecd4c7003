#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time:  Fuzz/run.sh TARGET SECONDS
#   TARGET: xml (ClinicalTrials.gov XML), json (API v2 JSON and Trial JSON), ictrp (WHO ICTRP export),
#           text (trial-page text dumps), index (index files, see Sources/FuzzIndex),
#           jsonrange (JSON Lines cut in ranges by the workers vs the serial splitter), date (RegistryDate vs
#           a reference parse of its documented grammar), analyzer (the tokenizer's stem-cache fast path vs
#           the uncached analyzer)
# Builds the target (release, -sanitize=fuzzer,address), seeds it with the real records of
# Tests/Fixtures (and the shared corpus when it is there), keeps the inputs it finds in
# Fuzz/corpus-TARGET/ and writes any crashing, leaking or slow (> 10 s) input to Fuzz/artifacts-TARGET/.
# Exit status: 0 no crash; libFuzzer's non-zero status otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
fixtures=$root/Tests/Fixtures
shared=${TRIALSEARCH_SHARED:-$root/../shared}/corpus
target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}
seeds=()
case $target in
  xml)   product=FuzzXML;      maxlen=65536;  seeds=("$fixtures/ctgov-xml" "$fixtures/hostile/xml") ;;
  json)  product=FuzzJSON;     maxlen=65536;  seeds=("$fixtures/ctgov-json" "$fixtures/hostile/json") ;;
  ictrp) product=FuzzICTRP;    maxlen=65536;  seeds=("$fixtures/ictrp" "$fixtures/hostile/ictrp") ;;
  text)  product=FuzzTextDump; maxlen=65536;  seeds=("$fixtures/text" "$fixtures/hostile/text") ;;
  index) product=FuzzIndex;    maxlen=262144; seeds=() ;;
  jsonrange) product=FuzzJSONRange; maxlen=16384; seeds=("$fixtures/fuzz/jsonrange") ;;
  date)  product=FuzzDate;     maxlen=64;     seeds=("$fixtures/fuzz/date") ;;
  analyzer) product=FuzzAnalyzer; maxlen=4096; seeds=("$fixtures/analysis" "$fixtures/text") ;;
  *) echo "unknown target $target (xml, json, ictrp, text, index, jsonrange, date, analyzer)" >&2; exit 64 ;;
esac

flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -enable-testing)
# FUZZ_SKIP_BUILD=1: run the binary already built (long runs while the sources change).
if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then swift build --package-path "$here" "${flags[@]}" --product "$product" >&2; fi
binary=$(swift build --package-path "$here" "${flags[@]}" --show-bin-path)/$product

corpus=$here/corpus-$target
artifacts=$here/artifacts-$target/
mkdir -p "$corpus" "$artifacts"
# Real records of the shared corpus as extra seeds (a few hundred, extracted once).
if [ -d "$shared" ] && [ ! -e "$corpus/.shared-seeded" ]; then
  python3 - "$target" "$shared" "$corpus" <<'PY'
import sys, zipfile, os, re
target, shared, out = sys.argv[1:]
def put(name, data):
    if len(data) <= 65536:
        open(os.path.join(out, "shared-" + os.path.basename(name)), "wb").write(data)
if target == "xml":
    with zipfile.ZipFile(os.path.join(shared, "ctgov-xml.zip")) as z:
        for n in [n for n in z.namelist() if n.endswith(".xml")][::50][:200]: put(n, z.read(n))
elif target == "json":
    with zipfile.ZipFile(os.path.join(shared, "ctgov-json.zip")) as z:
        for n in [n for n in z.namelist() if n.endswith(".json")][::10][:150]: put(n, z.read(n))
elif target == "ictrp":
    for f in os.listdir(os.path.join(shared, "ictrp")):
        data = open(os.path.join(shared, "ictrp", f), "rb").read()
        trials = re.findall(rb"<Trial>.*?</Trial>", data, re.S)
        for i in range(0, len(trials), 40):
            put(f"{f}-{i}.xml", b"<?xml version='1.0' encoding='UTF-8' ?><Trials_downloaded_from_ICTRP>"
                + b"".join(trials[i:i + 5]) + b"</Trials_downloaded_from_ICTRP>")
elif target == "date":
    # The dates of real records (ClinicalTrials.gov XML, the ICTRP export), one per seed.
    dates = set()
    with zipfile.ZipFile(os.path.join(shared, "ctgov-xml.zip")) as z:
        for n in [n for n in z.namelist() if n.endswith(".xml")][::100]:
            dates.update(re.findall(rb"<(?:start_date|completion_date|study_first_posted|last_update_posted)[^>]*>([^<]{1,40})<", z.read(n)))
    for f in os.listdir(os.path.join(shared, "ictrp")):
        dates.update(re.findall(rb"<Date_(?:registration3?|enrollement)>([^<]{1,40})<", open(os.path.join(shared, "ictrp", f), "rb").read()))
    for k, d in enumerate(sorted(dates)[:300]): put(f"date-{k}", d)
elif target == "text":
    for f in os.listdir(os.path.join(shared, "text")): put(f, open(os.path.join(shared, "text", f), "rb").read())
PY
  touch "$corpus/.shared-seeded"
fi

# The index target's scratch index (tmpfs: it is rewritten for every input) and seeds.
if [ "$target" = index ]; then
  FUZZ_INDEX_DIR=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/trialsearch-fuzz-index.XXXXXX")
  export FUZZ_INDEX_DIR
  trap 'rm -rf "$FUZZ_INDEX_DIR"' EXIT
fi
# The index target's seeds: the files of the small real index it builds (IndexFuzzing).
if [ "$target" = index ] && [ ! -e "$corpus/seed-0" ]; then FUZZ_INDEX_SEEDS=$corpus "$binary"; fi

echo "fuzzing $product for $seconds s (corpus $corpus)" >&2
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
  -artifact_prefix="$artifacts" -print_final_stats=1 "$corpus" "${seeds[@]}"
