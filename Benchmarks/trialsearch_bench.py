#!/usr/bin/env python3
"""trialsearch on the benchmark corpora, through its command line: the counterpart of peers/tantivy_bench.py.

Runs the release binary on one corpus and writes its figures as JSON (same shape as Tantivy's):
- build from the registry zip: `trialsearch index --index DIR --rebuild ZIP`, wall seconds (process start,
  ingestion and commit included) and peak RSS (VmHWM, /usr/bin/time -v); median of --build-runs;
- index bytes: the files of the index folder (as for Tantivy), beside `stats --json`'s `bytes`;
- convert: `trialsearch convert ZIP > NAME.trialsearch.jsonl`, timed (ingestion plus JSON output);
- build from those JSON Lines: `trialsearch index --index DIR2 --rebuild NAME.trialsearch.jsonl`;
- latency: `search --topics FILE --limit N --format trec --timings T` for the keyword queries (top 10 and
  1000) and the TREC topics (top 10), `related --ids FILE --limit 10 --timings T` for the 200 sampled
  trials: medians of the timings files (`qid<TAB>microseconds`, measured in-process by trialsearch);
- update (--updates-zip): `trialsearch index --index DIR ZIP` of the changed trials into the zip-built
  index, timed; then checks that the trial count is unchanged and that the changed word finds exactly
  the changed trials;
- process start (--process-start QUERY): `trialsearch QUERY` in the repository root (the shipped Corpus/),
  with hyperfine when installed, else repeated runs; the median.
Any step that fails (the engine or one of its commands not written yet) is recorded with its exit status
and the end of its stderr under "errors", and the other steps still run.
"""
import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure  # noqa: E402


def count_lines(path):
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def timings_median_ms(path, expected):
    """Median of a --timings file in ms, and a note when it does not have one line per query."""
    rows = []
    with open(path) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                rows.append(float(parts[1]))
    if not rows:
        raise StepError(f"{path} holds no `qid<TAB>microseconds` line")
    note = None if len(rows) == expected else f"{len(rows)} timings for {expected} queries"
    return round(statistics.median(rows) / 1000, 4), note


class StepError(Exception):
    pass


class Runner:
    def __init__(self, args):
        self.args = args
        self.fig = {"engine": "trialsearch", "binary": args.bin, "corpus": args.name, "errors": {}, "notes": {}}
        os.makedirs(args.work, exist_ok=True)

    def path(self, suffix):
        return os.path.join(self.args.work, f"trialsearch-{self.args.name}-{suffix}")

    def run(self, step, cmd, stdout_path=None, cwd=None):
        """Run one trialsearch command, timed; raise StepError with its stderr tail when it fails."""
        err_path = self.path(f"{step}.stderr")
        with open(err_path, "wb") as err, open(stdout_path or os.devnull, "wb") as out:
            fig = measure.run(cmd, stdout=out, stderr=err, cwd=cwd)
        if fig["exit"] != 0:
            with open(err_path, errors="replace") as fh:
                tail = " | ".join(line.strip() for line in fh.read().strip().splitlines()[-3:])
            raise StepError(f"`{fig['cmd']}` exited {fig['exit']}: {tail or '(no stderr)'}")
        return fig

    def step(self, name, fn):
        try:
            fn()
        except (StepError, OSError, ValueError, KeyError) as exc:  # one failed step must not stop the others
            self.fig["errors"][name] = str(exc) if isinstance(exc, StepError) else f"{type(exc).__name__}: {exc}"
            print(f"trialsearch_bench.py: {self.args.name}: {name}: FAILED: {exc}", file=sys.stderr)

    # -- steps

    def build(self, key, source, index_dir):
        runs = []
        for i in range(self.args.build_runs):
            fig = self.run(f"{key}", [self.args.bin, "index", "--index", index_dir, "--rebuild", source])
            fig["index_bytes"] = measure.dir_bytes(index_dir)
            runs.append(fig)
            print(f"trialsearch_bench.py: {self.args.name}: {key} {i + 1}/{self.args.build_runs}: {fig['wall_s']} s, "
                  f"{fig['peak_rss_mb']} MB peak, {fig['index_bytes'] / 1e6:.1f} MB index", file=sys.stderr)
        self.fig[key] = {
            "source": source, "runs": runs,
            "seconds": round(statistics.median(r["wall_s"] for r in runs), 3),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "index_bytes": runs[-1]["index_bytes"], "index_mb": round(runs[-1]["index_bytes"] / 1e6, 1),
            "peak_source": runs[-1]["peak_source"],
        }

    def stats(self, index_dir, key="stats"):
        out = self.path(f"{key}.json")
        self.run(key, [self.args.bin, "stats", "--index", index_dir, "--json"], stdout_path=out)
        try:
            with open(out) as fh:
                stats = json.load(fh)
        except ValueError as exc:
            raise StepError(f"stats --json did not print JSON: {exc}")
        missing = [k for k in ("trials", "segments", "terms", "bytes") if k not in stats]
        if missing:
            self.fig["notes"][key] = f"stats --json lacks {missing}"
        self.fig[key] = stats
        return stats

    def convert(self):
        out = os.path.join(self.args.work, f"{self.args.name}.trialsearch.jsonl")
        fig = self.run("convert", [self.args.bin, "convert", self.args.zip], stdout_path=out)
        fig["records"] = count_lines(out)
        fig["jsonl_mb"] = round(os.path.getsize(out) / 1e6, 1)
        with zipfile.ZipFile(self.args.zip) as zf:
            fig["xml_mb"] = round(sum(i.file_size for i in zf.infolist() if i.filename.endswith(".xml")) / 1e6, 1)
        self.fig["convert"] = fig
        return out

    def latency(self, index_dir, key, kind, queries, limit, expected, run_path=None):
        timings = self.path(f"{key}.timings")
        if os.path.exists(timings):
            os.unlink(timings)
        flag = "--topics" if kind == "search" else "--ids"
        cmd = [self.args.bin, kind, "--index", index_dir, flag, queries, "--limit", str(limit),
               "--format", "trec", "--run-tag", f"trialsearch-{key}", "--timings", timings]
        fig = self.run(key, cmd, stdout_path=run_path)
        if not os.path.exists(timings):
            raise StepError(f"`{fig['cmd']}` wrote no timings file")
        med, note = timings_median_ms(timings, expected)
        self.fig.setdefault("latency_ms", {})[key] = med
        self.fig.setdefault("process", {})[key] = {"wall_s": fig["wall_s"], "peak_rss_mb": fig["peak_rss_mb"]}
        if note:
            self.fig["notes"][key] = note
        if run_path and count_lines(run_path) == 0:
            self.fig["notes"][key + "_run"] = "the TREC run is empty"

    def update(self, index_dir, updates_zip, marker):
        before = self.fig.get("stats", {}).get("trials")
        fig = self.run("update", [self.args.bin, "index", "--index", index_dir, updates_zip])
        fig["index_bytes_after"] = measure.dir_bytes(index_dir)
        after = self.stats(index_dir, key="stats_after_update")
        fig["trials_before"], fig["trials_after"] = before, after.get("trials")
        probe = self.path("update-probe.tsv")
        with open(probe, "w") as fh:
            fh.write(f"u1\t{marker}\n")
        hits = self.path("update-probe.trec")
        self.run("update_probe", [self.args.bin, "search", "--index", index_dir, "--topics", probe, "--limit",
                                  "100000", "--format", "trec", "--run-tag", "probe"], stdout_path=hits)
        fig["marker_hits"] = count_lines(hits)
        with zipfile.ZipFile(updates_zip) as zf:
            fig["records"] = sum(1 for n in zf.namelist() if n.endswith(".xml"))
        if fig["marker_hits"] != fig["records"]:
            self.fig["notes"]["update_marker"] = (f"`{marker}` finds {fig['marker_hits']} trials after the update of "
                                                  f"{fig['records']}")
        self.fig["update"] = fig
        if before is not None and after.get("trials") != before:
            self.fig["notes"]["update"] = f"trials went from {before} to {after.get('trials')}: updates were added, not replaced"

    def process_start(self, query, cwd, runs):
        cmd = [self.args.bin, query]
        # One untimed run first: it builds ./Index from Corpus/ when the index is missing.
        self.run("process_start_warmup", cmd, cwd=cwd)
        hyperfine = shutil.which("hyperfine")
        if hyperfine:
            export = self.path("process-start.hyperfine.json")
            quoted = shlex.join(cmd)  # hyperfine -N splits it like a POSIX shell
            proc = subprocess.run([hyperfine, "-N", "--warmup", "3", "--runs", str(runs), "--export-json", export,
                                   quoted], cwd=cwd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise StepError(f"hyperfine failed: {proc.stderr.strip()[-300:]}")
            with open(export) as fh:
                res = json.load(fh)["results"][0]
            times = res["times"]
            tool = "hyperfine -N --warmup 3"
        else:
            times = [self.run("process_start", cmd, cwd=cwd)["wall_s"] for _ in range(runs)]
            tool = "repeated runs (hyperfine not installed)"
        self.fig["process_start"] = {"query": query, "cwd": cwd, "runs": len(times), "tool": tool,
                                     "median_ms": round(statistics.median(times) * 1000, 2),
                                     "min_ms": round(min(times) * 1000, 2)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the trialsearch release binary")
    ap.add_argument("--name", required=True, help="corpus name used in file names")
    ap.add_argument("--zip", help="the corpus registry zip")
    ap.add_argument("--work", required=True, help="folder for indexes, runs, timings and the figures")
    ap.add_argument("--out", help="figures JSON (default WORK/trialsearch-NAME.json)")
    ap.add_argument("--keywords")
    ap.add_argument("--topics")
    ap.add_argument("--related-ids")
    ap.add_argument("--updates-zip")
    ap.add_argument("--update-marker", default="tsbenchrevised")
    ap.add_argument("--build-runs", type=int, default=1)
    ap.add_argument("--no-jsonl", action="store_true", help="skip convert and the build from JSON Lines")
    ap.add_argument("--process-start", metavar="QUERY", help="only time `trialsearch QUERY` in --cwd")
    ap.add_argument("--cwd", help="folder to run --process-start in (the repository root)")
    ap.add_argument("--runs", type=int, default=30, help="runs of --process-start")
    args = ap.parse_args(argv)
    args.out = args.out or os.path.join(args.work, f"trialsearch-{args.name}.json")
    r = Runner(args)

    if not os.access(args.bin, os.X_OK):
        r.fig["errors"]["binary"] = f"{args.bin} is missing: the release build failed or was not run"
    elif args.process_start:
        r.step("process_start", lambda: r.process_start(args.process_start, args.cwd or os.getcwd(), args.runs))
    else:
        index_dir = os.path.join(args.work, "index-zip")
        r.step("build_zip", lambda: r.build("build_zip", args.zip, index_dir))
        built = "build_zip" in r.fig
        if built:
            r.step("stats", lambda: r.stats(index_dir))
        if not args.no_jsonl:
            def from_jsonl():
                jsonl = r.convert()
                r.build("build_jsonl", jsonl, os.path.join(args.work, "index-jsonl"))
            r.step("build_jsonl", from_jsonl)
        if built:
            if args.keywords:
                n = count_lines(args.keywords)
                for limit in (10, 1000):
                    key = f"keywords_top{limit}"
                    r.step(key, lambda: r.latency(index_dir, key, "search", args.keywords, limit, n))
            if args.topics:
                run_path = r.path("topics-top10.trec")
                r.step("topics_top10", lambda: r.latency(index_dir, "topics_top10", "search", args.topics, 10,
                                                          count_lines(args.topics), run_path))
            if args.related_ids:
                r.step("related_top10", lambda: r.latency(index_dir, "related_top10", "related", args.related_ids,
                                                           10, count_lines(args.related_ids)))
            if args.updates_zip:
                r.step("update", lambda: r.update(index_dir, args.updates_zip, args.update_marker))
            if args.updates_zip and "update" in r.fig:
                # The same latencies on the updated index (a second segment, the changed trials' old
                # versions deleted in the first): what users search after indexing a newer dump.
                if args.keywords:
                    for limit in (10, 1000):
                        key = f"keywords_top{limit}_after_update"
                        r.step(key, lambda: r.latency(index_dir, key, "search", args.keywords, limit, n))
                if args.topics:
                    r.step("topics_top10_after_update",
                           lambda: r.latency(index_dir, "topics_top10_after_update", "search", args.topics, 10,
                                             count_lines(args.topics)))
                if args.related_ids:
                    r.step("related_top10_after_update",
                           lambda: r.latency(index_dir, "related_top10_after_update", "related", args.related_ids,
                                             10, count_lines(args.related_ids)))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(r.fig, fh, indent=1)
    print(f"trialsearch_bench.py: {args.name}: figures in {args.out}"
          + (f" ({len(r.fig['errors'])} steps failed)" if r.fig["errors"] else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
