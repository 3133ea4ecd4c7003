#!/usr/bin/env python3
"""Pre-extract the peers' input text from a ClinicalTrials.gov legacy-XML zip.

The other engines in ../shared/bench/PEERS.md do not parse registry XML: each indexes the same
pre-extracted text of every trial as one field. This script makes that text, one JSON object per
line: {"id": "NCT…", "text": "…"}, where text joins, in this order, the brief and official titles,
the conditions, the keywords, the intervention names (and their other names), the brief summary,
the detailed description, the eligibility criteria and the condition and intervention MeSH terms,
whitespace collapsed, parts separated by newlines.

This extraction is the peers' input and is NOT counted in their build times (as in PEERS.md);
its own time is written beside the output (OUT.meta.json) for reference only.

Usage:
  extract_text.py ZIP OUT.jsonl [--sample N --sample-out FILE]
--sample N writes N ids of the corpus, evenly spaced over the sorted ids (a fixed,
deterministic sample), one per line: the source trials of the related-trials benchmark.
"""
import argparse
import json
import os
import re
import sys
import time
import zipfile

try:  # lxml is faster when present; xml.etree is the standard-library fallback.
    from lxml import etree as ET  # type: ignore
    PARSER = "lxml"
except ImportError:  # pragma: no cover - depends on the machine
    import xml.etree.ElementTree as ET
    PARSER = "xml.etree"

_MEMBER = re.compile(r"(NCT\d{8})\.xml$")
_SPACE = re.compile(r"\s+")

# (path, every match?) in output order.
PATHS = [
    "brief_title", "official_title",
    "condition", "keyword",
    "intervention/intervention_name", "intervention/other_name",
    "brief_summary/textblock", "detailed_description/textblock", "eligibility/criteria/textblock",
    "condition_browse/mesh_term", "intervention_browse/mesh_term",
]


def clean(text):
    return _SPACE.sub(" ", text).strip()


def record_text(root):
    parts = []
    for path in PATHS:
        for el in root.findall(path):
            if el.text:
                t = clean(el.text)
                if t:
                    parts.append(t)
    return "\n".join(parts)


def extract(zip_path, out_path):
    t0 = time.perf_counter()
    n = 0
    xml_bytes = 0
    ids = []
    tmp = out_path + ".tmp"
    with zipfile.ZipFile(zip_path) as zf, open(tmp, "w", encoding="utf-8") as out:
        for info in zf.infolist():
            m = _MEMBER.search(info.filename)
            if not m:
                continue
            data = zf.read(info)
            xml_bytes += len(data)
            try:
                root = ET.fromstring(data)
            except Exception as exc:  # report and go on, like an ingester would
                print(f"extract_text.py: {zip_path}: {info.filename}: not well-formed XML: {exc}", file=sys.stderr)
                continue
            nct = root.findtext("id_info/nct_id") or m.group(1)
            out.write(json.dumps({"id": nct.strip(), "text": record_text(root)}, ensure_ascii=False))
            out.write("\n")
            ids.append(nct.strip())
            n += 1
    os.replace(tmp, out_path)
    secs = time.perf_counter() - t0
    meta = {"input": os.path.abspath(zip_path), "input_bytes": os.path.getsize(zip_path),
            "input_mtime": os.path.getmtime(zip_path), "records": n, "xml_mb": round(xml_bytes / 1e6, 1),
            "jsonl_mb": round(os.path.getsize(out_path) / 1e6, 1), "seconds": round(secs, 2), "parser": PARSER}
    with open(out_path + ".meta.json", "w") as fh:
        json.dump(meta, fh, indent=1)
    print(f"extract_text.py: {out_path}: {json.dumps(meta)}", file=sys.stderr)
    return sorted(ids)


def is_fresh(zip_path, out_path):
    """True when OUT was made from this very input (same size and mtime)."""
    try:
        with open(out_path + ".meta.json") as fh:
            meta = json.load(fh)
    except (OSError, ValueError):
        return False
    return (os.path.exists(out_path) and meta.get("input") == os.path.abspath(zip_path)
            and meta.get("input_bytes") == os.path.getsize(zip_path)
            and meta.get("input_mtime") == os.path.getmtime(zip_path))


def read_ids(jsonl_path):
    with open(jsonl_path, encoding="utf-8") as fh:
        return sorted(json.loads(line)["id"] for line in fh)


def even_sample(ids, n):
    """n ids evenly spaced over the sorted list: deterministic, covers the whole id range."""
    if n >= len(ids):
        return list(ids)
    return [ids[i * len(ids) // n] for i in range(n)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("zip")
    ap.add_argument("out")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--sample-out")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    if args.force or not is_fresh(args.zip, args.out):
        ids = extract(args.zip, args.out)
    else:
        print(f"extract_text.py: {args.out} is up to date", file=sys.stderr)
        ids = read_ids(args.out)
    if args.sample and args.sample_out:
        with open(args.sample_out, "w") as fh:
            fh.writelines(i + "\n" for i in even_sample(ids, args.sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
