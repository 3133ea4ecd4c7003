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
/// index's segments is the bound: on the 16x replica it is most often the final threshold itself.
/// Short queries (two to `MaxScoreSearch.smallQuery` clauses) are seeded at deep limits only
/// (`isSeeded`), from the partial sums of their rarest clauses alone (`candidateScores`). All
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
    /// −∞ when their rarest clauses do not give `limit` docs. Each segment's seeded query (`isSeeded`), without required or excluded clauses and with scorers that
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
        guard limit > 0, queries.contains(where: { isSeeded($0, limit: limit) }) else { return -.infinity }
        let accumulator = scratch.accumulator, marks = scratch.marks, window = scratch.window
        var scores: [Float] = []
        seeded.reserveCapacity(queries.count)
        for query in queries {
            var record = SeededScores.none
            if isSeeded(query, limit: limit) {
                candidateScores(query, limit: limit, accumulator: accumulator, marks: marks, window: window, into: &scores,
                                recording: &record)
            }
            seeded.append(record)
        }
        guard scores.count >= limit else { return -.infinity }
        let kth = scores.count == limit ? scores.min() ?? -.infinity : Self.kthLargest(scores, limit)
        // One Float step down: a completed sum adds the same clause scores as the search but in another
        // order, so in `Double` it may exceed the doc's own sum by an ulp, and round to the next Float.
        return kth.nextDown
    }

    /// Whether `query`'s search is seeded: a query of more than `MaxScoreSearch.smallQuery` clauses, or a
    /// short one of several clauses for a deep list (`limit` above `TopHitsCollector.heapLimit`: a keyword
    /// query at top 1,000), whose threshold otherwise rises only as the walk meets good docs. On the 16x
    /// replica, which holds each trial's 16 copies one copy after the other, the 1,000th best score seen
    /// stays far below the final one until the last copies (the best 1,000/(c + 1) trials' copies after
    /// c copies), so both clauses of a two-word query stay essential nearly to the end and every doc of
    /// either is accumulated. Callgrind of the timed region, 1,000 keyword queries at top 1,000 on the
    /// replica, same runs: 3,543.7 → 3,341.7 M (0.943×; BENCHMARKS.md, `kw40`).
    ///
    /// A short query is seeded only when its walk can give a bound (`candidateScores`): its rarest clause
    /// within `shortMaxPostings`, and its clauses but the costliest holding `limit` postings. Checked
    /// from the clauses' costs before any scorer is restarted: on the 10,614 trials, where the test
    /// nearly always fails, the restarted scorers cost 0.6 % of the keyword queries at top 1,000.
    static func isSeeded<S: ClauseScorer>(_ query: SegmentQuery<S>, limit: Int) -> Bool {
        let n = query.optional.count
        if n > MaxScoreSearch.smallQuery { return true }
        guard n > 1, limit > TopHitsCollector.heapLimit else { return false }
        var least = Int.max, most = 0, total = 0
        for i in query.optional.indices {
            let cost = query.optional[i].cost
            least = min(least, cost)
            most = max(most, cost)
            total += cost
        }
        return least <= shortMaxPostings(query.segment, limit: limit) && total - most >= limit
    }

    /// The most postings a short query's walk takes (`candidateScores`): one per `docsPerPosting` docs
    /// of the segment, and `limit` at least.
    @inline(__always)
    static func shortMaxPostings(_ segment: SegmentReader, limit: Int) -> Int {
        max(limit, segment.docCount / docsPerPosting)
    }

    /// The `k`-th largest of `scores` (k ≤ count): one selection of integer keys (`TopSelection`), where a
    /// sort of a short query's thousands of partial sums cost O(n log n).
    static func kthLargest(_ scores: [Float], _ k: Int) -> Float {
        precondition(k > 0 && k <= scores.count, "k \(k) of \(scores.count)")
        let n = scores.count
        // The last of all: the least (a selection of all n keys leaves them as they are).
        if k == n { return scores.min() ?? -.infinity }
        let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
        defer { keys.deallocate() }
        // The score's key above the index: distinct keys, which `TopSelection`'s partition assumes for
        // its speed (the replica's copies tie on every score).
        for i in 0..<n { keys[i] = UInt64(TopHitsCollector.descendingKey(scores[i])) << 32 | UInt64(i) }
        TopSelection.selectSmallest(keys, count: k)
        let kth = UInt32(truncatingIfNeeded: keys[k - 1] >> 32)
        // The score of that key (±0 share one key: either is the same bound).
        return scores.first { TopHitsCollector.descendingKey($0) == kth } ?? -.infinity
    }

    /// Appends to `scores` the scores (or partial sums: lower bounds) of at most `limit` distinct docs
    /// of `query`'s segment that its search may collect, the best by the rarest clauses' partial sums
    /// (a short query's, `isSeeded`: the partial sums of every doc its walk met, none completed);
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
        // A short query (`isSeeded`: a deep list) walks its rarest clauses but at least one, and takes the
        // partial sums of all their docs as they are: no candidate is completed (its probes of the other
        // clauses, about 600 instructions each, cost more than the higher bound saved), and its walk may
        // be longer, one posting per `docsPerPosting` docs. Callgrind, 1,000 keyword queries at top 1,000
        // on the 16x replica (169,824 docs), same runs: at most 2,048 / 4,096 / 8,192 / 16,384 / 32,768
        // postings 3,470.4 / 3,400.0 / 3,384.8 / 3,468.4 / 3,646.2 M (3,522.9 M at 4,096 postings with
        // the best 1,000 completed); BENCHMARKS.md, `kw40`.
        let short = scorers.count <= MaxScoreSearch.smallQuery
        let maxPostings = short ? shortMaxPostings(query.segment, limit: limit)
            : min(Self.maxPostings, max(limit, query.segment.docCount / docsPerPosting))
        var rest: [Int] = []
        rest.reserveCapacity(scorers.count)
        for i in scorers.indices.sorted(by: { scorers[$0].cost < scorers[$1].cost }) {
            let cost = scorers[i].cost
            if rest.isEmpty, postings + cost <= maxPostings, !short || seeds.count < scorers.count - 1,
               let seed = scorers[i].restartedForUseBeforeThis(in: query.segment) {
                postings += cost
                seeds.append(seed)
            } else {
                rest.append(i)
            }
        }
        // Fewer postings than `limit` hold fewer than `limit` docs: no bound for a short query's walk.
        guard !seeds.isEmpty, !short || postings >= limit else { return }
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
        // A short query's partial scores, written through a pointer (an `append` to `scores` per doc
        // paid a uniqueness check): no more docs than the walked clauses' postings.
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: short ? postings : 0)
        defer { partials.deallocate() }
        var partialCount = 0
        // A long query's window: the offsets of its marked docs (at most one a doc of the window, and
        // four slots written past the last).
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: short ? 0 : window &+ 64 &+ 4)
        defer { offsets.deallocate() }
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
                let words = (Int(last) - base) / 64 + 1
                if short {
                    // A short query's walk: its docs are dense in the window (up to one per
                    // `docsPerPosting` docs of the segment), each word's bits in a loop.
                    for w in 0..<words {
                        var word = marks[w]
                        marks[w] = 0
                        while word != 0 {
                            let o = w &* 64 &+ word.trailingZeroBitCount
                            word &= word &- 1
                            let sum = accumulator[o]
                            accumulator[o] = 0
                            if sum < rootSum { continue }
                            let doc = DocID(truncatingIfNeeded: base &+ o)
                            guard simple ? doc != skipped : admission.admits(doc) else { continue }
                            // (A corrupt list's doc freq below its docs: those docs are not counted.)
                            if partialCount < postings {
                                partials[partialCount] = query.scored(doc, sum).score
                                partialCount &+= 1
                            }
                        }
                    }
                    continue
                }
                // A long query's walk (at most `maxPostings` postings over the segment): its marks are
                // sparse, about one doc a nonzero word, so a loop over each word's bits ended on a
                // mispredicted branch about once a doc (cachegrind, 200 related sources on the 16x replica:
                // 384,032 of this function's 389,949 mispredicted branches). The marked docs' offsets are
                // gathered first, four a word without a branch on how many it holds (a loop for the rest),
                // then taken in the same order as before. BENCHMARKS.md, `rel48`.
                var marked = 0
                for w in 0..<words {
                    var word = marks[w]
                    marks[w] = 0
                    let count = word.nonzeroBitCount
                    let at = Int32(truncatingIfNeeded: w &* 64)
                    // (The slots past the word's bits get offsets past the word: overwritten by the next.)
                    offsets[marked] = at &+ Int32(truncatingIfNeeded: word.trailingZeroBitCount)
                    word &= word &- 1
                    offsets[marked &+ 1] = at &+ Int32(truncatingIfNeeded: word.trailingZeroBitCount)
                    word &= word &- 1
                    offsets[marked &+ 2] = at &+ Int32(truncatingIfNeeded: word.trailingZeroBitCount)
                    word &= word &- 1
                    offsets[marked &+ 3] = at &+ Int32(truncatingIfNeeded: word.trailingZeroBitCount)
                    word &= word &- 1
                    var k = marked &+ 4
                    while word != 0 {
                        offsets[k] = at &+ Int32(truncatingIfNeeded: word.trailingZeroBitCount)
                        word &= word &- 1
                        k &+= 1
                    }
                    marked &+= count
                }
                for k in 0..<marked {
                    let o = Int(offsets[k])
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
        if short {
            scores.append(contentsOf: UnsafeBufferPointer(start: partials, count: partialCount))
            return
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
