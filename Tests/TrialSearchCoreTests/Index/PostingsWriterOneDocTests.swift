import Testing
@testable import TrialSearchCore

/// Blocks of one doc (a rare term's, most blocks of a flush, which `encodeBlock` writes without the mask
/// dictionary's loops) and `PositionsBlock`s of one value, against the bytes of the grammar in
/// `PostingsWriter`'s and `PositionsBlock`'s doc comments.
@Suite struct PostingsWriterOneDocTests {
    @Test func oneDocBlocksAreTheGrammarsBytes() throws {
        let dir = TemporaryDirectory("onedoc")
        defer { dir.remove() }
        let postingsPath = dir.path + "/t.pst", positionsPath = dir.path + "/t.pos"
        let output = try IndexOutput(path: postingsPath, formatName: SegmentFile.postings.formatName, segmentID: 1,
                                     durable: false)
        let positionsOutput = try IndexOutput(path: positionsPath, formatName: SegmentFile.positions.formatName,
                                              segmentID: 1, durable: false)
        var writer = PostingsWriter(output: output, positions: positionsOutput, maxima: nil)
        var norms = [UInt8](repeating: 0, count: IndexFormat.fieldCount)
        norms[0] = 9
        norms[1] = 5
        norms[3] = 40
        var termFreqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
        var infos: [TermInfo] = []
        // Doc 300 with the term twice in field 1 (positions 3, 7: values 3 and the gap 4) and once in
        // field 3 (position 7).
        termFreqs[1] = 2
        termFreqs[3] = 1
        let positions: [UInt32] = [3, 4, 7]
        writer.add(doc: 300, mask: 0b1010, termFreqs: termFreqs, norms: norms, positions: positions)
        infos.append(try writer.finishTerm())
        // Doc 0 with the term once in field 0, at position 5: a block of one doc and one position.
        termFreqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
        termFreqs[0] = 1
        writer.add(doc: 0, mask: 0b1, termFreqs: termFreqs, norms: norms, positions: [5])
        infos.append(try writer.finishTerm())
        try output.finish()
        try positionsOutput.finish()
        let postings = IndexIntegrityTests.readFile(postingsPath)
        let positionBytes = IndexIntegrityTests.readFile(positionsPath)
        func bytes(_ file: [UInt8], _ offset: Int, _ length: Int) -> [UInt8] { Array(file[offset..<offset + length]) }

        // Impacts (fields 1 and 3: max tf 2, norm 5; max tf 1, norm 40), delta 300 at width 9, one mask
        // 0b1010 shifted by 1 at width 3 (fields 1…3), no index bits, freqs − 1 = 1, 0 at width 1.
        #expect(bytes(postings, infos[0].postingsOffset, infos[0].postingsLength)
                == [0x0A, 0x00, 0x02, 0x05, 0x01, 0x28, 0x09, 0x2C, 0x01, 0x01, 0x05, 0x01, 0x01])
        // Impacts (field 0: tf 1, norm 9), delta 0 at width 0, mask 1 at width 1, freq − 1 = 0 at width 0.
        #expect(bytes(postings, infos[1].postingsOffset, infos[1].postingsLength)
                == [0x01, 0x00, 0x01, 0x09, 0x00, 0x01, 0x01, 0x00])
        // The value 5 with k = 2: z = 1, header 1 · 32 + 2, unary `01`, mantissa 5 + 4 − 8 = 1 in 3 bits.
        #expect(bytes(positionBytes, infos[1].positionsOffset, infos[1].positionsLength) == [0x22, 0x02, 0x01])
        // Values 3, 4, 7 (bit lengths 2, 3, 3) take k = 2 (`parameter`'s costs 13, 10, 9, 12 bits for
        // k = 0…3): z = 0, 1, 1, unary `1 01 01` in the byte 0x15; mantissas 3 + 4 − 4 = 3 (2 bits),
        // 4 + 4 − 8 = 0 and 7 + 4 − 8 = 3 (3 bits each) from the low end: 0b011_000_11 = 0x63.
        #expect(bytes(positionBytes, infos[0].positionsOffset, infos[0].positionsLength) == [0x22, 0x15, 0x63])
    }
}
