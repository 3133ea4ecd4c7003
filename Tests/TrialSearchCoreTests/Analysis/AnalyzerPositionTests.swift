import Testing
@testable import TrialSearchCore

/// Positions, offsets, stop-word gaps and the gap between the values of a multi-valued field.
@Suite("Analyzer: positions and offsets")
struct AnalyzerPositionTests {
    @Test("offsets are byte offsets into the original text, for every token of real records")
    func offsetsPointAtTheSource() throws {
        let analyzer = Analyzer()
        for name in AnalysisFixtures.recordNames {
            let bytes = try AnalysisFixtures.bytes(name)
            var count = 0
            var previousPosition: Int32 = -1
            bytes.withUnsafeBufferPointer { buffer in
                _ = analyzer.analyze(bytes: buffer, field: .description) { token in
                    count += 1
                    #expect(token.startOffset >= 0 && token.startOffset < token.endOffset
                            && Int(token.endOffset) <= buffer.count, "\(name): \(token.text)")
                    #expect(token.position >= previousPosition, "\(name): positions go backwards at \(token.text)")
                    previousPosition = token.position
                    // The source of a plain ASCII word is the word itself, in any case.
                    if token.kind == .number || token.kind == .url {
                        let source = String(decoding: buffer[Int(token.startOffset)..<Int(token.endOffset)],
                                            as: UTF8.self)
                        #expect(source.lowercased().replacingOccurrences(of: ",", with: "") == token.text,
                                "\(name): \(token.text) from \(source)")
                    }
                }
            }
            #expect(count > 300, "\(name): only \(count) tokens")
        }
    }

    @Test("offsets of a sentence with multi-byte characters")
    func offsets() {
        let text = "Café α-synuclein ≥18: https://x.org/a"
        let utf8 = Array(text.utf8)
        let spans = Analyzer().tokens(text).map { token in
            "\(token.term)=" + String(decoding: utf8[Int(token.startOffset)..<Int(token.endOffset)], as: UTF8.self)
        }
        #expect(spans == ["cafe=Café", "alpha=α", "alphasynuclein=α-synuclein", "synuclein=synuclein", "gte=≥",
                          "18=18", "https://x.org/a=https://x.org/a"])
    }

    @Test("stop words leave gaps, so phrase positions survive their removal")
    func stopWordGaps() {
        let tokens = Analyzer().tokens("insufficiency of the ovary")
        #expect(tokens.map(\.term) == ["insuffici", "ovari"])
        #expect(tokens.map(\.position) == [0, 3])
    }

    @Test("firstPosition and the value gap keep phrases from matching across values")
    func valueGap() {
        let analyzer = Analyzer()
        var positions: [Int32] = []
        var next = analyzer.analyze("breast cancer", field: .condition) { positions.append($0.position) }
        #expect(next == 2 + Analyzer.valueGap)
        next = analyzer.analyze("ovarian cancer", field: .condition, firstPosition: next) { positions.append($0.position) }
        #expect(positions == [0, 1, 2 + Analyzer.valueGap, 3 + Analyzer.valueGap])
        #expect(next == 4 + 2 * Analyzer.valueGap)
        // Trailing stop words still count: the next value starts after them and the gap.
        #expect(analyzer.analyze("cancer of the", field: .condition) { _ in } == 3 + Analyzer.valueGap)
    }

    @Test("a joined form comes right after its first part, at the same position")
    func joinedOrder() {
        let kinds = Analyzer().tokens("COVID-19 vaccine").map { "\($0.kind)@\($0.position)" }
        #expect(kinds == ["word@0", "joined@0", "number@1", "word@2"])
        var all = 0
        var derived = 0
        Analyzer().analyze("COVID-19", field: .title) { token in
            all += 1
            if token.isDerived { derived += 1 }
        }
        #expect(all == 3 && derived == 1, "a field's length counts covid and 19, not covid19")
    }
}
