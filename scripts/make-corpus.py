#!/usr/bin/env python3
"""Builds Corpus/, the sample shipped with trialsearch, from the shared corpus (../shared/corpus).

    python3 scripts/make-corpus.py [SHARED_CORPUS] [OUT]     # defaults: ../shared/corpus, Corpus

Deterministic: the same input always gives byte-identical output (sorted entries, the source
archive's timestamps, fixed compression level). Records keep the registries' own formats and bytes:

- Corpus/ctgov-xml.zip: ClinicalTrials.gov legacy XML in the AllPublicXML layout (NCTnnnnxxxx/ folders).
  Selected: the nine premature ovarian insufficiency cell-therapy trials; every record whose text
  mentions "ovarian", "ovary", "ovaries" or "stem cell" (case-insensitive), so searches such as
  "mesenchymal ovarian" have their relevant and near-miss trials; and a fixed sample of the others,
  every XML_SAMPLE_STEP-th in id order, as background for term statistics.
- Corpus/ctgov-json.zip: API v2 studies, one file per study, selected by the same rule
  (every JSON_SAMPLE_STEP-th of the others).
- Corpus/ictrp/: the whole WHO ICTRP export (578 trials).
- Corpus/text/: the trial-page dump of NCT05308342.
"""
import os
import re
import shutil
import sys
import zipfile

POI_TRIALS = ["NCT01742533", "NCT01853501", "NCT02043743", "NCT02603744", "NCT02644447",
              "NCT02779374", "NCT03033277", "NCT03816852", "NCT03877471"]
TOPIC = re.compile(rb"ovarian|ovary|ovaries|stem cell", re.IGNORECASE)
XML_SAMPLE_STEP = 8
JSON_SAMPLE_STEP = 4


def select(source, out_path, step, folder_layout):
    """Copies the selected entries of `source` into a new zip at `out_path`; returns (selected, total)."""
    with zipfile.ZipFile(source) as archive:
        entries = sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: os.path.basename(i.filename))
        chosen, others = [], []
        for info in entries:
            data = archive.read(info)
            record_id = os.path.splitext(os.path.basename(info.filename))[0]
            (chosen if record_id in POI_TRIALS or TOPIC.search(data) else others).append((info, data))
        chosen += others[::step]
        chosen.sort(key=lambda pair: os.path.basename(pair[0].filename))
        with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            folders = set()
            for info, data in chosen:
                name = os.path.basename(info.filename)
                if folder_layout:
                    folder = name[:7] + "xxxx/"
                    if folder not in folders:
                        folders.add(folder)
                        directory = zipfile.ZipInfo(folder, date_time=info.date_time)
                        directory.external_attr = 0o40755 << 16
                        out.writestr(directory, b"")
                    name = folder + name
                entry = zipfile.ZipInfo(name, date_time=info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                out.writestr(entry, data, compresslevel=9)
        return len(chosen), len(entries)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "Corpus")
    os.makedirs(os.path.join(out, "ictrp"), exist_ok=True)
    os.makedirs(os.path.join(out, "text"), exist_ok=True)
    xml = select(os.path.join(shared, "ctgov-xml.zip"), os.path.join(out, "ctgov-xml.zip"), XML_SAMPLE_STEP, True)
    json = select(os.path.join(shared, "ctgov-json.zip"), os.path.join(out, "ctgov-json.zip"), JSON_SAMPLE_STEP, False)
    shutil.copyfile(os.path.join(shared, "ictrp", "ICTRP-Results_18Mar2020.xml"),
                    os.path.join(out, "ictrp", "ICTRP-Results_18Mar2020.xml"))
    shutil.copyfile(os.path.join(shared, "text", "NCT05308342.txt"), os.path.join(out, "text", "NCT05308342.txt"))
    print(f"ctgov-xml.zip: {xml[0]} of {xml[1]} records; ctgov-json.zip: {json[0]} of {json[1]} studies")


if __name__ == "__main__":
    main()
