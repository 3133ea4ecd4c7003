/// A lower bound of the score of the `limit`-th best doc of a disjunction, found before
/// `MaxScoreSearch` walks it, from the clauses with the shortest postings: the search then prunes from
/// its first window on, instead of only once it has met `limit` good docs in doc order.
///
/// Why it is exact: a doc's score is the sum of its matched clauses' scores, all ≥ 0 (added in
/// `Double`, then rounded once to `Float`, a monotonic rounding; a rescoring prior multiplies by the
/// same factor), so its sum over any subset of the clauses is at most its score. If `limit` distinct
/// docs that the search may collect have partial sums of at least t, then `limit` docs score at least t
/// and the `limit`-th best score is ≥ t: a doc whose score bound is below t can never enter the top
/// `limit`, which is all that pruning by the collector's threshold relies on. The search prunes with
/// max(t, threshold) and returns the same hits with the same scores. Docs of different segments are
/// distinct, so the candidates of all segments count together. (t is taken one Float step below the
/// `limit`-th completed score: the seed adds a doc's clause scores in another order than the search.)
///
/// Which docs: those of the rarest clauses (fewest postings, up to `maxPostings` postings in all),
/// summed term at a time in windows of docs with the search's accumulator (left cleared). Their terms
/// have the largest idf, and the best docs of a more-like-this or long query are those that share the
/// source's rare terms. The `limit` docs with the best partial sums then get the other clauses' scores
/// (when that takes at most `maxProbes` probes), and the `limit`-th best of the candidates of all the
/// index's segments is the bound: on the 16x replica it is most often the final threshold itself. All
/// segments are seeded before any is searched, so a segment searched first is pruned by the good docs
/// of those searched after it. Every walk and probe uses fresh scorers
/// (`ClauseScorer.restartedForUseBeforeThis(in:)`: of a term, a copy of the search's unstarted scorer
/// that shares its decode buffers, walked alone and dropped before any segment's search starts), so the
/// search's own scorers are untouched.
enum ThresholdSeed {
    /// The most postings the seed walks (the rarest clauses whose postings fit in all).
    static let maxPostings = 4096
    /// And at most one posting per `docsPerPosting` docs of the segment (but `limit` at least): on a
    /// small index a walk of 4,096 postings costs more than its higher bound saves. Callgrind of the
    /// timed region, same runs, 200 related sources at top 10 on the 10,614 trials (`b10-17`): 895.2 M
    /// at 4,096 postings; 1,024 / 2,048 postings 850.6 / 863.5 M; one per 80 / 40 / 33 / 20 / 12 docs
    /// (127 / 254 / 318 / 530 / 849 postings) 851.5 / 847.2 / 846.3 / 845.2 / 848.1 M; 75 TREC topics
    /// 499.6 → 480.8 M (one per 20). The replica (169,824 docs) keeps 4,096 (flat from 1,024 to 4,096
    /// there, BENCHMARKS.md `related4`); the segment of 1,000 docs an update adds walks 50.
    static let docsPerPosting = 20
    /// The most probes (candidates × other clauses) spent completing the best candidates' scores.
    static let maxProbes = 1024

    /// The lower bound for a search of `queries` (one per segment, searched into one collector), or
    /// −∞ when their rarest clauses do not give `limit` docs. Each segment's query of more than
    /// `MaxScoreSearch.smallQuery` clauses, without required or excluded clauses and with scorers that
    /// can be restarted, offers its `limit` best candidates (`candidateScores`); the bound is the
    /// `limit`-th best of all the segments' candidates, distinct docs all. So a segment's bound also
    /// counts the good docs of the others: after an update, a related query's source and half its
    /// copies sit in the small new segment, and the big one alone reached a far lower `limit`-th score
    /// (BENCHMARKS.md, `relupd`). Every scorer of `queries` is left unstarted.
    /// - Complexity: O(p · c) for the p ≤ `maxPostings` postings of the c clauses walked per segment,
    ///   plus O(p log limit) to keep their `limit` best docs.
    static func lowerBound<S: ClauseScorer, Queries: Collection<SegmentQuery<S>>>(_ queries: Queries, limit: Int,
                                                                                window: Int) -> Float {
        let scratch = AccumulatorWindow.take(window: window)
        defer { scratch.recycle() }
        return lowerBound(queries, limit: limit, scratch: scratch)
    }

    /// `lowerBound(_:limit:window:)` walking in `scratch` (cleared, and left cleared), which the search
    /// then uses too.
    static func lowerBound<S: ClauseScorer, Queries: Collection<SegmentQuery<S>>>(_ queries: Queries, limit: Int,
                                                                                scratch: AccumulatorWindow) -> Float {
        var seeded: [SeededScores] = []
        return lowerBound(queries, limit: limit, scratch: scratch, seeded: &seeded)
    }

    /// `lowerBound(_:limit:scratch:)` that also hands each segment's search the clause scores of the
    /// candidates it completed: `seeded` gets one entry per query, in order (`SeededScores.none` for
    /// a query not seeded), or stays empty when no query is seeded.
    static func lowerBound<S: ClauseScorer, Queries: Collection<SegmentQuery<S>>>(_ queries: Queries, limit: Int,
                                                                                scratch: AccumulatorWindow,
                                                                                seeded: inout [SeededScores]) -> Float {
        guard limit > 0, queries.contains(where: { $0.optional.count > MaxScoreSearch.smallQuery }) else { return -.infinity }
        let accumulator = scratch.accumulator, marks = scratch.marks, window = scratch.window
        var scores: [Float] = []
        seeded.reserveCapacity(queries.count)
        for query in queries {
            var record = SeededScores.none
            if query.optional.count > MaxScoreSearch.smallQuery {
                candidateScores(query, limit: limit, accumulator: accumulator, marks: marks, window: window, into: &scores,
                                recording: &record)
            }
            seeded.append(record)
        }
        guard scores.count >= limit else { return -.infinity }
        let kth: Float
        if scores.count == limit {
            kth = scores.min() ?? -.infinity
        } else {
            scores.sort(by: >)
            kth = scores[limit - 1]
        }
        // One Float step down: a completed sum adds the same clause scores as the search but in another
        // order, so in `Double` it may exceed the doc's own sum by an ulp, and round to the next Float.
        return kth.nextDown
    }

    /// Appends to `scores` the scores (or partial sums: lower bounds) of at most `limit` distinct docs
    /// of `query`'s segment that its search may collect, the best by the rarest clauses' partial sums;
    /// none when the query has required or excluded clauses or its scorers cannot be restarted. The
    /// accumulator and marks (`window` docs) are left cleared.
    /// - Complexity: O(p · c) for the p ≤ `maxPostings` postings of the c clauses walked, plus
    ///   O(p log limit) to keep their `limit` best docs.
    static func candidateScores<S: ClauseScorer>(_ query: SegmentQuery<S>, limit: Int, accumulator: UnsafeMutablePointer<Double>,
                                                 marks: UnsafeMutablePointer<UInt64>, window: Int, into scores: inout [Float]) {
        var record = SeededScores.none
        candidateScores(query, limit: limit, accumulator: accumulator, marks: marks, window: window, into: &scores, recording: &record)
    }

    /// `candidateScores(_:limit:accumulator:marks:window:into:)` that also records, in `record`, the
    /// completed candidates and the score of each clause probed for them (`SeededScores`), for the
    /// segment's search; `record` is left as it is when the candidates are not completed.
    static func candidateScores<S: ClauseScorer>(_ query: SegmentQuery<S>, limit: Int, accumulator: UnsafeMutablePointer<Double>,
                                                 marks: UnsafeMutablePointer<UInt64>, window: Int, into scores: inout [Float],
                                                 recording record: inout SeededScores) {
        let scorers = query.optional
        guard query.required.isEmpty, query.excluded.isEmpty, scorers.count > 1 else { return }
        var seeds: [S] = []
        seeds.reserveCapacity(scorers.count)
        var postings = 0
        let maxPostings = min(Self.maxPostings, max(limit, query.segment.docCount / docsPerPosting))
        var rest: [Int] = []
        rest.reserveCapacity(scorers.count)
        for i in scorers.indices.sorted(by: { scorers[$0].cost < scorers[$1].cost }) {
            let cost = scorers[i].cost
            if rest.isEmpty, postings + cost <= maxPostings, let seed = scorers[i].restartedForUseBeforeThis(in: query.segment) {
                postings += cost
                seeds.append(seed)
            } else {
                rest.append(i)
            }
        }
        guard !seeds.isEmpty else { return }
        // The `limit` best candidates so far, a heap whose root ranks below all the others: most docs
        // rank below the root and cost one comparison (selecting among all of them afterwards took
        // about 40 instructions a doc).
        var found: [Candidate] = []
        found.reserveCapacity(limit)
        // The root's sum once the heap is full (−∞ before): a doc below it is passed over with one comparison,
        // before its admission test (it could not enter the heap whether admitted or not).
        var rootSum = -Double.infinity
        // As `MaxScoreSearch`: without filters or deletes, only the skipped doc (a related query's source)
        // is left out.
        let simple = query.admitsAllButSkipped, skipped = query.skippedDoc, admission = query.admission
        seeds.withUnsafeMutableBufferPointer { seeds in
            // Term at a time in windows of docs, as `MaxScoreSearch` scores its essential clauses.
            let end = PostingsCursor.noMoreDocs
            for i in seeds.indices { _ = seeds[i].nextDoc() }
            while true {
                var first = end
                for i in seeds.indices { first = min(first, seeds[i].doc) }
                if first == end { break }
                let last = DocID(clamping: Int(first) + window - 1)
                // Indexed from the multiple of 64 at or below `first` (`AccumulatorWindow`).
                let base = AccumulatorWindow.base(of: Int(first))
                for i in seeds.indices { seeds[i].accumulate(through: last, base: base, into: accumulator, marks: marks) }
                for w in 0..<((Int(last) - base) / 64 + 1) {
                    var word = marks[w]
                    marks[w] = 0
                    while word != 0 {
                        let o = w * 64 + word.trailingZeroBitCount
                        word &= word - 1
                        let sum = accumulator[o]
                        accumulator[o] = 0
                        if sum < rootSum { continue }
                        let doc = DocID(truncatingIfNeeded: base &+ o)
                        guard simple ? doc != skipped : admission.admits(doc) else { continue }
                        let candidate = Candidate(doc: doc, sum: sum)
                        if found.count < limit {
                            found.append(candidate)
                            if found.count == limit {
                                Candidate.heapify(&found)
                                rootSum = found[0].sum
                            }
                        } else if Candidate.ranksAbove(candidate, found[0]) {
                            found[0] = candidate
                            Candidate.siftDown(&found, from: 0)
                            rootSum = found[0].sum
                        }
                    }
                }
            }
        }
        // The `limit` best candidates by partial sum, completed with the other clauses' scores (fresh
        // scorers, in doc order) when that takes few probes: the lowest of their scores is the bound.
        // (Completing twice as many candidates raised the bound too little to pay: callgrind, 50 sources
        // of `related --ids` on the 16x replica, 1,037 M vs 978 M instructions for the run.)
        // Each probe's score is kept for the segment's search (`SeededScores`), which meets these docs
        // among its candidates and would probe the same clauses again.
        if limit * rest.count <= maxProbes {
            found.sort { $0.doc < $1.doc }
            var completed = SeededScores(docs: found.map(\.doc), clauseCount: scorers.count)
            let clauseCount = scorers.count
            // In place through buffers: each probe's two writes (the sum, the entry) then cost no
            // uniqueness check of their arrays (about 40,000 probes for 200 related sources).
            completed.withUnsafeMutableEntries { entries in
                found.withUnsafeMutableBufferPointer { found in
                    for i in rest {
                        guard var scorer = scorers[i].restartedForUseBeforeThis(in: query.segment) else { continue }
                        for c in found.indices {
                            let doc = found[c].doc
                            if scorer.advanceAlone(to: doc) == doc && scorer.matches() {
                                let score = scorer.score()
                                found[c].sum += Double(score)
                                entries[c * clauseCount + i] = score
                            } else {
                                entries[c * clauseCount + i] = SeededScores.notMatched
                            }
                        }
                    }
                }
            }
            record = completed
        }
        for c in found { scores.append(query.scored(c.doc, c.sum).score) }
    }

    /// A doc of the rarest clauses' postings with its partial sum.
    struct Candidate {
        var doc: DocID
        var sum: Double

        /// A strict total order: the larger sum first, then the smaller doc.
        @inline(__always)
        static func ranksAbove(_ a: Candidate, _ b: Candidate) -> Bool {
            a.sum != b.sum ? a.sum > b.sum : a.doc < b.doc
        }

        /// Orders `heap` so that every element ranks below its children (the lowest-ranked at 0).
        static func heapify(_ heap: inout [Candidate]) {
            for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(&heap, from: i) }
        }

        /// Restores the heap order below `i` after `heap[i]` was replaced.
        /// - Complexity: O(log n).
        static func siftDown(_ heap: inout [Candidate], from i: Int) {
            var i = i
            let n = heap.count
            while true {
                var lowest = i
                let left = 2 * i + 1, right = left + 1
                if left < n && ranksAbove(heap[lowest], heap[left]) { lowest = left }
                if right < n && ranksAbove(heap[lowest], heap[right]) { lowest = right }
                if lowest == i { return }
                heap.swapAt(i, lowest)
                i = lowest
            }
        }
    }
}
