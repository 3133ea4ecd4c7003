import Foundation
import Testing
@testable import TrialSearchCore

/// `MoreLikeThis.selectTerms` on an index of several segments, where a candidate is first looked up in
/// the largest segment and may be passed over on that segment's docFreq alone: the kept terms, their
/// docFreqs and scores must be those of the definition (every candidate resolved in every segment,
/// scored tf · (1 + ln(N / (df + 1))), the `maxQueryTerms` best by score then term, less those the
/// cost-aware cut drops), and the kept
/// resolutions those of a one-step look-up.
@Suite struct MoreLikeThisSelectionTests {
    /// The selection by its definition, every candidate resolved in all segments.
    private static func reference(_ trial: Trial, _ p: MoreLikeThisParameters, analyzer: Analyzer,
                                  reader: IndexReader) throws -> [MoreLikeThis.SelectedTerm] {
        let n = Double(max(reader.docCount, 1))
        var all: [MoreLikeThis.SelectedTerm] = []
        for (term, frequency) in MoreLikeThis(parameters: p).termFrequencies(of: trial, analyzer: analyzer)
        where frequency >= p.minTermFrequency {
            let docFreq = try ResolvedTerm(term: term, reader: reader).statistics.docFreq
            guard docFreq >= p.minDocFreq, Double(docFreq) <= p.maxDocFreqRatio * n else { continue }
            all.append(.init(term: term, weightedFrequency: frequency, docFreq: docFreq,
                             score: frequency * (1 + log(n / Double(docFreq + 1)))))
        }
        all.sort { $0.score != $1.score ? $0.score > $1.score : $0.term < $1.term }
        // Then the cost-aware cut (`keptPositions`) on the best's scores and doc freqs.
        let best = Array(all.prefix(p.maxQueryTerms))
        return p.keptPositions(scores: best.map(\.score), docFreqs: best.map(\.docFreq),
                               docCount: max(reader.docCount, 1)).map { best[$0] }
    }

    @Test(arguments: [0.2, 0.05, 1.0])
    func selectionOverSeveralSegmentsIsTheDefinitions(maxDocFreqRatio: Double) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let reader = index.reader
        #expect(reader.segments.count > 1, "the two-step look-up needs several segments")
        let analyzer = Analyzer()
        for maxQueryTerms in [35, 8] {
            var p = MoreLikeThisParameters()
            p.maxDocFreqRatio = maxDocFreqRatio
            p.maxQueryTerms = maxQueryTerms
            let mlt = MoreLikeThis(parameters: p)
            for trial in index.trials.prefix(60) {
                var lookups = ResolvedTerms(reader: reader)
                let selected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &lookups, similarity: .default)
                let expected = try Self.reference(trial, p, analyzer: analyzer, reader: reader)
                #expect(selected.map(\.term) == expected.map(\.term), "\(trial.id), ratio \(maxDocFreqRatio), \(maxQueryTerms) terms")
                #expect(selected.map(\.docFreq) == expected.map(\.docFreq), "\(trial.id)")
                #expect(selected.map(\.score) == expected.map(\.score), "\(trial.id)")
                // The kept resolutions are the one-step look-up's, segment by segment.
                for term in selected {
                    let kept = try #require(lookups.terms[term.term])
                    let direct = try ResolvedTerm(term: term.term, reader: reader)
                    #expect(kept.statistics == direct.statistics, "\(term.term)")
                    #expect(kept.segmentInfos.map { $0?.postingsOffset } == direct.segmentInfos.map { $0?.postingsOffset }, "\(term.term)")
                }
            }
        }
    }
    /// On an index of one segment (the look-up without the per-candidate scratch of infos), the same
    /// definition holds, and each kept term's resolution is the one-step look-up's (its one info).
    @Test func selectionOnOneSegmentIsTheDefinitions() throws {
        let directory = TemporaryDirectory("mlt-one-segment")
        defer { directory.remove() }
        let trials = SyntheticTrials.make(count: 600, seed: 77)
        try indexTrials(trials, into: directory.path, options: IndexWriterOptions(workerCount: 1), workers: 1)
        let reader = try IndexReader.open(directory: directory.path)
        #expect(reader.segments.count == 1)
        let analyzer = Analyzer()
        for maxQueryTerms in [35, 8] {
            var p = MoreLikeThisParameters()
            p.maxQueryTerms = maxQueryTerms
            let mlt = MoreLikeThis(parameters: p)
            for trial in trials.prefix(40) {
                var lookups = ResolvedTerms(reader: reader)
                let selected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &lookups, similarity: .default)
                let expected = try Self.reference(trial, p, analyzer: analyzer, reader: reader)
                #expect(selected == expected, "\(trial.id), \(maxQueryTerms) terms")
                for term in selected {
                    let kept = try #require(lookups.terms[term.term])
                    let direct = try ResolvedTerm(term: term.term, reader: reader)
                    #expect(kept.statistics == direct.statistics, "\(term.term)")
                    #expect(kept.segmentInfos.count == 1)
                    #expect(kept.segmentInfos.map { $0?.postingsOffset } == direct.segmentInfos.map { $0?.postingsOffset }, "\(term.term)")
                }
            }
        }
    }

    /// A memo of the terms earlier sources found in too many docs (`CommonTermMemo`, one per index)
    /// gives every source the selection it has without it, on one segment and on several (where the
    /// memo holds the largest segment's docFreq, a lower bound), and holds only terms in too many docs.
    @Test(arguments: [0.2, 0.05])
    func aMemoOfCommonTermsGivesTheSameSelection(maxDocFreqRatio: Double) throws {
        let directory = TemporaryDirectory("mlt-memo-one-segment")
        defer { directory.remove() }
        let trials = SyntheticTrials.make(count: 600, seed: 78)
        try indexTrials(trials, into: directory.path, options: IndexWriterOptions(workerCount: 1), workers: 1)
        let one = try IndexReader.open(directory: directory.path)
        let several = try #require(SyntheticSearchIndex.shared)
        let analyzer = Analyzer()
        var p = MoreLikeThisParameters()
        p.maxDocFreqRatio = maxDocFreqRatio
        let mlt = MoreLikeThis(parameters: p)
        for (reader, sources) in [(one, Array(trials.prefix(40))), (several.reader, Array(several.trials.prefix(40)))] {
            var memo = CommonTermMemo()
            for trial in sources + sources.prefix(5) {
                var fresh = ResolvedTerms(reader: reader), remembered = ResolvedTerms(reader: reader)
                let expected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &fresh, similarity: .default)
                let selected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &remembered, similarity: .default,
                                                   memo: &memo)
                #expect(selected == expected, "\(trial.id), \(reader.segments.count) segments, ratio \(maxDocFreqRatio)")
                for term in selected {
                    let kept = try #require(remembered.terms[term.term])
                    #expect(kept.statistics == (try #require(fresh.terms[term.term])).statistics, "\(term.term)")
                }
            }
            #expect(memo.count > 0)
            let n = Double(reader.docCount)
            for (term, bound) in memo.remembered {
                let docFreq = try ResolvedTerm(term: term, reader: reader).statistics.docFreq
                #expect(Double(bound) > maxDocFreqRatio * n && bound <= docFreq, "\(term) bound \(bound) df \(docFreq)")
            }
        }
    }

    /// A caller's `lookups` that already hold some of the source's terms (resolved in every segment) do
    /// not change the selection: those terms are taken as they are, the others looked up on their bytes.
    @Test func termsAlreadyResolvedGiveTheSameSelection() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let reader = index.reader
        let analyzer = Analyzer()
        for maxQueryTerms in [35, 8] {
            var p = MoreLikeThisParameters()
            p.maxQueryTerms = maxQueryTerms
            let mlt = MoreLikeThis(parameters: p)
            for trial in index.trials.prefix(30) {
                var fresh = ResolvedTerms(reader: reader)
                let expected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &fresh, similarity: .default)
                // Every other candidate term resolved beforehand, kept or not.
                var prefilled = ResolvedTerms(reader: reader)
                let frequencies = mlt.termFrequencies(of: trial, analyzer: analyzer).keys.sorted()
                for term in frequencies.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) { _ = try prefilled.resolve(term) }
                let selected = try mlt.selectTerms(of: trial, analyzer: analyzer, lookups: &prefilled, similarity: .default)
                #expect(selected == expected, "\(trial.id), \(maxQueryTerms) terms")
                for term in selected {
                    let kept = try #require(prefilled.terms[term.term])
                    let direct = try ResolvedTerm(term: term.term, reader: reader)
                    #expect(kept.statistics == direct.statistics, "\(term.term)")
                }
            }
        }
    }

    /// The candidates go by decreasing weighted frequency, equal ones in order of first occurrence, and
    /// those under the minimum are left out.
    @Test func candidatesGoByDecreasingFrequency() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let analyzer = Analyzer()
        let mlt = MoreLikeThis()
        for trial in index.trials.prefix(40) {
            let counts = mlt.termCounts(of: trial, analyzer: analyzer)
            for minimum in [0.0, 1.0, 1.5] {
                let order = counts.candidates(minimumFrequency: minimum).map { Int($0) }
                let expected = counts.entries.indices.filter { counts.entries[$0].frequency >= minimum }
                    .sorted { counts.entries[$0].frequency != counts.entries[$1].frequency
                        ? counts.entries[$0].frequency > counts.entries[$1].frequency : $0 < $1 }
                #expect(order == expected, "\(trial.id), minimum \(minimum)")
            }
        }
    }
}
