/// Top-k over a disjunction (no required clause) with block-max MaxScore dynamic pruning, as in
/// Lucene's `MaxScoreBulkScorer` (Turtle & Flood's MaxScore, with the per-window bounds of block-max
/// indexes, Ding & Suel):
///
/// 1. The docs are cut into windows that end at the end of a postings block of an *essential* clause
///    (at least `minimumWindow` docs).
/// 2. In each window every clause gets a bound (`maxScore(upTo:)` from block `Impacts`); sorted by
///    bound, the longest prefix whose bounds sum below the collector's threshold is *non-essential*: a
///    doc matching only those clauses cannot enter the top k. If every clause is non-essential the whole
///    window is skipped without decoding a doc.
/// 3. Candidates are the docs of the essential clauses only. Each is scored by its essential clauses,
///    then the non-essential ones are added from the highest bound down, stopping as soon as the partial
///    score plus the remaining bounds falls below the threshold.
/// 4. As the threshold rises, more clauses become non-essential, within the window too.
///
/// Long queries gain most: the many frequent, low-idf terms of a patient note soon become
/// non-essential and are only probed (`advance`) for the few docs the informative terms propose.
enum MaxScoreSearch {
    /// Smallest window, in docs: below this, recomputing bounds costs more than it saves.
    static let minimumWindow: DocID = 2048

    /// - Complexity: O(windows · clauses · log clauses) for the bounds, plus the candidates' scoring;
    ///   at worst (no pruning possible) every posting of every clause.
    static func run<S: ClauseScorer>(_ query: inout SegmentQuery<S>, into collector: inout TopHitsCollector) {
        // The scorers leave the query while they run, so that they are mutated through a buffer pointer
        // (no uniqueness checks or copies per access) while the query's other parts stay usable.
        var optional = ContiguousArray<S>()
        swap(&optional, &query.optional)
        defer { swap(&optional, &query.optional) }
        optional.withUnsafeMutableBufferPointer { scorers in
            run(scorers, &query, &collector)
        }
    }

    private static func run<S: ClauseScorer>(_ scorers: UnsafeMutableBufferPointer<S>, _ query: inout SegmentQuery<S>,
                                             _ collector: inout TopHitsCollector) {
        let n = scorers.count
        guard n > 0 else { return }
        let slots = query.optionalSlots
        for i in 0..<n { _ = scorers[i].nextDoc() }
        var order = Array(0..<n)
        var bounds = [Float](repeating: 0, count: n)
        // prefix[k] = Σ bounds of order[0...k]
        var prefix = [Float](repeating: 0, count: n)
        var matched = MatchedClauses(capacity: n)
        let admitsAll = query.admitsAll
        var firstEssential = 0
        var windowMin: DocID = 0

        func partition(_ threshold: Float, _ prefix: [Float]) -> Int {
            var k = 0
            while k < n && boundIsBelow(prefix[k], threshold) { k += 1 }
            return k
        }

        while windowMin < PostingsCursor.noMoreDocs {
            // Window end: the nearest block end among the essential clauses of the last partition.
            var nextDoc = PostingsCursor.noMoreDocs
            for i in 0..<n { nextDoc = min(nextDoc, scorers[i].doc) }
            if nextDoc == PostingsCursor.noMoreDocs { break }
            windowMin = max(windowMin, nextDoc)
            var windowMax = PostingsCursor.noMoreDocs
            for k in 0..<n {
                let i = order[k]
                let end = scorers[i].advanceShallow(to: max(scorers[i].doc, windowMin))
                if k >= firstEssential { windowMax = min(windowMax, end) }
            }
            if windowMax < PostingsCursor.noMoreDocs - 1 {
                windowMax = max(windowMax, windowMin &+ minimumWindow - 1)
            }
            for i in 0..<n { bounds[i] = scorers[i].maxScore(upTo: windowMax) }
            order.sort { bounds[$0] < bounds[$1] }
            var sum: Float = 0
            for k in 0..<n {
                sum += bounds[order[k]]
                prefix[k] = sum
            }
            var threshold = collector.threshold
            firstEssential = partition(threshold, prefix)
            if firstEssential == n {
                // No doc of the window can compete.
                if windowMax >= PostingsCursor.noMoreDocs - 1 { break }
                windowMin = windowMax + 1
                continue
            }
            // Essential clauses left behind while they were non-essential catch up.
            for k in firstEssential..<n where scorers[order[k]].doc < windowMin {
                _ = scorers[order[k]].advance(to: windowMin)
            }

            while true {
                var doc = PostingsCursor.noMoreDocs
                for k in firstEssential..<n { doc = min(doc, scorers[order[k]].doc) }
                if doc > windowMax || doc == PostingsCursor.noMoreDocs { break }
                if admitsAll || query.admits(doc) {
                    matched.removeAll()
                    var partial: Float = 0
                    for k in firstEssential..<n {
                        let i = order[k]
                        if scorers[i].doc == doc && scorers[i].matches() {
                            let score = scorers[i].score()
                            partial += score
                            matched.append(slot: slots[i], score: score)
                        }
                    }
                    var competitive = matched.count > 0
                    var k = firstEssential - 1
                    while competitive && k >= 0 {
                        if boundIsBelow(partial + prefix[k], threshold) {
                            competitive = false
                            break
                        }
                        let i = order[k]
                        if scorers[i].doc < doc { _ = scorers[i].advance(to: doc) }
                        if scorers[i].doc == doc && scorers[i].matches() {
                            let score = scorers[i].score()
                            partial += score
                            matched.append(slot: slots[i], score: score)
                        }
                        k -= 1
                    }
                    if competitive && !boundIsBelow(partial, threshold) && !query.isExcluded(doc) {
                        collector.collect(query.scored(doc, &matched))
                        if collector.threshold != threshold {
                            threshold = collector.threshold
                            firstEssential = partition(threshold, prefix)
                        }
                    }
                }
                if firstEssential == n { break }
                for k in firstEssential..<n where scorers[order[k]].doc == doc {
                    _ = scorers[order[k]].nextDoc()
                }
            }
            if windowMax >= PostingsCursor.noMoreDocs - 1 { break }
            windowMin = windowMax + 1
        }
    }
}
