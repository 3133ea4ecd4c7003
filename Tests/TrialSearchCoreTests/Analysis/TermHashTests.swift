import Testing
@testable import TrialSearchCore

/// `TermHash` (the term table's hash, kept by the stem cache and handed over with tokens) and the
/// tokenizer's eight-bytes-at-a-time fold, on real registry text.
struct TermHashTests {
    /// The zero-padded first word, read with overlapping loads, equals the bytes taken one at a time.
    @Test func wordMatchesBytes() throws {
        let text = try AnalysisFixtures.bytes("NCT04501796.xml")
        try #require(text.count > 4_096)
        text.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return }
            for start in stride(from: 0, to: 4_000, by: 37) {
                for n in 0...20 {
                    var expected: UInt64 = 0
                    for k in 0..<min(n, 8) { expected |= UInt64(p[start + k]) << UInt64(8 * k) }
                    #expect(TermHash.word(p + start, n) == expected, "offset \(start), \(n) bytes")
                }
            }
        }
    }

    /// Every token that comes with a term hash (a stem from the cache) carries the hash of its own term,
    /// so the index files it where a token hashed afresh would go; and the tokens are the same with the
    /// cache off (the fold of mixed letter-digit words such as `4Plants` included).
    @Test(arguments: AnalysisFixtures.recordNames)
    func tokenHashesMatchTerms(name: String) throws {
        let text = String(decoding: try AnalysisFixtures.bytes(name), as: UTF8.self) + " 4Plants COVID19 2Abc x9"
        let analyzer = Analyzer(configuration: .default, usesStemCache: true)
        var hashed = 0
        var mismatches = 0
        _ = analyzer.analyze(text, field: .summary) { token in
            guard token.hasTermHash, let base = token.term.baseAddress else { return }
            hashed += 1
            let (hash, prefix) = TermHash.of(base, token.term.count)
            if hash != token.termHash || prefix != token.termPrefix { mismatches += 1 }
        }
        #expect(hashed > 100)
        #expect(mismatches == 0)
        let uncached = Analyzer(configuration: .default, usesStemCache: false)
        #expect(analyzer.tokens(text) == uncached.tokens(text))
        #expect(analyzer.terms("4Plants MSCs 12ab") == ["4plants", "msc", "12ab"])
    }
}
