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

    @Test func triggersAndTerminatorsMatchInAnyCase() {
        #expect(words("DENIES CHEST PAIN WHICH started today") == ["which", "started", "today"])
        #expect(words("NEGATIVE for HIV, HOWEVER hepatitis C positive") == ["however", "hepatitis", "c", "positive"])
        #expect(words("denial of symptoms, nothing else") == ["denial", "of", "symptoms", "nothing", "else"])
    }

    /// What `SearchEngine.rewrite` relies on to negate a note once: the affirmed text of its first
    /// sentence is the prefix of the note's affirmed text.
    @Test(arguments: [
        "A 58-year-old African-American woman presents to the ER with episodic pressing/burning anterior chest pain. She denies fever.",
        "Patient denies chest pain. Has fever.",
        "No fever, chills or cough 2.5 weeks ago! Then a rash.",
        "Hgb 2.5 without transfusion, then stable",
        "Denies CP/SOB",
    ])
    func theFirstSentenceIsNegatedAsAPrefix(text: String) {
        let sentence = String(LongQueryRewriter.firstSentence(of: text))
        let whole = Negation.affirmedText(text)
        #expect(Array(Negation.affirmedText(sentence).utf8) == Array(whole.utf8.prefix(sentence.utf8.count)))
        #expect(whole.utf8.count == text.utf8.count)
    }

    @Test func aScopeEndsAfterSixWords() {
        #expect(words("no one two three four five six seven eight") == ["seven", "eight"])
    }
}
