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
    static func run(_ query: SegmentQuery, into collector: inout TopHitsCollector) {
        let required = query.required.sorted { $0.scorer.cost < $1.scorer.cost }
        guard let lead = required.first?.scorer else { return }
        let optional = query.optional.sorted { $0.scorer.maxScore > $1.scorer.maxScore }
        // remaining[k] = Σ maxScore of optional[k...]
        var remaining = [Float](repeating: 0, count: optional.count + 1)
        for k in stride(from: optional.count - 1, through: 0, by: -1) {
            remaining[k] = remaining[k + 1] + optional[k].scorer.maxScore
        }
        var matched = MatchedClauses(capacity: required.count + optional.count)
        var upTo: DocID = -1
        var blockBound: Float = .infinity
        var doc = lead.nextDoc()
        while doc != PostingsCursor.noMoreDocs {
            let threshold = collector.threshold
            if threshold > -.infinity {
                if doc > upTo {
                    upTo = PostingsCursor.noMoreDocs
                    for r in required { upTo = min(upTo, r.scorer.advanceShallow(to: doc)) }
                    blockBound = remaining[0]
                    for r in required { blockBound += r.scorer.maxScore(upTo: upTo) }
                }
                if boundIsBelow(blockBound, threshold) {
                    if upTo >= PostingsCursor.noMoreDocs - 1 { break }
                    doc = lead.advance(to: upTo + 1)
                    continue
                }
            }
            var aligned = true
            for r in required.dropFirst() {
                let d = r.scorer.advance(to: doc)
                if d != doc {
                    aligned = false
                    doc = lead.advance(to: d)
                    break
                }
            }
            guard aligned else { continue }
            if query.admits(doc) {
                matched.removeAll()
                var partial: Float = 0
                for r in required {
                    let score = r.scorer.score()
                    partial += score
                    matched.append(slot: r.slot, score: score)
                }
                var competitive = true
                for (k, o) in optional.enumerated() {
                    if boundIsBelow(partial + remaining[k], threshold) {
                        competitive = false
                        break
                    }
                    if o.scorer.advance(to: doc) == doc {
                        let score = o.scorer.score()
                        partial += score
                        matched.append(slot: o.slot, score: score)
                    }
                }
                if competitive && !boundIsBelow(partial, threshold) && !query.isExcluded(doc) {
                    collector.collect(query.scored(doc, &matched))
                }
            }
            doc = lead.nextDoc()
        }
    }
}

/// Top-k by scoring every matching doc, without any pruning: the reference that tests compare the
/// pruned searches with (same hits, same scores), and `SearchOptions.exhaustive`.
enum ExhaustiveSearch {
    /// - Complexity: O(postings of every clause).
    static func run(_ query: SegmentQuery, into collector: inout TopHitsCollector) {
        let scoring = query.required + query.optional
        let requiredCount = query.required.count
        for e in scoring { _ = e.scorer.nextDoc() }
        var matched = MatchedClauses(capacity: scoring.count)
        while true {
            var doc = PostingsCursor.noMoreDocs
            for e in scoring { doc = min(doc, e.scorer.doc) }
            if doc == PostingsCursor.noMoreDocs { break }
            matched.removeAll()
            var requiredMatched = 0
            for (i, e) in scoring.enumerated() where e.scorer.doc == doc {
                if i < requiredCount { requiredMatched += 1 }
                matched.append(slot: e.slot, score: e.scorer.score())
            }
            if requiredMatched == requiredCount && query.admits(doc) && !query.isExcluded(doc) {
                collector.collect(query.scored(doc, &matched))
            }
            for e in scoring where e.scorer.doc == doc { _ = e.scorer.nextDoc() }
        }
    }
}
