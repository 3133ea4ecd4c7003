/// Scores a clause that any of several alternatives satisfies (`QueryMatch.anyOf`: a hyphenated word's
/// joined form `covid19` or the phrase of its parts `"covid 19"`): the union of their docs, each scored
/// by the best alternative it matches, so a doc holding both forms of one word is not counted twice.
final class AlternativesScorer: ClauseScorer {
    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    private let alternatives: [any ClauseScorer]
    private let description: String

    init(alternatives: [any ClauseScorer], description: String) {
        precondition(!alternatives.isEmpty, "no alternatives")
        self.alternatives = alternatives
        self.description = description
        cost = alternatives.reduce(0) { $0 + $1.cost }
        maxScore = alternatives.map(\.maxScore).max() ?? 0
    }

    func nextDoc() -> DocID { advance(to: doc + 1) }

    func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        var smallest = PostingsCursor.noMoreDocs
        for a in alternatives { smallest = min(smallest, a.advance(to: target)) }
        doc = smallest
        return smallest
    }

    func score() -> Float {
        var best: Float = 0
        for a in alternatives where a.doc == doc { best = max(best, a.score()) }
        return best
    }

    func advanceShallow(to target: DocID) -> DocID {
        var end = PostingsCursor.noMoreDocs
        for a in alternatives { end = min(end, a.advanceShallow(to: target)) }
        return end
    }

    func maxScore(upTo: DocID) -> Float {
        var best: Float = 0
        for a in alternatives { best = max(best, a.maxScore(upTo: upTo)) }
        return best
    }

    func explain() -> Explanation {
        var details: [Explanation] = []
        for a in alternatives where a.doc == doc { details.append(a.explain()) }
        // The value is `score()`'s own maximum so that it equals the score exactly.
        return Explanation(value: score(), description: "best of \(description)", combination: .max, details: details)
    }
}
