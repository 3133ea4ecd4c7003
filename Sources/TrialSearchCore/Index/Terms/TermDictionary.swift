/// Reads a segment's term dictionary (`.tdx`, see `TermDictionaryWriter`) from its mapped file: here
/// is a term, give me its `TermInfo`.
///
/// Opening reads only the trailer; lookups binary-search the blocks by their first term in the mapping.
public struct TermDictionary: Sendable {
    let file: IndexFile
    /// Distinct terms of the segment.
    public let termCount: Int
    let blockCount: Int
    let indexOffset: Int

    init(file: IndexFile) throws {
        self.file = file
        var trailer = file.reader(at: file.body.upperBound - 20)
        termCount = Int(trailer.readU64() & 0x7FFF_FFFF_FFFF)
        blockCount = Int(trailer.readU32())
        indexOffset = Int(trailer.readU64() & 0x7FFF_FFFF_FFFF)
        guard !trailer.failed, indexOffset >= file.body.lowerBound,
              indexOffset + blockCount * 8 == file.body.upperBound - 20,
              termCount <= blockCount * IndexFormat.termBlockSize,
              termCount > (blockCount - 1) * IndexFormat.termBlockSize || blockCount == 0 else {
            throw file.corrupt("term dictionary trailer: \(termCount) terms in \(blockCount) blocks, index at "
                + "\(indexOffset), body ends at \(file.body.upperBound)")
        }
    }

    /// File offset of block `i`.
    @inline(__always)
    func blockOffset(_ i: Int) -> Int {
        var r = file.reader(at: indexOffset + 8 * i)
        let offset = Int(r.readU64() & 0x7FFF_FFFF_FFFF)
        return offset
    }

    /// The `TermInfo` of `term`, or nil when the segment does not contain it.
    /// - Complexity: O(log(terms/64)) comparisons plus a scan of at most 64 entries.
    public func lookup(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        guard blockCount > 0 else { return nil }
        // The last block whose first term is ≤ term.
        var low = 0
        var high = blockCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            guard let first = firstTerm(ofBlock: mid) else { throw corrupt(block: mid) }
            if compareBytes(first, term) <= 0 { low = mid } else { high = mid - 1 }
        }
        var reader = BlockReader(dictionary: self, offset: blockOffset(low))
        while reader.next() {
            let c = reader.withTerm { compareBytes($0, term) }
            if c == 0 { return reader.info }
            if c > 0 { return nil }
        }
        if reader.failed { throw corrupt(block: low) }
        return nil
    }

    public func lookup(_ term: String) throws -> TermInfo? {
        var term = term
        return try term.withUTF8 { try lookup(UnsafeRawBufferPointer($0)) }
    }

    public func lookup(_ term: [UInt8]) throws -> TermInfo? {
        try term.withUnsafeBytes { try lookup($0) }
    }

    /// The first term of block `b`, read in place (it is stored whole), or nil when the block is broken.
    @inline(__always)
    func firstTerm(ofBlock b: Int) -> UnsafeRawBufferPointer? {
        var r = file.reader(at: blockOffset(b))
        _ = r.readVInt()
        _ = r.readVInt()
        _ = r.readVInt()
        let prefix = r.readVInt()
        let length = r.readCount(limit: 1 << 16)
        let bytes = r.readBytes(length)
        return r.failed || prefix != 0 ? nil : bytes
    }

    /// All terms in order, from the first term ≥ `ceiling` (all of them when nil).
    public func makeTermsEnum() -> TermsEnum { TermsEnum(dictionary: self) }

    func corrupt(block: Int) -> IndexError {
        file.corrupt("term dictionary block \(block) at offset \(blockOffset(block)) reads past its end")
    }
}

/// Decodes the entries of one term-dictionary block in order.
struct BlockReader {
    private var reader: ByteReader
    private var remaining: Int
    private(set) var term: [UInt8] = []
    private(set) var info = TermInfo()
    private var nextPostings: Int
    private var nextPositions: Int
    var failed: Bool { reader.failed }

    init(dictionary: TermDictionary, offset: Int) {
        reader = dictionary.file.reader(at: offset)
        remaining = reader.readCount(limit: IndexFormat.termBlockSize)
        nextPostings = reader.readCount(limit: Int.max >> 1)
        nextPositions = reader.readCount(limit: Int.max >> 1)
        term.reserveCapacity(64)
    }

    @inline(__always)
    func withTerm<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { term.withUnsafeBytes(body) }

    /// Decodes the next entry; false at the end of the block or on a decoding failure.
    @discardableResult
    mutating func next() -> Bool {
        guard remaining > 0, !reader.failed else { return false }
        remaining -= 1
        let prefix = reader.readCount(limit: term.count)
        let suffix = reader.readCount(limit: 1 << 16)
        term.removeSubrange(prefix...)
        term.append(contentsOf: reader.readBytes(suffix))
        let docFreq = reader.readCount()
        info.docFreq = docFreq
        info.totalTermFreq = docFreq + reader.readCount(limit: Int.max >> 1)
        let mask = UInt16(truncatingIfNeeded: reader.readCount(limit: (1 << IndexFormat.fieldCount) - 1))
        info.fieldMask = mask
        info.fieldDocFreqs = FieldCounts()
        if mask.nonzeroBitCount > 1 {
            var r = reader
            forEachField(in: mask) { info.fieldDocFreqs[$0] = UInt32(truncatingIfNeeded: r.readCount()) }
            reader = r
        } else if mask != 0 {
            info.fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
        }
        info.postingsOffset = nextPostings
        info.postingsLength = reader.readCount(limit: Int.max >> 1)
        info.positionsOffset = nextPositions
        info.positionsLength = reader.readCount(limit: Int.max >> 1)
        nextPostings += info.postingsLength
        nextPositions += info.positionsLength
        return !reader.failed && docFreq > 0
    }
}

/// Iterates the terms of a dictionary in byte order (merging, statistics, prefix expansion).
public struct TermsEnum {
    private let dictionary: TermDictionary
    private var block = -1
    private var reader: BlockReader?
    /// Set when a block could not be decoded (the file is corrupt).
    public private(set) var failed = false

    init(dictionary: TermDictionary) { self.dictionary = dictionary }

    /// Moves to the next term; false at the end.
    public mutating func next() -> Bool {
        while true {
            if reader != nil, reader?.next() == true { return true }
            if reader?.failed == true { failed = true; return false }
            block += 1
            guard block < dictionary.blockCount else { reader = nil; return false }
            reader = BlockReader(dictionary: dictionary, offset: dictionary.blockOffset(block))
        }
    }

    /// Positions on the first term ≥ `target`; false when there is none.
    public mutating func seek(ceiling target: [UInt8]) -> Bool {
        // Start from the last block whose first term is ≤ target.
        var low = 0
        var high = dictionary.blockCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            var r = BlockReader(dictionary: dictionary, offset: dictionary.blockOffset(mid))
            r.next()
            let c = r.withTerm { t in target.withUnsafeBytes { compareBytes(t, $0) } }
            if c <= 0 { low = mid } else { high = mid - 1 }
        }
        block = low - 1
        reader = nil
        while next() {
            if term.withUnsafeBytes({ t in target.withUnsafeBytes { compareBytes(t, $0) } }) >= 0 { return true }
        }
        return false
    }

    /// The current term's bytes.
    public var term: [UInt8] { reader?.term ?? [] }
    /// The current term's `TermInfo`.
    public var info: TermInfo { reader?.info ?? TermInfo() }
}
