/// Reads the query language into a `Query` whose terms are analyzed by the index's analyzer.
///
/// Syntax (a clause at a time, separated by white space):
/// - `word`: optional, ranked; `+word` required; `-word` excluded. A lone `+` or `-` is ignored.
/// - `"a phrase"`: the words at consecutive positions (stop words leave gaps); `+"…"`, `-"…"` too.
/// - `field:word`, `field:"a phrase"`, with `+`/`-` in front: `id:`, `title:`, `condition:`,
///   `keyword:`, `mesh:`, `intervention:`, `summary:`, `description:`, `eligibility:`, `outcome:`,
///   `sponsor:`, `location:` (case-insensitive).
/// - `name:value` where `name` is letters but no field is an error (a mistyped field must not silently
///   search for its letters); `name:` followed by white space is the word `name` (as in "Diagnosis:
///   diabetes"); `http://…` and the like are URLs. A colon after anything but letters is text (`1:2`).
/// - No boolean operators or grouping: `AND`/`OR` are stop words, `NOT` is the word `not`; brackets are
///   punctuation.
/// A word whose analysis gives several positions becomes a phrase (`10×106`, CJK characters); a
/// hyphenated or slashed word becomes `anyOf(joined term, phrase of its parts)`. A word that is all stop
/// words or punctuation drops out.
///
/// `parseNaturalLanguage` reads long free text (a patient's case notes) without syntax.
public struct QueryParser {
    public let analyzer: Analyzer

    public init(analyzer: Analyzer) {
        self.analyzer = analyzer
    }

    /// Parses `text` in the query language.
    /// - Complexity: O(n) in the query's length, plus analysis.
    public func parse(_ text: String) throws(QueryError) -> Query {
        let bytes = Array(text.utf8)
        var clauses: [QueryClause] = []
        var i = 0
        let n = bytes.count
        var sawContent = false
        while i < n {
            while i < n, Self.isSpace(bytes[i]) { i += 1 }
            guard i < n else { break }
            sawContent = true
            let clauseStart = i
            var occur = QueryClause.Occur.should
            if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                occur = bytes[i] == UInt8(ascii: "+") ? .must : .mustNot
                i += 1
                if i == n || Self.isSpace(bytes[i]) { continue }  // a lone operator
            }
            var field: Field?
            if let (named, valueStart) = try fieldPrefix(bytes, at: i, query: text) {
                field = named
                i = valueStart
                if i == n || Self.isSpace(bytes[i])
                    || (bytes[i] == UInt8(ascii: "\"") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"")) {
                    throw .emptyFieldValue(query: text, offset: i, field: named)
                }
            }
            let valueRange: Range<Int>
            if bytes[i] == UInt8(ascii: "\"") {
                guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "\"")) else {
                    throw .unclosedQuote(query: text, offset: i)
                }
                valueRange = (i + 1)..<close
                if bytes[valueRange].allSatisfy(Self.isSpace) { throw .emptyPhrase(query: text, offset: i) }
                i = close + 1
            } else {
                var end = i
                while end < n, !Self.isSpace(bytes[end]), bytes[end] != UInt8(ascii: "\"") { end += 1 }
                valueRange = i..<end
                i = end
            }
            let value = String(decoding: bytes[valueRange], as: UTF8.self)
            if let match = match(for: value, field: field) {
                clauses.append(QueryClause(occur: occur, field: field, match: match, sourceRange: clauseStart..<i))
            }
        }
        guard sawContent else { throw .emptyQuery }
        guard !clauses.isEmpty else { throw .noSearchableTerms(query: text) }
        if let firstExcluded = clauses.first, clauses.allSatisfy({ $0.occur == .mustNot }) {
            throw .onlyExcludedTerms(query: text, offset: firstExcluded.sourceRange.lowerBound)
        }
        return Query(clauses: clauses)
    }

    /// The field named by `letters:` at `i` and where its value starts, nil when there is no field
    /// prefix there; throws for `letters:value` that names no field.
    private func fieldPrefix(_ bytes: [UInt8], at i: Int, query: String) throws(QueryError) -> (Field, Int)? {
        var j = i
        while j < bytes.count, (bytes[j] | 0x20) &- 0x61 < 26 { j += 1 }
        guard j > i, j < bytes.count, bytes[j] == UInt8(ascii: ":") else { return nil }
        let name = String(decoding: bytes[i..<j], as: UTF8.self)
        if let field = Field(name: name) { return (field, j + 1) }
        let next = j + 1
        if next == bytes.count || Self.isSpace(bytes[next]) { return nil }  // "Diagnosis: diabetes"
        if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "/"), bytes[next + 1] == UInt8(ascii: "/") {
            return nil  // a URL
        }
        throw .unknownField(query: query, offset: i, name: name)
    }

    /// The analyzed form of one word or phrase, or nil when nothing is left after analysis.
    ///
    /// One term → `.term`; several positions → `.phrase` (relative positions, gaps kept); a joined
    /// (or whole-identifier) token covering all the others → `.anyOf([.term(joined), phrase])`.
    func match(for text: String, field: Field?) -> QueryMatch? {
        let tokens = analyzer.tokens(text, field: field ?? .summary)
        guard let first = tokens.first else { return nil }
        if tokens.count == 1 { return .term(first.term) }
        let covering = tokens.filter { $0.kind == .joined || $0.kind == .identifier }
        let plain = tokens.filter { $0.kind != .joined && $0.kind != .identifier }
        guard let firstPlain = plain.first else { return .term(first.term) }
        var phraseTerms: [PhraseTerm] = []
        for token in plain {
            phraseTerms.append(PhraseTerm(term: token.term, position: token.position - firstPlain.position))
        }
        let parts: QueryMatch = phraseTerms.count == 1 ? .term(phraseTerms[0].term) : .phrase(phraseTerms)
        if covering.count == 1, let whole = covering.first,
           plain.allSatisfy({ $0.startOffset >= whole.startOffset && $0.endOffset <= whole.endOffset }) {
            return .anyOf([.term(whole.term), parts])
        }
        return parts
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }
}
