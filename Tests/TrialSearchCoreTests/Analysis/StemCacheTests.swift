import Foundation
import Testing
@testable import TrialSearchCore

/// The stem cache changes speed, never output.
@Suite("Stem cache")
struct StemCacheTests {
    @Test("same tokens with and without the cache on real registry records")
    func cacheChangesNothing() throws {
        let cached = Analyzer()
        let uncached = Analyzer.withoutStemCache()
        for name in AnalysisFixtures.recordNames {
            let bytes = try AnalysisFixtures.bytes(name)
            for field in [Field.description, .id] {
                // Twice through the cached analyzer: the second pass is served from the cache.
                let first = tokens(of: bytes, field: field, cached)
                let second = tokens(of: bytes, field: field, cached)
                let reference = tokens(of: bytes, field: field, uncached)
                #expect(first == reference, "\(name)")
                #expect(second == reference, "\(name), second pass")
            }
        }
        #expect(cached.stemCacheStatistics.words > 1000)
    }

    @Test("same tokens with and without the cache for words that end a short value")
    func cacheChangesNothingNearTheEnd() throws {
        // Short values, so that their last words (all the words of most) lie within 16 bytes of the
        // value's end, where the tokenizer's fast path hashes the word's folded copy instead of the text:
        // runs of one to three words of the records, each also upper-cased and with its first letter
        // capitalized (stop words, plurals, 1-16 letters), and a few words of their own.
        let cached = Analyzer()
        let uncached = Analyzer.withoutStemCache()
        var values: [[UInt8]] = ["a", "The", "AND", "of", "Patients", "criteria", "Inclusion Criteria",
                                 "abcdefghijklmnop", "abcdefghijklmnopq", "x1", "B cells", "running", "Studies"]
            .map { Array($0.utf8) }
        for name in AnalysisFixtures.recordNames.prefix(4) {
            let words = String(decoding: try AnalysisFixtures.bytes(name), as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(600)
            var k = 0
            while k < words.count {
                let value = words[k..<min(words.count, k + 1 + k % 3)].joined(separator: " ")
                values.append(Array(value.utf8))
                values.append(Array(value.uppercased().utf8))
                values.append(Array((value.prefix(1).uppercased() + value.dropFirst()).utf8))
                k += 1 + k % 3
            }
        }
        for pass in 0..<2 {
            for value in values {
                let reference = tokens(of: value, field: .condition, uncached)
                #expect(tokens(of: value, field: .condition, cached) == reference,
                        "\(String(decoding: value, as: UTF8.self)), pass \(pass)")
            }
        }
    }

    private func tokens(of bytes: [UInt8], field: Field, _ analyzer: Analyzer) -> [AnalyzedToken] {
        var tokens: [AnalyzedToken] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = analyzer.analyze(bytes: buffer, field: field) { tokens.append(AnalyzedToken($0)) }
        }
        return tokens
    }

    @Test("growth keeps every entry; lookups of absent keys miss")
    func growth() {
        var cache = StemCache(initialSlots: 8)
        defer { cache.deallocate() }
        let words = (0..<5000).map { "word\($0)x" + String(repeating: "y", count: $0 % 20) }
        // Keys are read 8 bytes at a time: give each its padding.
        func withPadded<R>(_ word: String, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
            let bytes = Array(word.utf8) + Array(repeating: 0, count: 8)
            return bytes.withUnsafeBufferPointer { body($0.baseAddress!, word.utf8.count) }
        }
        for (index, word) in words.enumerated() {
            withPadded(word) { key, length in
                let hash = StemCache.hash(key, length)
                #expect(cache.find(key, length, hash: hash) == -1)
                let stem = Array(word.utf8.prefix(4 + index % 9))
                _ = stem.withUnsafeBufferPointer { cache.insert(key, length, hash: hash, stem: index % 7 == 0 ? nil : $0) }
            }
        }
        #expect(cache.count == words.count)
        for (index, word) in words.enumerated() {
            withPadded(word) { key, length in
                let found = cache.find(key, length, hash: StemCache.hash(key, length))
                #expect(found >= 0, "\(word)")
                let stem = found >= 0 ? cache.stem(at: found).map { String(decoding: $0, as: UTF8.self) } : "missing"
                #expect(stem == (index % 7 == 0 ? nil : String(word.prefix(4 + index % 9))), "\(word)")
            }
        }
        withPadded("absent") { key, length in
            #expect(cache.find(key, length, hash: StemCache.hash(key, length)) == -1)
        }
    }

    @Test("the hash ignores the bytes past a key's end")
    func hashIgnoresPadding() {
        let a: [UInt8] = Array("cells".utf8) + [1, 2, 3, 4, 5, 6, 7, 8]
        let b: [UInt8] = Array("cells".utf8) + [9, 9, 9, 9, 9, 9, 9, 9]
        let ha = a.withUnsafeBufferPointer { StemCache.hash($0.baseAddress!, 5) }
        let hb = b.withUnsafeBufferPointer { StemCache.hash($0.baseAddress!, 5) }
        #expect(ha == hb)
    }

    @Test("the hash from registers equals the hash from memory for keys of 1...16 bytes")
    func hashFromWords() {
        // Words of registry text (and a few digits) of every length the tokenizer's fast path hashes.
        let words = ["a", "of", "the", "cell", "tumor", "cancer", "therapy", "patients", "pneumonia",
                     "randomized", "chemotherapy", "subcutaneous", "questionnaire", "gastrointestinal",
                     "pharmacokinetics", "immunosuppressive", "x2y4z6w8v0u2t4s6"]
        for word in words where word.utf8.count <= 16 {
            let bytes = Array(word.utf8) + Array(repeating: 0xAB, count: 16)
            let length = word.utf8.count
            var w0: UInt64 = 0, w1: UInt64 = 0
            for (k, byte) in bytes.prefix(length).enumerated() {
                if k < 8 { w0 |= UInt64(byte) << UInt64(8 * k) } else { w1 |= UInt64(byte) << UInt64(8 * (k - 8)) }
            }
            let fromMemory = bytes.withUnsafeBufferPointer { StemCache.hash($0.baseAddress!, length) }
            #expect(StemCache.hash(words: w0, w1, length) == fromMemory, "\(word)")
            #expect(bytes.withUnsafeBufferPointer { StemCache.firstWord($0.baseAddress!, length) } == w0, "\(word)")
        }
    }

    @Test("the short-word hash reaches the slot bits from every byte of the word")
    func shortHashSpreadsEveryByte() {
        // Words of 8 letters that differ in one byte only, at each position: the product's bits that
        // pick a slot depend on every byte (the high bytes are folded onto the low ones first), so
        // each set of 26 lands in 26 slots even of a table of 2^12.
        for position in 0..<8 {
            var slots = Set<UInt32>()
            for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
                var bytes = Array("patients".utf8)
                bytes[position] = letter
                let hash = bytes.withUnsafeBufferPointer { StemCache.hash($0.baseAddress!, 8) }
                slots.insert(hash & 0xFFF)
            }
            #expect(slots.count >= 25, "byte \(position): \(slots.count) slots")
        }
        // Every word of 1-3 letters (18,278) in 2^16 slots: about as many distinct slots as a random
        // hash would take (m·(1 − e^(−n/m)), about 15,950).
        var words: [[UInt8]] = []
        let letters = Array(UInt8(ascii: "a")...UInt8(ascii: "z"))
        for a in letters {
            words.append([a])
            for b in letters {
                words.append([a, b])
                for c in letters { words.append([a, b, c]) }
            }
        }
        let slots = Set(words.map { word in
            (word + Array(repeating: 0xAB, count: 8)).withUnsafeBufferPointer { StemCache.hash($0.baseAddress!, word.count) } & 0xFFFF
        })
        let random = 65_536 * (1 - exp(-Double(words.count) / 65_536))
        #expect(Double(slots.count) >= 0.97 * random, "\(slots.count) slots for \(words.count) words")
    }

    @Test("a full cache starts over and stays correct")
    func reset() {
        var cache = StemCache(initialSlots: 8)
        defer { cache.deallocate() }
        let key: [UInt8] = Array("abc".utf8) + Array(repeating: 0, count: 8)
        key.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let index = cache.insert(base, 3, hash: StemCache.hash(base, 3), stem: nil)
            #expect(cache.stem(at: index) == nil)
            cache.reset()
            #expect(cache.count == 0 && cache.resets == 1)
            #expect(cache.find(base, 3, hash: StemCache.hash(base, 3)) == -1)
        }
    }
}
