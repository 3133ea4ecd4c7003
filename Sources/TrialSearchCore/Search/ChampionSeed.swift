/// A lower bound of the score of the `limit`-th best doc of a keyword query (top 10 at most, one to
/// four clauses), from its terms' champion lists (`ChampionList`, format 12): the search then prunes
/// from its first window on, instead of only once its threshold has risen (which on the 16x replica
/// happens late: the best docs' copies lie far apart, BENCHMARKS.md `kw43`).
///
/// Why it is exact: as `ThresholdSeed`'s. Every clause score is ≥ 0 (a clause of negative weight turns
/// the seed off), so a doc's sum over some of its clauses is at most its score; the candidates are
/// distinct docs that the search may collect (admitted: live, passing the filter, not the skipped doc),
/// each scored by every clause (its own from the stored posting, the others probed), so `limit` of them
/// scoring at least t mean that the `limit`-th best score is ≥ t. The bound is taken one `Float` step
/// below the `limit`-th candidate's score, the candidates' clause scores being added in another order
/// than the search's. Any docs would do; the lists' only make the bound high.
///
/// Which docs: per segment, each clause's champions (the term's stored list of its 10 best docs by keyword
/// x; a term of at most 64 docs walked, its 10 best kept: `TermScorer.appendChampions`), merged in doc
/// order; each doc then gets the other clauses' scores by one probe each (fresh scorers in doc order,
/// `restartedForUseBeforeThis`, `advanceAlone`), and its complete score (times a prior's factor)
/// counts. A rare term's best docs completed by the frequent term's probes are what seed a two-word
/// query well. On segments of format ≤ 11 (no lists) the long terms give no docs: the bound is then
/// that of the short terms' docs, or −∞.
enum ChampionSeed {
    /// Most clauses of a query seeded (longer ones are `ThresholdSeed`'s).
    static let maxClauses = MaxScoreSearch.smallQuery

    /// A doc of a clause's champions with its score for that clause.
    struct Candidate {
        var doc: DocID
        var clause: Int32
        var score: Float
    }

    /// Whether a search of `limit` hits over `query` is seeded: top 10 at most, one to `maxClauses`
    /// optional clauses, none required or excluded.
    @inline(__always)
    static func isSeeded<S: ClauseScorer>(_ query: SegmentQuery<S>, limit: Int) -> Bool {
        limit > 0 && limit <= IndexFormat.championCount && query.required.isEmpty && query.excluded.isEmpty
            && !query.optional.isEmpty && query.optional.count <= maxClauses
    }

    /// The bound for a search of `queries` (one per segment, into one collector), or −∞ when a query is
    /// not seeded (`isSeeded`), a clause cannot take part (`ClauseScorer.appendChampions`), or the
    /// candidates of all segments are fewer than `limit`. Every scorer of `queries` is left unstarted.
    /// - Throws: `IndexError.corrupt` naming a segment's postings file whose champion list does not decode.
    /// - Complexity: O(c · (c · 10 + walked postings)) list docs and probes per segment, c ≤ 4 clauses.
    static func lowerBound<S: ClauseScorer>(_ queries: [SegmentQuery<S>], limit: Int) throws -> Float {
        var queries = queries
        return try queries.withUnsafeMutableBufferPointer { try lowerBound($0, limit: limit) }
    }

    /// `lowerBound` of the queries in a buffer (the search's), read in place: a copy of a `SegmentQuery`
    /// retains its segment, arrays and admission (about 2,600 instructions, BENCHMARKS.md `kw18`).
    static func lowerBound<S: ClauseScorer>(_ queries: UnsafeMutableBufferPointer<SegmentQuery<S>>, limit: Int) throws -> Float {
        guard !queries.isEmpty else { return -.infinity }
        for q in queries.indices where !isSeeded(queries[q], limit: limit) { return -.infinity }
        var scores: [Float] = []
        var candidates: [Candidate] = []
        for q in queries.indices {
            candidates.removeAll(keepingCapacity: true)
            for i in queries[q].optional.indices {
                guard try queries[q].optional[i].appendChampions(in: queries[q].segment, clause: i, to: &candidates) else {
                    return -.infinity
                }
            }
            try complete(queries, q, candidates: &candidates, into: &scores)
        }
        guard scores.count >= limit else { return -.infinity }
        // (`kthLargest` selects among more scores than `limit`; of exactly `limit`, the bound is the least.)
        let kth = scores.count == limit ? scores.min() ?? -.infinity : ThresholdSeed.kthLargest(scores, limit)
        return kth.nextDown
    }

    /// Appends to `scores` the complete score of each admitted doc of `candidates` (all clauses' scores:
    /// the owners' from the candidates, the others probed).
    private static func complete<S: ClauseScorer>(_ queries: UnsafeMutableBufferPointer<SegmentQuery<S>>, _ q: Int,
                                                  candidates: inout [Candidate], into scores: inout [Float]) throws {
        guard !candidates.isEmpty else { return }
        candidates.sort { $0.doc != $1.doc ? $0.doc < $1.doc : $0.clause < $1.clause }
        // One entry per distinct admitted doc: its sum so far and the clauses already in it.
        var docs: [DocID] = []
        var sums: [Double] = []
        var owners: [UInt32] = []
        docs.reserveCapacity(candidates.count)
        sums.reserveCapacity(candidates.count)
        owners.reserveCapacity(candidates.count)
        let simple = queries[q].admitsAllButSkipped, skipped = queries[q].skippedDoc, admission = queries[q].admission
        for c in candidates {
            if let last = docs.last, last == c.doc {
                sums[sums.count - 1] += Double(c.score)
                owners[owners.count - 1] |= 1 << UInt32(c.clause)
                continue
            }
            guard simple ? c.doc != skipped : admission.admits(c.doc) else { continue }
            docs.append(c.doc)
            sums.append(Double(c.score))
            owners.append(1 << UInt32(c.clause))
        }
        let segment = queries[q].segment
        for i in queries[q].optional.indices {
            let bit = UInt32(1) << UInt32(i)
            guard owners.contains(where: { $0 & bit == 0 }) else { continue }
            // A clause that cannot be probed leaves partial sums: still lower bounds (scores ≥ 0).
            guard var scorer = queries[q].optional[i].restartedForUseBeforeThis(in: segment) else { continue }
            for d in docs.indices where owners[d] & bit == 0 {
                let doc = docs[d]
                if scorer.advanceAlone(to: doc) == doc && scorer.matches() { sums[d] += Double(scorer.score()) }
            }
            if scorer.isCorrupt { throw segment.postingsFile.corrupt("a postings list probed by the champion seed is malformed") }
        }
        for d in docs.indices { scores.append(queries[q].scored(docs[d], sums[d]).score) }
    }
}
