/// What `IndexSearcher` executes: clauses of analyzed terms, each optional, required or excluded, over
/// all fields or one, with a query-side weight.
///
/// Every way of asking builds one: the query language (`Query` from `QueryParser`, each clause with
/// boost 1, see `init(_:)`), long free text (`LongQueryRewriter`: distinct informative terms weighted by count and
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
    /// Optional (scores), required (must match; scores) or excluded (must not match; no score).
    public typealias Occur = QueryClause.Occur

    public var occur: Occur
    /// The one field the clause is restricted to, or nil for every field (weighted by the similarity).
    public var field: Field?
    public var match: QueryMatch
    /// Query-side weight (≥ 0) multiplying the clause's score.
    public var boost: Double
    /// What `boost` is made of, named for `--explain` (`condition prior ×1.38 · first sentence ×1.25`);
    /// empty for a plain boost.
    public var boostReason: String

    public init(occur: Occur = .should, field: Field? = nil, match: QueryMatch, boost: Double = 1, boostReason: String = "") {
        precondition(boost >= 0 && boost.isFinite, "clause boost \(boost)")
        self.boostReason = boostReason
        self.occur = occur
        self.field = field
        self.match = match
        self.boost = boost
    }

    public var description: String {
        let suffix = boost == 1 ? "" : "^" + Explanation.format(Float(boost))
        return occur.symbol + (field.map { "\($0.name):" } ?? "") + match.description + suffix
    }
}

extension WeightedQuery {
    /// The query language's clauses, each with boost 1.
    public init(_ query: Query) {
        self.init(clauses: query.clauses.map { WeightedClause(occur: $0.occur, field: $0.field, match: $0.match) })
    }
}
