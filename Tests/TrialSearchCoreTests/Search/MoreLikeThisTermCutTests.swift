import Testing
@testable import TrialSearchCore

/// `MoreLikeThisParameters.keptPositions`: which of a source's best terms (best first) the query keeps,
/// from their scores and doc freqs alone.
@Suite struct MoreLikeThisTermCutTests {
    private static let scores: [Double] = [10, 8, 6, 5, 4, 3, 2, 1]
    private static let docFreqs = [5, 500, 20, 150, 30, 40, 200, 10]

    @Test func theDefaultsDropCommonTermsScoringBelowHalfTheBest() {
        let p = MoreLikeThisParameters()
        #expect(p.maxQueryTerms == 33 && p.minQueryTerms == 33 && p.costDocFreqRatio == 0.12 && p.costScore == 0.5)
        #expect(p.cutsTerms)
        // 1,000 docs: in more than 120 are positions 1 (score 8), 3 (5) and 6 (2); 1 and 3 reach half the
        // best (5), 6 goes.
        let kept = p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000)
        #expect(kept == [0, 1, 2, 3, 4, 5, 7])
    }

    @Test func withoutTheCostCutTheBestAreKeptUpToTheCeiling() {
        var p = MoreLikeThisParameters()
        p.costDocFreqRatio = 1
        #expect(!p.cutsTerms)
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == Array(0..<8))
        p.maxQueryTerms = 5
        p.minQueryTerms = 5
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == Array(0..<5))
    }

    @Test func beyondTheFloorTheCostCutDropsEveryCommonTerm() {
        var p = MoreLikeThisParameters()
        p.minQueryTerms = 2
        p.costScore = 0
        // Positions 0 and 1 are kept whatever their doc freqs; beyond, 3 and 6 (in more than 120 docs) go.
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == [0, 1, 2, 4, 5, 7])
        p.minQueryTerms = 1
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == [0, 2, 4, 5, 7])
    }

    @Test func theMassAndRelativeCutsKeepAPrefixBetweenFloorAndCeiling() {
        var p = MoreLikeThisParameters()
        p.costDocFreqRatio = 1
        p.minQueryTerms = 2
        // Sum 39: 10 + 8 + 6 + 5 = 29 < 0.75 · 39 = 29.25 ≤ 33: five terms hold 75 %.
        p.scoreMass = 0.75
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == Array(0..<5))
        p.scoreMass = 0.1
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == [0, 1])
        p.scoreMass = 1
        p.relativeScore = 0.5
        #expect(p.keptPositions(scores: Self.scores, docFreqs: Self.docFreqs, docCount: 1000) == Array(0..<4))
        // Fewer terms than the floor: all of them.
        p.minQueryTerms = 10
        #expect(p.keptPositions(scores: [3, 1], docFreqs: [1, 1], docCount: 1000) == [0, 1])
    }

    @Test func outOfRangeParametersAreRejected() {
        for change in [{ (p: inout MoreLikeThisParameters) in p.minQueryTerms = 0 },
                       { (p: inout MoreLikeThisParameters) in p.scoreMass = 0 },
                       { (p: inout MoreLikeThisParameters) in p.relativeScore = 1.5 },
                       { (p: inout MoreLikeThisParameters) in p.costDocFreqRatio = 0 },
                       { (p: inout MoreLikeThisParameters) in p.costScore = -1 }] {
            var p = MoreLikeThisParameters()
            change(&p)
            #expect(throws: RankingConfigurationError.self) { try p.validate() }
        }
        #expect(throws: Never.self) { try MoreLikeThisParameters().validate() }
    }
}
