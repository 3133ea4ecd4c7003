/// A `WeightedQuery` ready to run on one segment: its clauses' scorers by role, the filter, and what
/// every collected doc must satisfy besides matching.
///
/// A doc's score is the sum of its matched clauses' scores, added in `Double`: a clause score is a
/// `Float` (24-bit mantissa) and the scores of one doc span far less than 2²⁹ in magnitude, so the
/// `Double` sum is exact whatever the order the search visited the clauses in, and a pruned and an
/// exhaustive search give bit-identical scores after the one rounding to `Float`. Each scoring clause
/// keeps its slot (its index among the query's scoring clauses) for explanations. Generic over the
/// scorer type: a query of plain terms runs on `TermScorer`s directly, any other on `AnyClauseScorer`.
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
    /// Whether a doc may be collected as far as deletions, the filter and the skipped doc go (cheap
    /// checks, made before scoring): a small value that a search takes once into a local. Searches check
    /// `admitsAllButSkipped` and `skippedDoc` first (local copies), so that the common case reads nothing
    /// more.
    let admission: DocAdmission
    /// A doc never collected (the source trial of a more-like-this query), or −1.
    let skippedDoc: DocID
    /// The rescoring factor (≤ 1) of each collected doc, or nil; behind a reference (`PriorBox`), so
    /// that `scored` tests a pointer.
    private let priorBox: PriorBox?
    /// `segment.ordinal`, stored: what `scored` puts in every `ScoredDoc`.
    private let segmentOrdinal: Int32
    /// Whether `admission` reduces to `doc != skippedDoc`: no deleted doc and no filter.
    let admitsAllButSkipped: Bool

    /// Whether some clause read a malformed postings list (see `ClauseScorer.isCorrupt`).
    var isCorrupt: Bool {
        required.contains { $0.isCorrupt } || optional.contains { $0.isCorrupt } || excluded.contains { $0.isCorrupt }
    }

    /// `filter`: nil, or an empty one, when the search has none.
    init(segment: SegmentReader, required: ContiguousArray<Scorer>, requiredSlots: [Int], optional: ContiguousArray<Scorer>,
         optionalSlots: [Int], excluded: ContiguousArray<AnyClauseScorer>, filter: SegmentFilter?, skippedDoc: DocID,
         prior: SegmentPrior?) {
        self.segment = segment
        self.required = required
        self.requiredSlots = requiredSlots
        self.optional = optional
        self.optionalSlots = optionalSlots
        self.excluded = excluded
        self.skippedDoc = skippedDoc
        priorBox = prior.map(PriorBox.init)
        segmentOrdinal = Int32(segment.ordinal)
        let allLive = segment.liveDocs.liveCount == segment.docCount
        let filter = filter?.isEmpty == false ? filter : nil
        admitsAllButSkipped = allLive && filter == nil
        admission = DocAdmission(allLive: allLive, liveDocs: segment.liveDocs, skippedDoc: skippedDoc,
                                 filter: filter.map(FilterBox.init))
    }

    /// The collected form of a doc whose clause scores sum to `sum`, times the prior's factor.
    /// Inlined in the searches' collect line, it reads two stored words. With the `SegmentPrior` held
    /// inline (an optional struct, 172 bytes with its `DocValues`), the optimizer copied it (a `memcpy`
    /// call) per collected doc, before testing whether there was one, even behind a stored `Bool`
    /// (callgrind, the first 200 keyword queries at top 1,000 on the 16x replica: 517,613 calls,
    /// 15.0 M instructions); calling out of line instead copied the whole query.
    @inline(__always)
    func scored(_ doc: DocID, _ sum: Double) -> ScoredDoc {
        var score = Float(sum)
        if let priorBox { score *= priorBox.prior.factor(doc) }
        return ScoredDoc(score: score, segment: segmentOrdinal, doc: doc)
    }

    /// Whether an excluded clause matches `doc` (docs must be asked in increasing order).
    @inline(__always)
    mutating func isExcluded(_ doc: DocID) -> Bool {
        if excluded.isEmpty { return false }
        for i in excluded.indices where excluded[i].advance(to: doc) == doc && excluded[i].matches() { return true }
        return false
    }
}

/// A `SegmentPrior` behind a reference: a `SegmentQuery` holds a pointer to it (see `SegmentQuery.scored`).
final class PriorBox {
    let prior: SegmentPrior
    init(_ prior: SegmentPrior) { self.prior = prior }
}

/// Pruning compares score bounds with the collector's threshold: a bound summed in `Float` may round a
/// few ulps lower than a score summed in `Double`, so bounds are inflated by a relative 2⁻¹² before the
/// comparison (pruning stays exact; it only prunes a hair less).
@inline(__always)
func boundIsBelow(_ bound: Float, _ threshold: Float) -> Bool {
    bound * (1 + 1.0 / 4096) < threshold
}
