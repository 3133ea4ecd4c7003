import Testing
@testable import TrialSearchCore

/// MaxScore on keyword queries of a rare and one or two frequent terms, the windows where two clauses
/// stay essential (`MaxScoreSearch`: both accumulated, or the frequent one walked alone once the threshold
/// has risen), on real records (the shipped corpus's index, 3,221 trials): pruned at limits from a
/// heap's (10) to a deep list's (1,000, seeded by `ThresholdSeed` when it can be), the hits equal the
/// exhaustive search's bit for bit, ties by trial id included.
@Suite struct RareAndFrequentTermsCorpusTests {
    @Test func rareAndFrequentTermsSearchAsExhaustive() throws {
        let shipped = try #require(ShippedCorpusIndex.shared)
        let reader = try IndexReader.open(directory: shipped.directory)
        let searcher = try IndexSearcher(reader: reader, similarity: .default)
        let terms = indexTermDocFreqs(reader).filter { $0.term.allSatisfy(\.isLetter) }
        let rare = terms.filter { $0.docFreq >= 20 && $0.docFreq <= 200 }
        let common = terms.filter { $0.docFreq >= 800 }
        #expect(rare.count >= 10 && common.count >= 6, "\(rare.count) rare, \(common.count) common terms")
        var compared = 0
        for (r, rareTerm) in rare.prefix(10).enumerated() {
            for (c, commonTerm) in common.dropFirst(r).prefix(3).enumerated() {
                var clauses = [WeightedClause(match: .term(rareTerm.term)), WeightedClause(match: .term(commonTerm.term))]
                // Every other query with a second frequent term (a non-essential clause beside the two).
                if c % 2 == 1, let third = common.dropFirst(r + 3).first { clauses.append(WeightedClause(match: .term(third.term))) }
                let query = WeightedQuery(clauses: clauses)
                for k in [10, TopHitsCollector.heapLimit + 1, 100, 1000] {
                    try expectPrunedSearchAsExhaustive(searcher, query, limit: k,
                                                       "\(clauses.count) clauses, \(rareTerm.term) \(commonTerm.term)")
                    compared += 1
                }
            }
        }
        #expect(compared == 120)
    }
}
