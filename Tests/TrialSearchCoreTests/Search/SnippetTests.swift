import Testing
@testable import TrialSearchCore

/// Snippets show the stored text unchanged, with each matched word marked once: a hyphenated word,
/// which the analyzer indexes as its parts and its joined form (overlapping spans), is one marked word,
/// not the word followed by a repeat of its last part (`high-riskrisk`, `COVID-1919` before the fix).
/// The texts are sentences of real records of the shipped corpus.
@Suite struct SnippetTests {
    /// The analyzed terms of a query, as the search passes them.
    static func terms(_ query: String, _ analyzer: Analyzer) -> Set<String> {
        var terms = Set<String>()
        analyzer.analyze(query, field: .summary) { terms.insert($0.text) }
        return terms
    }

    static func trial(summary: String) -> Trial {
        var t = Trial(id: TrialID("NCT00468637")!, registry: "ClinicalTrials.gov",
                      source: RecordSource(file: "test", format: .clinicalStudyXML))
        t.briefSummary = summary
        return t
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let summary: String
        let query: String
        let marked: [String]
        var testDescription: String { query }
    }

    static let cases: [Case] = [
        // NCT00468637
        Case(summary: "The purpose of the study is to evaluate the influence of cardiovascular risk factors, heart failure and cardiovascular drug therapy on erectile function in cardiovascular high-risk patients.",
             query: "high-risk", marked: ["risk", "high-risk"]),
        Case(summary: "The purpose of the study is to evaluate the influence of cardiovascular risk factors, heart failure and cardiovascular drug therapy on erectile function in cardiovascular high-risk patients.",
             query: "risk", marked: ["risk", "risk"]),
        Case(summary: "The purpose of the study is to evaluate the influence of cardiovascular risk factors, heart failure and cardiovascular drug therapy on erectile function in cardiovascular high-risk patients.",
             query: "high", marked: ["high"]),
        // NCT04530357
        Case(summary: "Randomized, blind, placebo-controlled phase- i study and randomized, open phase phase-ii study of QAZCOVID-IN®- COVID-19 inactivated vaccine in healthy adult volunteers from 18 years old and elder",
             query: "COVID-19 vaccine", marked: ["COVID-19", "vaccine"]),
        // NCT04414267
        Case(summary: "a new trial is designed aiming to validate if BCG can protect against COVID-19 (Corona Virus Disease-19).",
             query: "covid19", marked: ["COVID-19"]),
    ]

    @Test(arguments: cases)
    func matchedWordsAreMarkedOnceAndTheTextIsUnchanged(_ c: Case) throws {
        let analyzer = Analyzer()
        let snippet = try #require(Snippet.make(trial: Self.trial(summary: c.summary), terms: Self.terms(c.query, analyzer),
                                                analyzer: analyzer, maxWords: 64))
        #expect(snippet.plainText == c.summary)
        #expect(snippet.parts.filter(\.isMatch).map(\.text) == c.marked)
        #expect(snippet.rendered(open: "[", close: "]").replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "") == c.summary)
    }
}

private extension String {
    func replacingOccurrences(of a: String, with b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}
