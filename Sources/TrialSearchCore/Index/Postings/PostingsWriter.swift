/// Encodes the postings of one term after another into the postings file (`.pst`) and their positions
/// into the positions file (`.pos`), block by block.
///
/// Postings format (one list per term across all fields), format 7:
/// ```
/// PostingsBody := MaximaParameters KeywordMaximaParameters TermPostings^terms
/// MaximaParameters := b:f64^12 weight:f64^12               (per field, `Field` order: `TermMaxima`)
/// KeywordMaximaParameters := b:f64^12 weight:f64^12        (the same for `BlockMaxima`)
/// TermPostings := Block ChampionList?                     (docFreq ≤ 128: one block)
///               | TermImpacts maxX:f32 maxKeywordX:f32 blockCount:vint SkipEntry^blockCount
///                 BlockMaximum^blockCount Block^blockCount ChampionList   (docFreq > 128)
/// ChampionList := (format 12, docFreq > 64 only: see `ChampionList`) the term's 10 best docs by keyword
///                 x as postings, then their length (u16), so that the blocks end where it starts
/// SkipEntry    := lastDoc:u32 blockStart:u32 positionsStart:u32 docCount:u8
/// BlockMaximum := u8: the block's largest x under `KeywordMaximaParameters`, quantized upward
///                 against maxKeywordX (`BlockMaxima.encode`)
/// Block        := Impacts docWidth:u8 DocDeltas maskCount:u8 Masks MaskIndices freqWidth:u8 Freqs
/// Impacts      := fieldMask:u16 (maxTermFreq:vint minNorm:u8)^popcount(fieldMask)
/// DocDeltas    := n values of docWidth bits: (doc − previousDoc − 1), previousDoc of the first doc
///                 being the last doc of the previous block (−1 for the first block)
/// Masks        := maskCount values of w bits: the block's distinct field masks shifted right by s, s
///                 the lowest field and s + w the highest field + 1 of the block's impacts (which
///                 hold every field of the block's docs)
/// MaskIndices  := n values of ⌈log2 maskCount⌉ bits: index of each doc's field mask
/// Freqs        := Σ popcount(mask) values of freqWidth bits: termFreq − 1 for each (doc, field),
///                 docs in order, fields ascending
/// ```
/// A block holds n = 1…255 docs: `docFreq` for a single-block term, the skip entry's `docCount`
/// otherwise; the first block never holds more than 128, so a term has one block exactly when its
/// docFreq is at most 128. A flush writes blocks of 128 docs (the last one fewer). A merge copies the
/// blocks of its sources as they are and re-encodes only where one source's postings meet the next
/// (`appendBlock`, `encodePendingBlock`): its blocks hold 128…255 docs but the last (and, rarely, one
/// before a copied block of more than 127 docs). Values are packed by `BitPacking`.
/// `blockStart` is relative to the first block, `positionsStart` to the term's first position byte:
/// the start of the block's `PositionsBlock`.
/// `Impacts` (see `Impacts` for the maths) bound the BM25F score of every doc of the block; the
/// `TermImpacts` of a multi-block term bound the whole term, and for a single block the block's own
/// impacts do, so a term's bound is always at its postings offset.
/// `maxX` (format 6) is the exact maximum over the term's docs of BM25F's pseudo-frequency
/// x = Σ_f tf_f · w_f / (1 − b_f + b_f · len_f / avg_f), with the w_f and b_f of `MaximaParameters`,
/// the decoded norm bytes and the segment's own average field lengths, in the scorer's `Float`
/// arithmetic (`TermMaxima`): a score bound for every k1 and clause weight under those parameters,
/// tighter than the impacts'. A term of one block has none (its impacts bound it well enough, and
/// most terms are such: 4 bytes each would cost). `maxKeywordX` is the same maximum under the
/// keyword queries' parameters (`KeywordMaximaParameters`), and `BlockMaximum` each block's, as a byte
/// q for the bound maxKeywordX · q / 255 (`BlockMaxima`): MaxScore's block bounds for keyword queries.
/// Format 6 has neither `KeywordMaximaParameters`, `maxKeywordX` nor `BlockMaximum`; format 5 has
/// neither `MaximaParameters` nor `maxX` either.
///
/// Positions format (`.pos`), one list per term:
/// ```
/// TermPositions := PositionsBlock^blockCount     (one per postings block, in order)
/// ```
/// A `PositionsBlock` (see there for its bits) holds, for each doc of its postings block, for each
/// field of its mask (ascending), termFreq values: the first position, then the gaps to the previous
/// one; exp-Golomb coded with the block's parameter, so that a phrase check jumps to one doc's
/// positions by counting bits, and a merge copies a block's positions with its postings.
///
/// Worked example: doc 3 has the term once in `title` (length 5) and twice in `summary` (length 40),
/// doc 7 once in `title` (length 8). One block:
/// `42 00 01 05 02 28 | 02 0F | 02 61 00 02 | 01 02`: impacts (title and summary: title max tf 1, min
/// norm 5; summary max tf 2, min norm 40), deltas 3 and 3 at width 2 (`0b1111`), masks 0x42 and 0x02
/// shifted by 1 (title) at width 6 (up to summary): 0x21 and 0x01 (`61 00` with the bits from the
/// low end), with indices 0 and 1 at width 1, freqs − 1 = 0, 1, 0 at width 1. If doc 3 has the term at
/// title position 2 and summary positions 0 and 7, doc 7 at title position 4, the block's positions
/// are the values 2, 0, 7, 4, coded with k = 1: z = 1, 0, 2, 1, unary codes `01 1 001 01` in one byte
/// `A6`, mantissas 0 (2 bits), 0 (1 bit), 1 (3 bits), 2 (2 bits) in one byte `88`: `21 A6 88`
/// (unary length 1 · 32 + k, unary, mantissas). With 300 such docs the term
/// would start with its `TermImpacts`, its maxX (x = 1.5 as f32: `00 00 C0 3F`), its maxKeywordX,
/// `03` (three blocks) and three 13-byte skip entries, the first
/// `lastDoc` of the 128th doc, `blockStart` 0, `positionsStart` 0, `docCount` `80` (128), then the
/// three blocks' maxima bytes (`FF` for a block holding the term's largest keyword x).
struct PostingsWriter: ~Copyable {
    private let output: IndexOutput
    private let positionsOutput: IndexOutput
    let buffers = PostingsWriterBuffers()

    // The block being filled. The state `encodeBlock` reads and resets (`PostingsWriter+Block.swift`)
    // and the entries' path updates (`PostingsWriter+Entries.swift`) is internal, the rest private.
    var count = 0
    var freqCount = 0
    /// Position values (first positions and gaps) of the block being filled.
    var positionCount = 0
    /// Whether the caller counts the bit length of every position value it adds in
    /// `buffers.positionLengths` (a flush's: `countPositionLengths()`), so that `encodeBlock` passes the
    /// histogram to `PositionsBlock.encode` instead of a pass over the values to count them.
    private(set) var countsPositionLengths = false
    var blockImpacts = Impacts()
    var lastDoc: Int64 = -1
    var previousBlockLastDoc: Int64 = -1

    // The term being written.
    var termImpacts = Impacts()
    var blocks = ByteBuffer(capacity: 1 << 16)
    var skip = ByteBuffer(capacity: 1 << 12)
    /// The term's positions (`TermPositions`).
    var termPositions = ByteBuffer(capacity: 1 << 16)
    /// The term's header (impacts, block count, skip table) when it has several blocks.
    private var head = ByteBuffer(capacity: 1 << 12)
    var blockCount = 0
    var docFreq = 0
    /// The term's termFreqs summed: its position values, added per block (`encodeBlock`), and
    /// `addStatistics` for copied blocks.
    var termFreqSum = 0
    var fieldDocFreqs = FieldCounts()

    /// Docs at which a block after a term's first is encoded (see `blockLimit`).
    private let blockDocs: Int
    /// The factors of `maxX`; nil writes +∞ (no bound: a test's writer without a segment).
    private let maxima: TermMaximumFactors?
    /// `maxima`'s `factorTable` (read per posting without touching the object).
    let factorTable: UnsafePointer<Float>?
    /// The current term's largest x so far (docs added with norms or with `rows`, and `noteMaximum`).
    var termMaximum: Float = 0
    /// The block maxima's factor table (`maxima.blocks`), nil without maxima.
    let blockFactorTable: UnsafePointer<Float>?
    /// The merged segment's norms rows, for the block maxima of docs added without norms (a merge).
    private let rows: UnsafePointer<UInt8>?
    /// The largest keyword x of the block being filled.
    var blockMaximum: Float = 0
    /// The largest keyword x of each block of the current term so far.
    var blockMaxima: [Float] = []
    /// The current term's best docs by keyword x (format 12: `ChampionList`, written after its blocks when
    /// it has more than `IndexFormat.championMinimumDocs` docs).
    let champions = ChampionHeap()
    /// The keyword x a doc must exceed to be offered to `champions`: −∞ while it has room, then its
    /// root's; +∞ for a term whose writer said it cannot have a list (`prepareChampions`).
    var championFloor: Float = -.infinity
    /// Whether the current term's docs are offered to `champions` only when its first block is encoded
    /// (a flush's: `prepareChampions(possible:deferred:)`).
    var championsDeferred = false
    /// The current term's champion list, encoded at `finishTerm`.
    private var championBytes = ByteBuffer(capacity: 1 << 9)

    /// A writer into `output` (postings) and `positions` whose blocks hold `blockDocs` docs (a term's
    /// first block at most 128): a flush's 128, or a merge's `IndexFormat.maxBlockDocs`, where the merge
    /// ends blocks itself.
    /// `rows`: the segment's norms rows (`fieldCount` bytes a doc), for the block maxima of docs added
    /// without norms (a merge's); without them such docs leave their block without a bound (255).
    init(output: IndexOutput, positions: IndexOutput, blockDocs: Int = IndexFormat.blockSize,
         maxima: TermMaximumFactors?, rows: UnsafePointer<UInt8>? = nil) {
        precondition(blockDocs >= IndexFormat.blockSize && blockDocs <= IndexFormat.maxBlockDocs, "block of \(blockDocs) docs")
        self.output = output
        positionsOutput = positions
        self.blockDocs = blockDocs
        self.maxima = maxima
        factorTable = maxima?.factorTable
        blockFactorTable = maxima?.blocks?.factorTable
        self.rows = rows
        blockMaxima.reserveCapacity(1 << 10)
        buffers.fillFactorPairs(factorTable, blockFactorTable)
    }

    /// Says that every position value added from now on comes with its bit length counted in
    /// `buffers.positionLengths` (by the flush's entries, `reservedPositionSlots`); the per-doc `add`
    /// and `positionSlots` may no longer be used.
    mutating func countPositionLengths() {
        precondition(positionCount == 0, "\(positionCount) position values already added")
        countsPositionLengths = true
    }

    /// Writes `MaximaParameters` and `KeywordMaximaParameters` at the start of a new postings file's
    /// body (once per file, before any term: a scratch output of a split write has none).
    static func writeMaximaParameters(_ maxima: TermMaximumFactors, to output: IndexOutput) throws {
        var bytes: [UInt8] = []
        maxima.maxima.encodeParameters(into: &bytes)
        (maxima.blocks?.maxima ?? BlockMaxima.current(lengthSums: [UInt64](repeating: 0, count: IndexFormat.fieldCount),
                                                      docCount: 0)).encodeParameters(into: &bytes)
        try output.write(bytes)
    }

    /// Says whether the next term may have more than `IndexFormat.championMinimumDocs` docs (a necessary
    /// condition: a flush's doc-stream bytes, a merge's sources' docFreqs summed): when not, its docs are
    /// not offered to `champions`. Call before the term's first doc; a term not prepared is offered.
    /// `deferred` (a flush, whose docs are added with `finishDoc`, never as copied blocks): the docs of the
    /// term's first block are offered only when it is encoded, and only if the term then has more than
    /// `IndexFormat.championMinimumDocs` docs (its keyword x kept per doc meanwhile), so that a term that
    /// the gate lets through but that has fewer docs (most of them: the gate counts stream bytes) offers
    /// none. Callgrind of the 10,614 trials' build in 8 flushes and a merge: see BENCHMARKS.md `champ45`.
    mutating func prepareChampions(possible: Bool, deferred: Bool = false) {
        championFloor = possible && !deferred ? -.infinity : .infinity
        championsDeferred = possible && deferred
    }

    /// Offers the `n` docs of the term's first block, about to be encoded, to `champions` (the deferred
    /// offers, `prepareChampions(possible:deferred:)`) when the term has more than
    /// `IndexFormat.championMinimumDocs` docs, and offers the term's later docs as they come.
    @inline(never)
    mutating func offerDeferredChampions(_ n: Int) {
        championsDeferred = false
        guard docFreq > IndexFormat.championMinimumDocs else { return }
        unowned(unsafe) let b = buffers
        var floor = -Float.infinity
        var k = 0
        for i in 0..<n {
            let mask = b.masks[i]
            let fields = mask.nonzeroBitCount
            let y = b.ys[i]
            if y > floor { floor = champions.offer(x: y, doc: b.docs[i], mask: mask, freqs: b.freqs + k, count: fields) }
            k &+= fields
        }
        championFloor = floor
    }

    /// Offers the doc just added (its termFreqs − 1 end at `freqsEnd`) to `champions` (its keyword x
    /// above `championFloor`). Out of line: the few docs above the floor pay a call, the others a compare.
    @inline(never)
    mutating func offerChampion(x: Float, doc: UInt32, mask: UInt16, freqsEnd: UnsafePointer<UInt32>) {
        let n = mask.nonzeroBitCount
        championFloor = champions.offer(x: x, doc: doc, mask: mask, freqs: freqsEnd - n, count: n)
    }

    /// Raises the current term's maximum x to `x`: a merge's docs in copied blocks
    /// (`TermMaximumFactors.maximum(of:sourceRows:blockBest:)`).
    mutating func noteMaximum(_ x: Float) {
        termMaximum = max(termMaximum, x)
    }

    /// Docs waiting in the block being filled.
    var pendingCount: Int { count }
    /// The last doc added or copied to the current term (−1 before the first).
    var lastAddedDoc: Int64 { lastDoc }
    /// Blocks written for the current term so far.
    var blocksWritten: Int { blockCount }

    /// Docs at which the block being filled is encoded: 128 for a term's first block (so that a term of
    /// at most 128 docs has one block), `blockDocs` after it.
    @inline(__always)
    var blockLimit: Int { blockCount == 0 ? IndexFormat.blockSize : blockDocs }

    /// Adds the next doc of the current term. `termFreqs[f]` is the termFreq in field f (read for the
    /// fields of `mask` only), `norms[f]` the doc's norm byte of field f, `positions` the doc's position
    /// values (Σ termFreqs of the mask: per field ascending, the first position then the gaps).
    @inline(__always)
    mutating func add(doc: DocID, mask: UInt16, termFreqs: UnsafePointer<UInt32>, norms: UnsafePointer<UInt8>,
                      positions: UnsafePointer<UInt32>) {
        append(doc: doc, mask: mask, termFreqs: termFreqs, norms: norms, positions: positions)
    }

    /// Adds the next doc of the current term like `add(doc:mask:termFreqs:norms:positions:)` but
    /// without folding it into the block's impacts: the caller bounds the block with `addImpacts`
    /// instead (a merge re-encoding whole source blocks, whose impacts it has, and so does not read
    /// every doc's norms row: a cache miss per doc).
    @inline(__always)
    mutating func add(doc: DocID, mask: UInt16, termFreqs: UnsafePointer<UInt32>, positions: UnsafePointer<UInt32>) {
        append(doc: doc, mask: mask, termFreqs: termFreqs, norms: nil, positions: positions)
    }

    /// The two `add`s: with `norms`, the doc is folded into the block's impacts; without, it is not.
    @inline(__always)
    private mutating func append(doc: DocID, mask: UInt16, termFreqs: UnsafePointer<UInt32>, norms: UnsafePointer<UInt8>?,
                                 positions: UnsafePointer<UInt32>) {
        precondition(Int64(doc) > lastDoc && mask != 0 && !countsPositionLengths,
                     "doc \(doc) after \(lastDoc), mask \(mask), position lengths counted: \(countsPositionLengths)")
        // Not retained per doc: `self` holds the buffers for the whole call (a strong copy and a closure
        // over it cost a retain, a release and a call per posting of a flush).
        unowned(unsafe) let b = buffers
        var docPositions = 0
        b.docs[count] = UInt32(doc)
        b.masks[count] = mask
        var n = freqCount
        var m = mask
        // The doc's x (`TermMaximumFactors.x`: the same products summed in the same field order) in the
        // fields' loop rather than a loop of its own; y, the same under the block maxima's parameters.
        var x: Float = 0
        var y: Float = 0
        let rowOfDoc = norms == nil ? rows.map { $0 + Int(doc) &* IndexFormat.fieldCount } : nil
        while m != 0 {
            let f = m.trailingZeroBitCount
            m &= m &- 1
            let tf = termFreqs[f]
            precondition(tf > 0, "zero termFreq in a field of the mask")
            b.freqs[n] = tf &- 1
            n &+= 1
            docPositions &+= Int(tf)
            fieldDocFreqs[f] &+= 1
            if let norms {
                let norm = norms[f]
                blockImpacts.add(field: f, termFreq: tf, norm: norm)
                if let factorTable { x += Float(tf) * factorTable[f &* 256 &+ Int(norm)] }
                if let blockFactorTable { y += Float(tf) * blockFactorTable[f &* 256 &+ Int(norm)] }
            } else if let rowOfDoc, let blockFactorTable {
                let slot = f &* 256 &+ Int(rowOfDoc[f])
                y += Float(tf) * blockFactorTable[slot]
                if let factorTable { x += Float(tf) * factorTable[slot] }
            }
        }
        // A doc added without norms but with the segment's rows (a merge's re-encoded doc) counts too.
        if factorTable != nil, norms != nil || (rowOfDoc != nil && blockFactorTable != nil) { termMaximum = max(termMaximum, x) }
        if norms == nil && rowOfDoc == nil { y = .infinity }
        blockMaximum = max(blockMaximum, y)
        freqCount = n
        if y > championFloor { offerChampion(x: y, doc: UInt32(bitPattern: doc), mask: mask, freqsEnd: b.freqs + n) }
        if positionCount &+ docPositions > b.positionsCapacity {
            buffers.reservePositions(positionCount &+ docPositions, keeping: positionCount)
        }
        let target = b.positions + positionCount
        if docPositions <= 8 {
            // Most docs hold a term a few times: a loop instead of a `memcpy` call.
            for j in 0..<docPositions { target[j] = positions[j] }
        } else {
            target.update(from: positions, count: docPositions)
        }
        positionCount &+= docPositions
        count &+= 1
        docFreq &+= 1
        lastDoc = Int64(doc)
        if count == blockLimit { encodeBlock() }
    }

    /// Widens the bound of the block being filled by `impacts` (see the `add` without norms).
    @inline(__always)
    mutating func addImpacts(_ impacts: Impacts) {
        blockImpacts.add(impacts)
    }

    /// Encodes the docs added since the last block as a block of their own (a merge ending a block
    /// before copying the next one whole).
    mutating func encodePendingBlock() {
        if count > 0 { encodeBlock() }
    }

    /// Copies an encoded block (`Block` of the grammar, impacts first) of `docCount` docs whose deltas
    /// follow the last doc of the current term, and its `PositionsBlock`, as a merge does with a source
    /// segment's block when the docs keep their gaps. Nothing may be pending. The statistics of the
    /// copied docs are not known here: give them with `addStatistics` before `finishTerm`.
    /// `blockMaximum` is the block's largest x under the block maxima's parameters with this segment's
    /// norms and averages (+∞ when unknown).
    mutating func appendBlock(_ encoded: UnsafeRawBufferPointer, docCount: Int, lastDoc last: DocID,
                              positions: UnsafeRawBufferPointer, blockMaximum: Float) {
        precondition(count == 0 && docCount > 0 && docCount <= IndexFormat.maxBlockDocs && Int64(last) > lastDoc,
                     "block of \(docCount) docs ending at \(last) after \(lastDoc), \(count) pending")
        precondition(blockCount > 0 || docCount <= IndexFormat.blockSize, "first block of \(docCount) docs")
        var r = ByteReader(encoded)
        let impacts = Impacts.decode(&r)
        precondition(!r.failed && termPositions.count <= Int(UInt32.max), "copied block does not start with impacts")
        skip.reserve(PostingsCursor.skipEntryLength)
        skip.u32(UInt32(bitPattern: last))
        skip.u32(UInt32(blocks.count))
        skip.u32(UInt32(termPositions.count))
        skip.u8(UInt8(docCount))
        blocks.append(encoded)
        termPositions.append(positions)
        termImpacts.add(impacts)
        blockMaxima.append(blockMaximum)
        previousBlockLastDoc = Int64(last)
        lastDoc = Int64(last)
        docFreq += docCount
        blockCount += 1
    }

    /// Adds the statistics of docs copied with `appendBlock` (their termFreqs summed over fields, and
    /// per field the docs having the term).
    mutating func addStatistics(totalTermFreq: Int, fieldDocFreqs: FieldCounts) {
        termFreqSum += totalTermFreq
        for f in 0..<IndexFormat.fieldCount { self.fieldDocFreqs[f] += fieldDocFreqs[f] }
    }

    /// Writes the current term's postings and positions and returns its statistics and extents.
    mutating func finishTerm() throws -> TermInfo {
        precondition(docFreq > 0, "term without docs")
        if count > 0 { encodeBlock() }
        precondition((blockCount == 1) == (docFreq <= IndexFormat.blockSize),
                     "\(blockCount) blocks for \(docFreq) docs")
        let start = output.position
        if blockCount > 1 {
            head.removeAll()
            head.reserve(Impacts.maxEncodedLength + 18 + skip.count)
            termImpacts.encode(into: &head)
            head.u32((maxima == nil ? Float.infinity : termMaximum).bitPattern)
            // The keyword maximum is the largest block maximum (+∞ when a block's is unknown).
            let keywordMaximum = blockFactorTable == nil ? Float.infinity : blockMaxima.max() ?? 0
            head.u32(keywordMaximum.bitPattern)
            head.vint(blockCount)
            try output.write(head.bytes)
            try output.write(skip.bytes)
            head.removeAll()
            head.reserve(blockCount)
            for x in blockMaxima { head.u8(BlockMaxima.encode(x, termMaximum: keywordMaximum)) }
            try output.write(head.bytes)
        }
        try output.write(blocks.bytes)
        if docFreq > IndexFormat.championMinimumDocs {
            precondition(champions.count == IndexFormat.championCount,
                         "a term of \(docFreq) docs whose champions were not offered")
            championBytes.removeAll()
            champions.encode(into: &championBytes)
            try output.write(championBytes.bytes)
        }
        let positionsStart = positionsOutput.position
        try positionsOutput.write(termPositions.bytes)
        var info = TermInfo()
        info.docFreq = docFreq
        info.totalTermFreq = termFreqSum
        info.fieldMask = termImpacts.fieldMask
        info.fieldDocFreqs = fieldDocFreqs
        info.postingsOffset = start
        info.postingsLength = output.position - start
        info.positionsOffset = positionsStart
        info.positionsLength = termPositions.count
        // Reset for the next term.
        // Empty bounds (the fields outside a mask are never read: see `encodeBlock`'s reset).
        termImpacts.fieldMask = 0
        blockImpacts.fieldMask = 0
        termMaximum = 0
        blockMaximum = 0
        blockMaxima.removeAll(keepingCapacity: true)
        champions.reset()
        championFloor = -.infinity
        championsDeferred = false
        blocks.removeAll()
        skip.removeAll()
        termPositions.removeAll()
        blockCount = 0
        docFreq = 0
        termFreqSum = 0
        fieldDocFreqs = FieldCounts()
        lastDoc = -1
        previousBlockLastDoc = -1
        return info
    }
}
