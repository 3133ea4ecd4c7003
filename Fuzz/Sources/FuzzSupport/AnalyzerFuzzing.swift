@testable import TrialSearchCore

/// Differential fuzzing of the tokenizer's inlined fast path (`plainWordIndex`, `cachedToken`: plain
/// words through the stem cache, with their `TermHash` handed on) against the analyzer without the
/// stem cache (every term filtered and stemmed out of line): the same tokens (term, position, offsets,
/// kind) in every field, and every `TermHash` the cache hands on is the term's own. The cached
/// analyzer lives across inputs, so its cache holds what earlier inputs put there (collisions,
/// evictions).
public final class AnalyzerFuzzing {
    let cached = Analyzer()
    let uncached = Analyzer.withoutStemCache()

    public init() {}

    public func run(_ data: UnsafeRawBufferPointer) {
        // The analyzer reads `String`s' bytes: valid UTF-8.
        let text = String(decoding: data, as: UTF8.self)
        var bytes = Array(text.utf8)
        // The fast path reads 16 bytes from a word's start: keep inputs both with and without slack.
        if data.first.map({ $0 & 1 == 1 }) == true { bytes += Array(repeating: 0x20, count: 16) }
        bytes.withUnsafeBufferPointer { b in
            for field in Field.allCases {
                let expected = tokens(uncached, b, field, checkHashes: false)
                let found = tokens(cached, b, field, checkHashes: true)
                precondition(found == expected, "field \(field): \(found.count) tokens with the stem cache, "
                    + "\(expected.count) without; first difference "
                    + "\(String(describing: zip(found, expected).first { $0 != $1 }))")
            }
        }
    }

    private func tokens(_ analyzer: Analyzer, _ bytes: UnsafeBufferPointer<UInt8>, _ field: Field,
                        checkHashes: Bool) -> [AnalyzedToken] {
        var out: [AnalyzedToken] = []
        analyzer.analyze(bytes: bytes, field: field) { token in
            if checkHashes, token.hasTermHash, let base = token.term.baseAddress {
                let (hash, prefix) = TermHash.of(base, token.term.count)
                precondition(hash == token.termHash && prefix == token.termPrefix,
                             "the cached TermHash of \(token.text) is not its own")
            }
            out.append(AnalyzedToken(token))
        }
        return out
    }
}
