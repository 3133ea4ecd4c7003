import Testing
import TrialSearchCore
@testable import TrialSearchKit

/// `ResultPrinter.text`: a ranking's output as one string is its `lines`, each followed by a line
/// break, byte for byte; for TREC, `TRECFormat.lines` writes the pieces straight into it, so it must
/// equal the per-line `TRECFormat.line` (the runs' byte identity depends on it).
@Suite struct ResultTextTests {
    @Test func trecTextIsTheLinesOfEachHit() throws {
        let engine = try #require(ShippedCorpusIndex.shared).engine()
        let printer = ResultPrinter(engine: engine, format: .trec(tag: "run-1"))
        for query in ["stem cell", "breast cancer", "COVID-19 vaccine", "tumor-infiltrating lymphocytes", "zzzz-none"] {
            let result = try engine.search(query, options: SearchOptions(limit: 200))
            for qid in [nil, "q7"] as [String?] {
                let text = try printer.text(qid: qid, hits: result.hits, terms: result.query.terms)
                let expected = result.hits.enumerated().map {
                    TRECFormat.line(qid: qid ?? "1", hit: $1, rank: $0 + 1, tag: "run-1") + "\n"
                }.joined()
                #expect(text == expected, "\(query)")
                #expect(text.split(separator: "\n").count == result.hits.count)
            }
        }
    }

    @Test func trecTextOfUnusualScores() {
        let scores: [Float] = [0, -0.0, 1, 5.1932273, 1e-7, 123_456_792, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity]
        let hits = scores.enumerated().map { Hit(id: TrialID("NCT0000000\($0)")!, score: $1, segment: 0, doc: DocID($0)) }
        let expected = hits.enumerated().map { TRECFormat.line(qid: "kw0001", hit: $1, rank: $0 + 1, tag: "x") + "\n" }.joined()
        #expect(TRECFormat.lines(qid: "kw0001", hits: hits, tag: "x") == expected)
        #expect(TRECFormat.lines(qid: "kw0001", hits: [], tag: "x") == "")
    }

    @Test func jsonAndHumanTextAreTheirLines() throws {
        let engine = try #require(ShippedCorpusIndex.shared).engine()
        let result = try engine.search("mesenchymal ovarian", options: SearchOptions(limit: 5))
        for format in [OutputFormat.json, .human(bold: false)] {
            let printer = ResultPrinter(engine: engine, format: format)
            let text = try printer.text(qid: "q1", hits: result.hits, terms: result.query.terms)
            let lines = try printer.lines(qid: "q1", hits: result.hits, terms: result.query.terms)
            #expect(!lines.isEmpty)
            #expect(text == lines.map { $0 + "\n" }.joined())
        }
    }
}
