#!/usr/bin/env python3
"""Generates Sources/TrialSearchCore/Analysis/FoldingTable+Data.swift: how the analyzer folds non-ASCII
scalars (see FoldingTable.swift for the meaning of each kind).

Run from the package root:  python3 Scripts/make-folding-table.py
The output depends on Python's unicodedata version, recorded in the generated file; changing the table
changes analysis output, so bump AnalyzerConfiguration.currentVersion when the generated file changes.
"""
import unicodedata as ud

# Kinds (FoldingTable.Kind raw values).
SEPARATOR, LETTERS, DIGITS, OWN_PART, OWN_TOKEN, CONNECTOR, IGNORABLE, MICRO = range(8)

GREEK = {
    'α': 'alpha', 'β': 'beta', 'γ': 'gamma', 'δ': 'delta', 'ε': 'epsilon', 'ζ': 'zeta', 'η': 'eta',
    'θ': 'theta', 'ι': 'iota', 'κ': 'kappa', 'λ': 'lambda', 'μ': 'mu', 'ν': 'nu', 'ξ': 'xi',
    'ο': 'omicron', 'π': 'pi', 'ρ': 'rho', 'σ': 'sigma', 'ς': 'sigma', 'τ': 'tau', 'υ': 'upsilon',
    'φ': 'phi', 'χ': 'chi', 'ψ': 'psi', 'ω': 'omega',
    # Symbol variants.
    'ϐ': 'beta', 'ϑ': 'theta', 'ϕ': 'phi', 'ϖ': 'pi', 'ϰ': 'kappa', 'ϱ': 'rho', 'ϲ': 'sigma',
    'ϵ': 'epsilon', '϶': None,
}

entries = {}

def add(cp, kind, text=''):
    assert all(ord(c) < 128 for c in text), (hex(cp), text)
    entries[cp] = (kind, text)

def stripped(ch):
    """NFKD without combining marks, lowercased."""
    d = ud.normalize('NFKD', ch)
    d = ''.join(c for c in d if not ud.category(c).startswith('M'))
    return d.lower()

# Latin letters that NFKD does not reduce to ASCII.
LATIN_EXTRA = {
    'æ': 'ae', 'Æ': 'ae', 'ø': 'o', 'Ø': 'o', 'ð': 'd', 'Ð': 'd', 'þ': 'th', 'Þ': 'th', 'ß': 'ss',
    'ẞ': 'ss', 'đ': 'd', 'Đ': 'd', 'ħ': 'h', 'Ħ': 'h', 'ı': 'i', 'ĸ': 'k', 'ł': 'l', 'Ł': 'l',
    'ŋ': 'n', 'Ŋ': 'n', 'œ': 'oe', 'Œ': 'oe', 'ŧ': 't', 'Ŧ': 't', 'ƀ': 'b', 'Ɓ': 'b', 'ƈ': 'c',
    'Ƈ': 'c', 'ƌ': 'd', 'Ƌ': 'd', 'ƒ': 'f', 'Ƒ': 'f', 'ɠ': 'g', 'Ɠ': 'g', 'ƙ': 'k', 'Ƙ': 'k',
    'ƚ': 'l', 'ƞ': 'n', 'Ɲ': 'n', 'ƥ': 'p', 'Ƥ': 'p', 'ƫ': 't', 'ƭ': 't', 'Ƭ': 't', 'ʈ': 't',
    'Ʈ': 't', 'ƶ': 'z', 'Ƶ': 'z', 'ȡ': 'd', 'ȴ': 'l', 'ȵ': 'n', 'ȶ': 't', 'ȷ': 'j', 'ȸ': 'db',
    'ȹ': 'qp', 'Ⱥ': 'a', 'Ȼ': 'c', 'ȼ': 'c', 'Ƚ': 'l', 'Ⱦ': 't', 'ȿ': 's', 'ɀ': 'z', 'Ƀ': 'b',
    'Ʉ': 'u', 'Ɇ': 'e', 'ɇ': 'e', 'Ɉ': 'j', 'ɉ': 'j', 'Ɋ': 'q', 'ɋ': 'q', 'Ɍ': 'r', 'ɍ': 'r',
    'Ɏ': 'y', 'ɏ': 'y', 'ǝ': 'e', 'Ǝ': 'e', 'ƿ': 'w', 'Ƿ': 'w',
}

def latin_range(lo, hi):
    for cp in range(lo, hi + 1):
        ch = chr(cp)
        cat = ud.category(ch)
        if ch in LATIN_EXTRA:
            add(cp, LETTERS, LATIN_EXTRA[ch])
        elif cat.startswith('L'):
            s = stripped(ch)
            if s and s.isascii() and s.isalnum():
                add(cp, LETTERS, s)
        elif cat == 'Mn':
            add(cp, IGNORABLE)

# Latin-1 Supplement through Latin Extended-B, Latin Extended Additional, ligatures.
latin_range(0x00C0, 0x024F)
latin_range(0x1E00, 0x1EFF)
latin_range(0xFB00, 0xFB06)
add(0x00AA, LETTERS, 'a')  # ª
add(0x00BA, LETTERS, 'o')  # º (also used as a degree sign; 'o' follows NFKD)
add(0x00AD, IGNORABLE)     # soft hyphen
add(0x00B5, MICRO)         # µ micro sign
for cp in (0x00B2, 0x00B3, 0x00B9):
    add(cp, OWN_PART, stripped(chr(cp)))

# Combining diacritical marks: dropped, so that a decomposed é folds like a precomposed one.
for lo, hi in ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F)):
    for cp in range(lo, hi + 1):
        if ud.category(chr(cp)).startswith('M'):
            add(cp, IGNORABLE)

# Zero-width characters, variation selectors, byte order mark: dropped inside words.
for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10)):
    add(cp, IGNORABLE)

# Greek letters (with or without tonos/dialytika) fold to their English names.
for cp in range(0x0370, 0x0400):
    ch = chr(cp)
    if not ud.category(ch).startswith('L'):
        continue
    base = ud.normalize('NFD', ch)[0].lower()
    name = GREEK.get(ch) or GREEK.get(ch.lower()) or GREEK.get(base)
    if name:
        add(cp, OWN_PART, name)
add(0x03BC, MICRO)             # μ: micro prefix before a unit ("μg" → "ug"), "mu" otherwise
add(0x237A, OWN_PART, 'alpha')  # ⍺ APL alpha, used for alpha in some records

# The Symbol font's private-use code points, as left by word processors in some records
# ("TNF\uf061" is TNF-α, "FPG \uf0b3 7.0" is FPG ≥ 7.0).
SYMBOL_FONT = {
    0xF061: 'alpha', 0xF062: 'beta', 0xF063: 'chi', 0xF064: 'delta', 0xF065: 'epsilon', 0xF066: 'phi',
    0xF067: 'gamma', 0xF068: 'eta', 0xF069: 'iota', 0xF06A: 'phi', 0xF06B: 'kappa', 0xF06C: 'lambda',
    0xF06D: 'mu', 0xF06E: 'nu', 0xF06F: 'omicron', 0xF070: 'pi', 0xF071: 'theta', 0xF072: 'rho',
    0xF073: 'sigma', 0xF074: 'tau', 0xF075: 'upsilon', 0xF077: 'omega', 0xF078: 'xi', 0xF079: 'psi',
    0xF07A: 'zeta',
}
for cp, name in SYMBOL_FONT.items():
    add(cp, OWN_PART, name)
add(0xF0B3, OWN_TOKEN, 'gte')
add(0xF0A3, OWN_TOKEN, 'lte')

# Superscript and subscript digits and letters: a part of their own ("m²" → m, 2, m2; "10⁹" → 10, 9).
for cp in range(0x2070, 0x20A0):
    s = stripped(chr(cp))
    if s and s.isascii() and s.isalnum():
        add(cp, OWN_PART, s)

# Letter-like symbols that are letters; degree units as words of their own.
for cp in range(0x2100, 0x2150):
    ch = chr(cp)
    if ud.category(ch).startswith('L'):
        s = stripped(ch)
        if s and s.isascii() and s.isalnum():
            add(cp, LETTERS, s)
add(0x2126, OWN_PART, 'omega')  # Ω ohm sign
add(0x2103, OWN_TOKEN, 'c')     # ℃
add(0x2109, OWN_TOKEN, 'f')     # ℉

# Roman numerals are letters ("phase Ⅱ" → phase, ii).
for cp in range(0x2160, 0x2189):
    s = stripped(chr(cp))
    if s and s.isascii() and s.isalpha():
        add(cp, LETTERS, s)

# Circled and parenthesized numbers and letters: a token of their own.
for cp in range(0x2460, 0x24FF + 1):
    s = ''.join(c for c in stripped(chr(cp)) if c.isalnum())
    if s and s.isascii():
        add(cp, OWN_TOKEN, s)
for cp in range(0x2776, 0x2794):  # dingbat circled digits
    s = stripped(chr(cp))
    if s.isascii() and s.isdigit():
        add(cp, OWN_TOKEN, s)

# Comparison signs become words; hyphens, slashes and apostrophes connect like their ASCII forms.
for cp in (0x2265, 0x2267, 0x2A7E, 0x2A86):
    add(cp, OWN_TOKEN, 'gte')
for cp in (0x2264, 0x2266, 0x2A7D, 0x2A85):
    add(cp, OWN_TOKEN, 'lte')
for cp in (0x2010, 0x2011):
    add(cp, CONNECTOR, '-')
for cp in (0x2044, 0x2215):
    add(cp, CONNECTOR, '/')
for cp in (0x2019, 0x02BC, 0x00B4):  # ’, ʼ and ´ (often typed for an apostrophe: "patient´s")
    add(cp, CONNECTOR, "'")

# Full-width forms: as their ASCII counterparts (letters, digits, connectors; other punctuation separates).
for cp in range(0xFF01, 0xFF5F):
    a = chr(cp - 0xFEE0)
    if a.isalpha():
        add(cp, LETTERS, a.lower())
    elif a.isdigit():
        add(cp, DIGITS, a)
    elif a in "-/'.,":
        add(cp, CONNECTOR, a)
    elif a == '<':
        add(cp, OWN_TOKEN, 'lt')
    elif a == '>':
        add(cp, OWN_TOKEN, 'gt')

# Frequent separators listed explicitly, so that they skip the Unicode-property fallback.
for cp in list(range(0x00A0, 0x00C0)) + [0x00D7, 0x00F7] + list(range(0x2000, 0x2070)) \
        + [0x2122, 0x2116, 0x2212, 0x2248, 0x2260, 0x2192, 0x2022, 0x25CF, 0x3000, 0x3001, 0x3002]:
    if cp not in entries:
        add(cp, SEPARATOR)

keys = sorted(entries)
starts = [0]
blob = ''
for cp in keys:
    blob += entries[cp][1]
    starts.append(len(blob))
assert len(blob) < 65536

def rows(values, per, fmt):
    out = []
    for i in range(0, len(values), per):
        out.append('        ' + ', '.join(fmt(v) for v in values[i:i + per]) + ',')
    return '\n'.join(out)

swift = f'''// Generated by Scripts/make-folding-table.py from Unicode {ud.unidata_version} data. Do not edit by hand:
// change the script, run it, and bump AnalyzerConfiguration.currentVersion.

extension FoldingTable {{
    /// Number of entries; `FoldingTable.fingerprint` also hashes the contents.
    static let entryCount = {len(keys)}

    /// The folded scalars, ascending.
    static let scalars: [UInt32] = [
{rows(keys, 10, lambda v: f"0x{v:04X}")}
    ]

    /// `Kind` raw value of each entry in `scalars`.
    static let kinds: [UInt8] = [
{rows([entries[k][0] for k in keys], 24, str)}
    ]

    /// Entry i's replacement is `replacementBytes[replacementStarts[i]..<replacementStarts[i + 1]]`.
    static let replacementStarts: [UInt16] = [
{rows(starts, 16, str)}
    ]

    /// The replacements, ASCII, concatenated.
    static let replacementText: StaticString = "{blob}"
}}
'''
open('Sources/TrialSearchCore/Analysis/FoldingTable+Data.swift', 'w').write(swift)
print(f'{len(keys)} entries, {len(blob)} replacement bytes')
