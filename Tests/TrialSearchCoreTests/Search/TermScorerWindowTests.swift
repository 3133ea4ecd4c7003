import Testing
@testable import TrialSearchCore

/// `forEachCompetitiveScoreInWindow`, as `MaxScoreSearch` walks a lone essential clause: a window that ends
/// at a postings block's last doc, before a block bounded below the cutoff, leaves the scorer on that doc
/// (the next block is not loaded), and a caller that advances it past the window before each next one sees
/// exactly the docs and scores of one walk over the whole list with the same threshold.
@Suite struct TermScorerWindowTests {
    @Test func windowsEndingAtBlockEndsSeeTheWholeWalk() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        let model = searcher.model
        var rested = 0, windows = 0
        for word in SyntheticTrials.vocabulary.prefix(30) {
            let query = WeightedQuery(clauses: [WeightedClause(match: .term(word))])
            let prepared = try PreparedQuery(query, reader: index.reader, model: model)
            for segment in index.reader.segments {
                guard let q = prepared.termScorerQuery(segment, model: model), let scorer = q.optional.first,
                    var whole = scorer.restarted(in: segment), var windowed = scorer.restarted(in: segment) else { continue }
                guard var all = scorer.restarted(in: segment) else { continue }
                // A threshold that most of the term's docs, and so some of its blocks, fall below.
                var scores: [Float] = []
                _ = all.nextDoc()
                all.forEachCompetitiveScore(through: PostingsCursor.noMoreDocs - 1, rest: 0, threshold: -.infinity) { _, score in
                    scores.append(score)
                    return -.infinity
                }
                guard !scores.isEmpty else { continue }
                let threshold = scores.sorted()[scores.count * 9 / 10]
                var walked: [(DocID, UInt32)] = []
                _ = whole.nextDoc()
                whole.forEachCompetitiveScore(through: PostingsCursor.noMoreDocs - 1, rest: 0, threshold: threshold) { doc, score in
                    walked.append((doc, score.bitPattern))
                    return threshold
                }
                var seen: [(DocID, UInt32)] = []
                var start: DocID = 0
                _ = windowed.nextDoc()
                while windowed.doc != PostingsCursor.noMoreDocs {
                    // A window up to the block end at or after its start, as MaxScore's one-clause windows.
                    let end = min(windowed.advanceShallow(to: max(windowed.doc, start)), PostingsCursor.noMoreDocs - 1)
                    if windowed.doc < start { _ = windowed.advance(to: start) }
                    windowed.forEachCompetitiveScoreInWindow(through: end, rest: 0, threshold: threshold) { doc, score in
                        seen.append((doc, score.bitPattern))
                        return threshold
                    }
                    windows += 1
                    if windowed.doc == end { rested += 1 }
                    #expect(windowed.doc >= end, "\(word): the scorer stays on the window's last doc or moves past it")
                    if end >= PostingsCursor.noMoreDocs - 1 { break }
                    start = end + 1
                    if windowed.doc < start { _ = windowed.advance(to: start) }
                }
                #expect(seen.map(\.0) == walked.map(\.0), "\(word): docs")
                #expect(seen.map(\.1) == walked.map(\.1), "\(word): scores")
            }
        }
        #expect(rested > 0, "windows should end on a block's last doc: \(rested) of \(windows)")
    }
}
