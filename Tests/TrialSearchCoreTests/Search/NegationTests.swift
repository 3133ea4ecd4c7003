import Testing
@testable import TrialSearchCore

/// Negated findings of real TREC 2021 notes are removed; affirmed ones and the rest of the note stay.
@Suite struct NegationTests {
    func words(_ text: String) -> [String] {
        Negation.affirmedText(text).lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    @Test(arguments: [
        ("Denies CP/SOB. Has fever.", ["has", "fever"]),
        ("No sensory or motor defects", []),
        ("She reports no fever, chills or cough but has a headache.", ["she", "reports", "but", "has", "a", "headache"]),
        ("Abdomen unremarkable. Liver biopsy negative for malignancy; BRCA positive.", ["abdomen", "liver", "biopsy", "brca", "positive"]),
        ("Hgb 2.5 without transfusion, then stable", ["hgb", "2", "5"]),
        ("Patient did not tolerate beta blockers (no asthma).", ["patient", "did"]),
    ])
    func negatedScopesAreRemoved(text: String, kept: [String]) {
        #expect(words(text) == kept, "\(text)")
    }

    @Test func aScopeEndsAfterSixWords() {
        #expect(words("no one two three four five six seven eight") == ["seven", "eight"])
    }
}
