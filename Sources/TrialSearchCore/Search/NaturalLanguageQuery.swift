/// A long free-text query (a patient's case notes, a trial's description) as analyzed terms with their
/// counts, for the ranking layer to weight and prune: no syntax is interpreted.
///
/// Quotes, colons, `+` and `-` are ordinary text here, so notes full of `s/p`, `h/o`, `[**2148-10-1**]`
/// or `Diagnosis: …` read as the words they contain. Stop words are already gone (the analyzer's);
/// choosing among the remaining terms (by document frequency, count, field) is the ranking layer's job.
public struct NaturalLanguageQuery: Sendable, Hashable {
    /// One distinct term of the text.
    public struct Term: Sendable, Hashable {
        public var term: String
        /// Occurrences in the text.
        public var count: Int
        /// Position of the first occurrence (earlier words of a note tend to state the main problem).
        public var firstPosition: Int32
        /// The kind of the first occurrence: `joined` terms repeat their parts, and `number` terms
        /// (ages, dates, doses) are often noise in case notes.
        public var kind: Token.Kind

        public init(term: String, count: Int, firstPosition: Int32, kind: Token.Kind) {
            self.term = term
            self.count = count
            self.firstPosition = firstPosition
            self.kind = kind
        }
    }

    /// Distinct terms in order of first occurrence.
    public var terms: [Term]
    /// Tokens analyzed, joined forms excluded (the text's length in terms).
    public var length: Int

    public init(terms: [Term], length: Int) {
        self.terms = terms
        self.length = length
    }
}

extension QueryParser {
    /// Analyzes free `text` (no syntax) into distinct terms with counts; throws when nothing is left.
    /// - Complexity: O(n) in the text's length, plus analysis.
    public func parseNaturalLanguage(_ text: String, field: Field = .summary) throws(QueryError)
        -> NaturalLanguageQuery {
        try parseNaturalLanguage(text, marking: [], field: field).query
    }

    /// As `parseNaturalLanguage(_:field:)`, with, for each of `others`, which of the query's terms its
    /// analysis gives too (`stated[j][k]`: `others[j]` states `query.terms[k]`): what `SearchEngine`
    /// asks of a note's affirmed text and first sentence. The same as parsing each of `others` and
    /// testing its terms' `Set` (a term's identity is `String` equality), without a `String` a token.
    /// - Complexity: O(n) in the texts' length, plus analysis.
    public func parseNaturalLanguage(_ text: String, marking others: [String], field: Field = .summary)
        throws(QueryError) -> (query: NaturalLanguageQuery, stated: [[Bool]]) {
        var table = DistinctTermTable()
        var terms: [NaturalLanguageQuery.Term] = []
        // The terms first spelled with a byte above ASCII.
        var nonASCII: [Int] = []
        // The term that bytes not filed yet spell, by `String` equality, if any. Two distinct ASCII
        // spellings are never canonically equivalent, so an ASCII one can only equal a non-ASCII term.
        func equivalent(_ bytes: UnsafeBufferPointer<UInt8>) -> (term: String, number: Int?, isASCII: Bool) {
            let term = String(decoding: bytes, as: UTF8.self)
            let isASCII = bytes.allSatisfy { $0 < 0x80 }
            let number = isASCII ? nonASCII.first { terms[$0].term == term } : terms.indices.first { terms[$0].term == term }
            return (term, number, isASCII)
        }
        var length = 0
        analyzer.analyze(text, field: field) { token in
            if !token.isDerived { length += 1 }
            let hash = DistinctTermTable.hash(token.term)
            if let number = table.number(of: token.term, hash: hash) {
                terms[number].count += 1
                return
            }
            // Bytes not seen yet: a new term, or a canonically equivalent spelling of one.
            let (term, existing, isASCII) = equivalent(token.term)
            let number: Int
            if let existing {
                number = existing
                terms[existing].count += 1
            } else {
                number = terms.count
                if !isASCII { nonASCII.append(number) }
                terms.append(NaturalLanguageQuery.Term(term: term, count: 1, firstPosition: token.position,
                                                       kind: token.kind))
            }
            table.file(token.term, hash: hash, number: number)
        }
        guard !terms.isEmpty else {
            if text.utf8.allSatisfy(Self.isSpace) { throw .emptyQuery }
            throw .noSearchableTerms(query: text)
        }
        var stated: [[Bool]] = []
        for other in others {
            var marks = [Bool](repeating: false, count: terms.count)
            analyzer.analyze(other, field: field) { token in
                if let number = table.number(of: token.term, hash: DistinctTermTable.hash(token.term)) {
                    marks[number] = true
                } else if let number = equivalent(token.term).number {
                    marks[number] = true
                }
            }
            stated.append(marks)
        }
        return (NaturalLanguageQuery(terms: terms, length: length), stated)
    }
}
