import CIntrinsics

/// Iterates the postings of one term in one segment: docs in increasing order with their field mask,
/// per-field termFreqs and positions, skipping whole blocks through the skip table and exposing the
/// block-max `Impacts` for dynamic pruning (block-max WAND / MaxScore).
///
/// A cursor starts before the first doc (`doc == -1`). Copies of a cursor share their decode buffers:
/// use one copy at a time. Deleted docs are not filtered here (check `SegmentReader.isLive`).
public struct PostingsCursor {
    /// The doc after the last one.
    public static let noMoreDocs: DocID = .max

    /// The current doc: −1 before `next()`/`advance(to:)`, `noMoreDocs` once exhausted.
    public internal(set) var doc: DocID = -1
    /// The term's statistics in this segment.
    public let info: TermInfo
    /// Set when a block's extent falls outside the term's postings (a corrupt file that passed the
    /// checksum): the cursor then ends early.
    public internal(set) var isCorrupt = false
    /// Set (with `isCorrupt`) when a block's positions do not decode: the damage is in the positions file.
    public internal(set) var positionsAreCorrupt = false

    let base: UnsafeRawPointer
    let positionsBase: UnsafeRawPointer
    /// Readable end of the postings mapping (bit unpacking reads up to 8 bytes past packed data).
    let mappingEnd: Int
    let positionsEnd: Int
    /// Where the term's blocks end: its extent's end, or where its champion list starts (format 12).
    let termEnd: Int
    /// The end of the term's postings extent (after its champion list, if any).
    let extentEnd: Int
    /// The postings file's format version (`ChampionList.isPresent`).
    let version: UInt32
    let skipStart: Int
    let blocksStart: Int
    let blockCount: Int
    /// Whether a term of several blocks stores its maximum x after its impacts (format ≥ 6).
    let hasMaximum: Bool
    /// Whether a term of several blocks stores its keyword maximum x after its maximum x, and a block
    /// maximum byte per block after its skip table (format ≥ 7: `BlockMaxima`).
    let hasBlockMaxima: Bool
    /// The segment's docCount: every doc id decoded must be below it.
    let docLimit: UInt32
    let buffers: PostingsBuffers

    // Current block.
    var block = -1
    var blockDocs = 0
    var index = 0
    var blockLastDoc: DocID = -1
    /// Offsets of the current block's first byte (its impacts) and of its mask count.
    var blockOffset = 0
    var masksOffset = 0
    /// Whether the block's mask dictionary and the extents of its mask indices and termFreqs have been
    /// read (`readFreqHeader`).
    var freqHeaderRead = false
    /// Docs of the block (from its first) whose masks and first termFreq index are decoded
    /// (`decodeMasks(through:)`); the termFreqs themselves are read one by one from the packed bits
    /// (`freqsOffset`, `freqWidth`) until `freqsUnpacked`.
    var masksDecoded = 0
    /// `freqStart[masksDecoded]`: the termFreqs of the docs decoded so far.
    var freqTotal: UInt32 = 0
    var maskCount = 0
    var indexWidth = 0
    var indicesOffset = 0
    var freqsUnpacked = false
    var freqsOffset = 0
    var freqWidth = 0
    var positionsDecoded = false
    /// Docs of the block whose termFreqs are summed into `positionsBefore`: entries `positionsSummed`
    /// and the one before it hold (`sumPositions(through:)`), so a phrase check of one doc sums the
    /// docs up to it, not the block.
    var positionsSummed = 0
    // Where the last positions read stopped in the block (values read, and the reader there), so that
    // the next one, for a later doc or field, skips from there instead of from the block's start.
    var positionsResume = 0
    var positionsReader: PositionsBlockReader? = nil
    // Block of the last shallow advance.
    var shallowBlock = 0

    init(info: TermInfo, postings: IndexFile, positions: IndexFile, docCount: Int, buffers: PostingsBuffers? = nil) {
        self.info = info
        docLimit = UInt32(clamping: docCount)
        base = postings.base
        positionsBase = positions.base
        mappingEnd = postings.bytes.count
        positionsEnd = positions.body.upperBound
        let start = info.postingsOffset
        let extentEnd = min(start + info.postingsLength, postings.body.upperBound)
        self.extentEnd = extentEnd
        version = postings.version
        // The blocks end where a format-12 term's champion list starts (`ChampionList`).
        let blocksEnd = start >= postings.body.lowerBound
            ? ChampionList.postingsEnd(base: postings.base, start: start, end: extentEnd, docFreq: info.docFreq,
                                       version: postings.version)
            : nil
        termEnd = blocksEnd ?? extentEnd
        self.buffers = buffers ?? PostingsBuffers()
        hasMaximum = postings.version >= 6
        hasBlockMaxima = postings.version >= 7
        let layout = PostingsBlockTable.layout(base: base, start: start, termEnd: termEnd, docFreq: info.docFreq,
                                               version: postings.version)
        (blockCount, skipStart, blocksStart) = layout
        if layout.blockCount == 0 || blocksEnd == nil || start < postings.body.lowerBound || blocksStart > termEnd || info.positionsOffset < positions.body.lowerBound
            || info.positionsOffset + info.positionsLength > positionsEnd {
            isCorrupt = true
            doc = Self.noMoreDocs
        }
    }

    /// Whether the cursor has not moved yet and reads `postings`: no block of it is in its decode
    /// buffers, so a copy may use them (and be done with them) before it moves.
    func isUnstarted(over postings: IndexFile) -> Bool { doc == -1 && block < 0 && postings.base == base }

    /// Docs in the postings (an upper bound of the docs `next()` visits).
    public var cost: Int { info.docFreq }

    // MARK: Skip table

    /// Bytes of a skip entry: lastDoc u32, blockStart u32, positionsStart u32, docCount u8.
    static let skipEntryLength = 13

    @inline(__always)
    func skipLastDoc(_ b: Int) -> DocID {
        DocID(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart &+ Self.skipEntryLength &* b, as: UInt32.self)))
    }

    @inline(__always)
    func skipBlockStart(_ b: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart &+ Self.skipEntryLength &* b &+ 4, as: UInt32.self)))
    }

    /// Block `b`'s maximum byte (`BlockMaxima`; a term of several blocks in a format-7 segment), read
    /// after the skip table.
    @inline(__always)
    func blockMaximumCode(_ b: Int) -> UInt8 {
        base.load(fromByteOffset: skipStart &+ Self.skipEntryLength &* blockCount &+ b, as: UInt8.self)
    }

    @inline(__always)
    func skipPositionsStart(_ b: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart + Self.skipEntryLength * b + 8, as: UInt32.self)))
    }

    // MARK: Iteration

    /// Moves to the next doc and returns it (`noMoreDocs` at the end).
    /// - Complexity: amortized O(1); a block of 128 docs is unpacked every 128 calls.
    @inline(__always)
    public mutating func next() -> DocID {
        index += 1
        if index < blockDocs {
            doc = DocID(bitPattern: buffers.docs[index])
            return doc
        }
        if block + 1 >= blockCount || isCorrupt { return exhaust() }
        loadBlock(block + 1)
        return doc
    }

    /// Moves to the first doc ≥ `target` and returns it (`noMoreDocs` when none). Does nothing when
    /// the current doc is already ≥ `target`.
    /// A target in the current block (most of a search's probes) is found inline; another block is
    /// looked up out of line (`advanceToBlock`). Callgrind, 75 TREC 2021 topics at top 10 on the replica:
    /// see BENCHMARKS.md (`notes13`).
    /// - Complexity: O(log blocks) skip-table probes plus a scan of one block.
    @inline(__always)
    public mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        if target > blockLastDoc || block < 0 { return advanceToBlock(target) }
        return scanBlock(to: target)
    }

    /// Whether `run` (the last `run(through:)`) ends the current block at `last`, its last doc: then the
    /// cursor may rest on that doc (`rest(after:)`) instead of moving past it (`next(after:)` would load
    /// the next block). A caller that walks windows (`MaxScoreSearch`) skips blocks after a scored one,
    /// and a next block loaded there was passed over by an `advance(to:)` that loaded another.
    @inline(__always)
    func endsBlock(_ run: PostingsRun, at last: DocID) -> Bool {
        run.end == blockDocs && blockLastDoc == last
    }

    /// Stays on the last doc of `run` (the last `run(through:)`), which `endsBlock(_:at:)` confirmed is the
    /// block's last.
    @inline(__always)
    mutating func rest(after run: PostingsRun) {
        index = run.end &- 1
        doc = blockLastDoc
    }

    /// `advance(to:)` past the current block's last doc (or before the first block).
    @inline(never)
    mutating func advanceToBlock(_ target: DocID) -> DocID {
        guard let b = findBlock(target, from: max(block, 0)) else { return exhaust() }
        if b != block || block < 0 {
            // A skip's block (or the first): not asked for yet, unlike the next one.
            if b != block &+ 1 || block < 0 { prefetchBlock(b) }
            loadBlock(b)
        }
        guard !isCorrupt else { return exhaust() }
        return scanBlock(to: target)
    }

    /// Moves to the first doc ≥ `target` of the current block, whose last doc is ≥ `target` (or, for
    /// the last block of a single-block term, past its end).
    @inline(__always)
    mutating func scanBlock(to target: DocID) -> DocID {
        let docs = buffers.docs
        let t = UInt32(target)
        var i = index
        // Eight docs at a time while the eighth is below the target (the docs increase): a probe into a
        // block it has just loaded can land far from its first doc. The `UInt32.max` entries past the
        // block's last doc (`loadBlock`) end the loop without a bound test: the target, a doc id, is
        // below them. Then the first doc ≥ t is one of the eight from i, and its offset is how many of
        // them are below t: eight comparisons added, where a loop one doc at a time ended on a
        // mispredicted branch at about every probe (cachegrind's branch simulation, BENCHMARKS.md `br47`).
        while docs[i &+ 7] < t { i &+= 8 }
        var below = 0
        for j in 0..<8 { below &+= Int(unsafeBitCast(docs[i &+ j] < t, to: UInt8.self)) }
        i &+= below
        if i >= blockDocs {
            // Only possible for the last block of a single-block term: past its last doc.
            return exhaust()
        }
        index = i
        doc = DocID(bitPattern: docs[i])
        return doc
    }

    /// The first block at or after `from` whose last doc is ≥ target, or nil.
    ///
    /// The search itself is a static function of the skip table's extent: as a method of the cursor,
    /// called out of line from a mutating one (`advanceToBlock`, `advanceShallow`), it took a copy of the
    /// whole cursor (448 bytes, a `memcpy` of about 75 instructions a call: 8.6 M instructions of the 75
    /// TREC 2021 topics at top 10 on the replica; BENCHMARKS.md, `notes15`).
    @inline(__always)
    func findBlock(_ target: DocID, from: Int) -> Int? {
        Self.findBlock(target, from: from, base: base, skipStart: skipStart, blockCount: blockCount)
    }

    /// `findBlock(_:from:)` over the skip table of `blockCount` entries at `skipStart` in `base`.
    static func findBlock(_ target: DocID, from: Int, base: UnsafeRawPointer, skipStart: Int, blockCount: Int) -> Int? {
        if blockCount == 1 { return 0 }
        guard blockCount > 1 else { return nil }
        // In wrapping arithmetic: the blocks' entries lie within the term's postings (`init`), and
        // `from` is a block of the term, so no index or offset below overflows.
        @inline(__always)
        func lastDoc(_ b: Int) -> DocID {
            DocID(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart &+ skipEntryLength &* b, as: UInt32.self)))
        }
        var low = from
        var high = blockCount &- 1
        if lastDoc(high) < target { return nil }
        // Gallop, then binary search: near targets are the common case.
        var step = 1
        while low &+ step < high && lastDoc(low &+ step) < target {
            low &+= step
            step &<<= 1
        }
        high = min(high, low &+ step)
        // The first of low...high whose last doc is ≥ target (high's is), without a branch per step:
        // the range halves while its lower half's last block ends below the target moves the base by
        // the half (the comparison's flag times it), where `if … { low = mid + 1 }` was a branch that
        // mispredicted about every other step (BENCHMARKS.md `br47`).
        var first = low
        var n = high &- low &+ 1
        while n > 1 {
            let half = n &>> 1
            first &+= half &* Int(unsafeBitCast(lastDoc(first &+ half &- 1) < target, to: UInt8.self))
            n &-= half
        }
        return first
    }

    mutating func exhaust() -> DocID {
        doc = Self.noMoreDocs
        index = blockDocs
        block = blockCount
        blockLastDoc = Self.noMoreDocs
        return doc
    }

    /// Steps over a block's bound as `Impacts.skip` does, first in one test: a field's vint (its maximum
    /// termFreq) is one byte below 128 in nearly every block, and then the bound is its field mask and two
    /// bytes a field, which the high bits of the vints' bytes (at most 24 bytes after the mask) confirm.
    /// `Impacts.skip`'s loop over the fields took 8 instructions a field (8.1 fields a block, 1,000 keyword
    /// queries at top 10 on the replica; BENCHMARKS.md, `kw21`). Any other bound (a longer vint, a bound
    /// near the reader's end) goes through `Impacts.skip`. `fieldCounts`: `PostingsCursor.fieldCounts`.
    @inline(__always)
    static func skipBlockImpacts(_ r: inout ByteReader, fieldCounts: UnsafePointer<UInt8>) {
        let p = r.position
        // The mask and three 8-byte words after it.
        if p &+ 26 <= r.end {
            let base = r.base
            let mask = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt16.self)) & ((1 << UInt16(IndexFormat.fieldCount)) &- 1)
            let fields = Int(fieldCounts[Int(mask)])
            // The high bit of the vint byte of each of `count` fields from a word's first byte on.
            @inline(__always)
            func vintBits(_ count: Int) -> UInt64 {
                let all: UInt64 = 0x0080_0080_0080_0080
                if count >= 4 { return all }
                if count <= 0 { return 0 }
                return all & ((1 << UInt64(16 &* count)) &- 1)
            }
            let high = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 2, as: UInt64.self)) & vintBits(fields)
                | UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 10, as: UInt64.self)) & vintBits(fields &- 4)
                | UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p &+ 18, as: UInt64.self)) & vintBits(fields &- 8)
            if high == 0 {
                r.position = p &+ 2 &+ 2 &* fields
                return
            }
        }
        Impacts.skip(&r)
    }

    /// Block `b`'s header as every unpacking reads it: where the block starts, the previous block's last
    /// doc (−1 before the first block), its number of docs, the bit width of its doc ids, where the packed
    /// ids start and their bytes; nil when the header is damaged (a count outside 1...`maxBlockDocs`, a
    /// width over 32, or packed ids past the term's postings or within 8 bytes of the mapping's end).
    @inline(__always)
    func blockHeader(_ b: Int) -> (start: Int, previous: Int64, count: Int, width: Int, ids: Int, packed: Int)? {
        let start: Int
        let previous: Int64
        if blockCount == 1 {
            start = blocksStart
            previous = -1
        } else {
            start = blocksStart &+ skipBlockStart(b)
            previous = b == 0 ? -1 : Int64(UInt32(bitPattern: skipLastDoc(b &- 1)))
        }
        // The skip table lies within the term's postings (`init`), so its offsets do not overflow.
        let n = blockCount == 1 ? info.docFreq
            : Int(base.load(fromByteOffset: skipStart &+ Self.skipEntryLength &* b &+ 12, as: UInt8.self))
        var r = ByteReader(base: base, end: termEnd, position: start)
        Self.skipBlockImpacts(&r, fieldCounts: buffers.fieldCounts)
        let width = Int(r.readU8())
        // In wrapping arithmetic: `width` is a byte and a count past `maxBlockDocs` (a damaged single block's
        // docFreq) fails the guard whatever the sums give.
        let packed = BitPacking.smallByteCount(count: n, width: width)
        guard !r.failed, width <= 32, r.position &+ packed <= termEnd, r.position &+ packed &+ 8 <= mappingEnd,
              n > 0, n <= IndexFormat.maxBlockDocs else { return nil }
        return (start, previous, n, width, r.position, packed)
    }

    /// Writes the `PostingsBuffers.docsPadding` entries of `UInt32.max` after the first `count` doc ids
    /// of the buffer, where `scanBlock(to:)` stops without a bound test.
    @inline(__always)
    func padDocs(after count: Int) {
        let padding = UnsafeMutableRawPointer(buffers.docs + count)
        padding.storeBytes(of: UInt64.max, as: UInt64.self)
        padding.storeBytes(of: UInt64.max, toByteOffset: 8, as: UInt64.self)
        padding.storeBytes(of: UInt64.max, toByteOffset: 16, as: UInt64.self)
        padding.storeBytes(of: UInt64.max, toByteOffset: 24, as: UInt64.self)
    }

    /// Asks for block `b`'s lines (its impacts, doc ids, mask dictionary and indices, termFreqs), to its
    /// end or `prefetchedBlockBytes`, at once, a hint only, when a skip (or a term's first load) reaches
    /// it: `loadBlock` / `startBlockAlone` and `readFreqHeader` then wait for about one miss instead of
    /// one per line, in turn (the next block in order was asked for by `loadBlock`). Alternated rounds on
    /// the replica, same runs: 75 TREC 2021 topics at top 10 0.972–0.993×, related 0.944×, keywords top
    /// 10 0.944×, top 1,000 1.006–1.014× (BENCHMARKS.md, `top48`).
    @inline(__always)
    func prefetchBlock(_ b: Int) {
        let start = blocksStart &+ (blockCount == 1 ? 0 : skipBlockStart(b))
        let end = b &+ 1 < blockCount ? blocksStart &+ skipBlockStart(b &+ 1) : termEnd
        let last = min(end, start &+ Self.prefetchedBlockBytes) &- 1
        var line = start
        repeat {
            trialsearch_prefetch_read(base + line)
            line &+= 64
        } while line <= last
        // The line of the block's last byte read when `start` + 64·k stops short of its line.
        if last & ~63 != (line &- 64) & ~63 && last >= start { trialsearch_prefetch_read(base + last) }
    }

    /// The bytes of a block that a skip to it asks for (`prefetchBlock`): 256 (its first four lines) and
    /// 1,024 measured no faster on the topics (BENCHMARKS.md, `top48`).
    static var prefetchedBlockBytes: Int { 512 }

    /// Unpacks the doc ids of block `b` and positions the cursor on its first doc.
    mutating func loadBlock(_ b: Int) {
        guard let (start, previous, n, width, ids, packed) = blockHeader(b) else {
            isCorrupt = true
            _ = exhaust()
            return
        }
        // Doc ids index the per-doc arrays (norms, doc values, deletes), and a file that passed its
        // checksum can still hold any number (a writer bug, an edit): they must increase strictly,
        // from after the previous block's last, and stay below docCount (no wrap-around either). Summed
        // in 64 bits from deltas ≥ 1 they increase strictly, so the last one below docCount is the
        // whole check (`BitPacking.unpackDocs`).
        let lastDoc = BitPacking.unpackDocs(base + ids, count: n, width: width, after: previous, into: buffers.docs)
        guard lastDoc < Int64(docLimit) else {
            isCorrupt = true
            _ = exhaust()
            return
        }
        // The entries past the last doc that `scanBlock(to:)` stops at (`PostingsBuffers.docsPadding`).
        padDocs(after: n)
        // The next block's first 256 bytes (its impacts, doc ids and masks) are asked for now, a hint
        // only. Alternated rounds on the replica, same runs: topics 0.985×, related 0.989×, keywords top
        // 10 0.975×, top 1,000 1.000× (BENCHMARKS.md, `mem1`).
        if b &+ 1 < blockCount {
            let next = base + (blocksStart &+ skipBlockStart(b &+ 1))
            trialsearch_prefetch_read(next)
            trialsearch_prefetch_read(next + 64)
            trialsearch_prefetch_read(next + 128)
            trialsearch_prefetch_read(next + 192)
        }
        blockOffset = start
        masksOffset = ids + packed
        block = b
        blockDocs = n
        index = 0
        blockLastDoc = DocID(bitPattern: buffers.docs[n - 1])
        if blockCount > 1 && blockLastDoc != skipLastDoc(b) { isCorrupt = true }
        freqHeaderRead = false
        masksDecoded = 0
        freqsUnpacked = false
        positionsDecoded = false
        doc = DocID(bitPattern: buffers.docs[0])
    }
}
