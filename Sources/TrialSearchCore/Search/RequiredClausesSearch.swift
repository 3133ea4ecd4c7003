/// Top-k when the query has required clauses: the conjunction of the `must` clauses, led by the rarest,
/// with the `should` clauses adding to the score, pruned with block-max bounds (Lucene's
/// `BlockMaxConjunctionScorer` and `ReqOptSumScorer`):
///
/// - Before aligning the required clauses on a candidate, the sum of their block bounds up to the
///   nearest block end, plus the optional clauses' bounds, is compared with the threshold; below it, the
///   lead jumps past the block end.
/// - A doc matching every required clause is scored by them, then the optional clauses are added from
///   the highest bound down while the partial score plus the remaining bounds can still compete.
enum RequiredClausesSearch {
    /// - Complexity: O(docs of the rarest required clause) advances at worst, much less when blocks are
    ///   skipped.
    static func run<S: ClauseScorer>(_ query: inout SegmentQuery<S>, into collector: inout TopHitsCollector) {
        var required = ContiguousArray<S>(), optional = ContiguousArray<S>()
        swap(&required, &query.required)
        swap(&optional, &query.optional)
        defer {
            swap(&required, &query.required)
            swap(&optional, &query.optional)
        }
        required.withUnsafeMutableBufferPointer { required in
            optional.withUnsafeMutableBufferPointer { optional in
                run(required, optional, &query, &collector)
            }
        }
    }

    private static func run<S: ClauseScorer>(_ requiredScorers: UnsafeMutableBufferPointer<S>,
                                             _ optionalScorers: UnsafeMutableBufferPointer<S>,
                                             _ query: inout SegmentQuery<S>, _ collector: inout TopHitsCollector) {
        let required = requiredScorers.indices.sorted { requiredScorers[$0].cost < requiredScorers[$1].cost }
        guard let lead = required.first else { return }
        let optional = optionalScorers.indices.sorted { optionalScorers[$0].maxScore > optionalScorers[$1].maxScore }
        // remaining[k] = Σ maxScore of optional[k...]
        var remaining = [Float](repeating: 0, count: optional.count + 1)
        for k in stride(from: optional.count - 1, through: 0, by: -1) {
            remaining[k] = remaining[k + 1] + optionalScorers[optional[k]].maxScore
        }
        let simple = query.admitsAllButSkipped, skipped = query.skippedDoc, admission = query.admission
        var upTo: DocID = -1
        var blockBound: Float = .infinity
        var doc = requiredScorers[lead].nextDoc()
        while doc != PostingsCursor.noMoreDocs {
            let threshold = collector.threshold
            if threshold > -.infinity {
                if doc > upTo {
                    upTo = PostingsCursor.noMoreDocs
                    for r in required { upTo = min(upTo, requiredScorers[r].advanceShallow(to: doc)) }
                    blockBound = remaining[0]
                    for r in required { blockBound += requiredScorers[r].maxScore(upTo: upTo) }
                }
                if boundIsBelow(blockBound, threshold) {
                    if upTo >= PostingsCursor.noMoreDocs - 1 { break }
                    doc = requiredScorers[lead].advance(to: upTo + 1)
                    continue
                }
            }
            var aligned = true
            for r in required.dropFirst() {
                let d = requiredScorers[r].advance(to: doc)
                if d != doc {
                    aligned = false
                    doc = requiredScorers[lead].advance(to: d)
                    break
                }
            }
            guard aligned else { continue }
            if (simple ? doc != skipped : admission.admits(doc)) && required.allSatisfy({ requiredScorers[$0].matches() }) {
                var partial = 0.0
                for r in required { partial += Double(requiredScorers[r].score()) }
                var competitive = true
                for (k, o) in optional.enumerated() {
                    if boundIsBelow(Float(partial) + remaining[k], threshold) {
                        competitive = false
                        break
                    }
                    if optionalScorers[o].advance(to: doc) == doc && optionalScorers[o].matches() {
                        partial += Double(optionalScorers[o].score())
                    }
                }
                if competitive && !boundIsBelow(Float(partial), threshold) && !query.isExcluded(doc) {
                    collector.collect(query.scored(doc, partial))
                }
            }
            doc = requiredScorers[lead].nextDoc()
        }
    }
}

/// Top-k by scoring every matching doc, without any pruning: the reference that tests compare the
/// pruned searches with (same hits, same scores), and `SearchOptions.exhaustive`.
enum ExhaustiveSearch {
    /// - Complexity: O(postings of every clause).
    static func run<S: ClauseScorer>(_ query: inout SegmentQuery<S>, into collector: inout TopHitsCollector) {
        let admission = query.admission
        for i in query.required.indices { _ = query.required[i].nextDoc() }
        for i in query.optional.indices { _ = query.optional[i].nextDoc() }
        while true {
            var doc = PostingsCursor.noMoreDocs
            for i in query.required.indices { doc = min(doc, query.required[i].doc) }
            for i in query.optional.indices { doc = min(doc, query.optional[i].doc) }
            if doc == PostingsCursor.noMoreDocs { break }
            var sum = 0.0
            var requiredMatched = 0, optionalMatched = 0
            for i in query.required.indices where query.required[i].doc == doc && query.required[i].matches() {
                requiredMatched += 1
                sum += Double(query.required[i].score())
            }
            for i in query.optional.indices where query.optional[i].doc == doc && query.optional[i].matches() {
                optionalMatched += 1
                sum += Double(query.optional[i].score())
            }
            if requiredMatched == query.required.count && requiredMatched + optionalMatched > 0 && admission.admits(doc)
                && !query.isExcluded(doc) {
                collector.collect(query.scored(doc, sum))
            }
            for i in query.required.indices where query.required[i].doc == doc { _ = query.required[i].nextDoc() }
            for i in query.optional.indices where query.optional[i].doc == doc { _ = query.optional[i].nextDoc() }
        }
    }
}
