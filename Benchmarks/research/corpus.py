"""Read ctgov-xml.zip into per-field analyzed terms, as the engine's fields (Model/Field.swift).

Cached as a pickle in $RESEARCH_CACHE (default /tmp/trialsearch-research) since parsing and analysis
of 10,614 trials takes a minute or two.
"""
import os
import pickle
import re
import zipfile
import xml.etree.ElementTree as ET

import analysis

SHARED = os.environ.get("TRIALSEARCH_SHARED",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
if not os.path.isdir(SHARED):
    SHARED = "/work/shared"
ZIP = os.path.join(SHARED, "corpus", "ctgov-xml.zip")
EVAL = os.path.join(SHARED, "eval")
CACHE = os.environ.get("RESEARCH_CACHE", "/tmp/trialsearch-research")

FIELDS = ["id", "title", "condition", "keyword", "mesh", "intervention", "summary", "description",
          "eligibility", "outcome", "sponsor", "location"]


def _texts(root, path):
    return [" ".join(e.text.split()) for e in root.findall(path) if e.text and e.text.strip()]


def _text(root, path):
    t = _texts(root, path)
    return t[0] if t else ""


def parse_age(s):
    """'18 Years' -> 18.0, '6 Months' -> 0.5; N/A or empty -> None."""
    m = re.match(r"\s*([\d.]+)\s*(year|month|week|day|hour|minute)", s.lower())
    if not m:
        return None
    v = float(m.group(1))
    return v / {"year": 1, "month": 12, "week": 52.1775, "day": 365.25, "hour": 8766,
                "minute": 525960}[m.group(2)]


def fields_of(root):
    """Field name -> list of text values, and the trial's eligibility facts."""
    f = {k: [] for k in FIELDS}
    nct = _text(root, "id_info/nct_id")
    ids = [nct] + _texts(root, "id_info/org_study_id") + _texts(root, "id_info/secondary_id")
    f["id"] = ids
    f["title"] = _texts(root, "brief_title") + _texts(root, "official_title") + _texts(root, "acronym")
    f["condition"] = _texts(root, "condition")
    f["keyword"] = _texts(root, "keyword")
    f["mesh"] = _texts(root, "condition_browse/mesh_term") + _texts(root, "intervention_browse/mesh_term")
    iv = []
    for e in root.findall("intervention"):
        iv += _texts(e, "intervention_type") + _texts(e, "intervention_name") + _texts(e, "other_name")
        iv += _texts(e, "description")
    for e in root.findall("arm_group"):
        iv += _texts(e, "arm_group_label") + _texts(e, "description")
    f["intervention"] = iv
    f["summary"] = _texts(root, "brief_summary/textblock")
    f["description"] = _texts(root, "detailed_description/textblock")
    f["eligibility"] = _texts(root, "eligibility/criteria/textblock")
    oc = []
    for tag in ("primary_outcome", "secondary_outcome"):
        for e in root.findall(tag):
            oc += _texts(e, "measure") + _texts(e, "description")
    f["outcome"] = oc
    f["sponsor"] = _texts(root, "sponsors/lead_sponsor/agency") + _texts(root, "sponsors/collaborator/agency")
    loc = []
    for e in root.findall("location/facility"):
        loc += _texts(e, "name") + _texts(e, "address/city") + _texts(e, "address/state")
        loc += _texts(e, "address/country")
    f["location"] = loc + _texts(root, "location_countries/country")
    elig = {
        "sex": _text(root, "eligibility/gender") or "All",
        "min_age": parse_age(_text(root, "eligibility/minimum_age")),
        "max_age": parse_age(_text(root, "eligibility/maximum_age")),
        "healthy": _text(root, "eligibility/healthy_volunteers"),
    }
    return nct, f, elig


def id_terms(values):
    out = []
    for v in values:
        v = v.lower()
        out.append(v)
        parts = [p for p in re.split(r"[^a-z0-9]+", v) if p]
        if len(parts) > 1:
            out += parts
    return out


def load():
    """List of trials: dict(id, fields: {field: [terms]}, values: {field: [[terms] per value]}, elig)."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, "corpus-v1.pickle")
    if os.path.exists(path):
        with open(path, "rb") as h:
            return pickle.load(h)
    trials = []
    with zipfile.ZipFile(ZIP) as z:
        for name in sorted(z.namelist()):
            if not name.endswith(".xml"):
                continue
            root = ET.fromstring(z.read(name))
            nct, f, elig = fields_of(root)
            terms, values = {}, {}
            for k, vals in f.items():
                if k == "id":
                    terms[k] = id_terms(vals)
                    continue
                vt = [analysis.tokens(v) for v in vals]
                terms[k] = [t for seq in vt for t in seq]
                if k in ("condition", "keyword", "mesh", "title"):
                    values[k] = vt
            trials.append({"id": nct, "terms": terms, "values": values, "elig": elig})
    with open(path, "wb") as h:
        pickle.dump(trials, h, protocol=pickle.HIGHEST_PROTOCOL)
    return trials


def topics():
    out = []
    with open(os.path.join(EVAL, "trec-ct-2021", "topics2021.tsv")) as h:
        for line in h:
            qid, text = line.rstrip("\n").split("\t", 1)
            out.append((qid, text))
    return out


def qrels(path=None):
    path = path or os.path.join(EVAL, "trec-ct-2021", "qrels2021-corpus.txt")
    q = {}
    with open(path) as h:
        for line in h:
            p = line.split()
            if len(p) >= 4:
                q.setdefault(p[0], {})[p[2]] = int(p[3])
    return q


if __name__ == "__main__":
    import time
    t = time.time()
    tr = load()
    print(len(tr), "trials", "%.1fs" % (time.time() - t))
