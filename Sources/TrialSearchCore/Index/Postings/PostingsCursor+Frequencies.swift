/// A postings cursor's field masks and termFreqs: decoded per chunk of docs on demand, and runs of a
/// block's decoded docs for scoring loops (see `PostingsCursor`).
extension PostingsCursor {
    /// Docs whose masks `decodeMasks(through:)` decodes at a time, beyond the one asked for: a search
    /// probing a non-essential clause reads one doc of a block, and most docs of a block are never
    /// scored. A multiple of 8, so that each chunk's mask indices start on a byte. Callgrind of the timed
    /// region on the replica, same runs, 16 / 32 / 64 / 128 docs: 75 TREC 2021 topics at top 10 1,630.8 /
    /// 1,620.4 / 1,617.2 / 1,620.6 M (a probe's chunk serves the block's next probes; each decode's
    /// fixed cost is about a hundred instructions); 200 related sources 1,304.9 / 1,305.6 / 1,312.2 M
    /// (the seed's single probes decode more); 1,000 keyword queries at top 10 1,451.5 / 1,448.1 /
    /// 1,448.2 M. See BENCHMARKS.md (`notes13`).
    static let maskChunk = 32

    /// Decodes the field masks of the current block and where each doc's termFreqs start, up to doc `i`
    /// (at least) of the block, from the group of 8 of the doc before the current one (`decodeMasks(through:chunk:)`:
    /// the docs before it only have their field counts summed); the termFreqs stay packed and are read per
    /// doc (`termFreq(at:)`).
    @inline(__always)
    mutating func decodeMasks(through i: Int) {
        if i >= masksDecoded { decodeMaskChunks(through: i) }
    }

    /// `decodeMasks(through:)` past the docs already decoded: the docs from `masksDecoded` to the end of
    /// `i`'s chunk (`maskChunk`), or to the block's end; those before the group of the doc before the
    /// current one summed only (a run or a probe entering a block at its middle: on the replica, 48 % of
    /// the docs decoded for 1,000 keyword queries at top 10 were never read; BENCHMARKS.md, `kw24`).
    /// - Complexity: O(docs decoded) table look-ups, plus O(distinct masks) on the block's first call.
    mutating func decodeMaskChunks(through i: Int) {
        decodeMasks(through: i, chunk: Self.maskChunk)
    }

    /// `decodeMaskChunks(through:)` in chunks of `chunk` docs (a power of two, at least 8): `maskChunk`
    /// for the search, 8 for a lone probe (`decodeLoneDoc`).
    @inline(__always)
    mutating func decodeMasks(through i: Int, chunk: Int) {
        // A damaged header marks the whole block decoded (empty), which the guard below catches.
        if !freqHeaderRead { readFreqHeader() }
        let n = blockDocs
        let start = masksDecoded
        // `i` is a doc of the block (0 ≤ i < n ≤ 255): the chunk's end in wrapping arithmetic.
        let end = min(n, (i & ~(chunk &- 1)) &+ chunk)
        guard start < end else { return }
        let masks = buffers.masks, freqStart = buffers.freqStart, dictionary = buffers.dictionaryMasks
        var total = freqTotal
        // The docs before the group of the doc before the current one are never read again (a cursor
        // moves forward; the positions read the starts of the doc before the current one and of the
        // block's first doc, which `readFreqHeader` writes): only their field counts are summed, their
        // masks and starts are not written. `first`, where the writing starts, is a multiple of 8 from
        // `start` to the end's group (`start`, a multiple of 8 below `end`, is at most that); for index
        // 0 the group below is −8.
        let first = min(max((index &- 1) & ~7, start), end & ~7)
        if maskCount == 1 {
            let mask = dictionary[0], count = buffers.dictionaryFields[0]
            total &+= UInt32(truncatingIfNeeded: first &- start) &* count
            for j in first..<end {
                masks[j] = mask
                freqStart[j] = total
                total &+= count
            }
        } else {
            // `start` is a multiple of 8, so its indices start on a byte.
            MaskDictionary.decode(base + (indicesOffset &+ (start &* indexWidth) &>> 3), summing: (first &- start) &>> 3,
                                  count: end &- first, width: indexWidth, dictionary: dictionary,
                                  fields: buffers.dictionaryFields, masks: masks + first, freqStart: freqStart + first,
                                  total: &total)
            // An index past the dictionary (a damaged block), summed or decoded, reads `damagedFields` fields.
            guard !MaskDictionary.isDamaged(fields: total &- freqTotal, docs: end &- start) else { return markCorrupt() }
        }
        // The termFreqs of the docs decoded so far must lie in the term's postings: `termFreq(at:)`
        // reads them in place.
        // (`total` < 2³², `freqWidth` ≤ 32, `freqsOffset` within the mapping: no sum below overflows.)
        let freqBytes = BitPacking.smallByteCount(count: Int(total), width: freqWidth)
        guard freqsOffset &+ freqBytes <= termEnd, freqsOffset &+ freqBytes &+ 8 <= mappingEnd else { return markCorrupt() }
        freqStart[end] = total
        freqTotal = total
        masksDecoded = end
    }

    /// Reads the block's mask dictionary and where its mask indices and termFreqs start.
    /// - Complexity: O(distinct masks of the block).
    mutating func readFreqHeader() {
        let n = blockDocs
        var r = ByteReader(base: base, end: termEnd, position: masksOffset)
        let count = Int(r.readU8())
        guard count >= 1, count <= n else { return markCorrupt() }
        let dictionaryStart = r.position
        // The masks are shifted to the lowest field of the block's impacts (its first two bytes) and
        // as wide as its fields span.
        let validFields: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        let blockFields = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: blockOffset, as: UInt16.self)) & validFields
        let shift = UInt64(blockFields.trailingZeroBitCount & 15)
        let maskWidth = BitPacking.bitsRequired(UInt32(blockFields) >> UInt32(shift))
        // Counts of at most 255 and widths of at most 12 bits, from a position within the mapping: the sums
        // below in wrapping arithmetic.
        r.position = dictionaryStart &+ BitPacking.smallByteCount(count: count, width: maskWidth)
        let width = BitPacking.bitsRequired(UInt32(truncatingIfNeeded: count &- 1))
        let indexBytes = BitPacking.smallByteCount(count: n, width: width)
        guard r.position &+ indexBytes &+ 8 <= mappingEnd, r.position &+ indexBytes <= termEnd else { return markCorrupt() }
        let dictionary = buffers.dictionaryMasks, dictionaryFields = buffers.dictionaryFields
        if maskWidth > 0 {
            // The masks, and then the indices, lie before `r.position`, checked above with 8 bytes past it.
            MaskDictionary.readMasks(base + dictionaryStart, count: count, width: maskWidth, shift: Int(shift),
                                     fieldCounts: buffers.fieldCounts, masks: dictionary, fields: dictionaryFields)
        } else {
            // A block whose impacts name no field (a damaged one): its masks are all empty, as read before.
            for k in 0..<count {
                dictionary[k] = 0
                dictionaryFields[k] = 0
            }
        }
        // Indices past the dictionary (a damaged block) read mask 0 and `damagedFields` fields (`decodeMaskChunks`).
        for k in count..<(1 << width) {
            dictionary[k] = 0
            dictionaryFields[k] = UInt32(MaskDictionary.damagedFields)
        }
        // The first doc's start, which the positions read (`sumPositions`) when the decoding only summed it.
        buffers.freqStart[0] = 0
        indicesOffset = r.position
        r.position &+= indexBytes
        let fw = Int(r.readU8())
        guard !r.failed, fw <= 32 else { return markCorrupt() }
        freqsOffset = r.position
        freqWidth = fw
        maskCount = count
        indexWidth = width
        freqTotal = 0
        masksDecoded = 0
        freqHeaderRead = true
    }

    /// The number of fields of each field mask (masks have `IndexFormat.fieldCount` bits): a table, since
    /// without the POPCNT instruction (not in the x86-64 baseline) `nonzeroBitCount` is a dozen
    /// instructions, and a block's dictionary holds dozens of masks.
    /// Allocated once for the process (never freed, never written after), read through
    /// `PostingsBuffers.fieldCounts`.
    nonisolated(unsafe) static let fieldCounts: UnsafePointer<UInt8> = {
        let count = 1 << IndexFormat.fieldCount
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        for mask in 0..<count { table[mask] = UInt8(UInt16(mask).nonzeroBitCount) }
        return UnsafePointer(table)
    }()

    /// The `k`-th termFreq of the block (termFreqs are stored minus one, `freqWidth` bits each).
    @inline(__always)
    func termFreq(at k: Int) -> UInt32 {
        if freqsUnpacked { return buffers.freqs[k] &+ 1 }
        guard freqWidth > 0 else { return 1 }
        let bit = k &* freqWidth
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: freqsOffset &+ (bit >> 3), as: UInt64.self))
        // `freqWidth` is 1…32 (`readFreqHeader`): the mask's shift in wrapping arithmetic, with no test for
        // shifts of 64 or more and no overflow check of the subtraction.
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & ((1 &<< UInt64(freqWidth)) &- 1)) &+ 1
    }

    /// Unpacks every termFreq of the block, as stored (minus one): positions need the counts of all the
    /// docs before one, and `scanBlock` reads them in order.
    mutating func unpackFreqs() {
        decodeMasks(through: blockDocs - 1)
        guard !freqsUnpacked, !isCorrupt else { return }
        let total = Int(buffers.freqStart[blockDocs])
        BitPacking.unpack(base + freqsOffset, count: total, width: freqWidth, pairs: buffers.pairTables, into: buffers.freqs)
        freqsUnpacked = true
    }

    mutating func markCorrupt() {
        isCorrupt = true
        let masks = buffers.masks
        for i in 0..<blockDocs { masks[i] = 0; buffers.freqStart[i] = 0 }
        buffers.freqStart[blockDocs] = 0
        freqHeaderRead = true
        masksDecoded = blockDocs
        freqsUnpacked = true
    }

    /// Fields of the current doc that contain the term (bit f for field f).
    public var fieldMask: UInt16 {
        @inline(__always)
        mutating get {
            if index < masksDecoded { return buffers.masks[index] }
            return maskOfCurrentDoc()
        }
    }

    /// The current doc's mask, past the decoded docs, read alone from its packed index: a clause that
    /// scores only some of its term's fields checks the docs it probes (`TermScorer.matches()`), and
    /// the masks and termFreq starts of every doc before it in the block (`decodeMasks`) are not needed
    /// for that. Marks the cursor corrupt, and returns 0, for an index past the dictionary.
    /// - Complexity: O(1), plus `readFreqHeader` on the block's first call.
    mutating func maskOfCurrentDoc() -> UInt16 {
        if !freqHeaderRead { readFreqHeader() }
        // A damaged header marks the whole block decoded (empty masks).
        if index < masksDecoded { return buffers.masks[index] }
        let k = currentDictionaryIndex()
        guard !MaskDictionary.isDamaged(fields: buffers.dictionaryFields[k], docs: 1) else {
            markCorrupt()
            return 0
        }
        return buffers.dictionaryMasks[k]
    }

    /// The dictionary index of the current doc (of its mask and field count), from its packed mask index;
    /// the block's header must have been read (`readFreqHeader` checked that 8 bytes can be read past
    /// the indices).
    @inline(__always)
    func currentDictionaryIndex() -> Int {
        if maskCount == 1 { return 0 }
        let bit = index &* indexWidth
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: indicesOffset &+ (bit >> 3), as: UInt64.self))
        return Int(truncatingIfNeeded: (word >> UInt64(bit & 7)) & ((1 << UInt64(indexWidth)) &- 1))
    }

    /// The current doc's mask and the index of its first termFreq in the block (`termFreq(at:)`). Past
    /// the decoded docs, where the block's termFreqs are all 1 (width 0: the index is not needed) or its
    /// docs all have the same mask (the index is the doc's times the mask's fields), without decoding the
    /// docs before it (a non-essential clause's probe, `TermScorer.score()`); otherwise as far as the doc
    /// (`decodeMasks`).
    @inline(__always)
    mutating func maskAndFreqStart() -> (mask: UInt16, start: Int) {
        if index < masksDecoded { return (buffers.masks[index], Int(buffers.freqStart[index])) }
        return decodeCurrentDoc()
    }

    /// `maskAndFreqStart()` past the decoded docs.
    mutating func decodeCurrentDoc() -> (mask: UInt16, start: Int) {
        if !freqHeaderRead { readFreqHeader() }
        if index >= masksDecoded {
            // termFreqs of width 0 are all 1 (`termFreq(at:)` reads nothing): where they start does not matter.
            if freqWidth == 0 { return (maskOfCurrentDoc(), 0) }
            if maskCount == 1 {
                let fields = Int(buffers.dictionaryFields[0])
                let start = index &* fields
                // The doc's termFreqs must lie in the term's postings, as `decodeMaskChunks` checks.
                let freqBytes = BitPacking.byteCount(count: start &+ fields, width: freqWidth)
                guard freqsOffset + freqBytes <= termEnd, freqsOffset + freqBytes + 8 <= mappingEnd else {
                    markCorrupt()
                    return (0, 0)
                }
                return (buffers.dictionaryMasks[0], start)
            }
            decodeMaskChunks(through: index)
        }
        return (buffers.masks[index], Int(buffers.freqStart[index]))
    }

    /// The termFreq of the current doc in `field` (0 when the term is not in that field).
    @inline(__always)
    public mutating func termFreq(in field: Field) -> Int {
        decodeMasks(through: index)
        let mask = buffers.masks[index]
        let bit = UInt16(1) << UInt16(field.rawValue)
        guard mask & bit != 0 else { return 0 }
        let offset = Int(buffers.freqStart[index]) + (mask & (bit - 1)).nonzeroBitCount
        return Int(termFreq(at: offset))
    }

    /// Calls `body(field, termFreq)` for each field of the current doc that contains the term.
    @inline(__always)
    public mutating func forEachTermFreq(_ body: (Field, Int) -> Void) {
        let (mask, start) = maskAndFreqStart()
        var offset = start
        forEachField(in: mask) { f in
            body(Field(rawValue: UInt8(f)) ?? .id, Int(termFreq(at: offset)))
            offset += 1
        }
    }

    /// Total termFreq of the current doc over all fields.
    public mutating func totalTermFreq() -> Int {
        decodeMasks(through: index)
        var sum = 0
        for k in Int(buffers.freqStart[index])..<Int(buffers.freqStart[index + 1]) { sum += Int(termFreq(at: k)) }
        return sum
    }

    /// Calls `body(doc, fieldMask, termFreqs)` for the current doc and the following docs of its block
    /// up to `last` (inclusive), with `termFreqs` pointing at the doc's termFreqs *minus one* (as stored)
    /// in field order, then
    /// moves to the doc after the last one visited and returns it. Scoring a run of docs this way reads
    /// the block's termFreqs once, sequentially, instead of doc by doc.
    /// - Complexity: O(docs visited), plus one unpacking of the block's termFreqs.
    public mutating func scanBlock(through last: DocID, _ body: (DocID, UInt16, UnsafePointer<UInt32>) -> Void) -> DocID {
        guard let run = run(through: last) else { return doc }
        for i in run.start..<run.end {
            body(DocID(bitPattern: run.docs[i]), run.masks[i], run.freqs + Int(run.freqStarts[i]))
        }
        return next(after: run)
    }

    /// The decoded docs of the current block from the current doc up to `last` (inclusive), for a scorer
    /// to loop over in its own code (`TermScorer.forEachCompetitiveScore`), then `next(after:)`; nil
    /// when the current doc is not in `...last` (or is −1), or when the block turns out malformed (the
    /// cursor is then exhausted). Handing out the block's arrays lets the scoring loop keep its state in registers,
    /// where a closure called from inside the cursor (`scanBlock`) reloaded it for every doc.
    /// - Complexity: O(1), plus one unpacking of the block's termFreqs.
    @inline(__always)
    public mutating func run(through last: DocID) -> PostingsRun? {
        guard doc >= 0, doc != Self.noMoreDocs, doc <= last else { return nil }
        if !freqsUnpacked { unpackFreqs() }
        guard !isCorrupt else {
            _ = exhaust()
            return nil
        }
        let docs = buffers.docs
        // A run that reaches the block's end (the usual case for a frequent term) needs no test per doc.
        var end = blockDocs
        if DocID(bitPattern: docs[end - 1]) > last {
            end = index + 1
            while DocID(bitPattern: docs[end]) <= last { end += 1 }
        }
        return PostingsRun(docs: docs, masks: buffers.masks, freqStarts: buffers.freqStart, freqs: buffers.freqs,
                           start: index, end: end)
    }

    /// Moves to the doc after `run` (the last `run(through:)`) and returns it.
    @inline(__always)
    public mutating func next(after run: PostingsRun) -> DocID {
        index = run.end - 1
        return next()
    }
}
