import Testing
@testable import TrialSearchCore

/// The flush's path into the postings writer (a doc as its field entries: `positionSlots`, `addEntry`,
/// `finishDoc`) against the per-doc `add`: the same postings and positions files, byte for byte, and the
/// same term statistics, with term and block maxima (x summed per entry must be the `Float`s `add` sums).
@Suite struct PostingsWriterEntriesTests {
    /// Writes `terms` with a writer whose maxima come from `lengthSums`, each doc by `add` or by entries;
    /// returns the two files' bytes and the terms' infos.
    static func write(_ terms: [[PostingsDecodingTests.Posting]], rows: [UInt8], lengthSums: [UInt64], docCount: Int,
                      entries: Bool, countLengths: Bool = false, in dir: TemporaryDirectory,
                      name: String) throws -> ([UInt8], [UInt8], [TermInfo]) {
        let postingsPath = dir.path + "/\(name).pst", positionsPath = dir.path + "/\(name).pos"
        let output = try IndexOutput(path: postingsPath, formatName: SegmentFile.postings.formatName, segmentID: 1,
                                     durable: false)
        let positionsOutput = try IndexOutput(path: positionsPath, formatName: SegmentFile.positions.formatName,
                                              segmentID: 1, durable: false)
        let maxima = TermMaximumFactors.current(lengthSums: lengthSums, docCount: docCount)
        var writer = PostingsWriter(output: output, positions: positionsOutput, maxima: maxima)
        if countLengths { writer.countPositionLengths() }
        var infos: [TermInfo] = []
        for postings in terms {
            for p in postings {
                // Positions per field of the mask: a first position, then gaps (some wide).
                var positions: [UInt32] = []
                for f in 0..<IndexFormat.fieldCount where p.mask & (1 << UInt16(f)) != 0 {
                    for k in 0..<Int(p.freqs[f]) {
                        // Now and then a value of any bit length up to 32 (every block's k, any histogram).
                        let wide = (p.doc + f + k) % 23 == 0
                        positions.append(wide ? UInt32.max >> UInt32((p.doc + k) % 33 == 32 ? 31 : (p.doc + k) % 32)
                                              : UInt32(truncatingIfNeeded: (p.doc &* 31 &+ f &* 7 &+ k) % 300))
                    }
                }
                rows.withUnsafeBufferPointer { r in
                    let norms = r.baseAddress! + p.doc * IndexFormat.fieldCount
                    positions.withUnsafeBufferPointer { pos in
                        if entries {
                            var doc = writer.entryDoc
                            var next = 0
                            // The flush's way: room for the doc's values at once, each value's bit length
                            // counted, the doc's order left to the caller.
                            if countLengths { writer.reservePositions(pos.count) }
                            for f in 0..<IndexFormat.fieldCount where p.mask & (1 << UInt16(f)) != 0 {
                                let tf = p.freqs[f]
                                let target = countLengths ? writer.reservedPositionSlots(Int(tf), in: writer.reservedPositions) : writer.positionSlots(Int(tf))
                                for k in 0..<Int(tf) {
                                    target[k] = pos[next + k]
                                    if countLengths { writer.positionLengths[BitPacking.bitsRequired(pos[next + k])] += 1 }
                                }
                                next += Int(tf)
                                writer.addEntry(field: f, termFreq: tf, norms: norms, to: &doc)
                            }
                            if countLengths { writer.finishCheckedDoc(&doc, as: DocID(p.doc)) } else { writer.finishDoc(&doc, as: DocID(p.doc)) }
                        } else {
                            p.freqs.withUnsafeBufferPointer { freqs in
                                writer.add(doc: DocID(p.doc), mask: p.mask, termFreqs: freqs.baseAddress!, norms: norms,
                                           positions: pos.baseAddress!)
                            }
                        }
                    }
                }
            }
            infos.append(try writer.finishTerm())
        }
        try output.finish()
        try positionsOutput.finish()
        return (IndexIntegrityTests.readFile(postingsPath), IndexIntegrityTests.readFile(positionsPath), infos)
    }

    @Test func entriesWriteTheBytesOfPerDocAdds() throws {
        let dir = TemporaryDirectory("entries")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 31)
        // Terms of one doc, a few docs, exactly one block, a block and one doc, several blocks; masks of one
        // field, of a few, of every field.
        let counts = [1, 1, 3, 17, 128, 129, 300]
        var terms: [[PostingsDecodingTests.Posting]] = []
        for (i, count) in counts.enumerated() {
            var postings = PostingsDecodingTests.postings(count: count, first: i, rng: &rng) { j, rng in
                switch (i + j) % 3 {
                case 0: return UInt16(1) << UInt16(rng.next() % UInt64(IndexFormat.fieldCount))
                case 1: return UInt16(truncatingIfNeeded: rng.next() % ((1 << IndexFormat.fieldCount) - 1) + 1)
                default: return UInt16((1 << IndexFormat.fieldCount) - 1)
                }
            }
            // termFreqs of up to 40 (the generator's go to 3,000: millions of positions, minutes in a debug build).
            for k in postings.indices {
                postings[k].freqs = postings[k].freqs.map { $0 == 0 ? 0 : ($0 - 1) % 40 + 1 }
            }
            terms.append(postings)
        }
        let docCount = (terms.flatMap { $0.map(\.doc) }.max() ?? 0) + 1
        let rows = (0..<docCount * IndexFormat.fieldCount).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let lengthSums = (0..<IndexFormat.fieldCount).map { f in UInt64(docCount * (20 + 13 * f)) }
        let perDoc = try Self.write(terms, rows: rows, lengthSums: lengthSums, docCount: docCount, entries: false, in: dir,
                                    name: "add")
        let byEntries = try Self.write(terms, rows: rows, lengthSums: lengthSums, docCount: docCount, entries: true, in: dir,
                                       name: "entries")
        #expect(byEntries.0 == perDoc.0, "postings files")
        #expect(byEntries.1 == perDoc.1, "positions files")
        #expect(byEntries.2 == perDoc.2, "term infos")
        #expect(perDoc.2.map(\.docFreq) == counts)
        // The flush's path: position room reserved per doc, bit lengths counted for each block's k.
        let counted = try Self.write(terms, rows: rows, lengthSums: lengthSums, docCount: docCount, entries: true,
                                     countLengths: true, in: dir, name: "counted")
        #expect(counted.0 == perDoc.0, "postings files, lengths counted")
        #expect(counted.1 == perDoc.1, "positions files, lengths counted")
        #expect(counted.2 == perDoc.2, "term infos, lengths counted")
    }
}
