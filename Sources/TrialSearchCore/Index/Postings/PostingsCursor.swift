/// Decoded state of the current block of a cursor, in manually managed memory (one owner, freed in
/// `deinit`), so that a `PostingsCursor` stays a small struct.
final class PostingsBuffers {
    let docs: UnsafeMutablePointer<UInt32>
    let masks: UnsafeMutablePointer<UInt16>
    /// Index in `freqs` of each doc's first (field) termFreq; entry `n` is the total.
    let freqStart: UnsafeMutablePointer<UInt32>
    /// Position vints before each doc of the block (prefix sums of the docs' total termFreq).
    let positionsBefore: UnsafeMutablePointer<UInt32>
    let freqs: UnsafeMutablePointer<UInt32>
    let scratch: UnsafeMutablePointer<UInt32>

    init() {
        let n = IndexFormat.maxBlockDocs
        docs = .allocate(capacity: n)
        masks = .allocate(capacity: n)
        freqStart = .allocate(capacity: n + 1)
        positionsBefore = .allocate(capacity: n + 1)
        freqs = .allocate(capacity: n * IndexFormat.fieldCount)
        scratch = .allocate(capacity: n)
    }

    deinit {
        docs.deallocate()
        masks.deallocate()
        freqStart.deallocate()
        positionsBefore.deallocate()
        freqs.deallocate()
        scratch.deallocate()
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

    private let base: UnsafeRawPointer
    private let positionsBase: UnsafeRawPointer
    /// Readable end of the postings mapping (bit unpacking reads up to 8 bytes past packed data).
    private let mappingEnd: Int
    private let positionsEnd: Int
    private let termEnd: Int
    private let skipStart: Int
    private let blocksStart: Int
    private let blockCount: Int
    let buffers: PostingsBuffers

    // Current block.
    private var block = -1
    private var blockDocs = 0
    private var index = 0
    private var blockLastDoc: DocID = -1
    private var masksOffset = 0
    private var freqsDecoded = false
    private var positionsDecoded = false
    /// A known point of the block's positions: `positionsMarkCount` vints lie before file offset
    /// `positionsMarkOffset` (so reading docs in order scans each position once).
    private var positionsMarkCount = 0
    private var positionsMarkOffset = 0
    // Block of the last shallow advance.
    private var shallowBlock = 0

    init(info: TermInfo, postings: IndexFile, positions: IndexFile, buffers: PostingsBuffers? = nil) {
        self.info = info
        base = postings.base
        positionsBase = positions.base
        mappingEnd = postings.bytes.count
        positionsEnd = positions.body.upperBound
        let start = info.postingsOffset
        termEnd = min(start + info.postingsLength, postings.body.upperBound)
        self.buffers = buffers ?? PostingsBuffers()
        var blocks = 1
        if info.docFreq > IndexFormat.blockSize {
            var r = ByteReader(base: base, end: termEnd, position: start)
            Impacts.skip(&r)
            blocks = r.readCount(limit: info.docFreq)
            skipStart = r.position
            blocksStart = skipStart + Self.skipEntryLength * blocks
            if r.failed || blocks < 2 { blocks = 0 }
        } else {
            skipStart = start
            blocksStart = start
        }
        blockCount = blocks
        if blocks == 0 || start < postings.body.lowerBound || blocksStart > termEnd || info.positionsOffset < positions.body.lowerBound
            || info.positionsOffset + info.positionsLength > positionsEnd {
            isCorrupt = true
            doc = Self.noMoreDocs
        }
    }

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
        let previous: UInt32
        if blockCount == 1 {
            start = blocksStart
            previous = UInt32.max
        } else {
            start = blocksStart + skipBlockStart(b)
            previous = b == 0 ? UInt32.max : UInt32(bitPattern: skipLastDoc(b - 1))
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
        BitPacking.unpackDeltas(base + r.position, count: n, width: width, previous: previous, into: buffers.docs)
        masksOffset = r.position + packed
        block = b
        blockDocs = n
        index = 0
        blockLastDoc = DocID(bitPattern: buffers.docs[n - 1])
        if blockCount > 1 && blockLastDoc != skipLastDoc(b) { isCorrupt = true }
        freqsDecoded = false
        positionsDecoded = false
        doc = DocID(bitPattern: buffers.docs[0])
    }

    // MARK: Frequencies

    /// Unpacks the field masks and termFreqs of the current block.
    private mutating func decodeFreqs() {
        let n = blockDocs
        var r = ByteReader(base: base, end: termEnd, position: masksOffset)
        let maskCount = Int(r.readU8())
        guard maskCount >= 1, maskCount <= n else { return markCorrupt() }
        let dictionaryStart = r.position
        r.position = dictionaryStart + 2 * maskCount
        let indexWidth = BitPacking.bitsRequired(UInt32(maskCount - 1))
        let indexBytes = BitPacking.byteCount(count: n, width: indexWidth)
        guard r.position + indexBytes + 8 <= mappingEnd, r.position + indexBytes <= termEnd else { return markCorrupt() }
        BitPacking.unpack(base + r.position, count: n, width: indexWidth, into: buffers.scratch)
        r.position += indexBytes
        let masks = buffers.masks
        let freqStart = buffers.freqStart
        var total: UInt32 = 0
        let validFields: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        for i in 0..<n {
            let k = Int(buffers.scratch[i])
            guard k < maskCount else { return markCorrupt() }
            let mask = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: dictionaryStart + 2 * k, as: UInt16.self))
            masks[i] = mask & validFields
            freqStart[i] = total
            total += UInt32(masks[i].nonzeroBitCount)
        }
        freqStart[n] = total
        let freqWidth = Int(r.readU8())
        let freqBytes = BitPacking.byteCount(count: Int(total), width: freqWidth)
        guard !r.failed, freqWidth <= 32, r.position + freqBytes <= termEnd, r.position + freqBytes + 8 <= mappingEnd else {
            return markCorrupt()
        }
        BitPacking.unpack(base + r.position, count: Int(total), width: freqWidth, into: buffers.freqs)
        for i in 0..<Int(total) { buffers.freqs[i] &+= 1 }
        freqsDecoded = true
    }

    private mutating func markCorrupt() {
        isCorrupt = true
        let masks = buffers.masks
        for i in 0..<blockDocs { masks[i] = 0; buffers.freqStart[i] = 0 }
        buffers.freqStart[blockDocs] = 0
        freqsDecoded = true
    }

    /// Fields of the current doc that contain the term (bit f for field f).
    public var fieldMask: UInt16 {
        mutating get {
            if !freqsDecoded { decodeFreqs() }
            return buffers.masks[index]
        }
    }

    /// The termFreq of the current doc in `field` (0 when the term is not in that field).
    @inline(__always)
    public mutating func termFreq(in field: Field) -> Int {
        if !freqsDecoded { decodeFreqs() }
        let mask = buffers.masks[index]
        let bit = UInt16(1) << UInt16(field.rawValue)
        guard mask & bit != 0 else { return 0 }
        let offset = Int(buffers.freqStart[index]) + (mask & (bit - 1)).nonzeroBitCount
        return Int(buffers.freqs[offset])
    }

    /// Calls `body(field, termFreq)` for each field of the current doc that contains the term.
    @inline(__always)
    public mutating func forEachTermFreq(_ body: (Field, Int) -> Void) {
        if !freqsDecoded { decodeFreqs() }
        let mask = buffers.masks[index]
        var offset = Int(buffers.freqStart[index])
        forEachField(in: mask) { f in
            body(Field(rawValue: UInt8(f)) ?? .id, Int(buffers.freqs[offset]))
            offset += 1
        }
    }

    /// Total termFreq of the current doc over all fields.
    public mutating func totalTermFreq() -> Int {
        if !freqsDecoded { decodeFreqs() }
        var sum = 0
        for k in Int(buffers.freqStart[index])..<Int(buffers.freqStart[index + 1]) { sum += Int(buffers.freqs[k]) }
        return sum
    }

    // MARK: Positions

    /// Replaces `positions` with the positions of the term in `field` of the current doc (empty when the
    /// term is not in that field).
    /// - Complexity: O(position vints between the previous call's doc and this one) when docs are
    ///   visited in order (each position of a block is scanned once), else from the block's start.
    public mutating func positions(in field: Field, into positions: inout [Int32]) {
        positions.removeAll(keepingCapacity: true)
        if !freqsDecoded { decodeFreqs() }
        let mask = buffers.masks[index]
        let bit = UInt16(1) << UInt16(field.rawValue)
        guard mask & bit != 0, !isCorrupt else { return }
        if !positionsDecoded {
            let before = buffers.positionsBefore
            var sum: UInt32 = 0
            for i in 0..<blockDocs {
                before[i] = sum
                for k in Int(buffers.freqStart[i])..<Int(buffers.freqStart[i + 1]) { sum &+= buffers.freqs[k] }
            }
            before[blockDocs] = sum
            positionsDecoded = true
            positionsMarkCount = 0
            positionsMarkOffset = info.positionsOffset + (blockCount == 1 ? 0 : skipPositionsStart(block))
        }
        // Vints to skip: docs before this one, then this doc's fields before `field`.
        var skipCount = Int(buffers.positionsBefore[index])
        let first = Int(buffers.freqStart[index])
        let fieldsBefore = (mask & (bit - 1)).nonzeroBitCount
        for k in 0..<fieldsBefore { skipCount += Int(buffers.freqs[first + k]) }
        let count = Int(buffers.freqs[first + fieldsBefore])
        // Scan forward from the mark when it lies before this doc's positions, else from the block's start.
        if positionsMarkCount > skipCount {
            positionsMarkCount = 0
            positionsMarkOffset = info.positionsOffset + (blockCount == 1 ? 0 : skipPositionsStart(block))
        }
        var r = ByteReader(base: positionsBase, end: info.positionsOffset + info.positionsLength,
                           position: positionsMarkOffset)
        var skipped = positionsMarkCount
        while skipped < skipCount && r.position < r.end {
            if r.base.load(fromByteOffset: r.position, as: UInt8.self) < 0x80 { skipped += 1 }
            r.position += 1
        }
        positionsMarkCount = skipped
        positionsMarkOffset = r.position
        var position: Int32 = 0
        positions.reserveCapacity(count)
        for _ in 0..<count {
            position &+= Int32(truncatingIfNeeded: r.readVInt())
            positions.append(position)
        }
        if r.failed { positions.removeAll(); isCorrupt = true }
    }

    // MARK: Impacts

    /// Bound of the whole term in this segment (max termFreq and min norm per field over all docs).
    public var termImpacts: Impacts {
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        return Impacts.decode(&r)
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

    /// The bound of the block selected by the last `advanceShallow(to:)` (empty past the end).
    public var blockImpacts: Impacts {
        guard shallowBlock < blockCount else { return Impacts() }
        let start = blockCount == 1 ? blocksStart : blocksStart + skipBlockStart(shallowBlock)
        var r = ByteReader(base: base, end: termEnd, position: start)
        return Impacts.decode(&r)
    }
}
