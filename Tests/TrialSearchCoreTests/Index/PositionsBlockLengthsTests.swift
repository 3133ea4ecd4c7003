import Testing
@testable import TrialSearchCore

/// `PositionsBlock.encode` given the values' bit lengths' histogram (the flush counts them as it decodes
/// the positions): the bytes it writes without one (whose k is checked against every k's cost in
/// `PostingsCursorTests`), and the histogram left all 0 for the next block.
@Suite struct PositionsBlockLengthsTests {
    /// `values` encoded with a counted histogram, which must be all 0 afterwards.
    static func encodedWithLengths(_ values: [UInt32], lengths: UnsafeMutablePointer<Int32>) -> [UInt8] {
        for v in values { lengths[BitPacking.bitsRequired(v)] += 1 }
        var buffer = ByteBuffer(capacity: PositionsBlock.maxEncodedLength(count: values.count))
        values.withUnsafeBufferPointer {
            PositionsBlock.encode($0.baseAddress!, count: values.count, into: &buffer, lengths: lengths)
        }
        return Array(buffer.bytes)
    }

    @Test func countedLengthsGiveTheBytesOfTheValuesPass() {
        let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: 34)
        defer { lengths.deallocate() }
        lengths.initialize(repeating: 0, count: 34)
        var rng = SeededRandom(seed: 47)
        var blocks: [[UInt32]] = [[0], [1], [UInt32.max], [0, 0], [0, 1], [UInt32.max, UInt32.max, 0],
                                  [UInt32](repeating: 1 << 24, count: 3), [UInt32](repeating: 7, count: 300)]
        // Every single value's bit length, and pairs of the smallest and largest of each.
        for bits in 0...32 {
            let high: UInt32 = bits == 0 ? 0 : UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(bits)) - 1)
            blocks.append([high])
            blocks.append([high, high >> 1, 0])
        }
        for _ in 0..<300 { blocks.append(PostingsCursorTests.randomPositionsBlock(&rng, maxCount: 400, outlierOneIn: 7)) }
        for (i, values) in blocks.enumerated() {
            let expected = PostingsCursorTests.encodedPositionsBlock(values)
            #expect(Self.encodedWithLengths(values, lengths: lengths) == expected, "block \(i): \(values.count) values")
            #expect((0..<34).allSatisfy { lengths[$0] == 0 }, "block \(i): the histogram is left empty")
        }
        // The grammar's worked example, through the histogram.
        #expect(Self.encodedWithLengths([2, 0, 7, 4], lengths: lengths) == [0x21, 0xA6, 0x88])
    }
}
