import Testing
@testable import TrialSearchCore

/// Dynamic pruning (block-max MaxScore, block-max conjunction) against exhaustive scoring: the same
/// top-k, with bit-identical scores, on randomized queries over a multi-segment index with deletions.
@Suite struct PruningTests {
    /// `.related` and `.longQuery`: bounds from the segments' stored term maxima (`TermMaxima`), scaled
    /// by the collection's averages over each segment's.
    @Test(arguments: [Similarity.default, .tfidf(TFIDFParameters()), .bm25f(.related), .bm25f(.longQuery)])
    func prunedSearchEqualsExhaustiveSearch(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        #expect(index.reader.segments.count > 1, "the test needs several segments")
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: similarity == .default ? 7 : similarity == .bm25f(.related) ? 9 : 8, trials: index.trials)
        var prunedWork = 0
        var exhaustiveWork = 0
        var nonEmpty = 0
        for round in 0..<300 {
            let query = queries.query()
            let limit = [1, 3, 10, 10, 50, 5_000][queries.int(6)]
            let filter = queries.filter()
            let patient = queries.int(4) == 0 ? PatientPrior(profile: PatientProfile(ageYears: 10, sex: .female),
                                                             parameters: RescoringParameters(ageMismatchFactor: 0.5)) : nil
            var options = SearchOptions(limit: limit, filter: filter, patient: patient)
            // Small windows in half the rounds: many window and inner-window boundaries.
            if round % 2 == 1 { options.windows = (minimum: 1 + queries.int(300), inner: 64 * (1 + queries.int(4)), perClause: round % 4 == 1 ? 0 : 16) }
            let pruned = try searcher.search(query, options: options)
            let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, filter: filter, exhaustive: true,
                                                                               patient: patient))
            #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "round \(round): \(query) limit \(limit) \(filter)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "round \(round): \(query)")
            for hit in pruned.hits { #expect(!index.deleted.contains(hit.id), "deleted \(hit.id) returned") }
            prunedWork += pruned.scoredDocs
            exhaustiveWork += exhaustive.scoredDocs
            if !pruned.hits.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 200, "most random queries should match something: \(nonEmpty)")
        // Pruning must actually prune: far fewer docs fully scored.
        #expect(prunedWork * 3 < exhaustiveWork, "pruned \(prunedWork) vs exhaustive \(exhaustiveWork) scored docs")
    }

    /// Queries of 5 to 40 plain terms (as patient notes and more-like-this queries are), whose candidate
    /// loop probes the non-essential clauses (`MaxScoreSearch.collectCandidates`: the cutoffs between
    /// probes, kept in step with a rising threshold; admission asked of the candidates that survive the
    /// probes), with filters, the index's deleted trials and an excluded trial, at deep and shallow
    /// limits and with small windows in half the rounds: the same hits and scores as exhaustive scoring,
    /// and no hit that the filter or the exclusion refuses.
    @Test(arguments: [Similarity.bm25f(.longQuery), .bm25f(.related)])
    func manyTermQueriesPrunedEqualExhaustive(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: similarity == .bm25f(.longQuery) ? 53 : 59, trials: index.trials)
        let boosts = [1.0, 0.8, 0.5, 0.3, 0.1, 2.0]
        var probed = 0
        for round in 0..<60 {
            let query = WeightedQuery(clauses: (0..<(5 + queries.int(36))).map { _ in
                WeightedClause(occur: .should, match: .term(queries.word()), boost: boosts[queries.int(boosts.count)])
            })
            let limit = [1, 3, 10, 10, 50, 1_000][queries.int(6)]
            let filter = queries.filter()
            let excluded = queries.int(2) == 0 ? index.trials[queries.int(index.trials.count)].id : nil
            var options = SearchOptions(limit: limit, filter: filter, excluding: excluded)
            if round % 2 == 1 { options.windows = (minimum: 1 + queries.int(300), inner: 64 * (1 + queries.int(4)), perClause: 16) }
            let pruned = try searcher.search(query, options: options)
            let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, filter: filter, exhaustive: true,
                                                                               excluding: excluded))
            #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "round \(round): limit \(limit) \(filter)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "round \(round)")
            for hit in pruned.hits {
                #expect(!index.deleted.contains(hit.id), "round \(round): deleted \(hit.id) returned")
                #expect(hit.id != excluded, "round \(round): excluded \(hit.id) returned")
            }
            if pruned.scoredDocs < exhaustive.scoredDocs { probed += 1 }
        }
        #expect(probed > 30, "most many-term queries should be pruned: \(probed) of 60")
    }

    /// One-clause queries (a keyword query of one word) over the frequent words, whose blocks' bounds
    /// often fall below the threshold so that whole windows are skipped: the window after a skipped one
    /// is again one postings block (`MaxScoreSearch`), and the hits and scores stay the exhaustive ones,
    /// at small limits and with small inner windows too.
    @Test func oneClauseQueriesPrunedEqualExhaustive() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        for word in SyntheticTrials.vocabulary.prefix(20) {
            for limit in [1, 3, 10] {
                for inner in [64, MaxScoreSearch.innerWindow] {
                    let query = WeightedQuery(clauses: [WeightedClause(match: .term(word))])
                    var options = SearchOptions(limit: limit)
                    options.windows = (minimum: MaxScoreSearch.minimumWindow, inner: inner, perClause: MaxScoreSearch.windowPerClause)
                    let pruned = try searcher.search(query, options: options)
                    let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true))
                    #expect(!pruned.hits.isEmpty, "\(word) matches nothing")
                    #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "\(word) limit \(limit) inner \(inner)")
                    #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(word) limit \(limit) inner \(inner)")
                }
            }
        }
    }

    /// A field of weight 0 is not searched by a clause without a field prefix, pruned or not: with a
    /// limit above the number of matches both return exactly the docs holding the term in a searched
    /// field (a doc holding it only in the zero-weight field is no hit, not a hit scoring 0). A clause
    /// naming that field searches it with weight 1.
    @Test(arguments: [Similarity.bm25f(BM25FParameters(weights: FieldWeights({ var w = FieldWeights.default.parameters; w[.title] = 0; return w }()))),
                      .tfidf(TFIDFParameters(weights: FieldWeights({ var w = FieldWeights.default.parameters; w[.title] = 0; return w }())))])
    func aZeroWeightFieldIsSearchedOnlyWhenNamed(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        let naive = NaiveIndex(index.trials)
        let title = Int(Field.title.rawValue)
        var titleOnlyDocs = 0
        for word in SyntheticTrials.vocabulary.prefix(60) {
            // The live trials holding the word, with the fields that hold it.
            var fieldsOf: [TrialID: Set<Int>] = [:]
            for (doc, fields) in naive.postings[word] ?? [:] where !index.deleted.contains(index.trials[doc].id) {
                fieldsOf[index.trials[doc].id] = Set(fields.keys)
            }
            let all = WeightedQuery(clauses: [WeightedClause(match: .term(word))])
            let pruned = try searcher.search(all, options: SearchOptions(limit: 10_000)).hits
            let exhaustive = try searcher.search(all, options: SearchOptions(limit: 10_000, exhaustive: true)).hits
            #expect(pruned.map(\.id) == exhaustive.map(\.id), "\(word)")
            #expect(pruned.allSatisfy { $0.score > 0 }, "\(word): a hit scoring 0")
            let expected = Set(fieldsOf.filter { !$0.value.subtracting([title]).isEmpty }.keys)
            titleOnlyDocs += fieldsOf.count - expected.count
            #expect(Set(pruned.map(\.id)) == expected, "\(word): the hits are the trials holding it outside the title")

            let named = WeightedQuery(clauses: [WeightedClause(field: .title, match: .term(word))])
            let titleHits = try searcher.search(named, options: SearchOptions(limit: 10_000)).hits
            let titleExhaustive = try searcher.search(named, options: SearchOptions(limit: 10_000, exhaustive: true)).hits
            #expect(titleHits.map(\.id) == titleExhaustive.map(\.id), "title:\(word)")
            #expect(titleHits.allSatisfy { $0.score > 0 }, "title:\(word): a hit scoring 0")
            #expect(Set(titleHits.map(\.id)) == Set(fieldsOf.filter { $0.value.contains(title) }.keys), "title:\(word)")
        }
        #expect(titleOnlyDocs > 0, "some trials should hold a word only in their title")
    }

    /// MaxScore's clause order (`sortByBoundPerPosting`: an insertion sort below 64 clauses) is the
    /// standard library's stable sort's, for bounds and costs with ties, zeros and products that round
    /// alike, up to and past the insertion sort's limit.
    @Test func clauseOrderIsTheStableSortsOrder() {
        var rng = SeededRandom(seed: 41)
        for n in [0, 1, 2, 3, 4, 5, 8, 17, 33, 63, 64, 65, 100] {
            for _ in 0..<40 {
                let bounds = (0..<n).map { _ in [0, 0.5, 1, 1.0 / 3, 2.75][Int(rng.next() % 5)] * Float(1 + rng.next() % 3) }
                let costs = (0..<n).map { _ in Float(1 + rng.next() % 4) * [1, 3, 7][Int(rng.next() % 3)] }
                var order = Array(0..<n)
                order.shuffle(using: &rng)
                var expected = order
                expected.sort { bounds[$0] * costs[$1] < bounds[$1] * costs[$0] }
                MaxScoreSearch.sortByBoundPerPosting(&order, bounds, costs)
                #expect(order == expected, "\(n) clauses: bounds \(bounds), costs \(costs)")
            }
        }
    }

    @Test func resultsAreOrderedByScoreThenTrialID() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        // A frequent term with boost 0 in an optional clause gives many equal scores.
        let query = WeightedQuery(clauses: [WeightedClause(match: .term("w0"), boost: 0), WeightedClause(match: .term("w1"))])
        let hits = try searcher.search(query, options: SearchOptions(limit: 200)).hits
        #expect(hits.count == 200)
        for (a, b) in zip(hits, hits.dropFirst()) {
            #expect(a.score > b.score || (a.score == b.score && a.id < b.id), "\(a.id) \(a.score) before \(b.id) \(b.score)")
        }
    }

    @Test func excludingATrialNeverReturnsIt() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        let query = WeightedQuery(clauses: [WeightedClause(match: .term("w3"))])
        let first = try #require(try searcher.search(query).hits.first)
        let again = try searcher.search(query, options: SearchOptions(excluding: first.id))
        #expect(!again.hits.contains { $0.id == first.id })
        #expect(again.hits.count == 10)
    }
}
