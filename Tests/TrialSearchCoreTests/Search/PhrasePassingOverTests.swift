import Testing
@testable import TrialSearchCore

/// `PhraseScorer.advance(to:passingOver:)` (and its variant with block bounds) leaves the rarest part's
/// docs that the caller passes over without moving the other parts to them: the candidates it stops on
/// must be exactly the doc-by-doc walk's candidates that are not passed over, with the same matches and
/// scores, although the other parts' cursors then skip stretches (and blocks) of their postings.
@Suite struct PhrasePassingOverTests {
    /// Each candidate of a fresh scorer of the phrase, doc by doc, with whether it matches and its score.
    static func candidates(_ weight: TermWeight, _ parts: [PhraseTerm], _ terms: [ResolvedTerm], _ segment: SegmentReader,
                           _ model: ScoringModel) -> [(doc: DocID, matches: Bool, score: Float)] {
        guard var phrase = PreparedQuery.phraseScorer(weight, parts, terms, segment: segment, model: model) else { return [] }
        var all: [(doc: DocID, matches: Bool, score: Float)] = []
        while phrase.nextDoc() != PostingsCursor.noMoreDocs {
            let matches = phrase.matches()
            all.append((phrase.doc, matches, matches ? phrase.score() : 0))
        }
        return all
    }

    @Test func passedOverCandidatesAreTheOnlyOnesMissing() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        var queries = RandomQueries(seed: 41, trials: index.trials)
        var visited = 0, passedOver = 0, matched = 0
        for round in 0..<60 {
            let query = WeightedQuery(clauses: [WeightedClause(field: round % 5 == 4 ? .summary : nil, match: queries.phrase())])
            let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
            guard case let .phrase(weight, parts, terms) = prepared.clauses[0].match else { continue }
            for segment in index.reader.segments {
                let all = Self.candidates(weight, parts, terms, segment, searcher.model)
                guard var phrase = PreparedQuery.phraseScorer(weight, parts, terms, segment: segment, model: searcher.model),
                      !all.isEmpty else { continue }
                // Pass over about a half, a fifth or most of the candidates (and docs that are none).
                let modulus = [2, 5, 8][round % 3]
                let passes = { (d: DocID) -> Bool in (Int(d) &* 7 &+ round) % modulus != 0 }
                let expected = all.filter { !passes($0.doc) }
                var got: [(doc: DocID, matches: Bool, score: Float)] = []
                let blocks = round % 2 == 1
                var d = blocks ? phrase.advance(to: 0, through: DocID(segment.docCount), rest: 0, threshold: -.infinity, passingOver: passes)
                    : phrase.advance(to: 0, passingOver: passes)
                while d != PostingsCursor.noMoreDocs {
                    let matches = phrase.matches()
                    got.append((d, matches, matches ? phrase.score() : 0))
                    d = blocks ? phrase.advance(to: d + 1, through: DocID(segment.docCount), rest: 0, threshold: -.infinity, passingOver: passes)
                        : phrase.advance(to: d + 1, passingOver: passes)
                }
                #expect(got.map(\.doc) == expected.map(\.doc), "round \(round) segment \(segment.ordinal): \(query)")
                #expect(got.map(\.matches) == expected.map(\.matches), "round \(round): \(query)")
                #expect(got.map(\.score) == expected.map(\.score), "round \(round): \(query)")
                visited += got.count
                passedOver += all.count - got.count
                matched += got.filter(\.matches).count
            }
        }
        #expect(visited > 200 && passedOver > 200 && matched > 100,
                "candidates visited \(visited), passed over \(passedOver), matching \(matched)")
    }
}
