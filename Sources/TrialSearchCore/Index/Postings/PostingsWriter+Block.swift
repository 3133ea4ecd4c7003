/// The block encoding of `PostingsWriter`: a block's docs, masks and termFreqs packed into `Block` and its
/// positions into a `PositionsBlock` (the grammar is in `PostingsWriter`'s doc comment).
extension PostingsWriter {
    /// Most bytes one encoded block takes: impacts, the three widths and mask count, a 32-bit delta per
    /// doc, the mask dictionary and an 8-bit index per doc, a 32-bit termFreq per (doc, field).
    private static let maxBlockBytes = Impacts.maxEncodedLength + 4
        + IndexFormat.maxBlockDocs * (4 + 2 + 1 + 4 * IndexFormat.fieldCount)

    /// Encodes the docs added since the last block (1…`blockDocs`) as the term's next block, its skip
    /// entry and its positions, and starts an empty block.
    mutating func encodeBlock() {
        let n = count
        let b = buffers
        precondition(termPositions.count <= Int(UInt32.max), "positions of one term exceed 4 GB")
        skip.reserve(PostingsCursor.skipEntryLength)
        skip.u32(b.docs[n - 1])
        skip.u32(UInt32(blocks.count))
        skip.u32(UInt32(termPositions.count))
        skip.u8(UInt8(n))
        termPositions.reserve(PositionsBlock.maxEncodedLength(count: positionCount))
        PositionsBlock.encode(b.positions, count: positionCount, into: &termPositions)
        blocks.reserve(Self.maxBlockBytes)
        blockImpacts.encode(into: &blocks)
        termImpacts.add(blockImpacts)
        blockMaxima.append(blockMaximum)
        blockMaximum = 0

        // Doc deltas − 1.
        var previous = UInt32(truncatingIfNeeded: previousBlockLastDoc)
        var maxDelta: UInt32 = 0
        for i in 0..<n {
            let delta = b.docs[i] &- previous &- 1
            b.scratch[i] = delta
            maxDelta |= delta
            previous = b.docs[i]
        }
        let docWidth = BitPacking.bitsRequired(maxDelta)
        blocks.u8(UInt8(docWidth))
        blocks.pack(b.scratch, count: n, width: docWidth)

        // Field masks: a small dictionary, then an index per doc.
        var dictionaryCount = 0
        var lastMask: UInt16 = 0
        var lastIndex: UInt32 = 0
        // A mask's index is found in `maskSlots` (index + 1 per mask seen in this block, 0 otherwise),
        // not by a scan of the dictionary; the slots of the block's masks are cleared after it.
        let slots = b.maskSlots
        for i in 0..<n {
            let m = b.masks[i]
            if dictionaryCount > 0 && m == lastMask {
                b.scratch[i] = lastIndex
                continue
            }
            var k = Int(slots[Int(m)]) &- 1
            if k < 0 {
                k = dictionaryCount
                b.dictionary[k] = m
                dictionaryCount &+= 1
                slots[Int(m)] = UInt8(truncatingIfNeeded: dictionaryCount)
            }
            lastMask = m
            lastIndex = UInt32(truncatingIfNeeded: k)
            b.scratch[i] = lastIndex
        }
        for k in 0..<dictionaryCount { slots[Int(b.dictionary[k])] = 0 }
        // The masks shifted to the block's lowest field, as wide as its fields span.
        let blockFields = blockImpacts.fieldMask
        let shift = blockFields.trailingZeroBitCount
        let maskWidth = BitPacking.bitsRequired(UInt32(blockFields >> UInt16(truncatingIfNeeded: shift)))
        blocks.u8(UInt8(dictionaryCount))
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: dictionaryCount) { shifted in
            for k in 0..<dictionaryCount {
                let mask = b.dictionary[k]
                precondition(mask & ~blockFields == 0, "field mask \(mask) outside the block's impacts \(blockFields)")
                shifted[k] = UInt32(mask) >> UInt32(shift)
            }
            if let values = shifted.baseAddress { blocks.pack(values, count: dictionaryCount, width: maskWidth) }
        }
        let indexWidth = BitPacking.bitsRequired(UInt32(dictionaryCount - 1))
        blocks.pack(b.scratch, count: n, width: indexWidth)

        // Freqs − 1.
        var maxFreq: UInt32 = 0
        for i in 0..<freqCount { maxFreq |= b.freqs[i] }
        let freqWidth = BitPacking.bitsRequired(maxFreq)
        blocks.u8(UInt8(freqWidth))
        blocks.pack(b.freqs, count: freqCount, width: freqWidth)

        previousBlockLastDoc = Int64(b.docs[n - 1])
        blockCount += 1
        count = 0
        freqCount = 0
        positionCount = 0
        blockImpacts = Impacts()
    }
}
