"""Corpus concepts: the condition names, MeSH terms and keywords of the indexed trials, as analyzed
term sequences. A note phrase equal to a concept picks out the trials that list that concept.
"""
import numpy as np

import notes

_dicts = {}


def dictionary(idx, fields):
    """{term-id tuple: np.array of docs whose `fields` list exactly that value}."""
    key = (id(idx), tuple(fields))
    d = _dicts.get(key)
    if d is None:
        import corpus
        trials = corpus.load()
        acc = {}
        for i, t in enumerate(trials):
            for f in fields:
                for seq in t["values"][f]:
                    ids = tuple(idx.vocab[x] for x in seq if x in idx.vocab)
                    if ids:
                        acc.setdefault(ids, set()).add(i)
        d = {k: np.array(sorted(v)) for k, v in acc.items()}
        _dicts[key] = d
    return d


def note_ids(idx, text, cfg):
    terms = notes.query_terms(text, abbrev=cfg["abbrev"], negation=cfg["negation"], deid=cfg["deid"])
    return [idx.vocab.get(t, -1) for t in terms]


def match(idx, text, cfg, max_len=6):
    """Distinct concepts (term-id tuples) found as contiguous runs of the note's terms."""
    d = dictionary(idx, cfg["concept_fields"])
    seq = note_ids(idx, text, cfg)
    found = set()
    for i in range(len(seq)):
        for n in range(cfg["concept_min_len"], max_len + 1):
            if i + n > len(seq):
                break
            c = tuple(seq[i:i + n])
            if c in d:
                found.add(c)
    return found


def concept_scores(idx, text, cfg):
    """sum over matched concepts c of concept * idf(c) for the trials that list c."""
    d = dictionary(idx, cfg["concept_fields"])
    s = np.zeros(idx.N)
    for c in match(idx, text, cfg):
        docs = d[c]
        df = len(docs)
        s[docs] += cfg["concept"] * np.log(1 + (idx.N - df + 0.5) / (df + 0.5))
    return s
