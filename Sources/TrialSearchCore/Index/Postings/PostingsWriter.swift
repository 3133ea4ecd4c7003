/// Encodes the postings of one term after another into the postings file (`.pst`); the caller copies
/// each doc's positions into the positions file (`.pos`) and passes their offsets.
///
/// Postings format (one list per term across all fields):
/// ```
/// TermPostings := Block                                   (docFreq ≤ 128)
///               | TermImpacts SkipEntry^blockCount Block^blockCount
/// SkipEntry    := lastDoc:u32 blockStart:u32 positionsStart:u32
/// Block        := Impacts docWidth:u8 DocDeltas maskCount:u8 mask:u16^maskCount MaskIndices
///                 freqWidth:u8 Freqs
/// Impacts      := fieldMask:u16 (maxTermFreq:vint minNorm:u8)^popcount(fieldMask)
/// DocDeltas    := n values of docWidth bits: (doc − previousDoc − 1), previousDoc of the first doc
///                 being the last doc of the previous block (−1 for the first block)
/// MaskIndices  := n values of ⌈log2 maskCount⌉ bits: index of each doc's field mask
/// Freqs        := Σ popcount(mask) values of freqWidth bits: termFreq − 1 for each (doc, field),
///                 docs in order, fields ascending
/// ```
/// Blocks hold 128 docs, the last `docFreq − 128·(blockCount − 1)`. Values are packed by `BitPacking`.
/// `blockStart` is relative to the first block, `positionsStart` to the term's first position byte.
/// `Impacts` (see `Impacts` for the maths) bound the BM25F score of every doc of the block; the
/// `TermImpacts` of a multi-block term bound the whole term, and for a single block the block's own
/// impacts do, so a term's bound is always at its postings offset.
///
/// Positions format (`.pos`): for each doc of the term, for each field of its mask (ascending), termFreq
/// vints: the first position, then the gaps to the previous one.
///
/// Worked example: doc 3 has the term once in `title` (length 5) and twice in `summary` (length 40),
/// doc 7 once in `title` (length 8). One block:
/// `42 00 01 05 02 28 | 02 0F | 02 42 00 02 00 02 | 01 02`: impacts (title and summary: title max tf 1,
/// min norm 5; summary max tf 2, min norm 40), deltas 3 and 3 at width 2 (`0b1111`), masks 0x42 and
/// 0x02 with indices 0 and 1 at width 1, freqs − 1 = 0, 1, 0 at width 1.
struct PostingsWriter {
    private let output: IndexOutput
    private let buffers = PostingsWriterBuffers()

    // The block being filled.
    private var count = 0
    private var freqCount = 0
    private var blockImpacts = Impacts()
    private var blockPositionsStart = 0
    private var lastDoc: Int64 = -1
    private var previousBlockLastDoc: Int64 = -1

    // The term being written.
    private var termImpacts = Impacts()
    private var blocks: [UInt8] = []
    private var skip: [UInt8] = []
    private var blockCount = 0
    private var docFreq = 0
    private var totalTermFreq = 0
    private var fieldDocFreqs = FieldCounts()

    init(output: IndexOutput) {
        self.output = output
        blocks.reserveCapacity(1 << 16)
    }

    /// Adds the next doc of the current term. `termFreqs[f]` is the termFreq in field f (read for the
    /// fields of `mask` only), `norms[f]` the doc's norm byte of field f, `positionsStart` the offset of
    /// the doc's positions from the term's first position byte (read only for a block's first doc).
    @inline(__always)
    mutating func add(doc: DocID, mask: UInt16, termFreqs: UnsafePointer<UInt32>, norms: UnsafePointer<UInt8>,
                      positionsStart: Int) {
        precondition(Int64(doc) > lastDoc && mask != 0, "doc \(doc) after \(lastDoc), mask \(mask)")
        if count == 0 { blockPositionsStart = positionsStart }
        let b = buffers
        b.docs[count] = UInt32(doc)
        b.masks[count] = mask
        var n = freqCount
        forEachField(in: mask) { f in
            let tf = termFreqs[f]
            precondition(tf > 0, "zero termFreq in a field of the mask")
            b.freqs[n] = tf - 1
            n += 1
            totalTermFreq += Int(tf)
            fieldDocFreqs[f] += 1
            blockImpacts.add(field: f, termFreq: tf, norm: norms[f])
        }
        freqCount = n
        count += 1
        docFreq += 1
        lastDoc = Int64(doc)
        if count == IndexFormat.blockSize { encodeBlock() }
    }

    /// Writes the current term's postings and returns its statistics and postings extent (positions
    /// extent left to the caller).
    mutating func finishTerm() throws -> TermInfo {
        precondition(docFreq > 0, "term without docs")
        if count > 0 { encodeBlock() }
        let start = output.position
        if blockCount > 1 {
            var head: [UInt8] = []
            head.reserveCapacity(skip.count + 64)
            termImpacts.encode(into: &head)
            head.append(contentsOf: skip)
            try output.write(head)
        }
        try output.write(blocks)
        var info = TermInfo()
        info.docFreq = docFreq
        info.totalTermFreq = totalTermFreq
        info.fieldMask = termImpacts.fieldMask
        info.fieldDocFreqs = fieldDocFreqs
        info.postingsOffset = start
        info.postingsLength = output.position - start
        // Reset for the next term.
        termImpacts = Impacts()
        blocks.removeAll(keepingCapacity: true)
        skip.removeAll(keepingCapacity: true)
        blockCount = 0
        docFreq = 0
        totalTermFreq = 0
        fieldDocFreqs = FieldCounts()
        lastDoc = -1
        previousBlockLastDoc = -1
        return info
    }

    private mutating func encodeBlock() {
        let n = count
        let b = buffers
        skip.appendU32(b.docs[n - 1])
        skip.appendU32(UInt32(blocks.count))
        precondition(blockPositionsStart <= Int(UInt32.max), "positions of one term exceed 4 GB")
        skip.appendU32(UInt32(blockPositionsStart))
        blockImpacts.encode(into: &blocks)
        termImpacts.add(blockImpacts)

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
        blocks.append(UInt8(docWidth))
        BitPacking.pack(UnsafeBufferPointer(start: b.scratch, count: n), width: docWidth, into: &blocks)

        // Field masks: a small dictionary, then an index per doc.
        var dictionaryCount = 0
        var lastMask: UInt16 = 0
        var lastIndex: UInt32 = 0
        for i in 0..<n {
            let m = b.masks[i]
            if dictionaryCount > 0 && m == lastMask {
                b.scratch[i] = lastIndex
                continue
            }
            var k = 0
            while k < dictionaryCount && b.dictionary[k] != m { k += 1 }
            if k == dictionaryCount {
                b.dictionary[k] = m
                dictionaryCount += 1
            }
            lastMask = m
            lastIndex = UInt32(k)
            b.scratch[i] = lastIndex
        }
        blocks.append(UInt8(dictionaryCount))
        for k in 0..<dictionaryCount { blocks.appendU16(b.dictionary[k]) }
        let indexWidth = BitPacking.bitsRequired(UInt32(dictionaryCount - 1))
        BitPacking.pack(UnsafeBufferPointer(start: b.scratch, count: n), width: indexWidth, into: &blocks)

        // Freqs − 1.
        var maxFreq: UInt32 = 0
        for i in 0..<freqCount { maxFreq |= b.freqs[i] }
        let freqWidth = BitPacking.bitsRequired(maxFreq)
        blocks.append(UInt8(freqWidth))
        BitPacking.pack(UnsafeBufferPointer(start: b.freqs, count: freqCount), width: freqWidth, into: &blocks)

        previousBlockLastDoc = Int64(b.docs[n - 1])
        blockCount += 1
        count = 0
        freqCount = 0
        blockImpacts = Impacts()
    }
}

/// The block being encoded, in manually managed memory (one owner, freed in `deinit`): no array
/// uniqueness checks in the per-posting path.
final class PostingsWriterBuffers {
    let docs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
    let masks = UnsafeMutablePointer<UInt16>.allocate(capacity: IndexFormat.blockSize)
    let dictionary = UnsafeMutablePointer<UInt16>.allocate(capacity: IndexFormat.blockSize)
    let freqs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize * IndexFormat.fieldCount)
    let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)

    deinit {
        docs.deallocate()
        masks.deallocate()
        dictionary.deallocate()
        freqs.deallocate()
        scratch.deallocate()
    }
}
