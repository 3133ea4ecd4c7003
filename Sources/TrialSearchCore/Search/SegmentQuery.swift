/// A `WeightedQuery` ready to run on one segment: its clauses' scorers by role, the filter, and what
/// every collected doc must satisfy besides matching.
///
/// Each scoring clause has a slot (its index among the query's scoring clauses); a doc's score is the
/// sum of its matched clauses' scores *in slot order*, whatever order pruning visited them in, so that a
/// pruned and an exhaustive search give bit-identical scores. Generic over the scorer type: a query of
/// plain terms runs on `TermScorer`s directly, any other on `AnyClauseScorer`.
struct SegmentQuery<Scorer: ClauseScorer> {
    let segment: SegmentReader
    /// `must` clauses: every collected doc matches all of them.
    var required: ContiguousArray<Scorer>
    let requiredSlots: [Int]
    /// `should` clauses.
    var optional: ContiguousArray<Scorer>
    let optionalSlots: [Int]
    /// `mustNot` clauses.
    var excluded: ContiguousArray<AnyClauseScorer>
    let filter: SegmentFilter
    /// A doc never collected (the source trial of a more-like-this query), or −1.
    let skippedDoc: DocID
    /// The rescoring factor (≤ 1) of each collected doc, or nil.
    let prior: SegmentPrior?
    /// Whether `admits` can skip every check: no deleted doc, no filter, no skipped doc.
    let admitsAll: Bool
    private let allLive: Bool

    init(segment: SegmentReader, required: ContiguousArray<Scorer>, requiredSlots: [Int], optional: ContiguousArray<Scorer>,
         optionalSlots: [Int], excluded: ContiguousArray<AnyClauseScorer>, filter: SegmentFilter, skippedDoc: DocID,
         prior: SegmentPrior?) {
        self.segment = segment
        self.required = required
        self.requiredSlots = requiredSlots
        self.optional = optional
        self.optionalSlots = optionalSlots
        self.excluded = excluded
        self.filter = filter
        self.skippedDoc = skippedDoc
        self.prior = prior
        allLive = segment.liveDocs.liveCount == segment.docCount
        admitsAll = allLive && filter.isEmpty && skippedDoc < 0
    }

    /// The collected form of a doc whose clause scores are `matched`: their canonical sum times the
    /// prior's factor.
    @inline(__always)
    func scored(_ doc: DocID, _ matched: inout MatchedClauses) -> ScoredDoc {
        var score = matched.canonicalSum()
        if let prior { score *= prior.factor(doc) }
        return ScoredDoc(score: score, segment: Int32(segment.ordinal), doc: doc)
    }

    /// Whether `doc` may be collected as far as deletions, filters and the skipped doc go (cheap checks,
    /// made before scoring).
    /// Searches check `admitsAll` first (a local copy), so that the common case reads nothing here.
    func admits(_ doc: DocID) -> Bool {
        admitsAll || ((allLive || segment.isLive(doc)) && doc != skippedDoc && filter.accepts(doc))
    }

    /// Whether an excluded clause matches `doc` (docs must be asked in increasing order).
    @inline(__always)
    mutating func isExcluded(_ doc: DocID) -> Bool {
        if excluded.isEmpty { return false }
        for i in excluded.indices where excluded[i].advance(to: doc) == doc && excluded[i].matches() { return true }
        return false
    }
}

/// The matched clauses of one candidate doc, summed in slot order: two fixed buffers of the query's
/// clause count, reused for every candidate (no allocation or uniqueness checks per doc).
struct MatchedClauses: ~Copyable {
    private let slots: UnsafeMutablePointer<Int>
    private let scores: UnsafeMutablePointer<Float>
    private let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        slots = .allocate(capacity: self.capacity)
        scores = .allocate(capacity: self.capacity)
    }

    deinit {
        slots.deallocate()
        scores.deallocate()
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(slot: Int, score: Float) {
        precondition(count < capacity, "more matched clauses (\(count + 1)) than clauses (\(capacity))")
        slots[count] = slot
        scores[count] = score
        count += 1
    }

    /// Σ scores in increasing slot order (insertion sort: a doc matches few clauses).
    @inline(__always)
    mutating func canonicalSum() -> Float {
        let n = count
        if n > 1 {
            for i in 1..<n {
                let slot = slots[i], score = scores[i]
                var j = i - 1
                while j >= 0 && slots[j] > slot {
                    slots[j + 1] = slots[j]
                    scores[j + 1] = scores[j]
                    j -= 1
                }
                slots[j + 1] = slot
                scores[j + 1] = score
            }
        }
        var sum: Float = 0
        for i in 0..<n { sum += scores[i] }
        return sum
    }
}

/// Pruning compares score bounds with the collector's threshold: a bound computed as a sum of clause
/// bounds in another order than the doc's canonical sum may round a few ulps lower, so bounds are
/// inflated by a relative 2⁻¹² before the comparison (pruning stays exact; it only prunes a hair less).
@inline(__always)
func boundIsBelow(_ bound: Float, _ threshold: Float) -> Bool {
    bound * (1 + 1.0 / 4096) < threshold
}
