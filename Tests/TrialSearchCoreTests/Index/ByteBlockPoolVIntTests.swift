import Testing
@testable import TrialSearchCore

/// The branch-free vint of the in-memory doc streams: `ByteBlockPool.vintWord` (`TermTable.writePending`'s
/// entries, one 4-byte store) gives the bytes of the format's vint and its length for every value below
/// 2^21 (1 to 3 bytes); `TermTableStreamTests` checks the streams it writes, slice ends included.
struct ByteBlockPoolVIntTests {
    private static func vint(_ value: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    /// Values at and around every length's bounds, and a spread between them.
    private static let values: [UInt32] = {
        var values: [UInt32] = [0, 1, 0x7F, 0x80, 0x81, 0x3FFF, 0x4000, 0x4001, 0x1F_FFFE, 0x1F_FFFF]
        var x: UInt32 = 12_345
        for _ in 0..<2_000 {
            x = x &* 1_103_515_245 &+ 12_345
            values.append(x >> (x % 29))
        }
        return values
    }()

    @Test func vintWordHoldsTheFormatsBytes() {
        for value in Self.values where value < 1 << 21 {
            let (word, length) = ByteBlockPool.vintWord(value)
            let expected = Self.vint(value)
            #expect(Int(length) == expected.count, "value \(value)")
            let bytes = (0..<Int(length)).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) }
            #expect(bytes == expected, "value \(value)")
        }
    }
}
