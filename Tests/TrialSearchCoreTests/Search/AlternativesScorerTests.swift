import Testing
@testable import TrialSearchCore

/// `AlternativesScorer.forEachCompetitiveScore` passes over phrase candidates (and whole blocks of the
/// phrase's rarest part) that cannot reach the threshold without reading their positions: what it hands
/// to the search must be what the doc-by-doc walk (`matches()`, `score()`, then the bound test) gives.
@Suite struct AlternativesScorerTests {
    /// A joined term and the phrase of frequent words taken from a trial (so that the phrase matches in
    /// several postings blocks and is often not the only alternative on a doc).
    static func alternatives(_ queries: inout RandomQueries) -> QueryMatch {
        let v = SyntheticTrials.vocabulary
        let term = v[queries.int(2) == 0 ? queries.int(40) : queries.int(v.count)]
        return .anyOf([.term(term), queries.phrase()])
    }

    /// Every (doc, score) of `scorer` from its current doc to the end, doc by doc.
    static func allScores(_ scorer: inout AnyClauseScorer) -> [(doc: DocID, score: Float)] {
        var all: [(doc: DocID, score: Float)] = []
        var d = scorer.nextDoc()
        while d != PostingsCursor.noMoreDocs {
            if scorer.matches() { all.append((d, scorer.score())) }
            d = scorer.nextDoc()
        }
        return all
    }

    @Test(arguments: [Similarity.default, .tfidf(TFIDFParameters())])
    func competitiveScoresAreThoseOfTheDocByDocWalk(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: similarity == .default ? 31 : 32, trials: index.trials)
        var emitted = 0, dropped = 0, calls = 0, alternativeScorers = 0
        var boundBelow = 0, boundAbove = 0, checkedBounds = 0
        for round in 0..<60 {
            let query = WeightedQuery(clauses: [WeightedClause(field: round % 5 == 4 ? .summary : nil, match: Self.alternatives(&queries))])
            let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
            for segment in index.reader.segments {
                guard var reference = PreparedQuery.scorer(prepared.clauses[0].match, segment: segment, model: searcher.model),
                      let scorer = PreparedQuery.scorer(prepared.clauses[0].match, segment: segment, model: searcher.model) else { continue }
                if scorer.box is AlternativesScorerBox { alternativeScorers += 1 }
                let all = Self.allScores(&reference)
                guard let best = all.map(\.score).max() else { continue }
                // Calls as MaxScore makes them: up to doc `last`, each with its own `rest` (the bound of
                // the other clauses), some after an `advance(to:)` past a few docs; the threshold rises as
                // a top-3 collector's would, or (odd rounds) stays, while `rest` jumps between 0 and
                // `best`: a doc passed over under one `rest` may compete under the next.
                var expected: [(doc: DocID, score: Float)] = [], got: [(doc: DocID, score: Float)] = []
                let fixed = round % 2 == 1 ? best * [0.3, 0.6, 0.9][queries.int(3)] : nil
                var top: [Float] = []
                func threshold() -> Float {
                    fixed ?? (top.count < 3 ? (round % 3 == 0 ? best * 0.5 : -.infinity) : top[2])
                }
                var expectedTop: [Float] = []
                func expectedThreshold() -> Float {
                    fixed ?? (expectedTop.count < 3 ? (round % 3 == 0 ? best * 0.5 : -.infinity) : expectedTop[2])
                }
                var first = DocID(0)
                var k = 0
                _ = scorer.nextDoc()
                while Int(first) < segment.docCount {
                    let last = first + DocID(1 + queries.int(200))
                    let rest = fixed == nil ? [0, best * 0.1, best * 0.3][queries.int(3)] : [0, best][queries.int(2)]
                    if queries.int(4) == 0 { first += DocID(queries.int(20)) }
                    if scorer.doc < first { _ = scorer.advance(to: first) }
                    while k < all.count && all[k].doc < first { k += 1 }
                    while k < all.count && all[k].doc <= last {
                        let (d, s) = all[k]
                        if !boundIsBelow(s + rest, expectedThreshold()) {
                            expected.append((d, s))
                            expectedTop = Array((expectedTop + [s + rest]).sorted(by: >).prefix(3))
                        }
                        k += 1
                    }
                    scorer.forEachCompetitiveScore(through: last, rest: rest, threshold: threshold()) { d, s in
                        got.append((d, s))
                        top = Array((top + [s + rest]).sorted(by: >).prefix(3))
                        return threshold()
                    }
                    calls += 1
                    #expect(scorer.doc > last, "the scorer must move past \(last)")
                    first = last + 1
                }
                #expect(got.map(\.doc) == expected.map(\.doc), "round \(round) segment \(segment.ordinal): \(query)")
                #expect(got.map(\.score) == expected.map(\.score), "round \(round) segment \(segment.ordinal): \(query)")
                emitted += got.count
                dropped += all.count - got.count
            }
            // The phrase's bound never falls below its score, and varies from doc to doc (so that it prunes).
            for segment in index.reader.segments {
                guard case let .anyOf(alternatives, _) = prepared.clauses[0].match,
                      case let .phrase(weight, parts, terms)? = alternatives.last,
                      var phrase = PreparedQuery.phraseScorer(weight, parts, terms, segment: segment, model: searcher.model) else { continue }
                var bounds: [Float] = []
                while phrase.nextDoc() != PostingsCursor.noMoreDocs {
                    let bound = phrase.scoreBound()
                    bounds.append(bound)
                    if phrase.matches() {
                        checkedBounds += 1
                        #expect(phrase.score() <= bound * AlternativesScorer.phraseBoundMargin, "\(query)")
                    }
                }
                let half = (bounds.max() ?? 0) / 2
                boundBelow += bounds.filter { $0 < half }.count
                boundAbove += bounds.filter { $0 >= half }.count
            }
        }
        #expect(alternativeScorers > 100, "the queries should mostly keep both alternatives: \(alternativeScorers)")
        #expect(emitted > 500 && dropped > 500, "both paths: \(emitted) emitted, \(dropped) dropped in \(calls) calls")
        #expect(checkedBounds > 100, "phrase matches whose bound was checked: \(checkedBounds)")
        #expect(boundBelow > 100 && boundAbove > 100, "phrase bounds below / above half the segment's largest: \(boundBelow) / \(boundAbove)")
    }

    /// `accumulate` of a term then a phrase goes a clause at a time (the term's own loop, then the
    /// phrase's candidates without the term): over windows as MaxScore's and `ThresholdSeed`'s, some
    /// after an `advance(to:)`, it must add each matching doc's doc-by-doc score once, mark exactly
    /// those docs, and leave the scorer past the window.
    @Test(arguments: [Similarity.default, .tfidf(TFIDFParameters())])
    func accumulationEqualsTheDocByDocWalk(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: similarity == .default ? 34 : 35, trials: index.trials)
        var added = 0, phraseOnly = 0
        // Windows of up to 4,096 docs, indexed from the multiple of 64 at or below their first doc
        // (`AccumulatorWindow`): 4,160 sums and 65 mark words.
        let window = 4096, capacity = window + 64
        let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        let marks = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 64)
        defer {
            accumulator.deallocate()
            marks.deallocate()
        }
        for round in 0..<60 {
            let query = WeightedQuery(clauses: [WeightedClause(field: round % 5 == 4 ? .summary : nil, match: Self.alternatives(&queries))])
            let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
            for segment in index.reader.segments {
                guard var reference = PreparedQuery.scorer(prepared.clauses[0].match, segment: segment, model: searcher.model),
                      let scorer = PreparedQuery.scorer(prepared.clauses[0].match, segment: segment, model: searcher.model)
                else { continue }
                let all = Self.allScores(&reference)
                // The docs of the first alternative (the joined term) alone.
                var termDocs = Set<DocID>()
                if case let .anyOf(alternatives, _) = prepared.clauses[0].match, let joinedTerm = alternatives.first,
                   let joined = PreparedQuery.scorer(joinedTerm, segment: segment, model: searcher.model) {
                    var d = joined.nextDoc()
                    while d != PostingsCursor.noMoreDocs {
                        termDocs.insert(d)
                        d = joined.nextDoc()
                    }
                }
                var first = DocID(0), k = 0
                _ = scorer.nextDoc()
                while Int(first) < segment.docCount {
                    let last = first + DocID(queries.int(window))
                    if queries.int(4) == 0 { first += DocID(queries.int(20)) }
                    if scorer.doc < first { _ = scorer.advance(to: first) }
                    let base = AccumulatorWindow.base(of: Int(first))
                    accumulator.initialize(repeating: 0, count: capacity)
                    marks.initialize(repeating: 0, count: capacity / 64)
                    scorer.accumulate(through: last, base: base, into: accumulator, marks: marks)
                    #expect(scorer.doc > last, "the scorer must move past \(last)")
                    var expected = [Double](repeating: 0, count: capacity), expectedMarks = [UInt64](repeating: 0, count: capacity / 64)
                    while k < all.count && all[k].doc < first { k += 1 }
                    while k < all.count && all[k].doc <= last {
                        let o = Int(all[k].doc) - base
                        expected[o] += Double(all[k].score)
                        expectedMarks[o >> 6] |= 1 << UInt64(o & 63)
                        added += 1
                        if !termDocs.contains(all[k].doc) { phraseOnly += 1 }
                        k += 1
                    }
                    #expect(Array(UnsafeBufferPointer(start: accumulator, count: capacity)) == expected, "round \(round): \(query)")
                    #expect(Array(UnsafeBufferPointer(start: marks, count: capacity / 64)) == expectedMarks, "round \(round): \(query)")
                    first = last + 1
                }
            }
        }
        #expect(added > 1000 && phraseOnly > 50, "docs added \(added), of which by the phrase alone \(phraseOnly)")
    }

    /// A query of alternatives and a term (alternatives most often the lone essential clause), searched
    /// with pruning over the index with deleted trials, against exhaustive scoring.
    @Test func prunedAlternativesEqualExhaustiveSearch() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        var queries = RandomQueries(seed: 33, trials: index.trials)
        for round in 0..<120 {
            var clauses = [WeightedClause(match: Self.alternatives(&queries))]
            if round % 4 != 0 { clauses.append(WeightedClause(match: .term(queries.word()), boost: [1.0, 0.5, 2.0][queries.int(3)])) }
            let query = WeightedQuery(clauses: clauses)
            let limit = [1, 2, 3, 10, 40][queries.int(5)]
            var options = SearchOptions(limit: limit)
            if round % 2 == 1 { options.windows = (minimum: 1 + queries.int(300), inner: 64 * (1 + queries.int(4)), perClause: 0) }
            let pruned = try searcher.search(query, options: options)
            let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true))
            #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "round \(round): \(query) limit \(limit)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "round \(round): \(query)")
            for hit in pruned.hits { #expect(!index.deleted.contains(hit.id), "deleted \(hit.id) returned") }
        }
    }
}
