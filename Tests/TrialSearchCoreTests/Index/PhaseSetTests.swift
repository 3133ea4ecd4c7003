import Testing
@testable import TrialSearchCore

/// `PhaseSet(phase:)` reads ClinicalTrials.gov's own phase words without building the general key; the
/// result must be the general key's.
struct PhaseSetTests {
    /// The registry's words (the fast path) against the same words upper-cased, padded and with the
    /// spaces as "_" and "-" (the general path: lowercased, white space, "_" and "-" removed).
    @Test func registryWordsMatchTheGeneralKey() {
        let expected: [(String, PhaseSet)] = [
            ("Phase 1", .phase1), ("Phase 2", .phase2), ("Phase 3", .phase3), ("Phase 4", .phase4),
            ("N/A", .notApplicable), ("Early Phase 1", .earlyPhase1),
        ]
        for (word, set) in expected {
            #expect(PhaseSet(phase: word) == set, "\(word)")
            for variant in [word.uppercased(), " \(word) ", word.replacingOccurrences(" ", with: "_"),
                            word.replacingOccurrences(" ", with: "-")] {
                #expect(PhaseSet(phase: variant) == set, "\(variant)")
            }
        }
        #expect(PhaseSet(["Phase 1", "Phase 2"]) == [.phase1, .phase2])
        #expect(PhaseSet(phase: "Phase 5") == .other)
        #expect(PhaseSet(phase: "") == [])
    }
}

private extension String {
    func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
