/// Probes of a cursor that reads one doc per probe and is never walked afterwards (`ThresholdSeed`'s
/// completion of its candidates: a fresh scorer per clause, probed for about ten docs in doc order,
/// then dropped).
extension PostingsCursor {
    /// Docs unpacked past the target's estimated place in its block (a multiple of 8, so that the rest
    /// starts on a byte). `rel16` swept 0–40 for the same estimate: 16 was the best (BENCHMARKS.md).
    static let loneProbeMargin = 16

    /// Moves to the first doc ≥ `target` (as `advance(to:)`, the same doc, mask and termFreqs) when
    /// every move of this cursor is a call of this: a block it lands in has its doc ids unpacked only
    /// up to about the target (the block's docs assumed spread evenly between the previous block's
    /// last doc and its own, from the skip table, plus `loneProbeMargin`), and the rest only when those
    /// end below the target. The ids past the unpacked ones are left as `UInt32.max` entries (8 of
    /// them, as `loadBlock`'s padding), which end `scanBlock`'s loops and mark where the next probe
    /// into the same block resumes unpacking. `blockDocs` stays the block's size, for the masks and
    /// termFreqs (`maskAndFreqStart()`): a found target's are decoded here (`decodeLoneDoc`).
    /// A cursor moved by `next()`, `advance(to:)` or a run after this reads wrong docs.
    /// - Complexity: O(log blocks) skip-table probes plus the ids unpacked.
    mutating func advanceAlone(to target: DocID) -> DocID {
        if target <= doc { return doc }
        guard !isCorrupt, let b = findBlock(target, from: max(block, 0)) else { return exhaust() }
        if b != block || block < 0 {
            prefetchBlock(b)
            guard startBlockAlone(b, reaching: target) else { return exhaust() }
        }
        let docs = buffers.docs
        let t = UInt32(target)
        var i = max(index, 0)
        while true {
            while docs[i &+ 7] < t { i &+= 8 }
            while docs[i] < t { i &+= 1 }
            // Past the block's ids (a single block's end), or at the first id left packed.
            if i >= blockDocs { return exhaust() }
            if docs[i] != UInt32.max { break }
            guard unpackAlone(from: i, count: blockDocs &- i, after: Int64(docs[i &- 1])) else { return exhaust() }
        }
        index = i
        doc = DocID(bitPattern: docs[i])
        if doc == target { decodeLoneDoc() }
        return doc
    }

    /// Decodes the current doc's mask and first termFreq index for a lone probe that found its target
    /// (the seed then reads them, `TermScorer.matches()` and `score()`): the docs of the block before
    /// the doc's group of 8 have only their field counts summed (`MaskDictionary.sumFields`), and their
    /// masks are not written, where `decodeMasks(through:)` writes every doc's up to the end of the
    /// doc's chunk of `maskChunk`; the doc's group is decoded (`decodeMasks(through:chunk:)` with 8).
    /// `masksDecoded` stays a multiple of 8 (or the block's size), as the decoding needs; the masks and
    /// starts below it that were only summed are never read, since a lone cursor's probes move forward.
    /// Blocks with one mask or termFreqs of width 0 are left to `maskAndFreqStart()`, which reads
    /// their docs without decoding.
    /// - Complexity: O(docs before the doc) table look-ups, plus O(distinct masks) on the block's first call.
    private mutating func decodeLoneDoc() {
        if index < masksDecoded { return }
        // A damaged header marks the whole block decoded (empty).
        if !freqHeaderRead { readFreqHeader() }
        guard index >= masksDecoded, maskCount > 1, freqWidth > 0 else { return }
        let from = index & ~7
        let start = masksDecoded
        if from > start {
            // `start` and `from` are multiples of 8 within the block, so the indices start on a byte;
            // `readFreqHeader` checked that 8 bytes can be read past them.
            let total = MaskDictionary.sumFields(base + (indicesOffset &+ (start &* indexWidth) &>> 3),
                                                 groups: (from &- start) &>> 3, width: indexWidth,
                                                 fields: buffers.dictionaryFields, total: freqTotal)
            // An index past the dictionary (a damaged block) reads `damagedFields` fields.
            guard !MaskDictionary.isDamaged(fields: total &- freqTotal, docs: from &- start) else { return markCorrupt() }
            freqTotal = total
            masksDecoded = from
        }
        // The group's masks and starts, and the check that the termFreqs so far lie in the postings.
        decodeMasks(through: index, chunk: 8)
    }

    /// Starts block `b` for `advanceAlone(to:)`: its header read and its ids unpacked up to about
    /// `target`'s place. Returns false (the cursor marked corrupt) for a damaged block.
    private mutating func startBlockAlone(_ b: Int, reaching target: DocID) -> Bool {
        // As `loadBlock`: the whole block's packed ids must lie in the postings.
        guard let (start, previous, n, _, ids, packed) = blockHeader(b) else {
            isCorrupt = true
            return false
        }
        blockOffset = start
        masksOffset = ids &+ packed
        block = b
        blockDocs = n
        index = 0
        // The skip table's last doc (a single block's: unknown until unpacked, so the estimate takes all).
        blockLastDoc = blockCount == 1 ? Self.noMoreDocs : skipLastDoc(b)
        freqHeaderRead = false
        masksDecoded = 0
        freqsUnpacked = false
        positionsDecoded = false
        var count = n
        if blockCount > 1 {
            // The estimate in 64 bits: ids are below 2³¹ and n ≤ 255.
            let span = Int64(UInt32(bitPattern: blockLastDoc)) &- previous
            let before = Int64(target) &- previous
            if span > 0 && before > 0 {
                let estimate = Int((before &* Int64(n) &+ span &- 1) / span) &+ Self.loneProbeMargin
                count = min(n, (estimate &+ 7) & ~7)
            }
        }
        return unpackAlone(from: 0, count: count, after: previous)
    }

    /// Unpacks `count` ids of the current block from its `from`-th (0, or a multiple of 8 after a first
    /// call), after `previous` (the id before it: the previous block's last doc at 0), then 8
    /// `UInt32.max` entries past them. Returns false (the cursor marked corrupt) when an id reaches
    /// docCount, or when the block's last id is not the skip table's.
    private mutating func unpackAlone(from: Int, count: Int, after previous: Int64) -> Bool {
        let docs = buffers.docs
        // The packed ids follow the block's impacts and bit width (`loadBlock`), checked by `startBlockAlone`.
        var r = ByteReader(base: base, end: termEnd, position: blockOffset)
        Self.skipBlockImpacts(&r, fieldCounts: buffers.fieldCounts)
        let width = Int(r.readU8())
        let source = base + (r.position &+ (from &* width) &>> 3)
        let last = BitPacking.unpackDocs(source, count: count, width: width, after: previous, into: docs + from)
        guard last < Int64(docLimit) else {
            isCorrupt = true
            return false
        }
        let end = from &+ count
        padDocs(after: end)
        if end == blockDocs {
            if blockCount > 1 && DocID(bitPattern: docs[end &- 1]) != blockLastDoc {
                isCorrupt = true
                return false
            }
            blockLastDoc = DocID(bitPattern: docs[end &- 1])
        }
        return true
    }
}
