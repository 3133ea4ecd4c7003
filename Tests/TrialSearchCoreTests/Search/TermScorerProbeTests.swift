import Testing
@testable import TrialSearchCore

/// A clause over the default fields whose term also occurs in a field of weight 0 (here the title) is
/// restricted: `nextDoc()` and the scoring loops skip the docs holding the term only there, while
/// `advance(to:)` lands on the term's next doc and leaves the check to `matches()` (a probe needs only
/// its target checked). Probing every doc must find exactly the docs that walking finds, with the same
/// scores.
@Suite struct TermScorerProbeTests {
    @Test func probesConfirmExactlyTheDocsAWalkVisits() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        var weights = FieldWeights.default.parameters
        weights[.title] = 0
        let searcher = try IndexSearcher(reader: index.reader, similarity: .bm25f(BM25FParameters(weights: FieldWeights(weights))))
        let model = searcher.model
        var restricted = 0, skipped = 0
        for word in SyntheticTrials.vocabulary.prefix(60) {
            let query = WeightedQuery(clauses: [WeightedClause(match: .term(word))])
            let prepared = try PreparedQuery(query, reader: index.reader, model: model)
            for segment in index.reader.segments {
                guard let q = prepared.termScorerQuery(segment, model: model), let scorer = q.optional.first,
                    var walk = scorer.restarted(in: segment), var probe = scorer.restarted(in: segment) else { continue }
                var walked: [DocID: Float] = [:]
                while walk.nextDoc() != PostingsCursor.noMoreDocs {
                    let matches = walk.matches()
                    #expect(matches, "\(word): a walked doc matches")
                    walked[walk.doc] = walk.score()
                }
                var probed: [DocID: Float] = [:]
                var landedOnOther = false
                for target in 0..<DocID(segment.docCount) {
                    guard probe.advance(to: target) != PostingsCursor.noMoreDocs else { break }
                    guard probe.doc == target else { continue }
                    if probe.matches() {
                        probed[target] = probe.score()
                    } else {
                        landedOnOther = true
                        skipped += 1
                    }
                }
                if landedOnOther { restricted += 1 }
                #expect(probed.keys.sorted() == walked.keys.sorted(), "\(word): probed docs")
                #expect(probed.allSatisfy { walked[$0.key]?.bitPattern == $0.value.bitPattern && $0.value > 0 }, "\(word): scores")
            }
        }
        #expect(restricted > 0 && skipped > 0, "some probes should land on a doc holding the word only in its title")
    }
}
