/// A parsed search query: clauses whose terms are already analyzed, ready to be scored.
///
/// `QueryParser` builds it from the query language (see README, "Query language"); execution belongs to
/// the searcher. A document matches when it matches every `must` clause, no `mustNot` clause and, if
/// there is no `must` clause, at least one `should` clause; `should` clauses add to the score.
public struct Query: Sendable, Hashable, CustomStringConvertible {
    /// The clauses, in the order they were written.
    public var clauses: [QueryClause]

    public init(clauses: [QueryClause]) {
        self.clauses = clauses
    }

    /// The query in canonical syntax, with analyzed terms: `+condition:"ovarian insuffici" stem -title:canin`.
    public var description: String {
        clauses.map(\.description).joined(separator: " ")
    }

    /// Every term of every clause (for statistics look-ups), without repeats, in order of appearance.
    public var terms: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for clause in clauses {
            for term in clause.match.terms where seen.insert(term).inserted { result.append(term) }
        }
        return result
    }
}

/// One clause: what to match, where, and whether it is optional, required or excluded.
public struct QueryClause: Sendable, Hashable, CustomStringConvertible {
    /// How a clause takes part in matching.
    public enum Occur: Sendable, Hashable {
        /// Optional: a matching document scores higher (a bare word).
        case should
        /// Required (`+word`).
        case must
        /// Excluded (`-word`): a matching document is dropped.
        case mustNot

        /// The operator written before a clause: none, `+` or `-`.
        public var symbol: String {
            switch self {
            case .should: return ""
            case .must: return "+"
            case .mustNot: return "-"
            }
        }
    }

    public var occur: Occur
    /// The field named in the query (`title:`), or nil for the default fields (all of them, weighted).
    public var field: Field?
    public var match: QueryMatch
    /// Where the clause is in the query text, in UTF-8 bytes (operator and field prefix included).
    public var sourceRange: Range<Int>

    public init(occur: Occur, field: Field?, match: QueryMatch, sourceRange: Range<Int>) {
        self.occur = occur
        self.field = field
        self.match = match
        self.sourceRange = sourceRange
    }

    public var description: String {
        occur.symbol + (field.map { "\($0.name):" } ?? "") + match.description
    }
}

/// What a clause matches, in analyzed terms.
public indirect enum QueryMatch: Sendable, Hashable, CustomStringConvertible {
    /// One term.
    case term(String)
    /// Terms at relative positions (the first at 0); positions keep the gaps of removed stop words, so
    /// `"insufficiency of the ovary"` is `insuffici`@0, `ovari`@3.
    case phrase([PhraseTerm])
    /// Any of the alternatives: a hyphenated or slashed word (`COVID-19`) is its joined term `covid19`,
    /// which the index holds for every hyphenated occurrence, or the phrase of its parts, for text that
    /// writes them apart (`COVID 19`).
    case anyOf([QueryMatch])

    /// `term`, `"a b"` (a `?` for each position left by a stop word), `(a | "b c")`.
    public var description: String {
        switch self {
        case let .term(term):
            return term
        case let .phrase(terms):
            var words: [String] = []
            var next: Int32 = 0
            for term in terms {
                while next < term.position {
                    words.append("?")
                    next += 1
                }
                words.append(term.term)
                next = term.position + 1
            }
            return "\"" + words.joined(separator: " ") + "\""
        case let .anyOf(alternatives):
            return "(" + alternatives.map(\.description).joined(separator: " | ") + ")"
        }
    }

    /// The terms of the match, in order.
    public var terms: [String] {
        switch self {
        case let .term(term): return [term]
        case let .phrase(terms): return terms.map(\.term)
        case let .anyOf(alternatives): return alternatives.flatMap(\.terms)
        }
    }
}

/// A term of a phrase and its position relative to the phrase's first term.
public struct PhraseTerm: Sendable, Hashable {
    public var term: String
    public var position: Int32

    public init(term: String, position: Int32) {
        self.term = term
        self.position = position
    }
}
