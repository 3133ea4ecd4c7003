/// Top-k over a disjunction (no required clause) with block-max MaxScore dynamic pruning, as in
/// Lucene's `MaxScoreBulkScorer` (Turtle & Flood's MaxScore, with the per-window bounds of block-max
/// indexes, Ding & Suel):
///
/// 0. Queries of more than `smallQuery` clauses start from a threshold found in the postings of their
///    rarest clauses in every segment (`ThresholdSeed`, passed in as `seed`), a lower bound of the k-th
///    best score, rather than from −∞: the first windows are pruned too. Callgrind, `related --ids`
///    (200 sources, top 10) on the 16x replica: 4,519 M → 3,306 M instructions for the whole run, same
///    output; 75 TREC 2021 topics at top 10: 7,823 M → 7,704 M. Shorter queries of several clauses
///    are seeded at deep limits (`ThresholdSeed.isSeeded`: a keyword query at top 1,000).
/// 1. The docs are cut into *outer windows* that end at the nearest postings-block end of an
///    essential clause (at least `minimumWindow` docs, and `windowPerClause` docs per clause, when the
///    query has many clauses, so that the bounds are not recomputed too often).
/// 2. In each outer window every clause gets a bound (`maxScore(upTo:)` from block `Impacts`); sorted
///    by bound, the longest prefix whose bounds sum below the collector's threshold is
///    *non-essential*: a doc matching only those clauses cannot enter the top k. If every clause is
///    non-essential the window is skipped without decoding a doc.
/// 3. The window is scored in *inner windows* of `innerWindow` docs (`longWindowFactor` times as many
///    for queries of more than `smallQuery` clauses), term at a time: each essential
///    clause adds the scores of its docs into an accumulator (a bit set marks the candidates).
/// 4. Each candidate, in doc order, then gets the non-essential clauses from the highest bound down,
///    stopping as soon as its partial score plus the remaining bounds falls below the threshold;
///    survivors are collected.
/// 5. As the threshold rises, more clauses become non-essential for the next inner windows.
/// 6. When a single clause is essential (a short query once the threshold has risen), steps 3 and 4
///    are one pass over its postings (`ClauseScorer.forEachCompetitiveScore`): a doc that the bounds of
///    the other clauses cannot lift to the threshold is dropped inside the scorer's loop, the others are
///    completed at once, without the accumulator.
///
/// Long queries gain most: the many frequent, low-idf terms of a patient note soon become non-essential
/// and are only probed (`advance`) for the few candidates that can still compete; and the essential
/// clauses' postings are walked in tight loops rather than merged doc by doc.
enum MaxScoreSearch {
    /// A partial sum below which a candidate surely fails `boundIsBelow(Float(partial) + rest, threshold)`
    /// (and, when `rest` is 0, the final test): the threshold divided by the test's tolerance, minus
    /// `rest`, minus a margin of 10⁻⁵ of the threshold, far more than the Float roundings of the test
    /// (a few 10⁻⁸ relative, all terms ≥ 0). −∞ while the threshold is. Such a candidate is dropped
    /// without its doc id, admission or bound test: the same hits.
    @inline(__always)
    static func prefilterCutoff(_ threshold: Float, rest: Float) -> Double {
        let t = Double(threshold)
        return t / (1 + 1.0 / 4096) - Double(rest) - 1e-5 * abs(t)
    }

    /// Smallest outer window, in docs, for queries of more than `smallQuery` clauses.
    static let minimumWindow = 2048
    /// Queries of at most this many clauses use windows of single postings blocks (tight bounds; the
    /// per-window cost is small).
    static let smallQuery = 4
    /// Docs per inner window (the accumulator's size: 128 KB of sums, and the window's norms rows
    /// 192 KB, which the essential clauses after the first read from the second-level cache). Callgrind
    /// of the timed region, 16x replica, top 10, same output: 75 TREC 2021 topics 2,904 M (2,048 docs) /
    /// 2,874 M (4,096); 200 related sources 1,969 / 1,950 / 1,942 M (2,048 / 4,096 / 8,192): the
    /// essential clauses' calls and the partitions are per inner window (`notes7`). On the clock
    /// (alternated rounds on the replica, same runs), 4,096 → 16,384 docs: topics 0.94×, related and
    /// keywords top 1,000 0.96×, keywords top 10 within the noise (1.7 % more instructions); 1,024 and
    /// 2,048 docs were slower, 65,536 slowed keywords top 10. See BENCHMARKS.md (`mem1`).
    static let innerWindow = 16384
    /// Queries of more than `smallQuery` clauses (patient notes, related trials) walk in inner windows
    /// `longWindowFactor` times the options' (`innerWindow`: 32,768 docs): their many essential clauses'
    /// calls, the partitions and the candidate passes are per inner window, while a short query's lone
    /// essential clause re-reads the threshold and recomputes its split once per inner window (fewer
    /// windows prune later: 65,536 docs slowed keywords top 10 on the clock, `mem1`). Callgrind of the
    /// timed region, x16f7, same runs, factor 1 / 2 / 4: 75 TREC 2021 topics 1,352.3 / 1,344.6 /
    /// 1,349.4 M; 200 related sources 1,064.8 / 1,064.9 / 1,070.8 M (at 65,536 docs a window's span
    /// passes `AlternativesScorer.clauseAtATimeWindow`, which then scores doc by doc); 1,000 keyword
    /// queries at top 10 unchanged (1,025.3 M). See BENCHMARKS.md (`notes19`).
    static let longWindowFactor = 2

    /// The inner window of a query of `clauses` clauses: the options' `inner`, times `longWindowFactor`
    /// for more than `smallQuery` clauses.
    @inline(__always)
    static func innerWindow(_ inner: Int, clauses: Int) -> Int {
        clauses > smallQuery ? inner &* longWindowFactor : inner
    }

    /// Outer-window docs per clause, for queries of more than `smallQuery` clauses: every window
    /// recomputes and sorts every clause's bound, which for a patient note's hundred clauses costs more
    /// than the tighter bounds of small windows save (the threshold still rises per inner window).
    /// Callgrind, first 20 TREC 2021 topics at top-10 on the 16x replica (~70–100 clauses), instructions
    /// in the search: fixed windows of 2,048 / 4,096 / 16,384 / 65,536 docs 2,460 / 2,391 / 2,278 /
    /// 2,233 M; 512 and 1,024 docs per clause 2,244 and 2,230 M (same hits); 40 related-trials queries
    /// 1,875 → 1,674 M for the whole run, 300 keyword queries unchanged.
    static let windowPerClause = 1024
    /// Outer-window docs per clause for more-like-this queries (`SearchOptions.useMoreLikeThisWindows`):
    /// so many that a segment is one outer window. Their 35 clauses' windows of 35,840 docs cut the
    /// replica into five, and each new window recomputes and sorts the bounds and moves every clause
    /// to it, which costs more than its tighter bounds save: callgrind, `related --ids` (200 sources,
    /// top 10) on the 16x replica, whole run, 2,204 M (1,024 per clause) / 2,161 M (4,096) / 2,144 M
    /// (one window), same runs. Patient notes too (`SearchOptions.useLongQueryWindows`, `notes8`): 75
    /// TREC 2021 topics at top 10, timed region, 2,872.6 → 2,872.4 M, same runs (fewer windows'
    /// bookkeeping against looser bounds: no measurable gain alone on main `7837ad4`; kept so that both
    /// kinds of many-clause query follow one rule). See BENCHMARKS.md (`notes8`).
    static let relatedWindowPerClause = 1 << 24

    /// The number of clauses, in bound order, whose bounds sum (`prefix[k]` = Σ bounds of the first k + 1)
    /// stays below `threshold`: the non-essential prefix; the clauses from there on are essential. A
    /// function of its own, not nested in `run`: a nested one reading `run`'s `prefix` variable paid a
    /// dynamic exclusivity check per call (4.9 M instructions of the middle third of the keyword queries
    /// at top 1,000 on the 16x replica; BENCHMARKS.md, `kw12`).
    @inline(__always)
    private static func essentialStart(_ prefix: UnsafeMutableBufferPointer<Float>, _ threshold: Float) -> Int {
        var k = 0
        while k < prefix.count && boundIsBelow(prefix[k], threshold) { k += 1 }
        return k
    }

    /// Sorts the clause indices `order` by bound per posting (`bounds[i] / costs[i]`, compared as
    /// `bounds[a] · costs[b] < bounds[b] · costs[a]`), stably. Below `insertionSortLimit` clauses, an
    /// insertion sort on the buffers, the one the standard library's stable `sort` runs on so few
    /// elements (the same comparisons and swaps, so the same order); that `sort`, with its closure over
    /// the three arrays (retained per window), cost 39.6 M instructions inclusive of the 1,000 keyword
    /// queries at top 1,000 on the 16x replica, this 8.3 M (BENCHMARKS.md, `kw14`). More clauses
    /// (patient notes, related trials) go to the standard `sort`, which merges runs there. Not inlined: inlined into `run`, it
    /// cost the lone essential clause's scoring loop a register (about 2 instructions a doc more).
    @inline(never)
    static func sortByBoundPerPosting(_ o: UnsafeMutableBufferPointer<Int>, _ b: UnsafeMutableBufferPointer<Float>,
                                      _ c: UnsafeMutableBufferPointer<Float>) {
        let n = o.count
        guard n < insertionSortLimit else {
            // The standard library's stable sort, as on an array (the same implementation).
            var o = o
            o.sort { b[$0] * c[$1] < b[$1] * c[$0] }
            return
        }
        guard n > 1 else { return }
        for end in 1..<n {
            var i = end
            while i > 0 {
                let x = o[i], y = o[i &- 1]
                if !(b[x] * c[y] < b[y] * c[x]) { break }
                o.swapAt(i, i &- 1)
                i &-= 1
            }
        }
    }

    /// `sortByBoundPerPosting` on arrays.
    static func sortByBoundPerPosting(_ order: inout [Int], _ bounds: [Float], _ costs: [Float]) {
        var bounds = bounds, costs = costs
        order.withUnsafeMutableBufferPointer { o in
            bounds.withUnsafeMutableBufferPointer { b in
                costs.withUnsafeMutableBufferPointer { c in sortByBoundPerPosting(o, b, c) }
            }
        }
    }

    /// The standard library's stable sort is a plain insertion sort below this many elements
    /// (`_minimumMergeRunLength`: runs of up to 64).
    static let insertionSortLimit = 64

    /// `seed` is a lower bound of the k-th best score over the whole index (`ThresholdSeed`), or −∞;
    /// `seeded`, the clause scores the seed computed for its candidates in this segment, which the
    /// candidates' probes read instead of probing again (`SeededScores`).
    /// `scratch`, when given, is the accumulator window to walk in (of `windows.inner` docs, cleared; left
    /// cleared), else one is taken (`AccumulatorWindow.take`); a query of more than `smallQuery` clauses
    /// walks in a window of its own of `innerWindow(windows.inner, clauses:)` docs, taken and recycled.
    /// - Complexity: O(windows · clauses · log clauses) for the bounds, plus the essential clauses'
    ///   postings in the windows not skipped and the candidates' probes; at worst every posting.
    static func run<S: ClauseScorer>(_ query: inout SegmentQuery<S>, into collector: inout TopHitsCollector,
                                     windows: (minimum: Int, inner: Int, perClause: Int)
                                         = (minimumWindow, innerWindow, windowPerClause), seed: Float = -.infinity,
                                     seeded: SeededScores = .none, scratch: AccumulatorWindow? = nil) {
        precondition(windows.inner >= 64 && windows.inner % 64 == 0 && windows.minimum >= 1 && windows.perClause >= 0,
                     "windows \(windows)")
        // The scorers leave the query while they run, so that they are mutated through a buffer pointer
        // (no uniqueness checks or copies per access) while the query's other parts stay usable.
        var optional = ContiguousArray<S>()
        swap(&optional, &query.optional)
        defer { swap(&optional, &query.optional) }
        optional.withUnsafeMutableBufferPointer { scorers in
            let minimum = scorers.count > smallQuery ? max(windows.minimum, scorers.count * windows.perClause) : windows.minimum
            let inner = innerWindow(windows.inner, clauses: scorers.count)
            if let scratch, scratch.window == inner {
                run(scorers, &query, &collector, minimumWindow: minimum, scratch: scratch, seed: seed, seeded: seeded)
            } else {
                precondition(scratch == nil || scratch?.window == windows.inner, "scratch of \(scratch?.window ?? 0) docs for windows \(windows)")
                let scratch = AccumulatorWindow.take(window: inner)
                defer { scratch.recycle() }
                run(scorers, &query, &collector, minimumWindow: minimum, scratch: scratch, seed: seed, seeded: seeded)
            }
        }
    }

    /// Without seeded candidates (every query but those whose seed completed its candidates), the walk
    /// whose candidate loop has no test for them (`SeededScoresMode`): the test per candidate cost the
    /// keyword queries 0.25 % (top 10) and 0.9 % (top 1,000) of their instructions.
    private static func run<S: ClauseScorer>(_ scorers: UnsafeMutableBufferPointer<S>, _ query: inout SegmentQuery<S>,
                                             _ collector: inout TopHitsCollector, minimumWindow: Int, scratch: AccumulatorWindow,
                                             seed: Float, seeded: SeededScores) {
        if seeded.isEmpty {
            run(scorers, &query, &collector, minimumWindow: minimumWindow, scratch: scratch, seed: seed, seeded: seeded,
                WithoutSeededScores.self)
        } else {
            run(scorers, &query, &collector, minimumWindow: minimumWindow, scratch: scratch, seed: seed, seeded: seeded,
                WithSeededScores.self)
        }
    }

    private static func run<S: ClauseScorer, Mode: SeededScoresMode>(_ scorers: UnsafeMutableBufferPointer<S>, _ query: inout SegmentQuery<S>,
                                                                     _ collector: inout TopHitsCollector, minimumWindow: Int,
                                                                     scratch: AccumulatorWindow, seed: Float, seeded: SeededScores,
                                                                     _: Mode.Type) {
        let n = scorers.count
        guard n > 0 else { return }
        // The seed's completed candidates, met in doc order: `nextSeeded` is the first not yet passed,
        // `nextSeededDoc` its doc (a candidate below it costs one comparison).
        precondition(seeded.isEmpty || seeded.clauseCount == n, "seeded scores of \(seeded.clauseCount) clauses for \(n)")
        var nextSeeded = 0
        var nextSeededDoc = seeded.doc(at: 0)
        let end = Int(PostingsCursor.noMoreDocs)
        let innerWindow = scratch.window
        let accumulator = scratch.accumulator, candidates = scratch.marks
        // Docs whose bound is below `seed` cannot enter the top k (`ThresholdSeed`).
        for i in 0..<n { _ = scorers[i].nextDoc() }
        // The clause order and the bounds in two buffers of their own rather than arrays: the lone
        // essential clause's closure captures them without a retain and release per call, and their
        // allocations skip the runtime's unspecialized array allocation.
        let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3 * n)
        // The candidate loop's cutoffs, one per non-essential prefix (`collectCandidates`).
        let cutoffs = UnsafeMutablePointer<Double>.allocate(capacity: n)
        // The lone essential clause's closure's threshold, `max(seed, collector.threshold)` kept as it
        // changes (at a collected doc): the closure reads it rather than computing it per doc.
        let current = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        defer {
            order.deallocate()
            floats.deallocate()
            cutoffs.deallocate()
            current.deallocate()
        }
        order.initialize(repeating: 0)
        floats.initialize(repeating: 0)
        for i in 0..<n { order[i] = i }
        let bounds = UnsafeMutableBufferPointer(rebasing: floats[0..<n])
        // Postings per clause: the order below weighs a bound against the cost of walking the clause.
        let costs = UnsafeMutableBufferPointer(rebasing: floats[n..<(2 * n)])
        for i in 0..<n { costs[i] = Float(max(scorers[i].cost, 1)) }
        // prefix[k] = Σ bounds of order[0...k]
        let prefix = UnsafeMutableBufferPointer(rebasing: floats[(2 * n)..<(3 * n)])
        let simple = query.admitsAllButSkipped, skipped = query.skippedDoc, admission = query.admission
        var firstEssential = 0
        var windowMin = 0

        while windowMin < end {
            var nextDoc = end
            for i in 0..<n { nextDoc = min(nextDoc, Int(scorers[i].doc)) }
            if nextDoc >= end { break }
            windowMin = max(windowMin, nextDoc)
            // The outer window ends at the nearest block end among the last partition's essential clauses;
            // after a window that had none (skipped whole), a one-clause query's window is still its
            // clause's block: without that it ran to the end of the postings under the segment's bound,
            // and the rest of the list was scored unpruned by its blocks' bounds. (Ending the window at a
            // clause's block after a skipped one for queries of 2–4 clauses too cost more in windows than
            // it saved: BENCHMARKS.md, `kw10b`.)
            var windowMax = end
            let ending = n == 1 ? 0 : firstEssential
            for k in 0..<n {
                let i = order[k]
                let blockEnd = scorers[i].advanceShallow(to: DocID(max(Int(scorers[i].doc), windowMin)))
                if k >= ending { windowMax = min(windowMax, Int(blockEnd)) }
            }
            if n > smallQuery && windowMax < end - 1 { windowMax = max(windowMax, windowMin + minimumWindow - 1) }
            windowMax = min(windowMax, end - 1)
            for i in 0..<n { bounds[i] = scorers[i].maxScore(upTo: DocID(windowMax)) }
            // By bound per posting, as Lucene's MaxScoreBulkScorer: the clauses left non-essential first are
            // the frequent ones that add least for their postings, whatever the order pruning stays exact.
            Self.sortByBoundPerPosting(order, bounds, costs)
            var sum: Float = 0
            for k in 0..<n {
                sum += bounds[order[k]]
                prefix[k] = sum
            }
            var threshold = max(seed, collector.threshold)
            firstEssential = Self.essentialStart(prefix, threshold)

            var innerMin = windowMin
            while firstEssential < n && innerMin <= windowMax {
                // Start at the first essential doc: empty stretches cost nothing.
                var first = end
                for k in firstEssential..<n { first = min(first, Int(scorers[order[k]].doc)) }
                if first < innerMin {
                    first = end
                    for k in firstEssential..<n {
                        let i = order[k]
                        if scorers[i].doc < innerMin { _ = scorers[i].advance(to: DocID(innerMin)) }
                        first = min(first, Int(scorers[i].doc))
                    }
                }
                if first > windowMax { break }
                innerMin = first
                let innerMax = min(windowMax, innerMin + innerWindow - 1)
                if firstEssential == n - 1 {
                    // A lone essential clause (the usual case of a short query once the threshold has
                    // risen): each of its docs is completed at once, as step 4 would, without the
                    // accumulator and the candidates' bit set. The same docs in the same order and the same
                    // sums (0 + score is exact in Double).
                    // The scorer skips the docs that the bound of all the non-essential clauses (`rest`)
                    // cannot lift to the threshold without calling the closure. The closure captures
                    // constants only (the threshold is read from the collector): a captured variable
                    // would be checked for exclusive access at every read. Nor does it capture a
                    // reference (an array, `DocAdmission`'s): each was retained and released per call.
                    // Between probes a doc is dropped by the candidate loop's cutoffs (`collectCandidates`,
                    // `setCutoffs`, kept in step with the threshold), not by the Float bound test: the first
                    // probe needs none (the scorer dropped the docs below its cutoff for `rest`,
                    // `TermScorer.competitiveCutoff`), and admission is asked only of the docs the probes
                    // leave competitive, before the exact final test: the same hits.
                    // The scorer may stay on `innerMax` when that ends its postings block and the next
                    // block's bound is below its cutoff (`forEachCompetitiveScoreInWindow`): whatever reads
                    // it next moves it past `innerMax` first (the next inner window's `advance`, the
                    // probes, the windows' `min` as a lower bound), and a block the next window skips is
                    // not loaded. The middle third of the keyword queries at top 10 on the 16x replica:
                    // 181.09 → 179.11 M instructions with the heap's change (BENCHMARKS.md, `kw26`).
                    let i = order[n - 1], byBound = order, prefixSums = prefix, lastNonEssential = firstEssential - 1
                    let rest = lastNonEssential >= 0 ? prefix[lastNonEssential] : 0
                    setCutoffs(cutoffs, prefix, count: lastNonEssential, threshold: threshold)
                    current.pointee = threshold
                    if Int(scorers[i].doc) < innerMin { _ = scorers[i].advance(to: DocID(innerMin)) }
                    scorers[i].forEachCompetitiveScoreInWindow(through: DocID(innerMax), rest: rest, threshold: threshold) { doc, score in
                        var partial = Double(score)
                        var k = lastNonEssential
                        while k >= 0 {
                            let j = byBound[k]
                            if scorers[j].doc < doc { _ = scorers[j].advance(to: doc) }
                            if scorers[j].doc == doc && scorers[j].matches() { partial += Double(scorers[j].score()) }
                            k &-= 1
                            if k >= 0 && partial < cutoffs[k] { return current.pointee }
                        }
                        let threshold = current.pointee
                        guard !boundIsBelow(Float(partial), threshold) && (simple ? doc != skipped : query.admission.admits(doc))
                            && !query.isExcluded(doc) else { return threshold }
                        collector.collect(query.scored(doc, partial))
                        let risen = max(seed, collector.threshold)
                        if risen != threshold {
                            current.pointee = risen
                            setCutoffs(cutoffs, prefixSums, count: lastNonEssential, threshold: risen)
                        }
                        return risen
                    }
                    threshold = max(seed, collector.threshold)
                    innerMin = innerMax + 1
                    firstEssential = Self.essentialStart(prefix, threshold)
                    continue
                }
                // Term at a time: the essential clauses' scores into the accumulator. The first (the least
                // bound per posting: usually the most frequent) prefetches the norms rows of its docs; the
                // others find most rows of the window cached (`accumulateCached`).
                // The sums and marks indexed from the multiple of 64 at or below `innerMin` (`base`).
                let base = AccumulatorWindow.base(of: innerMin)
                for k in firstEssential..<n {
                    let i = order[k]
                    if Int(scorers[i].doc) < innerMin { _ = scorers[i].advance(to: DocID(innerMin)) }
                    if k == firstEssential {
                        scorers[i].accumulate(through: DocID(innerMax), base: base, into: accumulator, marks: candidates)
                    } else {
                        scorers[i].accumulateCached(through: DocID(innerMax), base: base, into: accumulator, marks: candidates)
                    }
                }
                // The candidates in doc order, completed by the non-essential clauses while they compete.
                // Most (99K of a patient note's 170K docs, 60 scored in the end) fail the first bound test
                // below; `cutoff` lets them go with one comparison (`prefilterCutoff`).
                threshold = collectCandidates(scorers, &query, &collector, accumulator: accumulator, candidates: candidates,
                                              base: base, innerMax: innerMax, firstEssential: firstEssential, order: order,
                                              prefix: prefix, cutoffs: cutoffs, threshold: threshold, seed: seed, seeded: seeded,
                                              nextSeeded: &nextSeeded, nextSeededDoc: &nextSeededDoc, simple: simple,
                                              skipped: skipped, admission: admission, Mode.self)
                innerMin = innerMax + 1
                // A higher threshold makes more clauses non-essential for the rest of the window.
                firstEssential = Self.essentialStart(prefix, threshold)
            }
            windowMin = windowMax + 1
        }
    }
}
