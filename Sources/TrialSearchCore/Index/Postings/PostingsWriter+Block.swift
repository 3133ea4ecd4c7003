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
        if championsDeferred { offerDeferredChampions(n) }
        unowned(unsafe) let b = buffers
        // One test for both offsets of the skip entry (then converted without a check each).
        precondition(termPositions.count | blocks.count <= Int(UInt32.max), "postings or positions of one term exceed 4 GB")
        skip.reserve(PostingsCursor.skipEntryLength)
        skip.u32(b.docs[n &- 1])
        skip.u32(UInt32(truncatingIfNeeded: blocks.count))
        skip.u32(UInt32(truncatingIfNeeded: termPositions.count))
        skip.u8(UInt8(truncatingIfNeeded: n))
        termPositions.reserve(PositionsBlock.maxEncodedLength(count: positionCount))
        PositionsBlock.encode(b.positions, count: positionCount, into: &termPositions, scratch: b.positionsScratch,
                              lengths: countsPositionLengths ? b.positionLengths : nil)
        blocks.reserve(Self.maxBlockBytes)
        blockImpacts.encode(into: &blocks)
        termImpacts.add(blockImpacts)
        blockMaxima.append(blockMaximum)
        blockMaximum = 0

        if n == 1 { encodeOneDoc() } else { encodeDocsAndMasks(n) }

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
        // Every doc's termFreqs are its position values (Σ of the mask's termFreqs).
        termFreqSum &+= positionCount
        positionCount = 0
        // An empty bound: `Impacts.add` sets a field's values when it adds the field to the mask, and the
        // writer reads only the fields of the mask, so those of other fields need no zeroing (two
        // `InlineArray(repeating:)` calls a block).
        blockImpacts.fieldMask = 0
    }

    /// The deltas, mask dictionary and mask indices of a block of `n` > 1 docs.
    @inline(__always)
    private mutating func encodeDocsAndMasks(_ n: Int) {
        unowned(unsafe) let b = buffers
        // The buffers' addresses in locals: read through `b` in the loops, they were loaded again after
        // every store (a store through a pointer may alias the object).
        let docs = b.docs, masks = b.masks, scratch = b.scratch, dictionary = b.dictionary
        // Doc deltas − 1.
        var previous = UInt32(truncatingIfNeeded: previousBlockLastDoc)
        var maxDelta: UInt32 = 0
        var i = 0
        while i < n {
            let doc = docs[i]
            let delta = doc &- previous &- 1
            scratch[i] = delta
            maxDelta |= delta
            previous = doc
            i &+= 1
        }
        let docWidth = BitPacking.bitsRequired(maxDelta)
        blocks.u8(UInt8(docWidth))
        blocks.pack(scratch, count: n, width: docWidth)

        // Field masks: a small dictionary, then an index per doc.
        var dictionaryCount = 0
        var lastMask: UInt16 = 0
        var lastIndex: UInt32 = 0
        // A mask's index is found in `maskSlots` (index + 1 per mask seen in this block, 0 otherwise),
        // not by a scan of the dictionary; the slots of the block's masks are cleared after it.
        let slots = b.maskSlots
        i = 0
        while i < n {
            let m = masks[i]
            if dictionaryCount > 0 && m == lastMask {
                scratch[i] = lastIndex
                i &+= 1
                continue
            }
            var k = Int(slots[Int(m)]) &- 1
            if k < 0 {
                k = dictionaryCount
                dictionary[k] = m
                dictionaryCount &+= 1
                slots[Int(m)] = UInt8(truncatingIfNeeded: dictionaryCount)
            }
            lastMask = m
            lastIndex = UInt32(truncatingIfNeeded: k)
            scratch[i] = lastIndex
            i &+= 1
        }
        for k in 0..<dictionaryCount { slots[Int(dictionary[k])] = 0 }
        // The masks shifted to the block's lowest field, as wide as its fields span.
        let blockFields = blockImpacts.fieldMask
        let shift = blockFields.trailingZeroBitCount
        let maskWidth = BitPacking.bitsRequired(UInt32(blockFields >> UInt16(truncatingIfNeeded: shift)))
        blocks.u8(UInt8(dictionaryCount))
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: dictionaryCount) { shifted in
            for k in 0..<dictionaryCount {
                let mask = dictionary[k]
                precondition(mask & ~blockFields == 0, "field mask \(mask) outside the block's impacts \(blockFields)")
                shifted[k] = UInt32(mask) >> UInt32(shift)
            }
            if let values = shifted.baseAddress { blocks.pack(values, count: dictionaryCount, width: maskWidth) }
        }
        let indexWidth = BitPacking.bitsRequired(UInt32(dictionaryCount - 1))
        blocks.pack(scratch, count: n, width: indexWidth)
    }

    /// The deltas, masks and mask indices of a block of one doc (a rare term's: most blocks of a flush),
    /// the same bytes as `encodeDocsAndMasks`, which packs one delta, a dictionary of one mask
    /// and indices of width 0 (no bytes), but without its loops, mask slots and scratch dictionary.
    @inline(__always)
    private mutating func encodeOneDoc() {
        unowned(unsafe) let b = buffers
        let delta = b.docs[0] &- UInt32(truncatingIfNeeded: previousBlockLastDoc) &- 1
        let docWidth = BitPacking.bitsRequired(delta)
        blocks.u8(UInt8(truncatingIfNeeded: docWidth))
        blocks.appendInPlace { BitPacking.packOne(delta, width: docWidth, into: $0) }
        let mask = b.masks[0]
        let blockFields = blockImpacts.fieldMask
        precondition(mask & ~blockFields == 0, "field mask \(mask) outside the block's impacts \(blockFields)")
        let shift = UInt16(truncatingIfNeeded: blockFields.trailingZeroBitCount)
        let maskWidth = BitPacking.bitsRequired(UInt32(blockFields >> shift))
        blocks.u8(1)
        blocks.appendInPlace { BitPacking.packOne(UInt32(mask >> shift), width: maskWidth, into: $0) }
    }
}
