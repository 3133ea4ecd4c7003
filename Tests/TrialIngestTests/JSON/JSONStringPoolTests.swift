import Testing
@testable import TrialIngest
import TrialSearchCore

/// The worker's pool of repeated JSON string values gives the `String` that `String(decoding:as:)`
/// makes of the same bytes, whatever it holds, and the fast path's `Trial`s with a pool are the
/// `Trial`s without one.
@Suite struct JSONStringPoolTests {
    /// `value` looked up in `pool` the way the decoder looks it up (sixteen readable bytes from a small
    /// value on: the bytes past it are garbage, which the look-up must ignore).
    static func pooled(_ value: String, in pool: JSONStringPool, garbage: UInt8 = 0xAB) -> String {
        var bytes = Array(value.utf8)
        let n = bytes.count
        bytes.append(contentsOf: [UInt8](repeating: garbage, count: 16))
        return bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return "" }
            if n <= JSONStringPool.smallLength { return pool.smallString(base, count: n) }
            return pool.string(base, count: n)
        }
    }

    @Test func givesTheDecodedStringOfTheBytes() {
        let pool = JSONStringPool()
        // Every length up to the longest pooled one, ASCII and not, each twice (a miss, then a hit),
        // and with other garbage after it.
        let words = ["Research Site", "Università degli Studi di Milano", "Zürich", "北京协和医院", "Phase 2", ""]
        for length in 0...JSONStringPool.maxLength {
            let ascii = String(repeating: "a", count: length)
            #expect(Self.pooled(ascii, in: pool) == ascii)
            #expect(Self.pooled(ascii, in: pool, garbage: 0x00) == ascii)
            #expect(Self.pooled(ascii, in: pool, garbage: 0x22) == ascii)
        }
        for word in words {
            #expect(Self.pooled(word, in: pool) == word)
            #expect(Self.pooled(word, in: pool, garbage: 0) == word)
        }
        // Values that differ only in their last byte, or past the eighth, or in length.
        let near = ["Research Site A", "Research Site B", "Research Site", "Research Sites", "Research Site  ",
                    "University Hospital of Nantes", "University Hospital of Nantez", "University Hospital"]
        for _ in 0..<2 {
            for word in near { #expect(Self.pooled(word, in: pool) == word) }
        }
    }

    @Test func manyMoreValuesThanSlots() {
        // Four times the slots of distinct values of each kind, twice over: slots are replaced, values
        // never mixed up.
        let pool = JSONStringPool()
        let count = 4 * JSONStringPool.slotCount
        for _ in 0..<2 {
            for k in 0..<count {
                let small = "site \(k)"
                let large = "Investigational Site Number \(k)"
                #expect(Self.pooled(small, in: pool) == small)
                #expect(Self.pooled(large, in: pool) == large)
            }
        }
    }

    /// A value longer than the pool's goes by it, and invalid UTF-8 is repaired as `String(decoding:)`
    /// repairs it (the decoder refuses such records before, but the pool does not depend on it).
    @Test func repairsAsTheStringDoes() {
        let pool = JSONStringPool()
        for bytes: [UInt8] in [[0x41, 0xFF, 0x42], [0xE4, 0xB8] + Array("and more than sixteen".utf8)] {
            let expected = String(decoding: bytes, as: UTF8.self)
            for _ in 0..<2 {
                let got = (bytes + [UInt8](repeating: 0, count: 16)).withUnsafeBufferPointer { b in
                    bytes.count <= JSONStringPool.smallLength
                        ? pool.smallString(b.baseAddress!, count: bytes.count)
                        : pool.string(b.baseAddress!, count: bytes.count)
                }
                #expect(got == expected)
            }
        }
    }

    @Test func fixtureRecordsAreTheSameWithAPool() throws {
        let (trials, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        let pool = JSONStringPool()
        // Twice through one pool: the second pass takes its repeated values from it.
        for pass in 0..<2 {
            for trial in trials {
                let line = trial.jsonString
                let decoded = Array(line.utf8).withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64, pool: pool) }
                #expect(decoded == trial, "\(trial.id), pass \(pass)")
                #expect(decoded == TrialJSONDecoderTests.fast(line), "\(trial.id), pass \(pass)")
            }
        }
    }
}
