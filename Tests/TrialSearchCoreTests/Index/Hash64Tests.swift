import CIntrinsics
import Testing
@testable import TrialSearchCore

/// `Hash64` is the doc values' content hash: an index stores it, so its values must never change.
struct Hash64Tests {
    /// The definition, one 8-byte word per step, then the tail bytes.
    private static func reference(_ bytes: [UInt8]) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            var w: UInt64 = 0
            for j in 0..<8 { w |= UInt64(bytes[i + j]) << UInt64(8 * j) }
            h = (h ^ Hash64.mix(w &* k)) &* k
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ Hash64.mix(tail &* k &+ shift)) &* k
        return Hash64.mix(h)
    }

    @Test func everyLengthHashesAsTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...80 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(bytes.withUnsafeBytes { Hash64.hash($0) } == Self.reference(bytes), "\(length) bytes")
            }
        }
        // A real record's coding (a few KB: many turns of the two-word loop).
        let record = Array(String(repeating: "Ovarian insufficiency, mesenchymal stem cells. ", count: 97).utf8)
        #expect(record.withUnsafeBytes { Hash64.hash($0) } == Self.reference(record))
    }

    /// The C word loop's two paths (AVX2 lanes four words at a time, and word by word) give the
    /// definition's running hash for every word count (groups of four and the words after them), on
    /// random bytes and on a record's coding; the AVX2 path only where the CPU has it.
    @Test func wordLoopPathsAgree() {
        var generator = SystemRandomNumberGenerator()
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        let record = Array(String(repeating: "Ovarian insufficiency, mesenchymal stem cells. ", count: 97).utf8)
        let random = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let paths: [Int32] = trialsearch_hash64_vector_available() != 0 ? [0, 1] : [0]
        for bytes in [random, record] {
            for words in Array(0...40) + [bytes.count / 8 - 1, bytes.count / 8] {
                let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
                var h = seed
                for i in 0..<words {
                    var w: UInt64 = 0
                    for j in 0..<8 { w |= UInt64(bytes[8 * i + j]) << UInt64(8 * j) }
                    h = (h ^ Hash64.mix(w &* k)) &* k
                    h ^= h >> 32
                }
                for vector in paths {
                    let got = bytes.withUnsafeBytes { trialsearch_hash64_words_using($0.baseAddress, words, seed, vector) }
                    #expect(got == h, "\(words) words, vector \(vector)")
                }
            }
        }
    }

    /// Values as every index built so far stores them (computed outside Swift from the definition).
    @Test func knownValues() {
        // A buffer without a base address is hashed without the tail step (`mix` of the seed); an empty
        // buffer with one takes it: two values for no bytes, kept as they are.
        #expect(Hash64.hash(UnsafeRawBufferPointer(start: nil, count: 0)) == 0xF52A_15E9_A9B5_E89B)
        let empty = [UInt8](repeating: 0, count: 1)
        #expect(empty.withUnsafeBytes { Hash64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<0])) } == 0x0803_5F29_ACC1_08B3)
        #expect(Array("NCT05308342".utf8).withUnsafeBytes { Hash64.hash($0) } == 0x3A08_0B8B_52E0_0F10)
        let text = Array("Ovarian insufficiency, mesenchymal stem cells.".utf8)
        #expect(text.withUnsafeBytes { Hash64.hash($0) } == 0x46C5_4DCA_B0DB_F115)
    }
}
