/// A clause being matched and scored in one segment, doc at a time, with upper bounds of its scores
/// for dynamic pruning.
///
/// Iteration follows `PostingsCursor`: `doc` starts at −1, `nextDoc()`/`advance(to:)` move forward
/// only, to docs the clause truly matches (a phrase's positions are checked before it stops), and end at
/// `PostingsCursor.noMoreDocs`. Deleted docs are not filtered here. Bounds: `maxScore` over the whole
/// segment; `advanceShallow(to:)` + `maxScore(upTo:)` over a window of docs, from the postings' block
/// `Impacts`, without decoding docs.
///
/// Scorers are structs kept in contiguous arrays and mutated in place (`scorers[i].advance(to:)`), and
/// the searches are generic over them, so that a query of plain terms (keywords, long queries,
/// more-like-this) runs on `TermScorer`s without reference counting or dynamic dispatch.
protocol ClauseScorer {
    /// The current doc.
    var doc: DocID { get }
    /// An estimate of the docs the clause visits (its rarest term's docFreq).
    var cost: Int { get }
    /// No doc of the segment scores more.
    var maxScore: Float { get }

    /// Moves to the next matching doc.
    mutating func nextDoc() -> DocID
    /// Moves to the first matching doc ≥ `target` (stays when already there).
    mutating func advance(to target: DocID) -> DocID
    /// The score of the current doc.
    mutating func score() -> Float
    /// Prepares bounds for the docs from `target` on; returns the last doc of the first window whose
    /// bound `maxScore(upTo:)` can give cheaply (a postings block's end).
    mutating func advanceShallow(to target: DocID) -> DocID
    /// An upper bound of the scores of the docs from the last `advanceShallow(to:)` target up to
    /// `upTo` (inclusive).
    mutating func maxScore(upTo: DocID) -> Float
    /// The score of the current doc as a tree of factors (its value equals `score()`).
    mutating func explain() -> Explanation
}

/// Any scorer (a phrase, alternatives, a term in a query that has those), for the searches' generic
/// code when a query mixes kinds.
struct AnyClauseScorer: ClauseScorer {
    var base: any ClauseScorer

    init(_ base: any ClauseScorer) { self.base = base }

    var doc: DocID { base.doc }
    var cost: Int { base.cost }
    var maxScore: Float { base.maxScore }
    mutating func nextDoc() -> DocID { base.nextDoc() }
    mutating func advance(to target: DocID) -> DocID { base.advance(to: target) }
    mutating func score() -> Float { base.score() }
    mutating func advanceShallow(to target: DocID) -> DocID { base.advanceShallow(to: target) }
    mutating func maxScore(upTo: DocID) -> Float { base.maxScore(upTo: upTo) }
    mutating func explain() -> Explanation { base.explain() }
}

/// A term's (or a phrase's) part in a query, the same in every segment: its idf and the weight its
/// score is multiplied by.
struct TermWeight: Sendable {
    /// The term, or the phrase in query syntax (for explanations).
    let term: String
    /// Fields the clause scores (bit f for field f): all of them, or the one named in the query.
    let fields: UInt16
    let idf: Double
    /// How `idf` was computed (statistics, or the sum over a phrase's terms).
    let idfExplanation: Explanation
    let boost: Double
    /// The multiplier of the saturated (BM25F) or linear (TF-IDF) field sum: boost · idf, or
    /// queryNorm · boost · idf² (see `ScoringModel`).
    var weight: Float
    /// TF-IDF's queryNorm folded into `weight` (1 for BM25F).
    var queryNorm: Double = 1

    /// Every field.
    static let allFields: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1

    static func fields(_ field: Field?) -> UInt16 {
        field.map { UInt16(1) << UInt16($0.rawValue) } ?? allFields
    }

    /// The field a restricted clause scores, nil for all fields.
    var field: Field? {
        fields == Self.allFields ? nil : Field(rawValue: UInt8(fields.trailingZeroBitCount))
    }

    /// `title:` for a clause restricted to the title, "" otherwise.
    var scope: String { field.map { "\($0.name):" } ?? "" }
}

extension ScoringModel {
    /// The explanation of a score from the weighted field sum `x` of a term or phrase.
    /// `fieldDetails` are the per-field contributions whose sum is `x`.
    /// The explanation of a score from the weighted field sum `x` of a term or phrase.
    /// `fieldDetails` are the per-field contributions whose sum is `x`.
    func explainScore(weight: TermWeight, x: Float, fieldDetails: [Explanation], what: String) -> Explanation {
        let value = score(weight: weight.weight, x: x)
        let sum = Explanation(value: x, description: "tf̃ = Σ over fields of weight · tf / length norm",
                              combination: .sum, details: fieldDetails)
        var weightParts: [Explanation] = [.leaf(weight.boost, "boost (query-term weight)"), weight.idfExplanation]
        if saturates {
            let saturation = Explanation(value: x > 0 ? x / (k1 + x) : 0, description: "tf̃ / (k1 + tf̃), saturation",
                                         details: [sum, .leaf(Double(k1), "k1")])
            let w = Explanation(value: weight.weight, description: "weight = boost · idf", combination: .product,
                                details: weightParts)
            return Explanation(value: value, description: what, combination: .product, details: [w, saturation])
        }
        weightParts.append(weight.idfExplanation)
        weightParts.append(.leaf(weight.queryNorm, "queryNorm = 1 / √(Σ (boost · idf)²) over the query's clauses"))
        let w = Explanation(value: weight.weight, description: "weight = boost · idf² · queryNorm", combination: .product,
                            details: weightParts)
        return Explanation(value: value, description: what, combination: .product, details: [w, sum])
    }

    /// The explanation of one field's part of tf̃: `w · tfT(tf) / B(len)`.
    func explainField(_ field: Field, termFreq: UInt32, norm: UInt8, frequencyName: String) -> Explanation {
        let f = Int(field.rawValue)
        let tfValue = termFreqValue(termFreq)
        let factor = self.factor(field: f, norm: norm)
        let length = FieldNorm.decode(norm)
        let average = statistics.averageFieldLengths[f]
        var details: [Explanation] = [.leaf(Double(termFreq), frequencyName)]
        switch similarity {
        case let .bm25f(p):
            details += [.leaf(p.weights[field], "field weight w"), .leaf(Double(length), "field length"),
                        .leaf(average, "average field length"), .leaf(p.b[field], "b")]
            return Explanation(value: tfValue * factor, description: "\(field.name): w · tf / (1 − b + b · length / average length)",
                               details: details)
        case let .tfidf(p):
            details += [.leaf(p.weights[field], "field weight w"), .leaf(Double(length), "field length")]
            return Explanation(value: tfValue * factor, description: "\(field.name): w · √tf / √length", details: details)
        }
    }
}
