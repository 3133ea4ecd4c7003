import Foundation
import Testing
@testable import TrialSearchCore

/// The stems a build's workers share change speed, never output.
@Suite("Shared stems")
struct SharedStemsTests {
    @Test("analyzers sharing stems give the tokens of an analyzer alone, on real registry records")
    func sharingChangesNothing() throws {
        let shared = SharedStems(algorithm: "english")
        let first = Analyzer(configuration: .default, sharedStems: shared)
        let second = Analyzer(configuration: .default, sharedStems: shared)
        let reference = Analyzer.withoutStemCache()
        for name in AnalysisFixtures.recordNames {
            let bytes = try AnalysisFixtures.bytes(name)
            // The first analyzer stems and publishes; the second finds the first's stems.
            let expected = tokens(of: bytes, reference)
            #expect(tokens(of: bytes, first) == expected, "\(name)")
            #expect(tokens(of: bytes, second) == expected, "\(name), from the shared stems")
        }
        // The second analyzer's words came from the table: each is there, with libstemmer's stem.
        let stemmer = try #require(SnowballStemmer(algorithm: "english"))
        for word in ["patients", "randomized", "eligibility", "criteria", "studies"] {
            let bytes = Array(word.utf8) + Array(repeating: 0, count: 8)
            let found = bytes.withUnsafeBufferPointer { b in
                shared.stem(of: b.baseAddress!, word.utf8.count, hash: StemCache.hash(b.baseAddress!, word.utf8.count)).map(Array.init)
            }
            #expect(found.map { String(decoding: $0, as: UTF8.self) } == stemmer.stem(word), "\(word)")
        }
    }

    @Test("words of different lengths and equal hashes are told apart; a full probe run publishes nothing more")
    func collisionsAndFullRuns() {
        let shared = SharedStems(algorithm: "english")
        func publish(_ word: String, _ stem: String, hash: UInt32) {
            Array(word.utf8).withUnsafeBufferPointer { w in
                Array(stem.utf8).withUnsafeBufferPointer { shared.publish(w.baseAddress!, w.count, hash: hash, stem: $0) }
            }
        }
        func stem(_ word: String, hash: UInt32) -> String? {
            Array(word.utf8).withUnsafeBufferPointer { w in
                shared.stem(of: w.baseAddress!, w.count, hash: hash).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        // One hash for all: each word takes the next slot of the run.
        let words = (0..<SharedStems.maxProbes + 4).map { "word" + String(repeating: "s", count: $0) }
        for word in words { publish(word, String(word.prefix(4)), hash: 7) }
        for (i, word) in words.enumerated() {
            #expect(stem(word, hash: 7) == (i < SharedStems.maxProbes ? "word" : nil), "\(word)")
        }
        // Published again (as the other worker would): no second entry, the same stem.
        publish(words[0], "word", hash: 7)
        #expect(stem(words[0], hash: 7) == "word")
        // The same slot, another hash: not found; an absent word: not found.
        #expect(stem(words[0], hash: 7 + UInt32(SharedStems.slotCount)) == nil)
        #expect(stem("absent", hash: 12345) == nil)
    }

    @Test("two threads analyzing at once through one table give the tokens of analyzers alone")
    func concurrentAnalyzers() async throws {
        let texts = try AnalysisFixtures.recordNames.map { try AnalysisFixtures.bytes($0) }
        let reference = Analyzer.withoutStemCache()
        let expected = texts.map { tokens(of: $0, reference) }
        let shared = SharedStems(algorithm: "english")
        let results = await withTaskGroup(of: (Int, [[AnalyzedToken]]).self) { group in
            for worker in 0..<2 {
                group.addTask {
                    let analyzer = Analyzer(configuration: .default, sharedStems: shared)
                    // Each in another order, so that both stem and both find.
                    let order = worker == 0 ? Array(texts.indices) : texts.indices.reversed()
                    var out = [[AnalyzedToken]](repeating: [], count: texts.count)
                    for i in order { out[i] = tokens(of: texts[i], analyzer) }
                    return (worker, out)
                }
            }
            var all: [(Int, [[AnalyzedToken]])] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 2)
        for (worker, out) in results { #expect(out == expected, "worker \(worker)") }
    }

    @Test("a table for another stemmer is not used")
    func otherAlgorithmIgnored() throws {
        let shared = SharedStems(algorithm: "porter")
        // A wrong stem under the word's hash: an analyzer for `english` must not take it.
        let word = Array("patients".utf8) + Array(repeating: 0, count: 8)
        word.withUnsafeBufferPointer { w in
            Array("wrong".utf8).withUnsafeBufferPointer {
                shared.publish(w.baseAddress!, 8, hash: StemCache.hash(w.baseAddress!, 8), stem: $0)
            }
        }
        let analyzer = Analyzer(configuration: .default, sharedStems: shared)
        #expect(analyzer.rendered("patients") == "patient@0")
    }

    private func tokens(of bytes: [UInt8], _ analyzer: Analyzer) -> [AnalyzedToken] {
        var tokens: [AnalyzedToken] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = analyzer.analyze(bytes: buffer, field: .description) { tokens.append(AnalyzedToken($0)) }
        }
        return tokens
    }
}
