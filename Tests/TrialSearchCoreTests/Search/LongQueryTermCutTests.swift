import Testing
@testable import TrialSearchCore

/// The count cuts of `LongQueryRewriter.selectionCount`: how many of a note's candidates, sorted by
/// selection weight (best first), are kept.
@Suite struct LongQueryTermCutTests {
    /// Parameters with every adaptive cut off, then the ones a test sets.
    func parameters(maxTerms: Int = 1000, minTerms: Int = 1, weightMass: Double = 1,
                    relativeWeight: Double = 0) -> LongQueryParameters {
        LongQueryParameters(maxTerms: maxTerms, minTerms: minTerms, weightMass: weightMass, relativeWeight: relativeWeight)
    }

    /// Ten weights summing to 50, best first.
    let weights: [Double] = [10, 9, 8, 7, 5, 4, 3, 2, 1, 1]

    func count(_ p: LongQueryParameters, weights: [Double]? = nil) -> Int {
        LongQueryRewriter.selectionCount(weights: weights ?? self.weights, parameters: p)
    }

    @Test func withTheCutsOffTheCeilingAloneDecides() {
        #expect(count(parameters()) == 10)
        #expect(count(parameters(maxTerms: 4)) == 4)
    }

    @Test func theMassCutKeepsTheFewestBestHoldingTheShare() {
        // 10 + 9 + 8 + 7 + 5 = 39 < 40 (80 % of 50); with the 4 it is 43.
        #expect(count(parameters(weightMass: 0.8)) == 6)
        // 90 %: 45 = the first seven (10 … 3 sum to 46).
        #expect(count(parameters(weightMass: 0.9)) == 7)
        #expect(count(parameters(maxTerms: 5, weightMass: 0.9)) == 5, "the ceiling still holds")
    }

    @Test func theFloorHoldsUnderEveryCutButNotAboveTheCandidatesOrTheCeiling() {
        #expect(count(parameters(minTerms: 8, weightMass: 0.8)) == 8)
        #expect(count(parameters(minTerms: 8, relativeWeight: 0.9)) == 8)
        #expect(count(parameters(minTerms: 20, weightMass: 0.5)) == 10)
        #expect(count(parameters(maxTerms: 6, minTerms: 8, weightMass: 0.5)) == 6)
    }

    @Test func theRelativeCutDropsTermsBelowAShareOfTheBest() {
        #expect(count(parameters(relativeWeight: 0.5)) == 5)   // 5 ≥ 0.5 · 10, 4 is not
        #expect(count(parameters(relativeWeight: 0.1)) == 10)
    }

    @Test func theDefaultsAreTheMassCutBetween36And60Terms() throws {
        let p = LongQueryParameters()
        #expect(p.weightMass == 0.88 && p.minTerms == 36 && p.maxTerms == 60)
        #expect(p.relativeWeight == 0 && p.costDocFreqRatio == 1)
        try p.validate()
        // 80 equal weights: 88 % of them is 71 terms, held at the ceiling; 20 are all kept.
        #expect(count(p, weights: Array(repeating: 2, count: 80)) == 60)
        #expect(count(p, weights: Array(repeating: 2, count: 20)) == 20)
        // 50 weights, one dominant: its share alone passes 88 %, the floor keeps 36.
        #expect(count(p, weights: [1000] + Array(repeating: 1, count: 49)) == 36)
    }

    @Test func outOfRangeCutsAreRejected() {
        #expect(throws: RankingConfigurationError.self) { try LongQueryParameters(weightMass: 1.5).validate() }
        #expect(throws: RankingConfigurationError.self) { try LongQueryParameters(minTerms: 0).validate() }
        #expect(throws: RankingConfigurationError.self) { try LongQueryParameters(relativeWeight: -0.1).validate() }
        #expect(throws: RankingConfigurationError.self) { try LongQueryParameters(costDocFreqRatio: .nan).validate() }
    }

    @Test func oneCandidateOrNone() {
        #expect(count(parameters(weightMass: 0.5), weights: [3]) == 1)
        #expect(count(parameters(weightMass: 0.5), weights: []) == 0)
    }
}
