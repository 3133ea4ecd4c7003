import Foundation
import Testing
import TrialSearchCore
@testable import TrialSearchKit

/// The long-query and related-trials methods of `Benchmarks/research/FINDINGS.md` as the engine runs
/// them on the shipped corpus: which terms a note and a source record give, with which boosts, and which
/// scoring each kind of query gets.
@Suite struct LongQueryAndRelatedTests {
    /// A case note in the style of the TREC topics (age and diagnosis first, numbers with units, negated
    /// findings).
    static let note = """
        A 31-year-old woman with premature ovarian insufficiency and amenorrhea for 14 months. She denies \
        hot flashes. FSH 78 mIU/ml, estradiol 12 pg/ml, AMH undetectable. Karyotype 46,XX. She wishes to \
        conceive and asks about stem cell treatment of the ovary.
        """

    @Test func firstSentenceEndsAtTheFirstStopFollowedBySpace() {
        #expect(LongQueryRewriter.firstSentence(of: "A 3.5 cm mass. Then more.") == "A 3.5 cm mass.")
        #expect(LongQueryRewriter.firstSentence(of: "Fever? Yes.") == "Fever?")
        #expect(LongQueryRewriter.firstSentence(of: "no stop at all") == "no stop at all")
        #expect(LongQueryRewriter.firstSentence(of: "ends here.") == "ends here.")
        #expect(LongQueryRewriter.firstSentence(of: "line one.\nline two") == "line one.")
    }

    @Test func aNoteKeepsItsInformativeTermsWithConditionPriorAndFirstSentenceBoost() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let rewritten = try engine.rewrite(Self.note, mode: .text)
        #expect(rewritten.mode == .text)
        var boosts: [String: Double] = [:]
        for clause in rewritten.query.clauses {
            guard case let .term(term) = clause.match else { Issue.record("not a term: \(clause)"); continue }
            #expect(boosts[term] == nil, "each distinct term once: \(term)")
            boosts[term] = clause.boost
        }
        // Numbers and units are dropped; the negated finding ("denies hot flashes") too.
        for dropped in ["31", "14", "78", "12", "ml", "pg", "hot", "flash"] {
            #expect(boosts[dropped] == nil, "\(dropped) in \(rewritten.query)")
        }
        // Kept: the diagnosis (first sentence) and what the rest of the note asks about.
        for kept in ["prematur", "ovarian", "insuffici", "amenorrhea", "stem", "cell", "estradiol"] {
            #expect(boosts[kept] != nil, "\(kept) missing from \(rewritten.query)")
        }
        // Dropped: the narrative words ("year-old woman", "months", "she", "about") and single letters.
        for narrative in ["year", "old", "woman", "month", "she", "about"] {
            #expect(boosts[narrative] == nil, "\(narrative) in \(rewritten.query)")
        }
        #expect(boosts.keys.allSatisfy { $0.utf8.count >= 2 }, "\(rewritten.query)")
        // Each boost is (1 + 2 · condition share) × 1.25 when the first sentence states the term.
        let first: Set<String> = ["woman", "prematur", "ovarian", "insuffici", "amenorrhea", "month", "year", "old"]
        for (term, boost) in boosts {
            let statistics = try engine.reader.termStatistics(term)
            let share = LongQueryRewriter.conditionShare(statistics)
            let expected = (1 + 2 * share) * (first.contains(term) ? 1.25 : 1)
            #expect(abs(boost - expected) < 1e-9, "\(term): boost \(boost), expected \(expected)")
        }
        // A condition word of the first sentence outweighs the first-sentence boost alone.
        let condition = try #require(boosts["insuffici"])
        #expect(condition > 1.25)
    }

    @Test func eachKindOfQueryIsScoredWithItsOwnSimilarity() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        #expect(engine.searcher.similarity == .default)
        #expect(engine.longQuerySearcher.similarity == .bm25f(.longQuery))
        #expect(engine.relatedSearcher.similarity == .bm25f(.related))
        #expect(BM25FParameters.longQuery.k1 == 3 && BM25FParameters.related.k1 == 8)
        for field in [Field.id, .outcome, .sponsor, .location] { #expect(BM25FParameters.longQuery.weights[field] == 0) }
        // A long query's hits carry the scores of the long-query searcher, not the keyword one.
        let result = try engine.search(Self.note, mode: .text, options: SearchOptions(limit: 5))
        let direct = try engine.longQuerySearcher.search(result.query.query, options: SearchOptions(limit: 5))
        let keyword = try engine.searcher.search(result.query.query, options: SearchOptions(limit: 5))
        if result.query.profile == nil {
            #expect(result.hits.map(\.score) == direct.hits.map(\.score))
        }
        #expect(result.hits.map(\.score) != keyword.hits.map(\.score))
        // --explain names what a boost is made of.
        let explained = try engine.search(Self.note, mode: .text, options: SearchOptions(limit: 1, explain: true))
        let tree = try #require(explained.hits.first?.explanation).render()
        #expect(tree.contains("condition prior ×(1 + 2 · condition share"), "\(tree)")
        #expect(tree.contains("k1"))
        let poi = try #require(TrialID("NCT03033277"))
        let source = try #require(try engine.trial(poi))
        let relatedTree = try #require(try engine.related(to: source, options: SearchOptions(limit: 1, explain: true))
            .hits.first?.explanation).render()
        #expect(relatedTree.contains("source term score"), "\(relatedTree)")
        // --similarity tfidf scores every kind with TF-IDF.
        let tfidf = RankingConfiguration.tfidf
        for similarity in [tfidf.similarity, tfidf.longQuerySimilarity, tfidf.relatedSimilarity] {
            #expect(similarity.name == "tfidf")
        }
    }

    /// The source's terms as a `[String: Double]` counted token by token (how `MoreLikeThis` counted
    /// before `SourceTermCounts`): the reference for the byte-keyed table.
    static func referenceFrequencies(_ trial: Trial, _ p: MoreLikeThisParameters, _ analyzer: Analyzer) -> [String: Double] {
        var frequencies: [String: Double] = [:]
        func count(_ value: String, _ field: Field, _ weight: Double) {
            guard weight > 0 else { return }
            analyzer.analyze(value, field: field) { token in
                let bytes = token.term
                guard bytes.count >= p.minimumTermLength, !token.isDerived else { return }
                if p.dropNumbers && bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) { return }
                frequencies[String(decoding: bytes, as: UTF8.self), default: 0] += weight
            }
        }
        for field in Field.allCases where p.fieldWeights[field] > 0 {
            let w = p.fieldWeights[field]
            if field == .intervention {
                for i in trial.interventions {
                    for name in [i.type, i.name] + i.otherNames where !name.isEmpty { count(name, field, w) }
                    count(i.description, field, w * p.descriptionShare)
                }
                for a in trial.armGroups {
                    count(a.label, field, w)
                    count(a.description, field, w * p.descriptionShare)
                }
                continue
            }
            trial.forEachValue(of: field) { count($0, field, w) }
        }
        return frequencies
    }

    @Test func relatedBoostReasonsAreWrittenOnlyWhenExplaining() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let id = try #require(TrialID("NCT03033277"))
        let plain = try engine.related(to: id, options: SearchOptions(limit: 10))
        let explained = try engine.related(to: id, options: SearchOptions(limit: 10, explain: true))
        // The 33 best terms less the 4 in more than 12 % of the trials scoring below half the best.
        #expect(plain.query.clauses.count == 29 && plain.query.clauses.allSatisfy { $0.boostReason.isEmpty })
        #expect(explained.query.clauses.allSatisfy { $0.boostReason.hasPrefix("source term score ") })
        // The same terms, boosts and hits either way.
        #expect(plain.query.description == explained.query.description)
        #expect(plain.hits.map(\.doc) == explained.hits.map(\.doc) && plain.hits.map(\.score) == explained.hits.map(\.score))
        let reason = try #require(explained.hits.first?.explanation?.render())
        #expect(reason.contains("source term score"))
    }

    @Test func relatedTermCountsMatchAStringDictionaryOnShippedRecords() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        var everyField = MoreLikeThisParameters(dropNumbers: true, minimumTermLength: 3, descriptionShare: 0.25)
        everyField.fieldWeights = FieldParameters(all: 1)
        var largest = 0
        for parameters in [engine.configuration.moreLikeThis, everyField] {
            let mlt = MoreLikeThis(parameters: parameters)
            let segment = try #require(engine.reader.segments.first)
            for doc in 0..<min(segment.docCount, 150) {
                let trial = try segment.trial(DocID(doc))
                let counted = mlt.termFrequencies(of: trial, analyzer: engine.analyzer)
                #expect(counted == Self.referenceFrequencies(trial, parameters, engine.analyzer), "\(trial.id)")
                largest = max(largest, counted.count)
            }
        }
        // Some source has more distinct terms than the table's first 512 slots hold at half load.
        #expect(largest > 256, "largest source: \(largest) terms")
    }

    /// On one segment (every candidate looked up in one step, on its bytes) the selection is the
    /// definition's: every candidate resolved, scored tf · (1 + ln(N / (df + 1))), the `maxQueryTerms`
    /// best by score then term less those the cost-aware cut drops; the kept resolutions are a plain
    /// look-up's.
    @Test func relatedSelectionOnOneSegmentIsTheDefinitions() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let reader = engine.reader
        #expect(reader.segments.count == 1)
        let n = Double(reader.docCount)
        let segment = try #require(reader.segments.first)
        for maxQueryTerms in [35, 8] {
            var p = engine.configuration.moreLikeThis
            p.maxQueryTerms = maxQueryTerms
            let mlt = MoreLikeThis(parameters: p)
            for doc in stride(from: 0, to: segment.docCount, by: max(segment.docCount / 60, 1)) {
                let trial = try segment.trial(DocID(doc))
                var all: [(term: String, docFreq: Int, score: Double)] = []
                for (term, frequency) in mlt.termFrequencies(of: trial, analyzer: engine.analyzer) {
                    let docFreq = try ResolvedTerm(term: term, reader: reader).statistics.docFreq
                    guard docFreq >= p.minDocFreq, Double(docFreq) <= p.maxDocFreqRatio * n else { continue }
                    all.append((term, docFreq, frequency * (1 + log(n / Double(docFreq + 1)))))
                }
                all.sort { $0.score != $1.score ? $0.score > $1.score : $0.term < $1.term }
                var lookups = ResolvedTerms(reader: reader)
                let selected = try mlt.selectTerms(of: trial, analyzer: engine.analyzer, lookups: &lookups,
                                                   similarity: engine.configuration.relatedSimilarity)
                // The best, less those the cost-aware cut drops (`keptPositions`).
                let best = Array(all.prefix(maxQueryTerms))
                let expected = p.keptPositions(scores: best.map(\.score), docFreqs: best.map(\.docFreq),
                                               docCount: reader.docCount).map { best[$0] }
                #expect(selected.map(\.term) == expected.map(\.term), "\(trial.id), \(maxQueryTerms) terms")
                #expect(selected.map(\.docFreq) == expected.map(\.docFreq) && selected.map(\.score) == expected.map(\.score), "\(trial.id)")
                #expect(lookups.terms.count == selected.count)
                for term in selected {
                    let kept = try #require(lookups.terms[term.term])
                    let direct = try ResolvedTerm(term: term.term, reader: reader)
                    #expect(kept.statistics == direct.statistics && kept.segmentInfos == direct.segmentInfos, "\(term.term)")
                }
            }
        }
    }

    @Test func relatedTermsComeFromTheSourceFieldsWithClassicIDFAndBoostScoreOverBest() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let id = try #require(TrialID("NCT03033277"))
        let source = try #require(try engine.trial(id))
        let mlt = MoreLikeThis(parameters: engine.configuration.moreLikeThis)
        var lookups = ResolvedTerms(reader: engine.reader)
        let selected = try mlt.selectTerms(of: source, analyzer: engine.analyzer, lookups: &lookups,
                                           similarity: engine.configuration.relatedSimilarity)
        let defaults = MoreLikeThisParameters()
        #expect(defaults.maxQueryTerms == 33 && defaults.maxDocFreqRatio == 0.2)
        #expect(defaults.costDocFreqRatio == 0.12 && defaults.costScore == 0.5)
        #expect(selected.count == 29)
        let frequencies = mlt.termFrequencies(of: source, analyzer: engine.analyzer)
        let n = Double(engine.reader.docCount)
        let best = try #require(selected.first?.score)
        for term in selected {
            #expect(term.docFreq >= 2 && Double(term.docFreq) <= 0.2 * n, "\(term.term) df \(term.docFreq)")
            // A term in more than 12 % of the trials stays only when it scores at least half the best.
            #expect(Double(term.docFreq) <= 0.12 * n || term.score >= 0.5 * best, "\(term.term) df \(term.docFreq)")
            let expected = try #require(frequencies[term.term]) * (1 + log(n / Double(term.docFreq + 1)))
            #expect(abs(term.score - expected) < 1e-9, "\(term.term)")
        }
        // Outcome measures and sponsors give no terms: "follicl" is in the source's outcomes only.
        #expect(frequencies["follicl"] == nil)
        #expect(frequencies["zoolog"] == nil)
        // Intervention names count half; their descriptions (`ultrason`) not at all.
        #expect(frequencies["ultrason"] == nil)
        #expect(frequencies["hucmsc"] == 1 || frequencies["huc"] != nil)
        let query = try #require(try mlt.query(for: source, analyzer: engine.analyzer, lookups: &lookups,
                                               similarity: engine.configuration.relatedSimilarity))
        #expect(query.clauses.first?.boost == 1)
        #expect(query.clauses.allSatisfy { $0.boost > 0 && $0.boost <= 1 })
        // The related trials of a POI stem-cell trial are POI trials, itself excluded.
        let related = try engine.related(to: source, options: SearchOptions(limit: 5))
        #expect(!related.hits.contains { $0.id == source.id })
        for hit in related.hits {
            let trial = try engine.trial(for: hit)
            #expect(trial.conditions.joined(separator: " ").lowercased().contains("ovar"), "\(hit.id): \(trial.conditions)")
        }
    }
    /// Terms in more than a fifth of the trials are not selected, however often the source says them: with
    /// the ratio at 0.5 the source's query holds some of them, with the default none, and the rarer terms
    /// that take their places keep the source's POI cell-therapy trials the ten most like it.
    @Test func relatedTermsLeaveOutTermsInMoreThanAFifthOfTheTrials() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let id = try #require(TrialID("NCT03033277"))
        let source = try #require(try engine.trial(id))
        let n = Double(engine.reader.docCount)
        func selected(ratio: Double) throws -> [MoreLikeThis.SelectedTerm] {
            var parameters = engine.configuration.moreLikeThis
            parameters.maxDocFreqRatio = ratio
            parameters.costDocFreqRatio = 1  // the ratio alone, without the cost-aware cut
            var lookups = ResolvedTerms(reader: engine.reader)
            return try MoreLikeThis(parameters: parameters).selectTerms(of: source, analyzer: engine.analyzer, lookups: &lookups,
                                                                       similarity: engine.configuration.relatedSimilarity)
        }
        let loose = try selected(ratio: 0.5)
        let common = loose.filter { Double($0.docFreq) > 0.2 * n }
        #expect(!common.isEmpty, "no term of the source in more than a fifth of the trials: the test shows nothing")
        let strict = try selected(ratio: engine.configuration.moreLikeThis.maxDocFreqRatio)
        #expect(strict.count == 33)
        #expect(strict.allSatisfy { Double($0.docFreq) <= 0.2 * n })
        #expect(Set(strict.map(\.term)).isDisjoint(with: common.map(\.term)))
        // The terms both keep have the same scores (the ratio only filters).
        let looseScores = Dictionary(uniqueKeysWithValues: loose.map { ($0.term, $0.score) })
        for term in strict { if let score = looseScores[term.term] { #expect(score == term.score, "\(term.term)") } }
        let poi: Set = ["NCT01742533", "NCT01853501", "NCT02043743", "NCT02603744", "NCT02644447", "NCT02779374",
                        "NCT03816852", "NCT03877471", "NCT05308342"]
        let related = try engine.related(to: source, options: SearchOptions(limit: 10)).hits.map(\.id.rawValue)
        #expect(related.prefix(5).allSatisfy { poi.contains($0) }, "\(related)")
    }

    /// A related query runs MaxScore with one outer window per segment (`useMoreLikeThisWindows`): the
    /// same hits, in the same order with the same scores, as scoring every matching trial.
    @Test func relatedTrialsArePrunedExactly() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        for raw in ["NCT03033277", "NCT05308342", "NCT01742533", "NCT02779374"] {
            let id = try #require(TrialID(raw))
            let source = try #require(try engine.trial(id))
            let pruned = try engine.related(to: source, options: SearchOptions(limit: 20)).hits
            let exhaustive = try engine.related(to: source, options: SearchOptions(limit: 20, exhaustive: true)).hits
            #expect(pruned.count == 20)
            #expect(pruned.map(\.id) == exhaustive.map(\.id), "\(raw)")
            #expect(pruned.map(\.score) == exhaustive.map(\.score), "\(raw)")
        }
    }
}
