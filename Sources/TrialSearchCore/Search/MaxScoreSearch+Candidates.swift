/// MaxScore's candidate loop (`MaxScoreSearch`, step 4): an inner window's candidates, found by the
/// essential clauses in the accumulator, completed by the non-essential clauses while they compete.
extension MaxScoreSearch {
    /// `cutoffs[k]` = `prefilterCutoff(threshold, rest: prefix[k])` for k < `count`: a candidate whose
    /// partial sum is below `cutoffs[k]` surely fails the bound test of the non-essential clauses
    /// `order[0...k]`.
    @inline(__always)
    static func setCutoffs(_ cutoffs: UnsafeMutablePointer<Double>, _ prefix: UnsafeMutableBufferPointer<Float>,
                           count: Int, threshold: Float) {
        var k = 0
        while k < count {
            cutoffs[k] = prefilterCutoff(threshold, rest: prefix[k])
            k &+= 1
        }
    }

    /// The candidates of one inner window (`candidates`' bits and `accumulator`'s sums from `base`, up to
    /// `innerMax`) in doc order, completed by the non-essential clauses `order[0..<firstEssential]` while
    /// they compete, and collected; leaves both buffers cleared over the window. Returns the threshold
    /// after the window. Out of line: inlined in `run`, its loop shared registers with the window's other
    /// values and reloaded them per candidate (BENCHMARKS.md, `notes17`).
    ///
    /// Between probes a candidate is dropped when its partial sum is below `cutoffs[k]` (`setCutoffs`,
    /// `firstEssential - 1` entries, scratch of the walk, kept in step with the threshold): one comparison of
    /// Doubles instead of the Float bound test `boundIsBelow(Float(partial) + prefix[k], threshold)`, which
    /// fails for every doc the cutoff drops. It keeps a doc within the cutoff's margin (10⁻⁵ of the
    /// threshold) that the bound test would drop; such a doc is probed on and meets the exact final
    /// test, which no doc below the threshold passes: the same hits. The first probe needs no test (the
    /// candidate passed `cutoffs[firstEssential - 1]`, the prefilter's cutoff).
    @inline(never)
    static func collectCandidates<S: ClauseScorer, Mode: SeededScoresMode>(
        _ scorers: UnsafeMutableBufferPointer<S>, _ query: inout SegmentQuery<S>, _ collector: inout TopHitsCollector,
        accumulator: UnsafeMutablePointer<Double>, candidates: UnsafeMutablePointer<UInt64>, base: Int, innerMax: Int,
        firstEssential: Int, order: UnsafeMutableBufferPointer<Int>, prefix: UnsafeMutableBufferPointer<Float>,
        cutoffs: UnsafeMutablePointer<Double>, threshold: Float, seed: Float, seeded: SeededScores,
        nextSeeded: inout Int, nextSeededDoc: inout DocID, simple: Bool, skipped: DocID, admission: DocAdmission,
        _: Mode.Type
    ) -> Float {
        var threshold = threshold
        // The non-essential clauses' bound, fixed for this inner window.
        let rest: Float = firstEssential > 0 ? prefix[firstEssential - 1] : 0
        setCutoffs(cutoffs, prefix, count: firstEssential &- 1, threshold: threshold)
        var cutoff = prefilterCutoff(threshold, rest: rest)
        for w in 0..<((innerMax - base) / 64 + 1) {
            var word = candidates[w]
            candidates[w] = 0
            while word != 0 {
                let o = w &* 64 &+ word.trailingZeroBitCount
                word &= word &- 1
                var partial = accumulator[o]
                accumulator[o] = 0
                if partial < cutoff { continue }
                // A doc of the segment: below docCount, so below 2³¹ (no conversion check needed).
                let doc = DocID(truncatingIfNeeded: base &+ o)
                // Admitted or not, the doc is probed (a probe only moves the clauses' cursors ahead, to a
                // doc the next candidates pass anyway) and admission is asked of the few that survive.
                var competitive = true
                if Mode.enabled && doc >= nextSeededDoc, let row = seeded.row(of: doc, next: &nextSeeded, nextDoc: &nextSeededDoc) {
                    // A candidate the seed completed: its kept clause scores stand in for the probes.
                    competitive = completeSeeded(doc, scorers, order: order, prefix: prefix, from: firstEssential - 1,
                                                 threshold: threshold, seeded: seeded, row: row, partial: &partial)
                } else {
                    var k = firstEssential &- 1
                    while k >= 0 {
                        let i = order[k]
                        if scorers[i].doc < doc { _ = scorers[i].advance(to: doc) }
                        if scorers[i].doc == doc && scorers[i].matches() { partial += Double(scorers[i].score()) }
                        k &-= 1
                        if k >= 0 && partial < cutoffs[k] {
                            competitive = false
                            break
                        }
                    }
                }
                if competitive && !boundIsBelow(Float(partial), threshold) && (simple ? doc != skipped : admission.admits(doc))
                    && !query.isExcluded(doc) {
                    collector.collect(query.scored(doc, partial))
                    // The cutoffs move with the threshold only (a deep list's rises at its selections).
                    let risen = max(seed, collector.threshold)
                    if risen != threshold {
                        threshold = risen
                        cutoff = prefilterCutoff(threshold, rest: rest)
                        setCutoffs(cutoffs, prefix, count: firstEssential &- 1, threshold: threshold)
                    }
                }
            }
        }
        return threshold
    }

    /// The candidate loop's completion of `doc` by the non-essential clauses `order[k]`, k = `from` down
    /// to 0, for a doc the seed completed (`SeededScores` row `row`): the same bound tests and sums as
    /// the loop's probes, each kept clause score read instead of probed (a clause not kept is probed).
    /// Returns whether the doc stays competitive; `partial` ends as the loop's would. Out of line: met
    /// a few times a segment, it keeps the candidate loop as it was.
    @inline(never)
    private static func completeSeeded<S: ClauseScorer>(_ doc: DocID, _ scorers: UnsafeMutableBufferPointer<S>,
                                                        order: UnsafeMutableBufferPointer<Int>,
                                                        prefix: UnsafeMutableBufferPointer<Float>, from: Int, threshold: Float, seeded: SeededScores,
                                                        row: Int, partial: inout Double) -> Bool {
        var k = from
        while k >= 0 {
            if boundIsBelow(Float(partial) + prefix[k], threshold) { return false }
            let i = order[k]
            let kept = seeded.entry(candidate: row, clause: i)
            if kept.isNaN {
                if scorers[i].doc < doc { _ = scorers[i].advance(to: doc) }
                if scorers[i].doc == doc && scorers[i].matches() { partial += Double(scorers[i].score()) }
            } else if kept != SeededScores.notMatched {
                partial += Double(kept)
            }
            k -= 1
        }
        return true
    }
}

/// Whether MaxScore's candidate loop looks for the seed's completed candidates (`SeededScores`): a type,
/// so that each case is a loop of its own (as `TermScorer`'s `NormsPrefetch`).
protocol SeededScoresMode {
    static var enabled: Bool { get }
}

/// The segment has seeded candidates: the loop reads their kept clause scores.
enum WithSeededScores: SeededScoresMode {
    static var enabled: Bool { true }
}

/// No seeded candidates: the loop as it was.
enum WithoutSeededScores: SeededScoresMode {
    static var enabled: Bool { false }
}
