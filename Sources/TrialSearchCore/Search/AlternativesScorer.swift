/// Scores a clause that any of several alternatives satisfies (`QueryMatch.anyOf`: a hyphenated word's
/// joined form `covid19` or the phrase of its parts `"covid 19"`): the union of their docs, each scored
/// by the first alternative (in query order) it matches, so a doc holding both forms of one word is not
/// counted twice.
///
/// Terms and phrases, the usual alternatives, are held as concrete scorers in arrays of their own and
/// called directly (no existential box, reference counting or dynamic dispatch per doc); any other kind
/// of alternative goes through `AnyClauseScorer`.
struct AlternativesScorer: ClauseScorer {
    /// An alternative, for building.
    enum Alternative {
        case term(TermScorer)
        case phrase(PhraseScorer)
        case other(AnyClauseScorer)
    }

    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    private var terms: ContiguousArray<TermScorer> = []
    private var phrases: ContiguousArray<PhraseScorer> = []
    private var others: ContiguousArray<AnyClauseScorer> = []
    /// The alternatives in query order: kind (`termKind`, `phraseKind`, `otherKind`) and index in its array.
    private let order: [(kind: UInt8, index: Int)]
    var isCorrupt: Bool {
        terms.contains { $0.isCorrupt } || phrases.contains { $0.isCorrupt } || others.contains { $0.isCorrupt }
    }
    private let description: String
    /// The alternative (position in `order`) that matched the current doc (−1: none, or not checked yet).
    private var matchedAlternative = -1
    private var checkedDoc: DocID = -1

    private static let termKind: UInt8 = 0, phraseKind: UInt8 = 1, otherKind: UInt8 = 2

    init(alternatives: [Alternative], description: String) {
        precondition(!alternatives.isEmpty, "no alternatives")
        var order: [(kind: UInt8, index: Int)] = []
        var cost = 0
        var best: Float = 0
        for alternative in alternatives {
            switch alternative {
            case let .term(s):
                order.append((Self.termKind, terms.count))
                terms.append(s)
                cost += s.cost
                best = max(best, s.maxScore)
            case let .phrase(s):
                order.append((Self.phraseKind, phrases.count))
                phrases.append(s)
                cost += s.cost
                best = max(best, s.maxScore)
            case let .other(s):
                order.append((Self.otherKind, others.count))
                others.append(s)
                cost += s.cost
                best = max(best, s.maxScore)
            }
        }
        self.order = order
        self.cost = cost
        maxScore = best
        self.description = description
    }

    mutating func nextDoc() -> DocID { advance(to: doc + 1) }

    mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        var smallest = PostingsCursor.noMoreDocs
        for i in terms.indices { smallest = min(smallest, terms[i].advance(to: target)) }
        for i in phrases.indices { smallest = min(smallest, phrases[i].advance(to: target)) }
        for i in others.indices { smallest = min(smallest, others[i].advance(to: target)) }
        doc = smallest
        return smallest
    }

    mutating func matches() -> Bool {
        if checkedDoc != doc {
            checkedDoc = doc
            matchedAlternative = -1
            for k in order.indices where alternativeMatches(k) {
                matchedAlternative = k
                break
            }
        }
        return matchedAlternative >= 0
    }

    /// Whether alternative `k` (in query order) is on the current doc and matches it.
    @inline(__always)
    private mutating func alternativeMatches(_ k: Int) -> Bool {
        let (kind, i) = order[k]
        switch kind {
        case Self.termKind: return terms[i].doc == doc && terms[i].matches()
        case Self.phraseKind: return phrases[i].doc == doc && phrases[i].matches()
        default: return others[i].doc == doc && others[i].matches()
        }
    }

    mutating func score() -> Float {
        guard matches() else { return 0 }
        let (kind, i) = order[matchedAlternative]
        switch kind {
        case Self.termKind: return terms[i].score()
        case Self.phraseKind: return phrases[i].score()
        default: return others[i].score()
        }
    }

    mutating func advanceShallow(to target: DocID) -> DocID {
        var end = PostingsCursor.noMoreDocs
        for i in terms.indices { end = min(end, terms[i].advanceShallow(to: target)) }
        for i in phrases.indices { end = min(end, phrases[i].advanceShallow(to: target)) }
        for i in others.indices { end = min(end, others[i].advanceShallow(to: target)) }
        return end
    }

    mutating func maxScore(upTo: DocID) -> Float {
        var best: Float = 0
        for i in terms.indices { best = max(best, terms[i].maxScore(upTo: upTo)) }
        for i in phrases.indices { best = max(best, phrases[i].maxScore(upTo: upTo)) }
        for i in others.indices { best = max(best, others[i].maxScore(upTo: upTo)) }
        return best
    }

    mutating func explain() -> Explanation {
        guard matches() else { return Explanation(value: 0, description: "none of \(description)") }
        let (kind, i) = order[matchedAlternative]
        let chosen: Explanation
        switch kind {
        case Self.termKind: chosen = terms[i].explain()
        case Self.phraseKind: chosen = phrases[i].explain()
        default: chosen = others[i].explain()
        }
        return Explanation(value: chosen.value, description: "first matching alternative of \(description)",
                           combination: .max, details: [chosen])
    }
}
