/// A short passage of a hit's stored text with the query's terms marked, for display.
///
/// `Snippet.make` re-analyzes the trial's text with the index's analyzer (so `ovaries` is marked for the
/// query term `ovari`), picks the field value holding the most distinct query terms (summary first on
/// ties, then conditions, description, interventions, keywords, eligibility, outcomes; the titles, which
/// are displayed anyway, only when nothing else matches), and within it the
/// window of about `maxWords` words holding the most distinct query terms. Offsets are the analyzer's
/// byte offsets, so marks fall on whole words.
public struct Snippet: Sendable, Hashable {
    /// A run of the passage: plain or a matched word.
    public struct Part: Sendable, Hashable {
        public var text: String
        public var isMatch: Bool
    }

    public var parts: [Part]
    /// The field the passage comes from.
    public var field: Field

    /// The passage without marks.
    public var plainText: String { parts.map(\.text).joined() }

    /// The passage with each matched word between `open` and `close` (ANSI bold: "\u{1B}[1m", "\u{1B}[0m").
    public func rendered(open: String, close: String) -> String {
        parts.map { $0.isMatch ? open + $0.text + close : $0.text }.joined()
    }

    static let fieldOrder: [Field] = [.summary, .condition, .description, .intervention, .keyword, .eligibility, .outcome, .title]

    /// The best passage of `trial` for `terms` (analyzed query terms); nil when no field holds any of
    /// them.
    /// - Complexity: O(text of the displayed fields) analysis.
    public static func make(trial: Trial, terms: Set<String>, analyzer: Analyzer, maxWords: Int = 32) -> Snippet? {
        guard !terms.isEmpty else { return nil }
        var best: (value: String, field: Field, tokens: [(start: Int, end: Int, term: String?)], distinct: Int)?
        for field in fieldOrder {
            for value in trial.values(of: field) {
                var tokens: [(Int, Int, String?)] = []
                var matched = Set<String>()
                analyzer.analyze(value, field: field) { token in
                    let term = token.text
                    let isMatch = terms.contains(term)
                    if isMatch { matched.insert(term) }
                    // A hyphenated word gives its parts and its joined form (`high-risk`: `high`,
                    // `highrisk`, `risk`), which overlap: keep one token per span, matched when any of
                    // its forms matches, so the word is shown (and marked) once.
                    if let last = tokens.last, Int(token.startOffset) < last.1 {
                        let end = isMatch ? max(last.1, Int(token.endOffset)) : last.1
                        tokens[tokens.count - 1] = (last.0, end, last.2 ?? (isMatch ? term : nil))
                        return
                    }
                    tokens.append((Int(token.startOffset), Int(token.endOffset), isMatch ? term : nil))
                }
                if matched.count > (best?.distinct ?? 0) {
                    best = (value, field, tokens, matched.count)
                }
            }
        }
        guard let best else { return nil }
        return window(best.value, field: best.field, tokens: best.tokens, maxWords: maxWords)
    }

    /// The window of `maxWords` tokens with the most distinct matched terms, earliest on ties.
    static func window(_ value: String, field: Field, tokens: [(start: Int, end: Int, term: String?)], maxWords: Int) -> Snippet {
        var bestStart = 0
        var bestCount = -1
        var i = 0
        while i < max(tokens.count - maxWords + 1, 1) {
            let end = min(i + maxWords, tokens.count)
            let distinct = Set(tokens[i..<end].compactMap(\.term)).count
            if distinct > bestCount {
                bestCount = distinct
                bestStart = i
            }
            i += 1
        }
        // Start a little before the first match so it has context.
        if let firstMatch = tokens[bestStart...].firstIndex(where: { $0.term != nil }) {
            bestStart = max(0, min(bestStart, firstMatch - 3))
        }
        let last = min(bestStart + maxWords, tokens.count) - 1
        let bytes = Array(value.utf8)
        var parts: [Part] = []
        let from = bestStart == 0 ? 0 : tokens[bestStart].start
        let to = last == tokens.count - 1 ? bytes.count : tokens[last].end
        func text(_ a: Int, _ b: Int) -> String {
            String(decoding: bytes[a..<b], as: UTF8.self).replacingNewlines()
        }
        if bestStart > 0 { parts.append(Part(text: "…", isMatch: false)) }
        var position = from
        for token in tokens[bestStart...last] where token.term != nil {
            if token.start > position { parts.append(Part(text: text(position, token.start), isMatch: false)) }
            parts.append(Part(text: text(token.start, token.end), isMatch: true))
            position = token.end
        }
        if to > position { parts.append(Part(text: text(position, to), isMatch: false)) }
        if last < tokens.count - 1 { parts.append(Part(text: "…", isMatch: false)) }
        return Snippet(parts: parts, field: field)
    }
}

extension String {
    /// Newlines and tabs as single spaces, for one-line display.
    func replacingNewlines() -> String {
        var out = ""
        var lastWasSpace = false
        for c in self {
            if c == "\n" || c == "\r" || c == "\t" || c == "\r\n" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(c)
                lastWasSpace = c == " "
            }
        }
        return out
    }
}
