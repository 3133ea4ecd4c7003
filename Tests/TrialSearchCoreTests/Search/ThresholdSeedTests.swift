import Testing
@testable import TrialSearchCore

/// `ThresholdSeed`: the threshold MaxScore starts from must never exceed the k-th best score (or
/// pruning would drop hits), and must actually be found for queries of many terms (the more-like-this
/// and long queries it is for).
@Suite struct ThresholdSeedTests {
    /// Queries of 5 to 35 plain terms, as more-like-this and long queries are: more clauses than
    /// `MaxScoreSearch.smallQuery`, so that the seed is used.
    private static func manyTermQuery(_ queries: inout RandomQueries) -> WeightedQuery {
        let fields: [Field?] = [nil, nil, nil, nil, .title, .eligibility, .condition]
        let boosts = [1.0, 0.8, 0.5, 0.3, 0.1, 2.0]
        let count = 5 + queries.int(31)
        return WeightedQuery(clauses: (0..<count).map { _ in
            WeightedClause(occur: .should, field: fields[queries.int(fields.count)], match: .term(queries.word()),
                           boost: boosts[queries.int(boosts.count)])
        })
    }

    /// The seed of every segment's query together, and of each segment's alone, is at most the k-th
    /// best score of the whole index; together it is at least each segment's alone, and above them all
    /// for some queries (the four segments' good docs count together); the shared buffers are left
    /// cleared.
    @Test(arguments: [Similarity.bm25f(.related), .tfidf(TFIDFParameters())])
    func seedIsALowerBoundOfTheKthBestScore(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: 41, trials: index.trials)
        let window = MaxScoreSearch.innerWindow
        let scratch = AccumulatorWindow(window: window)
        let accumulator = scratch.accumulator, marks = scratch.marks
        defer { scratch.deallocate() }
        var seeded = 0, raised = 0
        for round in 0..<40 {
            let query = Self.manyTermQuery(&queries)
            let limit = [1, 3, 10, 10, 50][queries.int(5)]
            let filter = queries.filter()
            let options = SearchOptions(limit: limit, filter: filter, excluding: queries.int(2) == 0 ? index.trials[round].id : nil)
            var exhaustiveOptions = options
            exhaustiveOptions.exhaustive = true
            let exhaustive = try searcher.search(query, options: exhaustiveOptions).hits
            let kth = exhaustive.count == limit ? exhaustive[limit - 1].score : -Float.infinity
            let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
            var segmentQueries: [SegmentQuery<TermScorer>] = []
            var best = -Float.infinity
            for segment in index.reader.segments {
                let model = searcher.model
                guard let q = prepared.termScorerQuery(segment, model: model, options: options) else { continue }
                segmentQueries.append(q)
                let alone = ThresholdSeed.lowerBound([q], limit: limit, window: window)
                #expect(alone <= kth, "round \(round), segment \(segment.ordinal): seed \(alone) above the k-th score \(kth) (limit \(limit))")
                best = max(best, alone)
                // The candidates of one segment, in the caller's buffers: at most `limit`, buffers left cleared.
                var scores: [Float] = []
                ThresholdSeed.candidateScores(q, limit: limit, accumulator: accumulator, marks: marks, window: window, into: &scores)
                #expect(scores.count <= limit)
                #expect((0..<scratch.capacity).allSatisfy { accumulator[$0] == 0 }, "round \(round): accumulator left dirty")
                #expect((0..<(scratch.capacity / 64)).allSatisfy { marks[$0] == 0 }, "round \(round): marks left dirty")
            }
            let together = ThresholdSeed.lowerBound(segmentQueries, limit: limit, window: window)
            #expect(together <= kth, "round \(round): seed \(together) above the k-th score \(kth) (limit \(limit))")
            #expect(together >= best, "round \(round): all segments' seed \(together) below one segment's \(best)")
            if together > -.infinity { seeded += 1 }
            if together > best { raised += 1 }
        }
        #expect(seeded > 20, "the seed should be found for most many-term queries: \(seeded)")
        #expect(raised > 0, "no query whose seed the segments raised together")
    }

    /// The clause scores the seed keeps for a segment's search (`SeededScores`) are the scores the
    /// search's own probes would compute: for each completed candidate (in increasing doc order, at most
    /// `limit`) and each clause kept, a fresh scorer advanced to the doc gives the same `Float`, or does
    /// not match where the entry says so.
    @Test(arguments: [Similarity.bm25f(.related), .default])
    func seededScoresAreTheClausesOwnScores(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        let model = searcher.model
        var queries = RandomQueries(seed: 53, trials: index.trials)
        let window = MaxScoreSearch.innerWindow
        let scratch = AccumulatorWindow(window: window)
        defer { scratch.deallocate() }
        var recorded = 0, scored = 0, unmatched = 0
        for round in 0..<40 {
            let query = Self.manyTermQuery(&queries)
            let limit = [1, 3, 10, 10, 50][queries.int(5)]
            let options = SearchOptions(limit: limit, filter: queries.filter(), excluding: queries.int(2) == 0 ? index.trials[round].id : nil)
            let prepared = try PreparedQuery(query, reader: index.reader, model: model)
            func segmentQuery(_ segment: SegmentReader) -> SegmentQuery<TermScorer>? {
                prepared.termScorerQuery(segment, model: model, options: options)
            }
            for segment in index.reader.segments {
                guard let q = segmentQuery(segment), let fresh = segmentQuery(segment) else { continue }
                var scores: [Float] = []
                var record = SeededScores.none
                ThresholdSeed.candidateScores(q, limit: limit, accumulator: scratch.accumulator, marks: scratch.marks, window: window,
                                              into: &scores, recording: &record)
                guard !record.isEmpty else { continue }
                recorded += 1
                #expect(record.clauseCount == q.optional.count)
                #expect(record.docs.count <= limit && record.docs.count == scores.count)
                #expect(zip(record.docs, record.docs.dropFirst()).allSatisfy { $0 < $1 }, "round \(round): \(record.docs)")
                for i in q.optional.indices {
                    var scorer = fresh.optional[i]
                    for (c, doc) in record.docs.enumerated() {
                        let kept = record.entry(candidate: c, clause: i)
                        if kept.isNaN { continue }
                        let expected = scorer.advance(to: doc) == doc && scorer.matches() ? scorer.score() : SeededScores.notMatched
                        #expect(kept.bitPattern == expected.bitPattern, "round \(round), clause \(i), doc \(doc): kept \(kept), scored \(expected)")
                        if kept == SeededScores.notMatched { unmatched += 1 } else { scored += 1 }
                    }
                }
            }
        }
        #expect(recorded > 20 && scored > 100 && unmatched > 100, "recorded \(recorded) segments, \(scored) scores, \(unmatched) misses")
    }

    /// A many-term query's candidates (the docs the seed completes, `SeededScores.docs`) are the `limit`
    /// best docs by the partial sums of its rarest clauses (those whose postings fit the walk, cheapest
    /// first), summed clause after clause as the walk adds them, the larger sum first and then the smaller
    /// doc, admitted docs only: the marked docs are gathered from the window's mark words whatever their
    /// number per word (up to 64; `candidateScores` takes four a word without a branch).
    @Test(arguments: [Similarity.bm25f(.related), .default])
    func candidatesAreTheBestPartialSumsOfTheRarestClauses(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        let model = searcher.model
        var queries = RandomQueries(seed: 59, trials: index.trials)
        let window = MaxScoreSearch.innerWindow
        let scratch = AccumulatorWindow(window: window)
        defer { scratch.deallocate() }
        var compared = 0, denseWords = 0
        for round in 0..<40 {
            let query = Self.manyTermQuery(&queries)
            let limit = [1, 3, 10, 10, 50][queries.int(5)]
            let options = SearchOptions(limit: limit, filter: queries.filter(), excluding: queries.int(2) == 0 ? index.trials[round].id : nil)
            let prepared = try PreparedQuery(query, reader: index.reader, model: model)
            for segment in index.reader.segments {
                guard let q = prepared.termScorerQuery(segment, model: model, options: options),
                      let fresh = prepared.termScorerQuery(segment, model: model, options: options) else { continue }
                var scores: [Float] = []
                var record = SeededScores.none
                ThresholdSeed.candidateScores(q, limit: limit, accumulator: scratch.accumulator, marks: scratch.marks, window: window,
                                              into: &scores, recording: &record)
                guard !record.isEmpty else { continue }
                // The walked clauses, as the seed picks them: cheapest first while their postings fit.
                let maxPostings = min(ThresholdSeed.maxPostings, max(limit, segment.docCount / ThresholdSeed.docsPerPosting))
                var postings = 0
                var walked: [Int] = []
                for i in fresh.optional.indices.sorted(by: { fresh.optional[$0].cost < fresh.optional[$1].cost }) {
                    let cost = fresh.optional[i].cost
                    guard postings + cost <= maxPostings else { break }
                    postings += cost
                    walked.append(i)
                }
                var sums: [DocID: Double] = [:]
                for i in walked {
                    var scorer = fresh.optional[i]
                    while scorer.nextDoc() != PostingsCursor.noMoreDocs {
                        guard scorer.matches() else { continue }
                        let score = scorer.score()
                        if score > 0 { sums[scorer.doc, default: 0] += Double(score) }
                    }
                }
                var perWord: [Int: Int] = [:]
                for doc in sums.keys { perWord[Int(doc) / 64, default: 0] += 1 }
                denseWords += perWord.values.filter { $0 > 4 }.count
                let best = sums.filter { q.admission.admits($0.key) }
                    .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(limit).map(\.key).sorted()
                #expect(record.docs == Array(best), "round \(round), segment \(segment.ordinal): \(record.docs) against \(best)")
                compared += 1
            }
        }
        #expect(compared > 20, "candidates compared for \(compared) segments")
        #expect(denseWords > 0, "no mark word of more than four docs: the test shows little")
    }

    /// With the seed in play, pruned many-term searches still equal exhaustive ones, bit for bit, with
    /// filters, deletions, an excluded source trial and a rescoring prior.
    @Test(arguments: [Similarity.bm25f(.related), .default])
    func seededSearchEqualsExhaustiveSearch(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: 43, trials: index.trials)
        for round in 0..<40 {
            let query = Self.manyTermQuery(&queries)
            let limit = [1, 3, 10, 10, 50, 1_000][queries.int(6)]
            let patient = queries.int(4) == 0 ? PatientPrior(profile: PatientProfile(ageYears: 10, sex: .female),
                                                             parameters: RescoringParameters(ageMismatchFactor: 0.5)) : nil
            let excluding = queries.int(2) == 0 ? index.trials[round * 7].id : nil
            let options = SearchOptions(limit: limit, filter: queries.filter(), excluding: excluding, patient: patient)
            var exhaustiveOptions = options
            exhaustiveOptions.exhaustive = true
            let pruned = try searcher.search(query, options: options)
            let exhaustive = try searcher.search(query, options: exhaustiveOptions)
            #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "round \(round): \(query) limit \(limit)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "round \(round): \(query)")
            if let excluding { #expect(!pruned.hits.contains { $0.id == excluding }) }
        }
    }

    /// The seed's scorers (`restartedForUseBeforeThis`): a copy of an unstarted `TermScorer` shares its
    /// decode buffers; walked (and dropped) before the original moves, it leaves the original's walk as
    /// it was. A started scorer's is a scorer of its own: both walk on independently.
    @Test func restartedScorersWalkAsTheOriginals() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: .default)
        var queries = RandomQueries(seed: 47, trials: index.trials)
        let model = searcher.model
        func walk(_ scorer: inout TermScorer) -> [(DocID, Float)] {
            var out: [(DocID, Float)] = []
            while scorer.nextDoc() != PostingsCursor.noMoreDocs { if scorer.matches() { out.append((scorer.doc, scorer.score())) } }
            return out
        }
        var walked = 0
        for _ in 0..<10 {
            let prepared = try PreparedQuery(Self.manyTermQuery(&queries), reader: index.reader, model: model)
            for segment in index.reader.segments {
                guard let q = prepared.termScorerQuery(segment, model: model) else { continue }
                guard let r = prepared.termScorerQuery(segment, model: model) else { continue }
                for (c, var original) in q.optional.enumerated() {
                    var reference = r.optional[c]
                    let expected = walk(&reference)
                    // Unstarted: the copy walks the term's docs, then the original does.
                    var copy = try #require(original.restartedForUseBeforeThis(in: segment))
                    let copied = walk(&copy)
                    #expect(copied.map(\.0) == expected.map(\.0) && copied.map(\.1) == expected.map(\.1))
                    // Started (half way): a scorer of its own, walked while the original waits mid-block.
                    var head: [(DocID, Float)] = []
                    while head.count < expected.count / 2 && original.nextDoc() != PostingsCursor.noMoreDocs {
                        head.append((original.doc, original.score()))
                    }
                    var fresh = try #require(original.restartedForUseBeforeThis(in: segment))
                    #expect(fresh.doc == -1)
                    let again = walk(&fresh)
                    #expect(again.map(\.0) == expected.map(\.0) && again.map(\.1) == expected.map(\.1))
                    let whole = head + walk(&original)
                    #expect(whole.map(\.0) == expected.map(\.0) && whole.map(\.1) == expected.map(\.1))
                    if expected.count > 256 { walked += 1 }
                }
            }
        }
        #expect(walked > 0, "no term of more than one postings block: the test shows little")
    }

    /// `kthLargest` is the k-th largest score of a list, with scores tied many times over (the replica's
    /// copies) and ±0 among them, as a sort of the list gives it.
    @Test func kthLargestOfTiedScores() {
        var rng = SeededRandom(seed: 5)
        for n in [1, 2, 16, 400, 401, 1_600, 4_096] {
            let scores = (0..<n).map { i -> Float in
                let value = Float(rng.next() % 37) / 4
                return i % 97 == 0 ? (i % 2 == 0 ? 0 : -0.0) : value
            }
            let sorted = scores.sorted(by: >)
            for k in Set([1, n, (n + 1) / 2, 1 + Int(rng.next() % UInt64(n))]) {
                #expect(ThresholdSeed.kthLargest(scores, k) == sorted[k - 1], "n \(n) k \(k)")
            }
        }
    }
}
