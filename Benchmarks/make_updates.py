#!/usr/bin/env python3
"""Make N changed trials of a corpus zip: the input of the update benchmark.

Takes N records of ZIP, evenly spaced over its sorted member names (fixed and deterministic), and for
each one: sets every last-update date it carries (last_update_submitted, last_update_submitted_qc,
last_update_posted, lastchanged_date) and its download_date to DATE (later than any record in the
corpora), and appends the word MARKER to its brief_title. Writes them, in AllPublicXML layout, as a
small zip. An index that applies the update holds the same number of trials as before, and exactly N
of them match MARKER.

Usage:
  make_updates.py ZIP OUT.zip [-n 1000] [--date "November 1, 2026"] [--marker tsbenchrevised]
"""
import argparse
import os
import re
import sys
import zipfile

_MEMBER = re.compile(r"NCT\d{8}\.xml$")
DATE_TAGS = ("last_update_submitted", "last_update_submitted_qc", "last_update_posted", "lastchanged_date")


def change(xml, date, marker):
    """Bytes of the changed record; raises ValueError when it has no date or title to change."""
    text = xml.decode("utf-8")
    changed = 0
    for tag in DATE_TAGS:
        text, k = re.subn(rf"(<{tag}(?:\s[^>]*)?>)[^<]*(</{tag}>)", rf"\g<1>{date}\g<2>", text)
        changed += k
    text = re.sub(r"(<download_date>)[^<]*(</download_date>)",
                  rf"\g<1>ClinicalTrials.gov processed this data on {date}\g<2>", text)
    text, titles = re.subn(r"(<brief_title>)([^<]*)(</brief_title>)", rf"\g<1>\g<2> {marker}\g<3>", text, count=1)
    if not changed or not titles:
        raise ValueError(f"no last-update date ({changed}) or brief_title ({titles})")
    return text.encode("utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("zip")
    ap.add_argument("out")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--date", default="November 1, 2026")
    ap.add_argument("--marker", default="tsbenchrevised")
    args = ap.parse_args(argv)
    with zipfile.ZipFile(args.zip) as zf:
        names = sorted(n for n in zf.namelist() if _MEMBER.search(n))
        if args.n > len(names):
            raise SystemExit(f"make_updates.py: {args.zip} has {len(names)} records, fewer than {args.n}")
        picked = [names[i * len(names) // args.n] for i in range(args.n)]
        tmp = args.out + ".tmp"
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for name in picked:
                try:
                    out.writestr(name, change(zf.read(name), args.date, args.marker))
                except ValueError as exc:
                    raise SystemExit(f"make_updates.py: {args.zip}: {name}: {exc}")
    os.replace(tmp, args.out)
    print(f"make_updates.py: {args.out}: {len(picked)} changed records of {args.zip}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
