#!/usr/bin/env python3
"""Run one command and report its wall time and peak memory as JSON.

Peak memory is the child's maximum resident set size (VmHWM), read from GNU time's
`/usr/bin/time -v` when it is installed, else from getrusage(RUSAGE_CHILDREN) (the same kernel
figure; on Linux ru_maxrss is in KiB). Wall time is measured here around the child with a
monotonic clock, so it includes process start and exit.

Usage (from bash):
  measure.py [--stdout FILE] [--json OUT] -- COMMAND ARG...
Prints {"cmd", "exit", "wall_s", "peak_rss_mb", "user_s", "sys_s"} on stdout (or to --json OUT)
and exits with the command's status. The command's stdout goes to --stdout FILE (default: ours, i.e. stderr
when --json is not given, to keep our stdout parseable), its stderr to our stderr.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def has_gnu_time():
    if not os.access(GNU_TIME, os.X_OK):
        return False
    probe = subprocess.run([GNU_TIME, "-v", "true"], capture_output=True, text=True)
    return "Maximum resident set size" in probe.stderr


def dir_bytes(path):
    """Bytes of all files under path: an index's size on disk, measured the same way for every engine."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def run(cmd, stdout=None, stderr=None, env=None, cwd=None):
    """Run cmd; return a dict with exit status, wall seconds and peak RSS in MB (10^6 bytes)."""
    use_time = has_gnu_time()
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        time_path = tf.name
    full = [GNU_TIME, "-v", "-o", time_path, "--"] + list(cmd) if use_time else list(cmd)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(full, stdout=stdout, stderr=stderr, env=env, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = None
    if use_time:
        with open(time_path) as fh:
            report = fh.read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        peak_kib = int(m.group(1)) if m else None
    os.unlink(time_path)
    if peak_kib is None:
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: exact when this is the largest.
        peak_kib = after.ru_maxrss
    return {
        "cmd": " ".join(cmd),
        "exit": proc.returncode,
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(peak_kib * 1024 / 1e6, 1),
        "user_s": round(after.ru_utime - before.ru_utime, 3),
        "sys_s": round(after.ru_stime - before.ru_stime, 3),
        "peak_source": "/usr/bin/time -v" if use_time else "getrusage(RUSAGE_CHILDREN)",
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stdout", help="file for the command's standard output")
    ap.add_argument("--json", help="write the figures here instead of standard output")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command")
    out = open(args.stdout, "wb") if args.stdout else (None if args.json else sys.stderr)
    try:
        result = run(cmd, stdout=out)
    finally:
        if args.stdout and out:
            out.close()
    text = json.dumps(result)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return result["exit"]


if __name__ == "__main__":
    sys.exit(main())
