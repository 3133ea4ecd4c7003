"""Python model of the engine's analyzer (Sources/TrialSearchCore/Analysis on the `analysis` branch).

lowercase + diacritic folding, words = runs of letters/digits, decimals (2.5) and thousands (1,000)
glued, possessive 's dropped, apostrophes inside words removed; runs joined by '-' or '/' form a
compound: every part is a term and, when a part has a letter, the joined form too (anti-PD-1 ->
anti, antipd1, pd, 1); stop words: Lucene's English set without no/not (31 words); Snowball English.

Differences from the engine (all rare in this data): no symbol words (>= -> gte), no URL/e-mail tokens,
no acronym dots (U.S.A.), Greek letters folded through a small table only.
"""
import re
import unicodedata

import snowballstemmer

STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it of on or such that the their then there these "
    "they this to was will with".split())

_GREEK = {"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "κ": " kappa ", "λ": " lambda ",
          "μ": " mu ", "ω": " omega ", "τ": " tau ", "ε": " epsilon "}
_stemmer = snowballstemmer.stemmer("english")
_stem_cache = {}

_PART = r"[a-z0-9]+(?:\.[0-9]+)?"
_COMPOUND = re.compile(r"%s(?:[-/‐‑–]%s)*" % (_PART, _PART))
_POSSESSIVE = re.compile(r"([a-z0-9])'s\b")
_APOSTROPHE = re.compile(r"([a-z0-9])['’]([a-z0-9])")
_THOUSANDS = re.compile(r"(\d),(\d{3})\b")
_SPLIT_PARTS = re.compile(r"[-/‐‑–]")


def fold(text):
    text = text.lower()
    if not text.isascii():
        for g, name in _GREEK.items():
            if g in text:
                text = text.replace(g, name)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("’", "'")
    text = _POSSESSIVE.sub(r"\1", text)
    text = _APOSTROPHE.sub(r"\1\2", text)
    text = _THOUSANDS.sub(r"\1\2", text)
    return text


def stem(word):
    s = _stem_cache.get(word)
    if s is None:
        s = word if word[0].isdigit() else _stemmer.stemWord(word)
        _stem_cache[word] = s
    return s


def tokens(text, keep_stop=False):
    """Terms of `text` in order; a joined compound form follows its first part."""
    out = []
    for m in _COMPOUND.finditer(fold(text)):
        s = m.group(0)
        parts = _SPLIT_PARTS.split(s) if len(s) > 1 and not s.isalnum() else [s]
        if len(parts) == 1:
            if keep_stop or s not in STOP_WORDS:
                out.append(stem(s))
            continue
        joined = None
        if any(c.isalpha() for c in s):
            joined = "".join(parts)
        for i, p in enumerate(parts):
            if not p:
                continue
            if keep_stop or p not in STOP_WORDS:
                out.append(stem(p))
            if i == 0 and joined:
                out.append(stem(joined))
    return out


def words(text):
    """Unstemmed folded words (for note parsing: demographics, negation)."""
    return re.findall(r"[a-z0-9]+", fold(text))
