import Testing
@testable import TrialSearchCore

/// `ThresholdSeed` for short queries at deep limits (two to `MaxScoreSearch.smallQuery` clauses, a
/// `limit` above `TopHitsCollector.heapLimit`), on real records: the index of the shipped corpus
/// (3,221 trials). A two-term keyword query whose rarer term holds more than `limit` postings (some
/// docs may score 0 there) and at most `shortMaxPostings` is seeded from that term's partial scores
/// alone; the seed is found, is never above the `limit`-th best score, and the pruned search still
/// equals the exhaustive one, bit for bit, ties by trial id included.
@Suite struct ShortQuerySeedCorpusTests {
    @Test func shortQueriesAtDeepLimitsAreSeededBelowTheKthScoreAndSearchAsExhaustive() throws {
        let shipped = try #require(ShippedCorpusIndex.shared)
        let reader = try IndexReader.open(directory: shipped.directory)
        let searcher = try IndexSearcher(reader: reader, similarity: .default)
        let model = searcher.model
        let limit = 100
        let segment = try #require(reader.segments.first)
        let most = ThresholdSeed.shortMaxPostings(segment, limit: limit)
        let terms = indexTermDocFreqs(reader).filter { $0.term.allSatisfy(\.isLetter) }
        let rare = terms.filter { $0.docFreq >= limit + 20 && $0.docFreq <= most }
        let common = terms.filter { $0.docFreq > 3 * most }
        #expect(rare.count >= 10 && common.count >= 5, "\(rare.count) rare, \(common.count) common terms")
        var seeded = 0, queries = 0
        for (r, rareTerm) in rare.prefix(12).enumerated() {
            for commonTerm in common.dropFirst(r).prefix(3) {
                for k in [TopHitsCollector.heapLimit + 1, limit] {
                    let query = WeightedQuery(clauses: [WeightedClause(match: .term(rareTerm.term)),
                                                        WeightedClause(match: .term(commonTerm.term))])
                    let options = SearchOptions(limit: k)
                    let exhaustive = try expectPrunedSearchAsExhaustive(searcher, query, limit: k,
                                                                        "\(rareTerm.term) \(commonTerm.term)")
                    let prepared = try PreparedQuery(query, reader: reader, model: model)
                    let segmentQueries = reader.segments.compactMap { segment in
                        prepared.segmentQuery(segment, model: model, options: options, make: { match -> TermScorer? in
                            guard case let .term(weight, resolved) = match else { return nil }
                            return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
                        })
                    }
                    #expect(segmentQueries.allSatisfy { ThresholdSeed.isSeeded($0, limit: k) })
                    let seed = ThresholdSeed.lowerBound(segmentQueries, limit: k, window: MaxScoreSearch.innerWindow)
                    let kth = exhaustive.count == k ? exhaustive[k - 1].score : -Float.infinity
                    #expect(seed <= kth, "\(rareTerm.term) \(commonTerm.term) at \(k): seed \(seed) above \(kth)")
                    queries += 1
                    if seed > -.infinity { seeded += 1 }
                    // At top 10 (a heap), no seed.
                    #expect(segmentQueries.allSatisfy { !ThresholdSeed.isSeeded($0, limit: 10) })
                }
            }
        }
        #expect(seeded * 10 >= queries * 9, "seeded \(seeded) of \(queries) queries")
        // With one clause, no seed (its walk would be the search's).
        let one = WeightedQuery(clauses: [WeightedClause(match: .term(common[0].term))])
        let prepared = try PreparedQuery(one, reader: reader, model: model)
        let q = try #require(prepared.segmentQuery(segment, model: model, options: SearchOptions(limit: limit), make: { match -> TermScorer? in
            guard case let .term(weight, resolved) = match else { return nil }
            return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
        }))
        #expect(!ThresholdSeed.isSeeded(q, limit: limit))
    }
}
