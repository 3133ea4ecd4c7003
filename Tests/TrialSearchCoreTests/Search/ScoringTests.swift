#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TrialSearchCore

/// Scores against the formulas computed naively from the trials' text, and explanations against scores.
@Suite struct ScoringTests {
    /// BM25F written out from its definition over the naive index (lossy lengths as the index keeps them).
    struct ReferenceBM25F {
        let naive: NaiveIndex
        let parameters: BM25FParameters
        let averages: [Double]
        let docCount: Int

        init(trials: [Trial], parameters: BM25FParameters) {
            let naive = NaiveIndex(trials)
            self.naive = naive
            self.parameters = parameters
            docCount = trials.count
            averages = (0..<IndexFormat.fieldCount).map { f in
                Double(naive.lengths.reduce(0) { $0 + $1[f] }) / Double(trials.count)
            }
        }

        /// Scores of every doc matching a clause of `clauses` (term clauses only).
        func scores(_ clauses: [WeightedClause]) -> [Int: Double] {
            var totals: [Int: Double] = [:]
            for clause in clauses {
                guard case let .term(term) = clause.match, let docs = naive.postings[term] else { continue }
                let fieldFilter = clause.field.map { Int($0.rawValue) }
                let matching = docs.filter { _, fields in fieldFilter.map { fields[$0] != nil } ?? true }
                let n = Double(matching.count)
                let idf = log(1 + (Double(docCount) - n + 0.5) / (n + 0.5))
                for (doc, fields) in matching {
                    var x = 0.0
                    for (f, positions) in fields where fieldFilter == nil || fieldFilter == f {
                        let field = Field(rawValue: UInt8(f)) ?? .id
                        let length = Double(FieldNorm.decode(FieldNorm.encode(naive.lengths[doc][f])))
                        let b = parameters.b[field]
                        x += parameters.weights[field] * Double(positions.count) / (1 - b + b * length / averages[f])
                    }
                    if x > 0 { totals[doc, default: 0] += clause.boost * idf * x / (parameters.k1 + x) }
                }
            }
            return totals
        }
    }

    @Test func termScoresFollowTheBM25FFormula() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        var parameters = BM25FParameters(k1: 0.9)
        parameters.b[.summary] = 0.3
        parameters.weights[.eligibility] = 0
        let searcher = try IndexSearcher(reader: index.reader, similarity: .bm25f(parameters))
        let reference = ReferenceBM25F(trials: index.trials, parameters: parameters)
        let docOf = Dictionary(uniqueKeysWithValues: index.trials.enumerated().map { ($1.id, $0) })
        var queries = RandomQueries(seed: 3, trials: index.trials)
        for _ in 0..<30 {
            let clauses = (0..<(1 + queries.int(4))).map { _ in
                WeightedClause(field: [nil, nil, Field.title, .summary][queries.int(4)], match: .term(queries.word()),
                               boost: [1, 2, 0.5][queries.int(3)])
            }
            let hits = try searcher.search(WeightedQuery(clauses: clauses), options: SearchOptions(limit: 10)).hits
            let scores = reference.scores(clauses)
            let expected = scores.filter { !index.deleted.contains(index.trials[$0.key].id) }.values.sorted(by: >)
            #expect(hits.count == min(10, expected.count))
            for hit in hits {
                let want = scores[try #require(docOf[hit.id])] ?? 0
                #expect(abs(Double(hit.score) - want) <= 1e-4 * max(1, want), "\(hit.id): \(hit.score) vs \(want)")
            }
            if let last = hits.last, expected.count >= hits.count {
                let kth = expected[hits.count - 1]
                #expect(Double(last.score) >= kth - 1e-4 * kth, "the k-th best is missing")
            }
        }
    }

    @Test(arguments: [Similarity.default, .tfidf(TFIDFParameters())])
    func explanationsEqualScores(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: 11, trials: index.trials)
        var explained = 0
        for _ in 0..<60 {
            let query = queries.query()
            let filter = queries.filter()
            let patient = queries.int(3) == 0 ? PatientPrior(profile: PatientProfile(ageYears: 12), parameters: RescoringParameters()) : nil
            let hits = try searcher.search(query, options: SearchOptions(limit: 5, filter: filter, explain: true, patient: patient)).hits
            for hit in hits {
                let explanation = try #require(hit.explanation)
                #expect(explanation.value == hit.score, "\(query): explanation \(explanation.value) vs score \(hit.score)")
                #expect(explanation.isConsistent(), "\(explanation.render())")
                explained += 1
            }
        }
        #expect(explained > 150)
    }

    @Test func explanationNamesTheFactors() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        let query = WeightedQuery(clauses: [WeightedClause(match: .term("w5")), WeightedClause(occur: .mustNot, match: .term("w399"))])
        let hit = try #require(try searcher.search(query, options: SearchOptions(limit: 1, filter: SearchFilter(statuses: ["completed"]), explain: true)).hits.first)
        let text = try #require(hit.explanation).render()
        for factor in ["idf = ln(1 + (N − n + 0.5) / (n + 0.5))", "termFreq", "field length", "average field length",
                       "field weight w", "k1", "b", "boost", "excluded term w399", "status ∈ {completed}"] {
            #expect(text.contains(factor), "\(factor) missing from\n\(text)")
        }
    }

    /// A term clause's idf explanation names the term's docFreq (kept without an array of sources since
    /// `rel21`), a phrase's lists each of its terms; the single-source initializer folds into the term's.
    @Test func idfExplanationsNameTheirSources() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        let n = try index.reader.docFreq("w5")
        let docCount = index.reader.docCount
        let term = try #require(try searcher.search(WeightedQuery(clauses: [WeightedClause(match: .term("w5"))]),
                                                    options: SearchOptions(limit: 1, explain: true)).hits.first)
        let termText = try #require(term.explanation).render()
        #expect(termText.contains("N = \(docCount) docs, n = \(n) containing the term"), "\(termText)")
        #expect(!termText.contains("idf of the phrase"))

        let model = searcher.model
        let idf = model.similarity.idf(docFreq: n, docCount: docCount)
        let listed = TermWeight(term: "w5", field: nil, fields: model.fields(for: nil), idf: idf, idfSources: [("w5", n, idf)],
                                docCount: docCount, boost: 1, weight: 1)
        let direct = TermWeight(term: "w5", field: nil, fields: model.fields(for: nil), idf: idf, docFreq: n, docCount: docCount,
                                boost: 1, weight: 1)
        for weight in [listed, direct] {
            #expect(weight.idfSources.count == 1)
            #expect(weight.idfSources.first?.term == "w5" && weight.idfSources.first?.docFreq == n && weight.idfSources.first?.idf == idf)
            #expect(weight.idfExplanation(model.similarity).render() == listed.idfExplanation(model.similarity).render())
        }
        let phrase = TermWeight(term: "\"w5 w6\"", field: nil, fields: model.fields(for: nil), idf: 2 * idf,
                                idfSources: [("w5", n, idf), ("w6", n, idf)], docCount: docCount, boost: 1, weight: 1)
        #expect(phrase.idfSources.map(\.term) == ["w5", "w6"])
        #expect(phrase.idfExplanation(model.similarity).render().contains("idf of the phrase"))
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: RankingConfigurationError.self) { try BM25FParameters(k1: -1).validate() }
        var b = FieldParameters.defaultB
        b[.title] = 1.5
        #expect(throws: RankingConfigurationError.self) { try BM25FParameters(b: b).validate() }
        var w = FieldWeights.default
        w[.summary] = -0.1
        #expect(throws: RankingConfigurationError.self) { try Similarity.tfidf(TFIDFParameters(weights: w)).validate() }
        #expect(throws: Never.self) { try Similarity.default.validate() }
    }

    /// `TermScorer.forEachCompetitiveScore` (a block's run at a time, the loop `MaxScoreSearch` and
    /// `accumulate` use) gives the docs and scores, bit for bit, that `nextDoc()` and `score()` give doc
    /// by doc: for default-field clauses (BM25F with its table of single occurrences), clauses named to a
    /// field (docs holding the term elsewhere skipped), TF-IDF, runs cut at random docs, inside and
    /// across blocks, on every segment (deleted docs included: scorers do not filter them). With a
    /// threshold (raised by the callback, as a top-1 collector would) it hands over exactly the docs not
    /// below `TermScorer.competitiveCutoff(threshold, rest:)`, among them every doc that
    /// `boundIsBelow(score + rest, threshold)` does not prune.
    @Test(arguments: [Similarity.default, .tfidf(TFIDFParameters())])
    func blockRunScoresEqualDocByDocScores(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var rng = SeededRandom(seed: 77)
        var runs = 0
        for word in SyntheticTrials.vocabulary.prefix(40) {
            for field in [nil, Field.title, .condition] {
                let query = WeightedQuery(clauses: [WeightedClause(field: field, match: .term(word))])
                let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
                guard let clause = prepared.clauses.first, case let .term(weight, resolved) = clause.match else { continue }
                for segment in index.reader.segments {
                    guard var byDoc = PreparedQuery.termScorer(weight, resolved, segment: segment, model: searcher.model),
                          var byRun = PreparedQuery.termScorer(weight, resolved, segment: segment, model: searcher.model) else { continue }
                    var expected: [String] = []
                    var scores: [(doc: DocID, score: Float)] = []
                    var d = byDoc.nextDoc()
                    while d != PostingsCursor.noMoreDocs {
                        let score = byDoc.score()
                        if score > 0 {
                            expected.append("\(d) \(score.bitPattern)")
                            scores.append((d, score))
                        }
                        d = byDoc.nextDoc()
                    }
                    var got: [String] = []
                    d = byRun.nextDoc()
                    while d != PostingsCursor.noMoreDocs {
                        let last = d + DocID(rng.next() % (rng.next() % 2 == 0 ? 20 : 2_000))
                        byRun.forEachCompetitiveScore(through: last, rest: 0, threshold: -.infinity) { doc, score in
                            #expect(doc <= last)
                            got.append("\(doc) \(score.bitPattern)")
                            return -.infinity
                        }
                        #expect(byRun.doc > last, "\(word): the run stops past \(last)")
                        d = byRun.doc
                        runs += 1
                    }
                    let label = "\(field.map { "\($0.name):" } ?? "")\(word) in segment \(segment.ordinal)"
                    #expect(got == expected, "\(label)")
                    // Pruned: the docs a threshold that rises to the best score so far lets through.
                    guard var pruned = PreparedQuery.termScorer(weight, resolved, segment: segment, model: searcher.model),
                          let best = scores.map(\.score).max() else { continue }
                    let rest = best * Float(rng.next() % 4) / 8
                    let start = best * Float(rng.next() % 4) / 4
                    // The scorer drops the docs below its cutoff (`competitiveCutoff`): all of them fail the
                    // bound test, and it lets through every doc that passes that test.
                    var expectedPassed: [DocID] = [], boundPassed: [DocID] = []
                    var t = start
                    for (doc, score) in scores where !(score < TermScorer.competitiveCutoff(t, rest: rest)) {
                        expectedPassed.append(doc)
                        if !boundIsBelow(score + rest, t) { boundPassed.append(doc) }
                        t = max(t, score + rest)
                    }
                    var tb = start, exactPassed: [DocID] = []
                    for (doc, score) in scores where !boundIsBelow(score + rest, tb) {
                        exactPassed.append(doc)
                        tb = max(tb, score + rest)
                    }
                    #expect(boundPassed == exactPassed, "\(label): every doc the bound test passes is let through")
                    #expect(!expectedPassed.isEmpty, "\(label): the best doc passes")
                    var passed: [DocID] = []
                    var current = start
                    d = pruned.nextDoc()
                    while d != PostingsCursor.noMoreDocs {
                        let last = d + DocID(rng.next() % 500)
                        pruned.forEachCompetitiveScore(through: last, rest: rest, threshold: current) { doc, score in
                            passed.append(doc)
                            current = max(current, score + rest)
                            return current
                        }
                        d = pruned.doc
                    }
                    #expect(passed == expectedPassed, "\(label): pruned by threshold, rest \(rest)")
                }
            }
        }
        #expect(runs > 500)
    }
}
