/// What `IndexSearcher` executes: clauses of analyzed terms, each optional, required or excluded, over
/// all fields or one, with a query-side weight.
///
/// Every way of asking builds one: the query language (`Query` from `QueryParser`, each clause with
/// boost 1), long free text (`LongQueryRewriter`: distinct informative terms weighted by count and
/// idf), and more-like-this (the source's best terms boosted by score / best score). Matching: a doc
/// matches when it matches every `must` clause, no `mustNot` clause and, if there is no `must` clause, at
/// least one `should` clause. Its score is the sum, in clause order, of the scores of the scoring
/// (`must` and `should`) clauses it matches.
public struct WeightedQuery: Sendable, Hashable, CustomStringConvertible {
    public var clauses: [WeightedClause]

    public init(clauses: [WeightedClause]) {
        self.clauses = clauses
    }

    /// Every term of every clause, without repeats, in order of appearance.
    public var terms: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for clause in clauses {
            for term in clause.match.terms where seen.insert(term).inserted { result.append(term) }
        }
        return result
    }

    /// The clauses in query syntax with boosts: `+title:"ovarian insuffici" stem^0.5 -canin`.
    public var description: String { clauses.map(\.description).joined(separator: " ") }
}

/// One clause of a `WeightedQuery`.
public struct WeightedClause: Sendable, Hashable, CustomStringConvertible {
    /// How a clause takes part in matching.
    public enum Occur: Sendable, Hashable {
        /// Optional: a matching doc scores higher.
        case should
        /// Required: a doc must match it; it scores.
        case must
        /// Excluded: a matching doc is dropped; it does not score.
        case mustNot
    }

    public var occur: Occur
    /// The one field the clause is restricted to, or nil for every field (weighted by the similarity).
    public var field: Field?
    public var match: TermMatch
    /// Query-side weight (≥ 0) multiplying the clause's score.
    public var boost: Double

    public init(occur: Occur = .should, field: Field? = nil, match: TermMatch, boost: Double = 1) {
        precondition(boost >= 0 && boost.isFinite, "clause boost \(boost)")
        self.occur = occur
        self.field = field
        self.match = match
        self.boost = boost
    }

    public var description: String {
        let prefix: String
        switch occur {
        case .should: prefix = ""
        case .must: prefix = "+"
        case .mustNot: prefix = "-"
        }
        let suffix = boost == 1 ? "" : "^" + Explanation.format(Float(boost))
        return prefix + (field.map { "\($0.name):" } ?? "") + match.description + suffix
    }
}

/// What a clause matches, in analyzed terms.
public indirect enum TermMatch: Sendable, Hashable, CustomStringConvertible {
    /// One term.
    case term(String)
    /// Terms at relative positions (the first at 0; gaps left by stop words are kept).
    case phrase([PhrasePart])
    /// Any of the alternatives (a hyphenated word's joined form or the phrase of its parts); a doc
    /// scores the best alternative it matches.
    case anyOf([TermMatch])

    public var terms: [String] {
        switch self {
        case let .term(term): return [term]
        case let .phrase(parts): return parts.map(\.term)
        case let .anyOf(alternatives): return alternatives.flatMap(\.terms)
        }
    }

    public var description: String {
        switch self {
        case let .term(term):
            return term
        case let .phrase(parts):
            var words: [String] = []
            var next: Int32 = 0
            for part in parts {
                while next < part.position {
                    words.append("?")
                    next += 1
                }
                words.append(part.term)
                next = part.position + 1
            }
            return "\"" + words.joined(separator: " ") + "\""
        case let .anyOf(alternatives):
            return "(" + alternatives.map(\.description).joined(separator: " | ") + ")"
        }
    }
}

/// A term of a phrase and its position relative to the phrase's first term.
public struct PhrasePart: Sendable, Hashable {
    public var term: String
    public var position: Int32

    public init(term: String, position: Int32) {
        self.term = term
        self.position = position
    }
}
