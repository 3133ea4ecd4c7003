/// Scores a clause that any of several alternatives satisfies (`QueryMatch.anyOf`: a hyphenated word's
/// joined form `covid19` or the phrase of its parts `"covid 19"`): the union of their docs, each scored
/// by the first alternative (in query order) it matches, so a doc holding both forms of one word is not
/// counted twice.
///
/// As the lone essential clause of a search (`forEachCompetitiveScore`), it reads a phrase's positions
/// only for the docs whose phrase score could still reach the threshold.
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
    /// Index in `phrases` of the phrase that is the last alternative in query order, or −1.
    private let trailingPhrase: Int
    /// Whether the alternatives are one term then one phrase (a hyphenated or slashed word: `covid19`,
    /// then `"covid 19"`): the case `advance(to:)`, `accumulate` and `forEachCompetitiveScore` handle
    /// with the phrase behind. On a doc the term is on and matches (in a field the clause scores), the
    /// term is the first matching alternative, so `advance(to:)` leaves the phrase where it is (possibly before the doc: its leapfrog there
    /// would be work for nothing); whatever reads the phrase's doc first moves it on (`phraseCaughtUp`).
    private let isTermThenPhrase: Bool

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
        trailingPhrase = order.last.map { $0.kind == Self.phraseKind ? $0.index : -1 } ?? -1
        isTermThenPhrase = order.count == 2 && order[0].kind == Self.termKind && order[1].kind == Self.phraseKind
        self.cost = cost
        maxScore = best
        self.description = description
    }

    mutating func nextDoc() -> DocID { advance(to: doc + 1) }

    mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        if isTermThenPhrase {
            let t = terms[0].advance(to: target)
            if t == target && terms[0].matches() {
                doc = t
                return t
            }
            doc = min(t, phrases[0].advance(to: target))
            return doc
        }
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

    /// Moves a phrase left behind by `advance(to:)` (`isTermThenPhrase`) to the current doc, where
    /// advancing with the term would have left it: its first candidate from the doc on.
    @inline(__always)
    private mutating func phraseCaughtUp() {
        if isTermThenPhrase && phrases[0].doc < doc { _ = phrases[0].advance(to: doc) }
    }

    /// The most docs `accumulate` handles a clause at a time (its bit set of the term's docs is on the
    /// stack): MaxScore's inner windows and `ThresholdSeed`'s windows are far smaller.
    static let clauseAtATimeWindow = 1 << 16

    /// Adds every matching doc's score up to `last` into the accumulator, as the default (doc by doc:
    /// `matches()`, `score()`, `nextDoc()`) does. A term then a phrase (`isTermThenPhrase`) go a clause
    /// at a time: the term's docs through its own scoring loop (`TermScorer.accumulate`, each doc's
    /// score added once, as `score()` computes it), marked in a bit set of the window's own; then the
    /// phrase's candidates that the term is not on, checked against positions and scored. The same docs
    /// get the same single addition (the first matching alternative's score) and the same marks, where
    /// doc by doc each of the term's docs cost a union step over both alternatives, `matches()`, and a
    /// `score()` through `forEachTermFreq`. Both alternatives end on their first doc after `last`, as
    /// the default leaves them.
    /// - Complexity: the alternatives' postings up to `last`, positions for the phrase's candidates
    ///   without the term.
    mutating func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                             marks: UnsafeMutablePointer<UInt64>) {
        phraseCaughtUp()
        let span = Int(last) - base
        guard isTermThenPhrase, Int(doc) >= base, span >= 0, span < Self.clauseAtATimeWindow else {
            accumulateDocByDoc(through: last, base: base, into: accumulator, marks: marks)
            return
        }
        let words = span / 64 + 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { own in
            guard let termDocs = own.baseAddress else { return }
            termDocs.initialize(repeating: 0, count: words)
            terms[0].accumulate(through: last, base: base, into: accumulator, marks: termDocs)
            // The phrase through a buffer pointer: one uniqueness check of the array, not three a doc.
            phrases.withUnsafeMutableBufferPointer { phrases in
                var d = phrases[0].doc
                // The phrase's candidates that the term is on are passed over without the phrase's other
                // parts moved to them (`advance(to:passingOver:)`).
                while d <= last {
                    let o = Int(d) &- base
                    let bit: UInt64 = 1 << UInt64(o & 63)
                    if termDocs[o >> 6] & bit == 0 && phrases[0].matches() {
                        accumulator[o] += Double(phrases[0].score())
                        marks[o >> 6] |= bit
                    }
                    d = phrases[0].advance(to: d + 1) { c in
                        let o = Int(c) &- base
                        return c <= last && termDocs[o >> 6] & (1 << UInt64(o & 63)) != 0
                    }
                }
            }
            for w in 0..<words { marks[w] |= termDocs[w] }
        }
        doc = min(terms[0].doc, phrases[0].doc)
    }

    /// A phrase's `scoreBound()` is multiplied by this before it is compared with the threshold: the
    /// saturation's rounding may leave the bound a few ulps (2⁻²³ relative each) below the score.
    static let phraseBoundMargin: Float = 1 + 1.0 / 65536

    /// Doc by doc, as the default, but a phrase alternative that even its bound (`scoreBound()`) cannot
    /// lift to the threshold is not checked against positions, when no later alternative is on the doc:
    /// were the phrase to match, the doc's score would be at most that bound and the doc pruned; were it
    /// not, no alternative matches. Either way `body` is not called, as the default would not call it.
    /// A phrase that is the last alternative also passes over whole blocks of its rarest part that
    /// cannot compete (`advance(to:through:rest:threshold:)`). The docs and scores given to `body` are
    /// the default's. Callgrind, the 134 hyphenated or slashed keyword queries at top 10 on the 16x
    /// replica: 868.6 M → 725.9 M instructions with the per-doc bound, → 703.1 M with the blocks.
    /// - Complexity: the alternatives' postings up to `last`, positions only for the docs that can compete.
    mutating func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        phraseCaughtUp()
        let span = Int(last) - Int(doc)
        if isTermThenPhrase && span >= 0 && span < Self.clauseAtATimeWindow {
            termThenPhraseCompetitiveScores(through: last, count: span + 1, rest: rest, threshold: threshold, body)
            return
        }
        var threshold = threshold
        var d = doc
        while d <= last {
            if let score = competitiveScore(rest: rest, threshold: threshold), !boundIsBelow(score + rest, threshold) {
                threshold = body(d, score)
            }
            d = advance(to: d + 1, through: last, rest: rest, threshold: threshold)
        }
    }

    /// A doc of the term and its score (`termThenPhraseCompetitiveScores`).
    private struct TermHit {
        var doc: DocID
        var score: Float
    }

    /// `forEachCompetitiveScore` of a term then a phrase (`isTermThenPhrase`): the term's docs up to
    /// `last` (at most `count`) and their scores first, through its own scoring loop (each as `score()`
    /// computes it; doc by doc, each cost a union step over both alternatives and a `score()` through
    /// `forEachTermFreq`), then merged in doc order with the phrase's candidates. A doc the term is on
    /// is the term's (the first alternative), whatever the phrase; a candidate of the phrase alone is
    /// checked as doc by doc (its bound, then its positions). The phrase moves on, with the threshold
    /// of the moment, exactly when the doc-by-doc walk would move it (on its own doc), so it passes over
    /// the same blocks: the same docs and scores reach `body`, in the same order, with the same
    /// thresholds.
    /// - Complexity: the term's postings up to `last`, plus the phrase's as `forEachCompetitiveScore`'s.
    private mutating func termThenPhraseCompetitiveScores(through last: DocID, count: Int, rest: Float, threshold: Float,
                                                          _ body: (DocID, Float) -> Float) {
        var threshold = threshold
        withUnsafeTemporaryAllocation(of: TermHit.self, capacity: count) { buffer in
            guard let hits = buffer.baseAddress else { return }
            var n = 0
            withUnsafeMutablePointer(to: &n) { n in
                // Every doc of the term (rest 0, no threshold: none is dropped), in doc order.
                terms[0].forEachCompetitiveScore(through: last, rest: 0, threshold: -.infinity) { d, score in
                    (hits + n.pointee).initialize(to: TermHit(doc: d, score: score))
                    n.pointee &+= 1
                    return -.infinity
                }
            }
            // The phrase through a buffer pointer: one uniqueness check of the array, not one per call.
            // Its candidates that the term is on (`hits`, all up to `last`) are passed over without its
            // other parts moved to them (`PhraseScorer.advance(to:through:rest:threshold:passingOver:)`):
            // the term's docs are the term's whatever the phrase. The phrase-only candidates are the
            // same, met at the same point of the walk (with the same threshold), and a block of its
            // rarest part that the walk now enters within a leapfrog, where it checked the block's
            // bound on the next call, holds no doc whose score passes the per-doc test below: the same
            // docs and scores reach `body`.
            let hitsCount = n
            var passed = 0
            phrases.withUnsafeMutableBufferPointer { phrases in
                var p = phrases[0].doc
                var i = 0
                while true {
                    let next = i < n ? hits[i].doc : PostingsCursor.noMoreDocs
                    // The phrase's candidates before the term's next doc: the phrase alone is on them.
                    while p < next && p <= last {
                        if !boundIsBelow(phrases[0].scoreBound() * Self.phraseBoundMargin + rest, threshold) && phrases[0].matches() {
                            let score = phrases[0].score()
                            if !boundIsBelow(score + rest, threshold) { threshold = body(p, score) }
                        }
                        p = phrases[0].advance(to: p + 1, through: last, rest: rest, threshold: threshold) { c in
                            while passed < hitsCount && hits[passed].doc < c { passed &+= 1 }
                            return passed < hitsCount && hits[passed].doc == c
                        }
                    }
                    if i == n { break }
                    let score = hits[i].score
                    if !boundIsBelow(score + rest, threshold) { threshold = body(next, score) }
                    if p == next {
                        p = phrases[0].advance(to: next + 1, through: last, rest: rest, threshold: threshold) { c in
                            while passed < hitsCount && hits[passed].doc < c { passed &+= 1 }
                            return passed < hitsCount && hits[passed].doc == c
                        }
                    }
                    i += 1
                }
            }
        }
        doc = min(terms[0].doc, phrases[0].doc)
    }

    /// `advance(to:)`, where a phrase that is the last alternative passes over its blocks that cannot
    /// compete (`PhraseScorer.advance(to:through:rest:threshold:)`): a doc it alone is on would be
    /// dropped by `forEachCompetitiveScore`, and on a doc an earlier alternative is on, that one is
    /// chosen before the phrase is asked.
    @inline(__always)
    private mutating func advance(to target: DocID, through last: DocID, rest: Float, threshold: Float) -> DocID {
        var smallest = PostingsCursor.noMoreDocs
        for i in terms.indices { smallest = min(smallest, terms[i].advance(to: target)) }
        for i in phrases.indices {
            let d = i == trailingPhrase ? phrases[i].advance(to: target, through: last, rest: rest, threshold: threshold)
                : phrases[i].advance(to: target)
            smallest = min(smallest, d)
        }
        for i in others.indices { smallest = min(smallest, others[i].advance(to: target)) }
        doc = smallest
        return smallest
    }

    /// The current doc's score (that of the first matching alternative), or nil when no alternative
    /// matches or the matching one's score, with `rest` added, is surely below `threshold`.
    @inline(__always)
    private mutating func competitiveScore(rest: Float, threshold: Float) -> Float? {
        for k in order.indices {
            let (kind, i) = order[k]
            switch kind {
            case Self.termKind:
                if terms[i].doc == doc && terms[i].matches() { return terms[i].score() }
            case Self.phraseKind:
                guard phrases[i].doc == doc else { continue }
                if boundIsBelow(phrases[i].scoreBound() * Self.phraseBoundMargin + rest, threshold) && !anyOnDoc(after: k) {
                    return nil
                }
                if phrases[i].matches() { return phrases[i].score() }
            default:
                if others[i].doc == doc && others[i].matches() { return others[i].score() }
            }
        }
        return nil
    }

    /// Whether an alternative after `k` (in query order) is on the current doc.
    private func anyOnDoc(after k: Int) -> Bool {
        var j = k + 1
        while j < order.count {
            let (kind, i) = order[j]
            switch kind {
            case Self.termKind: if terms[i].doc == doc { return true }
            case Self.phraseKind: if phrases[i].doc == doc { return true }
            default: if others[i].doc == doc { return true }
            }
            j += 1
        }
        return false
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
