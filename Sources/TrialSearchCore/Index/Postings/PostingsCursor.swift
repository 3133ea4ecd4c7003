/// Decoded state of the current block of a cursor, in manually managed memory (one owner, freed in
/// `deinit`), so that a `PostingsCursor` stays a small struct.
final class PostingsBuffers {
    let docs: UnsafeMutablePointer<UInt32>
    let masks: UnsafeMutablePointer<UInt16>
    /// Index in `freqs` of each doc's first (field) termFreq; entry `n` is the total.
    let freqStart: UnsafeMutablePointer<UInt32>
    /// Position values before each doc of the block (prefix sums of the docs' total termFreq).
    let positionsBefore: UnsafeMutablePointer<UInt32>
    let freqs: UnsafeMutablePointer<UInt32>
    /// The block's field-mask dictionary (`MaskDictionary` entries: a doc's mask and the number of its
    /// termFreqs in one look-up).
    let dictionary: UnsafeMutablePointer<UInt32>

    init() {
        let n = IndexFormat.maxBlockDocs
        docs = .allocate(capacity: n)
        masks = .allocate(capacity: n)
        freqStart = .allocate(capacity: n + 1)
        positionsBefore = .allocate(capacity: n + 1)
        freqs = .allocate(capacity: n * IndexFormat.fieldCount)
        // Every index a block's dictionary-index width can express (≥ n), so that indices past a damaged
        // block's dictionary read its `MaskDictionary.damaged` entries (`PostingsCursor.readFreqHeader`).
        let entries = 1 << BitPacking.bitsRequired(UInt32(n - 1))
        dictionary = .allocate(capacity: entries)
    }

    deinit {
        docs.deallocate()
        masks.deallocate()
        freqStart.deallocate()
        positionsBefore.deallocate()
        freqs.deallocate()
        dictionary.deallocate()
    }
}

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
    public private(set) var doc: DocID = -1
    /// The term's statistics in this segment.
    public let info: TermInfo
    /// Set when a block's extent falls outside the term's postings (a corrupt file that passed the
    /// checksum): the cursor then ends early.
    public private(set) var isCorrupt = false
    /// Set (with `isCorrupt`) when a block's positions do not decode: the damage is in the positions file.
    public private(set) var positionsAreCorrupt = false

    private let base: UnsafeRawPointer
    private let positionsBase: UnsafeRawPointer
    /// Readable end of the postings mapping (bit unpacking reads up to 8 bytes past packed data).
    private let mappingEnd: Int
    private let positionsEnd: Int
    private let termEnd: Int
    private let skipStart: Int
    private let blocksStart: Int
    private let blockCount: Int
    /// Whether a term of several blocks stores its maximum x after its impacts (format 6).
    private let hasMaximum: Bool
    /// The segment's docCount: every doc id decoded must be below it.
    private let docLimit: UInt32
    let buffers: PostingsBuffers

    // Current block.
    private var block = -1
    private var blockDocs = 0
    private var index = 0
    private var blockLastDoc: DocID = -1
    /// Offsets of the current block's first byte (its impacts) and of its mask count.
    private var blockOffset = 0
    private var masksOffset = 0
    /// Whether the block's mask dictionary and the extents of its mask indices and termFreqs have been
    /// read (`readFreqHeader`).
    private var freqHeaderRead = false
    /// Docs of the block (from its first) whose masks and first termFreq index are decoded
    /// (`decodeMasks(through:)`); the termFreqs themselves are read one by one from the packed bits
    /// (`freqsOffset`, `freqWidth`) until `freqsUnpacked`.
    private var masksDecoded = 0
    /// `freqStart[masksDecoded]`: the termFreqs of the docs decoded so far.
    private var freqTotal: UInt32 = 0
    private var maskCount = 0
    private var indexWidth = 0
    private var indicesOffset = 0
    private var freqsUnpacked = false
    private var freqsOffset = 0
    private var freqWidth = 0
    private var positionsDecoded = false
    /// Docs of the block whose `positionsBefore` entries are summed: entries 0…`positionsSummed` hold
    /// (`sumPositions(through:)`), so a phrase check of one doc sums the docs up to it, not the block.
    private var positionsSummed = 0
    // Where the last positions read stopped in the block (values read, and the reader there), so that
    // the next one, for a later doc or field, skips from there instead of from the block's start.
    private var positionsResume = 0
    private var positionsReader: PositionsBlockReader? = nil
    // Block of the last shallow advance.
    private var shallowBlock = 0

    init(info: TermInfo, postings: IndexFile, positions: IndexFile, docCount: Int, buffers: PostingsBuffers? = nil) {
        self.info = info
        docLimit = UInt32(clamping: docCount)
        base = postings.base
        positionsBase = positions.base
        mappingEnd = postings.bytes.count
        positionsEnd = positions.body.upperBound
        let start = info.postingsOffset
        termEnd = min(start + info.postingsLength, postings.body.upperBound)
        self.buffers = buffers ?? PostingsBuffers()
        hasMaximum = postings.version >= 6
        let layout = PostingsBlockTable.layout(base: base, start: start, termEnd: termEnd, docFreq: info.docFreq,
                                               hasMaximum: hasMaximum)
        (blockCount, skipStart, blocksStart) = layout
        if layout.blockCount == 0 || start < postings.body.lowerBound || blocksStart > termEnd || info.positionsOffset < positions.body.lowerBound
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
    private func skipLastDoc(_ b: Int) -> DocID {
        DocID(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart + Self.skipEntryLength * b, as: UInt32.self)))
    }

    @inline(__always)
    private func skipBlockStart(_ b: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart + Self.skipEntryLength * b + 4, as: UInt32.self)))
    }

    @inline(__always)
    private func skipPositionsStart(_ b: Int) -> Int {
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
    /// - Complexity: O(log blocks) skip-table probes plus a scan of one block.
    public mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        if target > blockLastDoc || block < 0 {
            guard let b = findBlock(target, from: max(block, 0)) else { return exhaust() }
            if b != block || block < 0 { loadBlock(b) }
            guard !isCorrupt else { return exhaust() }
        }
        let docs = buffers.docs
        let t = UInt32(target)
        var i = index
        while i < blockDocs && docs[i] < t { i += 1 }
        if i == blockDocs {
            // Only possible for the last block of a single-block term: past its last doc.
            return exhaust()
        }
        index = i
        doc = DocID(bitPattern: docs[i])
        return doc
    }

    /// The first block at or after `from` whose last doc is ≥ target, or nil.
    private func findBlock(_ target: DocID, from: Int) -> Int? {
        if blockCount == 1 { return 0 }
        guard blockCount > 1 else { return nil }
        var low = from
        var high = blockCount - 1
        if skipLastDoc(high) < target { return nil }
        // Gallop, then binary search: near targets are the common case.
        var step = 1
        while low + step < high && skipLastDoc(low + step) < target {
            low += step
            step <<= 1
        }
        high = min(high, low + step)
        while low < high {
            let mid = (low + high) >> 1
            if skipLastDoc(mid) < target { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func exhaust() -> DocID {
        doc = Self.noMoreDocs
        index = blockDocs
        block = blockCount
        blockLastDoc = Self.noMoreDocs
        return doc
    }

    /// Unpacks the doc ids of block `b` and positions the cursor on its first doc.
    private mutating func loadBlock(_ b: Int) {
        let start: Int
        // The previous block's last doc, −1 before the first block.
        let previous: Int64
        if blockCount == 1 {
            start = blocksStart
            previous = -1
        } else {
            start = blocksStart + skipBlockStart(b)
            previous = b == 0 ? -1 : Int64(UInt32(bitPattern: skipLastDoc(b - 1)))
        }
        let n = blockCount == 1 ? info.docFreq
            : Int(base.load(fromByteOffset: skipStart + Self.skipEntryLength * b + 12, as: UInt8.self))
        var r = ByteReader(base: base, end: termEnd, position: start)
        Impacts.skip(&r)
        let width = Int(r.readU8())
        let packed = BitPacking.byteCount(count: n, width: width)
        guard !r.failed, width <= 32, r.position + packed <= termEnd, r.position + packed + 8 <= mappingEnd,
              n > 0, n <= IndexFormat.maxBlockDocs else {
            isCorrupt = true
            _ = exhaust()
            return
        }
        // Doc ids index the per-doc arrays (norms, doc values, deletes), and a file that passed its
        // checksum can still hold any number (a writer bug, an edit): they must increase strictly,
        // from after the previous block's last, and stay below docCount (no wrap-around either). Summed
        // in 64 bits from deltas ≥ 1 they increase strictly, so the last one below docCount is the
        // whole check (`BitPacking.unpackDocs`).
        let lastDoc = BitPacking.unpackDocs(base + r.position, count: n, width: width, after: previous, into: buffers.docs)
        guard lastDoc < Int64(docLimit) else {
            isCorrupt = true
            _ = exhaust()
            return
        }
        blockOffset = start
        masksOffset = r.position + packed
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

    // MARK: Frequencies

    /// Docs whose masks `decodeMasks(through:)` decodes at a time, beyond the one asked for: a search
    /// probing a non-essential clause reads one doc of a block, and most docs of a block are never
    /// scored. A multiple of 8, so that each chunk's mask indices start on a byte.
    static let maskChunk = 16

    /// Decodes the field masks of the current block and where each doc's termFreqs start, up to doc `i`
    /// (at least) of the block; the termFreqs stay packed and are read per doc (`termFreq(at:)`).
    @inline(__always)
    private mutating func decodeMasks(through i: Int) {
        if i >= masksDecoded { decodeMaskChunks(through: i) }
    }

    /// `decodeMasks(through:)` past the docs already decoded: the docs from `masksDecoded` to the end of
    /// `i`'s chunk (`maskChunk`), or to the block's end.
    /// - Complexity: O(docs decoded) table look-ups, plus O(distinct masks) on the block's first call.
    private mutating func decodeMaskChunks(through i: Int) {
        // A damaged header marks the whole block decoded (empty), which the guard below catches.
        if !freqHeaderRead { readFreqHeader() }
        let n = blockDocs
        let start = masksDecoded
        let end = min(n, (i / Self.maskChunk + 1) * Self.maskChunk)
        guard start < end else { return }
        let masks = buffers.masks, freqStart = buffers.freqStart, dictionary = buffers.dictionary
        var total = freqTotal
        if maskCount == 1 {
            let entry = dictionary[0]
            let mask = UInt16(truncatingIfNeeded: entry), count = entry >> 16
            for j in start..<end {
                masks[j] = mask
                freqStart[j] = total
                total &+= count
            }
        } else {
            // `start` is a multiple of `maskChunk`, so its indices start on a byte.
            let flags = MaskDictionary.decode(base + indicesOffset + (start * indexWidth) >> 3, count: end - start,
                                              width: indexWidth, dictionary: dictionary, masks: masks + start,
                                              freqStart: freqStart + start, total: &total)
            // An index past the dictionary (a damaged block) reads the `damaged` entry.
            guard flags & MaskDictionary.damaged == 0 else { return markCorrupt() }
        }
        // The termFreqs of the docs decoded so far must lie in the term's postings: `termFreq(at:)`
        // reads them in place.
        let freqBytes = BitPacking.byteCount(count: Int(total), width: freqWidth)
        guard freqsOffset + freqBytes <= termEnd, freqsOffset + freqBytes + 8 <= mappingEnd else { return markCorrupt() }
        freqStart[end] = total
        freqTotal = total
        masksDecoded = end
    }

    /// Reads the block's mask dictionary and where its mask indices and termFreqs start.
    /// - Complexity: O(distinct masks of the block).
    private mutating func readFreqHeader() {
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
        r.position = dictionaryStart + BitPacking.byteCount(count: count, width: maskWidth)
        let width = BitPacking.bitsRequired(UInt32(count - 1))
        let indexBytes = BitPacking.byteCount(count: n, width: width)
        guard r.position + indexBytes + 8 <= mappingEnd, r.position + indexBytes <= termEnd else { return markCorrupt() }
        let dictionary = buffers.dictionary
        let packedMask: UInt64 = (1 << UInt64(maskWidth)) &- 1
        Self.fieldCounts.withUnsafeBufferPointer { fieldCounts in
            var bit = 0
            for k in 0..<count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: dictionaryStart &+ (bit >> 3), as: UInt64.self))
                let mask = UInt16(truncatingIfNeeded: ((word >> UInt64(bit & 7)) & packedMask) << shift) & validFields
                bit &+= maskWidth
                dictionary[k] = MaskDictionary.entry(mask: mask, fields: Int(fieldCounts[Int(mask)]))
            }
        }
        // Indices past the dictionary (a damaged block) read the `damaged` entry (`decodeMaskChunks`).
        for k in count..<(1 << width) { dictionary[k] = MaskDictionary.damaged }
        indicesOffset = r.position
        r.position += indexBytes
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
    private static let fieldCounts: [UInt8] = (0..<(1 << IndexFormat.fieldCount)).map { UInt8(UInt16($0).nonzeroBitCount) }

    /// The `k`-th termFreq of the block (termFreqs are stored minus one, `freqWidth` bits each).
    @inline(__always)
    private func termFreq(at k: Int) -> UInt32 {
        if freqsUnpacked { return buffers.freqs[k] &+ 1 }
        guard freqWidth > 0 else { return 1 }
        let bit = k &* freqWidth
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: freqsOffset &+ (bit >> 3), as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & ((1 << UInt64(freqWidth)) - 1)) &+ 1
    }

    /// Unpacks every termFreq of the block, as stored (minus one): positions need the counts of all the
    /// docs before one, and `scanBlock` reads them in order.
    private mutating func unpackFreqs() {
        decodeMasks(through: blockDocs - 1)
        guard !freqsUnpacked, !isCorrupt else { return }
        let total = Int(buffers.freqStart[blockDocs])
        BitPacking.unpack(base + freqsOffset, count: total, width: freqWidth, into: buffers.freqs)
        freqsUnpacked = true
    }

    private mutating func markCorrupt() {
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
        mutating get {
            decodeMasks(through: index)
            return buffers.masks[index]
        }
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
        decodeMasks(through: index)
        let mask = buffers.masks[index]
        var offset = Int(buffers.freqStart[index])
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

    // MARK: Positions

    /// Replaces `positions` with the positions of the term in `field` of the current doc (empty when the
    /// term is not in that field). The position values before it are summed from the last doc summed,
    /// not over the whole block.
    /// - Complexity: O(values between the previous read's and this one / 56) when docs are visited in
    ///   order (a select over the block's unary codes), else from the block's start; plus O(termFreq)
    ///   and O(docs since the last read).
    public mutating func positions(in field: Field, into positions: inout [Int32]) {
        positions.removeAll(keepingCapacity: true)
        guard let (start, count) = positionsOf(field), var reader = positionsReader(at: start, count: count) else { return }
        var position: Int32 = 0
        positions.reserveCapacity(count)
        for _ in 0..<count {
            position &+= Int32(truncatingIfNeeded: reader.next())
            positions.append(position)
        }
        if reader.failed { positions.removeAll(); return markPositionsCorrupt() }
        positionsResume = start + count
        positionsReader = reader
    }

    /// `positions(in:into:)` into `buffer` (from its start): returns how many positions it holds (0
    /// when the term is not in `field`, or the positions do not decode, then `positionsAreCorrupt`).
    /// - Complexity: as `positions(in:into:)`, without the array's per-value bookkeeping.
    mutating func positions(in field: Field, into buffer: PositionBuffer) -> Int {
        guard let (start, count) = positionsOf(field), var reader = positionsReader(at: start, count: count) else { return 0 }
        let out = buffer.reserve(count)
        var position: Int32 = 0
        for j in 0..<count {
            position &+= Int32(truncatingIfNeeded: reader.next())
            out[j] = position
        }
        if reader.failed {
            markPositionsCorrupt()
            return 0
        }
        positionsResume = start + count
        positionsReader = reader
        return count
    }

    /// Where the current doc's positions in `field` start among the block's values, and how many there
    /// are; nil when the term is not in that field (or the block is corrupt).
    @inline(__always)
    private mutating func positionsOf(_ field: Field) -> (start: Int, count: Int)? {
        guard doc >= 0, doc != Self.noMoreDocs else { return nil }
        if !freqsUnpacked { unpackFreqs() }
        guard !isCorrupt else { return nil }
        let mask = buffers.masks[index]
        let bit = UInt16(1) << UInt16(field.rawValue)
        guard mask & bit != 0 else { return nil }
        // Values to skip: docs before this one, then this doc's fields before `field`.
        sumPositions(through: index)
        var skipCount = Int(buffers.positionsBefore[index])
        let first = Int(buffers.freqStart[index])
        let fieldsBefore = (mask & (bit - 1)).nonzeroBitCount
        for k in 0..<fieldsBefore { skipCount += Int(buffers.freqs[first + k]) + 1 }
        return (skipCount, Int(buffers.freqs[first + fieldsBefore]) + 1)
    }

    /// Replaces `values` with the position values of the current doc as stored: for each field of its
    /// mask (ascending), the first position then the gaps (what `PostingsWriter.add` takes); empty and
    /// `positionsAreCorrupt` set when they do not decode. A merge re-encoding a doc reads them.
    /// - Complexity: as `positions(in:into:)`.
    mutating func positionValues(into values: inout [UInt32]) {
        values.removeAll(keepingCapacity: true)
        guard doc >= 0, doc != Self.noMoreDocs else { return }
        if !freqsUnpacked { unpackFreqs() }
        guard !isCorrupt else { return }
        sumPositions(through: index + 1)
        let skipCount = Int(buffers.positionsBefore[index])
        let count = Int(buffers.positionsBefore[index + 1]) - skipCount
        guard var reader = positionsReader(at: skipCount, count: count) else { return }
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(reader.next()) }
        if reader.failed { values.removeAll(); return markPositionsCorrupt() }
        positionsResume = skipCount + count
        positionsReader = reader
    }

    /// Makes `positionsBefore[0...i]` hold the position values before each of the block's first `i`
    /// docs (whose masks are decoded), summing from the last entry summed; opens a reader at the
    /// block's first value on the block's first call. Needs the block's termFreqs unpacked.
    /// - Complexity: O(termFreqs of the docs newly summed).
    @inline(__always)
    private mutating func sumPositions(through i: Int) {
        if !positionsDecoded { startPositions() }
        guard i > positionsSummed else { return }
        let before = buffers.positionsBefore, freqStart = buffers.freqStart, freqs = buffers.freqs
        var sum = before[positionsSummed]
        for j in positionsSummed..<i {
            for k in Int(freqStart[j])..<Int(freqStart[j + 1]) { sum &+= freqs[k] &+ 1 }
            before[j + 1] = sum
        }
        positionsSummed = i
    }

    /// Starts the block's position sums (none summed yet) and opens a reader at its first value.
    private mutating func startPositions() {
        buffers.positionsBefore[0] = 0
        positionsSummed = 0
        positionsDecoded = true
        positionsResume = 0
        positionsReader = openPositions()
    }

    /// A reader at the current block's `PositionsBlock`.
    private func openPositions() -> PositionsBlockReader {
        let blockStart = blockCount == 1 ? 0 : skipPositionsStart(block)
        return PositionsBlockReader(base: positionsBase, start: info.positionsOffset + blockStart,
                                    end: info.positionsOffset + info.positionsLength)
    }

    /// A reader at value `skipCount` of the block with at least `count` values left (each takes a bit),
    /// from the last read's end when it is not past it, else from the block's start; nil (and the
    /// positions marked corrupt) when the block does not decode that far.
    @inline(__always)
    private mutating func positionsReader(at skipCount: Int, count: Int) -> PositionsBlockReader? {
        var reader: PositionsBlockReader
        if skipCount >= positionsResume, let resumed = positionsReader {
            reader = resumed
            reader.skip(skipCount - positionsResume)
        } else {
            reader = openPositions()
            reader.skip(skipCount)
        }
        // A termFreq larger than the bits left is corrupt (and would otherwise reserve memory for
        // billions of positions).
        guard !reader.failed, count <= reader.remainingBound else {
            markPositionsCorrupt()
            return nil
        }
        return reader
    }

    private mutating func markPositionsCorrupt() {
        isCorrupt = true
        positionsAreCorrupt = true
        positionsReader = nil
    }

    // MARK: Impacts

    /// Bound of the whole term in this segment (max termFreq and min norm per field over all docs).
    public var termImpacts: Impacts {
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        return Impacts.decode(&r)
    }

    /// The exact maximum of BM25F's pseudo-frequency x over the term's docs (`TermMaxima`): stored for
    /// a term of several blocks in a format-6 segment, nil otherwise (and when not finite and ≥ 0).
    /// - Complexity: O(fields of the term's impacts).
    var termMaximum: Float? {
        guard hasMaximum && blockCount > 1 else { return nil }
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        Impacts.skip(&r)
        let x = Float(bitPattern: r.readU32())
        return !r.failed && x.isFinite && x >= 0 ? x : nil
    }

    /// Moves the impacts window to the block that contains `target` (without decoding docs) and returns
    /// the last doc up to which `blockImpacts` bounds the scores: the block's last doc,
    /// `noMoreDocs − 1` for a single-block term (its bound is the term's), or `noMoreDocs` when
    /// `target` is past the term's last doc.
    /// - Complexity: O(log blocks).
    public mutating func advanceShallow(to target: DocID) -> DocID {
        if blockCount == 1 {
            shallowBlock = 0
            return Self.noMoreDocs - 1
        }
        guard let b = findBlock(target, from: max(shallowBlock, block, 0)) else {
            shallowBlock = blockCount
            return Self.noMoreDocs
        }
        shallowBlock = b
        return skipLastDoc(b)
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of the bound of the block selected by
    /// the last `advanceShallow(to:)` (none past the end), in field order: `blockImpacts` read in place,
    /// without building an `Impacts`, for the bounds a search computes in every window.
    @inline(__always)
    public func forEachBlockImpact(_ body: (Int, UInt32, UInt8) -> Void) {
        guard shallowBlock < blockCount else { return }
        forEachImpact(ofBlock: shallowBlock, body)
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of the bound of the block that holds the
    /// first doc ≥ `target` (as `forEachBlockImpact`), and returns that block's last doc (`noMoreDocs − 1`
    /// for a single-block term, `noMoreDocs`, without calling `body`, when no doc is ≥ `target`). Neither
    /// the cursor nor its shallow advance moves: a scorer skipping blocks that cannot compete
    /// (`PhraseScorer.advance(to:rest:threshold:)`) leaves the search's bounds windows alone. `target`
    /// must be past the current doc.
    /// - Complexity: O(log blocks) skip-table probes, plus O(fields of the block's bound).
    @inline(__always)
    func forEachImpact(ofBlockHolding target: DocID, _ body: (Int, UInt32, UInt8) -> Void) -> DocID {
        let b: Int
        let lastDoc: DocID
        if blockCount == 1 {
            guard block < 1 else { return Self.noMoreDocs }
            b = 0
            lastDoc = Self.noMoreDocs - 1
        } else {
            guard let found = findBlock(target, from: max(block, 0)) else { return Self.noMoreDocs }
            b = found
            lastDoc = skipLastDoc(found)
        }
        forEachImpact(ofBlock: b, body)
        return lastDoc
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of block `b`'s bound, in field order,
    /// read in place from its skip entry.
    @inline(__always)
    private func forEachImpact(ofBlock b: Int, _ body: (Int, UInt32, UInt8) -> Void) {
        let start = blockCount == 1 ? blocksStart : blocksStart + skipBlockStart(b)
        var r = ByteReader(base: base, end: termEnd, position: start)
        var mask = r.readU16() & ((1 << UInt16(IndexFormat.fieldCount)) - 1)
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            let maxTermFreq = UInt32(truncatingIfNeeded: r.readVInt())
            body(f, maxTermFreq, r.readU8())
        }
    }

    /// The bound of the block selected by the last `advanceShallow(to:)` (empty past the end).
    public var blockImpacts: Impacts {
        guard shallowBlock < blockCount else { return Impacts() }
        let start = blockCount == 1 ? blocksStart : blocksStart + skipBlockStart(shallowBlock)
        var r = ByteReader(base: base, end: termEnd, position: start)
        return Impacts.decode(&r)
    }
}

/// A run of decoded docs of one postings block (`PostingsCursor.run(through:)`): doc `i` of the block,
/// for `i` in `start..<end`, is `docs[i]`, holds the term in the fields of `masks[i]` with the termFreqs
/// `freqs[freqStarts[i]...]` minus one (as stored), one per field of the mask in field order. The
/// pointers are the cursor's decode buffers: valid until the cursor moves.
public struct PostingsRun {
    public let docs: UnsafePointer<UInt32>
    public let masks: UnsafePointer<UInt16>
    public let freqStarts: UnsafePointer<UInt32>
    public let freqs: UnsafePointer<UInt32>
    public let start: Int
    public let end: Int

    init(docs: UnsafeMutablePointer<UInt32>, masks: UnsafeMutablePointer<UInt16>, freqStarts: UnsafeMutablePointer<UInt32>,
         freqs: UnsafeMutablePointer<UInt32>, start: Int, end: Int) {
        self.docs = UnsafePointer(docs)
        self.masks = UnsafePointer(masks)
        self.freqStarts = UnsafePointer(freqStarts)
        self.freqs = UnsafePointer(freqs)
        self.start = start
        self.end = end
    }
}
