#!/usr/bin/env python3
"""Tantivy on the benchmark corpora: build time, peak memory, index size, query latency, runs.

The peer that trialsearch's speed targets are stated against (issues 3 and 4, ../shared/bench/PEERS.md).
Tantivy indexes the pre-extracted text that Benchmarks/extract_text.py writes (JSON Lines,
{"id", "text"}): one `text` field, stored and indexed with positions, the default tokenizer (split on
non-alphanumerics, lowercase, drop tokens over 40 bytes), BM25 (k1=1.2, b=0.75), and an `id` field
(raw tokenizer, stored) to look trials up and to write run files.

Run with any python3: when `import tantivy` fails it makes a venv under $BENCH_DIR/venv, installs
tantivy==0.27.0 from PyPI into it, and re-runs itself there.

What it measures (figures written as JSON to --out):
- build: a child process reads the JSON Lines, adds every document with the default writer
  (128 MB heap, as many indexing threads as cores), commits and waits for the merges. Wall seconds of
  the child (Python start included) and its peak RSS (VmHWM, via /usr/bin/time -v); index bytes are
  the sum of the files in the index folder after the merges. The extraction is not counted.
- latency: in this process, one thread, one pass over each query set, no warm-up: per query the time
  of parse_query + searcher.search(limit, count=False) (the hits as DocAddress and score; reading the
  stored id for the run file is done after the timer). Medians in milliseconds. The figures include
  the Python binding's per-call cost (a few microseconds: argument conversion, the GIL release,
  building the Python list of hits), which matters most for the sub-0.1 ms keyword queries.
- queries: every query text is reduced to its alphanumeric runs, lowercased and joined with spaces
  (so the query parser sees no operator, quote, colon or AND/OR/NOT; the tokens are the ones the
  default tokenizer makes anyway) and parsed as a disjunction over `text`.
- related: Tantivy's native more-like-this (Query.more_like_this_query, its defaults: min_doc_frequency 5,
  min_term_frequency 2, max_query_terms 25) of each source trial; timed from the id lookup (a term
  query on `id`) to the hits; limit+1 hits are asked for and the source is dropped.
- update (--updates-jsonl): delete by id and re-add each changed trial, commit, wait for merges.

Also writes TREC run files (`topic Q0 trial rank score tag`) of the TREC topics (top --run-limit) and,
with --eval-related-ids, of the related trials of the eval's source trials, for Benchmarks/eval.sh,
and per-query timings files (`qid<TAB>microseconds`, the format of trialsearch's --timings).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import measure  # noqa: E402  (Benchmarks/measure.py)

TANTIVY_PIN = "tantivy==0.27.0"
_WORD = re.compile(r"[^\W_]+")


def bench_dir():
    return os.environ.get("BENCH_DIR", "/tmp/trialsearch-bench")


def ensure_tantivy():
    """Import tantivy, or install it into $BENCH_DIR/venv and re-run this script with that venv."""
    try:
        import tantivy  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.path.join(bench_dir(), "venv")
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv) and os.path.exists(py):
        raise SystemExit(f"tantivy_bench.py: tantivy is not importable even in {venv}")
    if not os.path.exists(py):
        print(f"tantivy_bench.py: creating {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([py, "-c", "import tantivy"], capture_output=True)
    if probe.returncode != 0:
        print(f"tantivy_bench.py: installing {TANTIVY_PIN} into {venv}", file=sys.stderr)
        subprocess.run([py, "-m", "pip", "install", "-q", TANTIVY_PIN], check=True)
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


def query_text(raw):
    """The alphanumeric runs of raw, lowercased, space-separated: safe for the query parser."""
    return " ".join(w.lower() for w in _WORD.findall(raw))


def read_tsv(path):
    with open(path, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t", 1) for line in fh if line.strip()]
    return [(r[0], r[1] if len(r) > 1 else "") for r in rows]


def read_ids(path):
    with open(path) as fh:
        return [line.strip() for line in fh if line.strip()]


def median_ms(micros):
    return round(statistics.median(micros) / 1000, 4) if micros else None


def write_timings(path, rows):
    with open(path, "w") as fh:
        fh.writelines(f"{qid}\t{us:.1f}\n" for qid, us in rows)


# ---------------------------------------------------------------- build (child process)

def schema():
    import tantivy
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("text", stored=True, tokenizer_name="default", index_option="position")
    return sb.build()


def child_build(jsonl, index_dir):
    """Child process of a build: JSON Lines → committed, merged Tantivy index. Prints figures."""
    import tantivy
    t0 = time.perf_counter()
    if os.path.exists(index_dir):
        shutil.rmtree(index_dir)
    os.makedirs(index_dir)
    index = tantivy.Index(schema(), path=index_dir)
    writer = index.writer()
    n = 0
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            writer.add_document(tantivy.Document(id=rec["id"], text=rec["text"]))
            n += 1
    t_added = time.perf_counter()
    writer.commit()
    t_commit = time.perf_counter()
    writer.wait_merging_threads()
    t_merged = time.perf_counter()
    index.reload()
    print(json.dumps({"docs": n, "add_s": round(t_added - t0, 3), "commit_s": round(t_commit - t0, 3),
                      "merged_s": round(t_merged - t0, 3),
                      "segments": index.searcher().num_segments}))


def build(args, index_dir):
    runs = []
    for i in range(args.build_runs):
        child_out = os.path.join(args.work, "build-child.json")
        with open(child_out, "w") as child_stdout:
            fig = measure.run([sys.executable, os.path.abspath(__file__), "_build", args.jsonl, index_dir],
                              stdout=child_stdout)
        if fig["exit"] != 0:
            raise SystemExit(f"tantivy_bench.py: build child failed ({fig['exit']}): {fig['cmd']}")
        with open(child_out) as fh:
            fig["child"] = json.loads(fh.read().strip().splitlines()[-1])
        fig["index_bytes"] = measure.dir_bytes(index_dir)
        runs.append(fig)
        print(f"tantivy_bench.py: {args.name}: build {i + 1}/{args.build_runs}: {fig['wall_s']} s, "
              f"{fig['peak_rss_mb']} MB peak, {fig['index_bytes'] / 1e6:.1f} MB index", file=sys.stderr)
    return {
        "runs": runs,
        "seconds": round(statistics.median(r["wall_s"] for r in runs), 3),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "index_bytes": runs[-1]["index_bytes"],
        "index_mb": round(runs[-1]["index_bytes"] / 1e6, 1),
        "segments": runs[-1]["child"]["segments"],
        "docs": runs[-1]["child"]["docs"],
        "peak_source": runs[-1]["peak_source"],
    }


# ---------------------------------------------------------------- queries (this process)

class Bench:
    def __init__(self, index_dir):
        import tantivy
        self.t = tantivy
        self.index = tantivy.Index.open(index_dir)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    def trial_id(self, addr):
        return self.searcher.doc(addr)["id"][0]

    def search(self, queries, limit, run_path=None, tag="tantivy"):
        """One timed pass; returns [(qid, microseconds)]; writes a TREC run when run_path is set."""
        timings, ranked = [], []
        for qid, raw in queries:
            text = query_text(raw)
            t0 = time.perf_counter_ns()
            if text:
                q = self.index.parse_query(text, ["text"])
                hits = self.searcher.search(q, limit, count=False).hits
            else:
                hits = []
            t1 = time.perf_counter_ns()
            timings.append((qid, (t1 - t0) / 1000))
            if run_path:
                ranked.append((qid, hits))
        if run_path:
            self.write_run(run_path, ranked, tag)
        return timings

    def related(self, ids, limit, run_path=None, tag="tantivy-mlt"):
        timings, ranked = [], []
        for sid in ids:
            t0 = time.perf_counter_ns()
            found = self.searcher.search(self.t.Query.term_query(self.schema, "id", sid), 1, count=False).hits
            if found:
                src = found[0][1]
                mlt = self.t.Query.more_like_this_query(src)
                hits = [h for h in self.searcher.search(mlt, limit + 1, count=False).hits
                        if (h[1].segment_ord, h[1].doc) != (src.segment_ord, src.doc)][:limit]
            else:
                hits = []
            t1 = time.perf_counter_ns()
            if not found:
                print(f"tantivy_bench.py: related: {sid} is not in the index", file=sys.stderr)
            timings.append((sid, (t1 - t0) / 1000))
            if run_path:
                ranked.append((sid, hits))
        if run_path:
            self.write_run(run_path, ranked, tag)
        return timings

    def write_run(self, path, ranked, tag):
        with open(path, "w") as fh:
            for qid, hits in ranked:
                for rank, (score, addr) in enumerate(hits, 1):
                    fh.write(f"{qid} Q0 {self.trial_id(addr)} {rank} {score:.6f} {tag}\n")


def update(index_dir, jsonl):
    """Replace the trials of jsonl (delete by id, add), commit, wait for merges; seconds in-process."""
    import tantivy
    recs = []
    with open(jsonl, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh]
    t0 = time.perf_counter()
    index = tantivy.Index.open(index_dir)
    writer = index.writer()
    for rec in recs:
        writer.delete_documents_by_term("id", rec["id"])
        writer.add_document(tantivy.Document(id=rec["id"], text=rec["text"]))
    writer.commit()
    t_commit = time.perf_counter()
    writer.wait_merging_threads()
    t_merged = time.perf_counter()
    index.reload()
    searcher = index.searcher()
    return {"records": len(recs), "commit_s": round(t_commit - t0, 3), "merged_s": round(t_merged - t0, 3),
            "docs_after": searcher.num_docs, "segments_after": searcher.num_segments}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_build"]:
        ensure_tantivy()
        child_build(argv[1], argv[2])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsonl", required=True, help="peers' text, from extract_text.py")
    ap.add_argument("--name", required=True, help="corpus name used in file names, e.g. ctgov-xml")
    ap.add_argument("--work", help="index and outputs (default $BENCH_DIR/tantivy/NAME)")
    ap.add_argument("--out", help="figures JSON (default WORK/figures.json)")
    ap.add_argument("--keywords", help="keyword queries TSV (qid<TAB>text)")
    ap.add_argument("--topics", help="TREC topics TSV (qid<TAB>text)")
    ap.add_argument("--related-ids", help="source trial ids for the related-trials latency")
    ap.add_argument("--eval-related-ids", help="source trial ids of the eval's related-trials qrels (run file)")
    ap.add_argument("--updates-jsonl", help="changed trials (peers' text) to replace in the index, timed")
    ap.add_argument("--build-runs", type=int, default=1, help="builds to run; the median wall time is reported")
    ap.add_argument("--run-limit", type=int, default=1000, help="hits per topic in the run files")
    ap.add_argument("--reuse-index", action="store_true", help="skip the build when the index exists")
    args = ap.parse_args(argv)
    ensure_tantivy()
    import importlib.metadata
    import tantivy  # noqa: F401

    args.work = args.work or os.path.join(bench_dir(), "tantivy", args.name)
    args.out = args.out or os.path.join(args.work, "figures.json")
    os.makedirs(args.work, exist_ok=True)
    index_dir = os.path.join(args.work, "index")
    fig = {"engine": "tantivy", "tantivy_python": importlib.metadata.version("tantivy"),
           "python": sys.version.split()[0], "corpus": args.name, "jsonl": os.path.abspath(args.jsonl),
           "cores": os.cpu_count()}
    if args.reuse_index and os.path.exists(os.path.join(index_dir, "meta.json")):
        fig["build"] = {"reused": True, "index_bytes": measure.dir_bytes(index_dir),
                        "index_mb": round(measure.dir_bytes(index_dir) / 1e6, 1)}
    else:
        fig["build"] = build(args, index_dir)

    b = Bench(index_dir)
    fig["trials"] = b.searcher.num_docs
    lat, counts = {}, {}
    out = lambda suffix: os.path.join(args.work, f"tantivy-{args.name}-{suffix}")  # noqa: E731
    if args.keywords:
        kw = read_tsv(args.keywords)
        for limit in (10, 1000):
            t = b.search(kw, limit)
            write_timings(out(f"keywords-top{limit}.timings"), t)
            lat[f"keywords_top{limit}"], counts["keywords"] = median_ms([us for _, us in t]), len(t)
    if args.topics:
        topics = read_tsv(args.topics)
        t = b.search(topics, 10)
        write_timings(out("topics-top10.timings"), t)
        lat["topics_top10"], counts["topics"] = median_ms([us for _, us in t]), len(t)
        fig["topics_run"] = out(f"topics-top{args.run_limit}.trec")
        t = b.search(topics, args.run_limit, run_path=fig["topics_run"])
        lat[f"topics_top{args.run_limit}"] = median_ms([us for _, us in t])
    if args.related_ids:
        ids = read_ids(args.related_ids)
        t = b.related(ids, 10)
        write_timings(out("related-top10.timings"), t)
        lat["related_top10"], counts["related"] = median_ms([us for _, us in t]), len(t)
    if args.eval_related_ids:
        fig["related_run"] = out(f"related-top{args.run_limit}.trec")
        b.related(read_ids(args.eval_related_ids), args.run_limit, run_path=fig["related_run"])
    fig["latency_ms"], fig["queries"] = lat, counts
    print(f"tantivy_bench.py: {args.name}: medians (ms) {json.dumps(lat)}", file=sys.stderr)
    if args.updates_jsonl:
        del b
        fig["update"] = update(index_dir, args.updates_jsonl)
        print(f"tantivy_bench.py: {args.name}: update {json.dumps(fig['update'])}", file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(fig, fh, indent=1)
    print(f"tantivy_bench.py: figures in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
