import Testing
@testable import TrialSearchCore

/// `PositionsBlockValues`, the merge's decoding of a whole `PositionsBlock`, against `PositionsBlockReader`:
/// the same values from the blocks `PositionsBlock.encode` writes, and the same blocks refused when damaged.
@Suite struct PositionsBlockValuesTests {
    /// `values` encoded, then 16 zero bytes (the file's footer after a term's last block).
    static func encoded(_ values: [UInt32]) -> [UInt8] {
        PostingsCursorTests.encodedPositionsBlock(values) + [UInt8](repeating: 0, count: 16)
    }

    /// The first `count` values of the block in `bytes[0..<length]` by `PositionsBlockValues`, nil when refused.
    static func decoded(_ bytes: [UInt8], length: Int, count: Int) -> [UInt32]? {
        var out = [UInt32](repeating: 0, count: count)
        let ok = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                PositionsBlockValues.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]), count: count, into: o.baseAddress!)
            }
        }
        return ok ? out : nil
    }

    /// The same by `PositionsBlockReader`, nil when it fails.
    static func read(_ bytes: [UInt8], length: Int, count: Int) -> [UInt32]? {
        bytes.withUnsafeBytes { raw in
            var reader = PositionsBlockReader(base: raw.baseAddress!, start: 0, end: length)
            let values = (0..<count).map { _ in reader.next() }
            return reader.failed ? nil : values
        }
    }

    /// Random blocks of 1…300 values of 0…32 bits (blocks of one value, and of values of every bit length,
    /// among them) decode to their values, as the reader reads them; asking for fewer values reads the
    /// first ones.
    @Test func decodesTheValuesEncoded() {
        var rng = SeededRandom(seed: 27)
        var blocks = (0..<400).map { _ in PostingsCursorTests.randomPositionsBlock(&rng, maxCount: 300, outlierOneIn: 8) }
        blocks.append([UInt32.max, 0, UInt32.max - 1, 1])
        blocks += (0...32).map { bits in [bits == 0 ? 0 : UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(bits)) - 1)] }
        for (round, values) in blocks.enumerated() {
            let bytes = Self.encoded(values)
            let length = bytes.count - 16
            #expect(Self.decoded(bytes, length: length, count: values.count) == values, "block \(round): \(values.count) values")
            #expect(Self.read(bytes, length: length, count: values.count) == values, "block \(round)")
            let some = (values.count + 1) / 2
            #expect(Self.decoded(bytes, length: length, count: some) == Array(values.prefix(some)), "block \(round), \(some) values")
        }
    }

    /// Damaged blocks (a byte changed anywhere, the block cut short, more values asked for than it holds) are
    /// refused exactly when the reader fails on them, and otherwise give the reader's values.
    @Test func refusesWhatTheReaderRefuses() {
        var rng = SeededRandom(seed: 2027)
        var refused = 0
        for round in 0..<600 {
            let values = PostingsCursorTests.randomPositionsBlock(&rng, maxCount: 40, outlierOneIn: 6)
            var bytes = Self.encoded(values)
            var length = bytes.count - 16
            var count = values.count
            switch round % 3 {
            case 0:
                let at = Int(rng.next() % UInt64(length))
                bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() % 255 + 1)
            case 1:
                length = Int(rng.next() % UInt64(length))
            default:
                count += Int(rng.next() % 3) + 1
            }
            let expected = Self.read(bytes, length: length, count: count)
            #expect(Self.decoded(bytes, length: length, count: count) == expected, "round \(round): \(values.count) values")
            if expected == nil { refused += 1 }
        }
        // The damage is mostly found (a changed mantissa bit still decodes).
        #expect(refused > 200)
    }
}
