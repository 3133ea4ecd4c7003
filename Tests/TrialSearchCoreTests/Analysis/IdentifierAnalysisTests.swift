import Testing
@testable import TrialSearchCore

/// The `id` field: identifiers whole and by their parts, without stop words or stemming.
@Suite("Analyzer: id field")
struct IdentifierAnalysisTests {
    static let cases: [AnalysisCase] = [
        AnalysisCase(text: "NCT05308342", expected: "nct05308342@0(identifier)"),
        AnalysisCase(text: "ChiCTR2000029953", expected: "chictr2000029953@0(identifier)"),
        AnalysisCase(text: "SZ-POF-2019-4",
                     expected: "sz@0 sz-pof-2019-4@0(identifier) pof@1 2019@2(number) 4@3(number)"),
        AnalysisCase(text: "EudraCT 2020-001234-56; U1111-1234-5678",
                     expected: "eudract@0(identifier) 2020@1(number) 2020-001234-56@1(identifier) 001234@2(number) "
                         + "56@3(number) u1111@4 u1111-1234-5678@4(identifier) 1234@5(number) 5678@6(number)",
                     why: "white space and ; separate ids"),
        AnalysisCase(text: " (NCT00498862). ", expected: "nct00498862@0(identifier)",
                     why: "surrounding punctuation is not part of the id"),
        AnalysisCase(text: "ＮＣＴ０１", expected: "nct01@0(identifier)", why: "full-width folds to ASCII"),
        AnalysisCase(text: "THE-STUDIES", expected: "the@0 the-studies@0(identifier) studies@1",
                     why: "no stop words, no stemming"),
        AnalysisCase(text: "", expected: ""),
    ]

    @Test("table of id cases", arguments: cases)
    func analyze(_ example: AnalysisCase) {
        #expect(Analyzer().rendered(example.text, field: .id) == example.expected, "\(example.why)")
    }

    @Test("offsets of an id's parts")
    func offsets() {
        let tokens = Analyzer().tokens("  SZ-POF-2019-4", field: .id)
        #expect(tokens.map { "\($0.startOffset)..<\($0.endOffset)" } == ["2..<4", "2..<15", "5..<8", "9..<13", "14..<15"])
    }
}
