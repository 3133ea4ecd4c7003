/// Scores a clause that any of several alternatives satisfies (`QueryMatch.anyOf`: a hyphenated word's
/// joined form `covid19` or the phrase of its parts `"covid 19"`): the union of their docs, each scored
/// by the best alternative it matches, so a doc holding both forms of one word is not counted twice.
struct AlternativesScorer: ClauseScorer {
    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    private var alternatives: [AnyClauseScorer]
    var isCorrupt: Bool { alternatives.contains { $0.isCorrupt } }
    private let description: String
    /// The alternative that matched the current doc (−1: none, or not checked yet).
    private var matchedAlternative = -1
    private var checkedDoc: DocID = -1

    init(alternatives: [AnyClauseScorer], description: String) {
        precondition(!alternatives.isEmpty, "no alternatives")
        self.alternatives = alternatives
        self.description = description
        cost = alternatives.reduce(0) { $0 + $1.cost }
        maxScore = alternatives.map(\.maxScore).max() ?? 0
    }

    mutating func nextDoc() -> DocID { advance(to: doc + 1) }

    mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        var smallest = PostingsCursor.noMoreDocs
        for i in alternatives.indices { smallest = min(smallest, alternatives[i].advance(to: target)) }
        doc = smallest
        return smallest
    }

    mutating func matches() -> Bool {
        if checkedDoc != doc {
            checkedDoc = doc
            matchedAlternative = -1
            for i in alternatives.indices where alternatives[i].doc == doc && alternatives[i].matches() {
                matchedAlternative = i
                break
            }
        }
        return matchedAlternative >= 0
    }

    mutating func score() -> Float {
        guard matches() else { return 0 }
        return alternatives[matchedAlternative].score()
    }

    mutating func advanceShallow(to target: DocID) -> DocID {
        var end = PostingsCursor.noMoreDocs
        for i in alternatives.indices { end = min(end, alternatives[i].advanceShallow(to: target)) }
        return end
    }

    mutating func maxScore(upTo: DocID) -> Float {
        var best: Float = 0
        for i in alternatives.indices { best = max(best, alternatives[i].maxScore(upTo: upTo)) }
        return best
    }

    mutating func explain() -> Explanation {
        guard matches() else { return Explanation(value: 0, description: "none of \(description)") }
        let chosen = alternatives[matchedAlternative].explain()
        return Explanation(value: chosen.value, description: "first matching alternative of \(description)",
                           combination: .max, details: [chosen])
    }
}
