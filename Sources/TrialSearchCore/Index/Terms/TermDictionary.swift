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
    /// The first 8 bytes of each block's first term, big-endian and zero-padded, so that comparing keys
    /// compares terms' prefixes: the small in-memory index a lookup binary-searches (8 bytes a block,
    /// 70 KB for 280,000 terms) before touching the mapped file.
    let firstKeys: [UInt64]

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
        var keys: [UInt64] = []
        keys.reserveCapacity(blockCount)
        var previous: UInt64 = 0
        for b in 0..<blockCount {
            var r = file.reader(at: indexOffset + 8 * b)
            let offset = Int(r.readU64() & 0x7FFF_FFFF_FFFF)
            guard offset >= file.body.lowerBound, offset < indexOffset else {
                throw file.corrupt("term dictionary block \(b) at offset \(offset) outside the blocks")
            }
            guard let first = Self.firstTerm(file: file, offset: offset) else {
                throw file.corrupt("term dictionary block \(b) does not start with a whole term")
            }
            let key = Self.key(first)
            guard key >= previous else { throw file.corrupt("term dictionary block \(b) out of order") }
            keys.append(key)
            previous = key
        }
        firstKeys = keys
    }

    /// The first 8 bytes of `term`, big-endian, zero-padded.
    @inline(__always)
    static func key(_ term: UnsafeRawBufferPointer) -> UInt64 {
        var key: UInt64 = 0
        for i in 0..<8 { key = key << 8 | UInt64(i < term.count ? term[i] : 0) }
        return key
    }

    /// File offset of block `i`.
    @inline(__always)
    func blockOffset(_ i: Int) -> Int {
        var r = file.reader(at: indexOffset + 8 * i)
        let offset = Int(r.readU64() & 0x7FFF_FFFF_FFFF)
        return offset
    }

    /// Where the postings and the positions of block `i`'s first term start (the block's header), as
    /// file offsets: how a merge cuts its terms into two halves of about equal bytes.
    func blockStart(_ i: Int) -> (postings: Int, positions: Int) {
        var r = file.reader(at: blockOffset(i))
        _ = r.readCount(limit: IndexFormat.termBlockSize)
        let postings = r.readCount(limit: Int.max >> 1)
        return (postings, r.readCount(limit: Int.max >> 1))
    }

    /// The `TermInfo` of `term`, or nil when the segment does not contain it.
    /// - Complexity: O(log(terms/32)) comparisons of in-memory keys (a few more of terms when blocks share
    ///   an 8-byte prefix) plus a scan of at most 32 entries.
    public func lookup(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        guard let low = try block(containing: term) else { return nil }
        return try scan(block: low, for: term)
    }

    /// The last block whose first term is ≤ `term` (the only block that can hold it), or nil when every
    /// block starts above it; a block whose first term shares its 8-byte key with `term` may be returned
    /// although its first term is above `term` (its scan then finds nothing).
    ///
    /// First by the 8-byte keys in memory (`key(a) < key(b)` implies `a < b`), then, among the blocks
    /// whose key equals the term's (a shared prefix), by whole first terms in the mapping: a look-up reads
    /// the mapped file only for the block it scans, not for the dozen blocks a binary search probes.
    /// - Complexity: O(log(blocks)) key comparisons (a second search, and O(log(blocks sharing the key))
    ///   term comparisons, only when a block's key equals the term's).
    func block(containing term: UnsafeRawBufferPointer) throws -> Int? {
        guard blockCount > 0 else { return nil }
        let key = Self.key(term)
        var low = 0
        var high = blockCount
        while low < high {
            let mid = (low + high) >> 1
            if firstKeys[mid] < key { low = mid + 1 } else { high = mid }
        }
        let firstEqual = low
        // No block's key equals the term's (the usual case): the block before `firstEqual` is the one,
        // without the second search (it would end at `firstEqual`) or any term comparison.
        guard low < blockCount, firstKeys[low] == key else { return low > 0 ? low - 1 : nil }
        high = blockCount
        while low < high {
            let mid = (low + high) >> 1
            if firstKeys[mid] <= key { low = mid + 1 } else { high = mid }
        }
        // Blocks before `firstEqual` start below the term, those from `low` on above it.
        guard low > 0 else { return nil }
        low = max(firstEqual - 1, 0)
        high -= 1
        while low < high {
            let mid = (low + high + 1) >> 1
            guard let first = firstTerm(ofBlock: mid) else { throw corrupt(block: mid) }
            if compareBytes(first, term) <= 0 { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Longest term a block scan accepts (the indexer drops terms over 255 bytes).
    static let maxTermLength = 1024

    /// Finds `term` in block `b` without rebuilding the entries' terms: `matched` is how many leading
    /// bytes the previous entry shares with `term` (and it sorts below `term`). An entry that keeps more
    /// of the previous one than `matched` still sorts below; one that keeps less sorts above (the end);
    /// one that keeps exactly `matched` is compared from there. A `TermInfo` is decoded only for the
    /// match; the other entries' statistics are skipped and their extents summed.
    private func scan(block b: Int, for term: UnsafeRawBufferPointer) throws -> TermInfo? {
        var r = file.reader(at: blockOffset(b))
        let count = r.readCount(limit: IndexFormat.termBlockSize)
        var postings = r.readCount(limit: Int.max >> 1)
        var positions = r.readCount(limit: Int.max >> 1)
        let fieldMaskLimit = (1 << IndexFormat.fieldCount) - 1
        var matched = 0
        var length = 0
        for _ in 0..<count {
            let prefix = r.readCount(limit: length)
            let suffix = r.readCount(limit: Self.maxTermLength)
            let bytes = r.readBytes(suffix)
            guard !r.failed else { throw corrupt(block: b) }
            length = prefix + suffix
            var c: Int
            if prefix > matched {
                c = -1
            } else if prefix < matched {
                return nil
            } else {
                // Compare bytes[0...] with term[matched...].
                var i = 0
                while i < suffix && matched + i < term.count && bytes[i] == term[matched + i] { i += 1 }
                matched += i
                if i < suffix && matched < term.count {
                    c = Int(bytes[i]) - Int(term[matched])
                } else {
                    c = length - term.count
                }
            }
            let docFreq = r.readCount()
            let extra = r.readCount(limit: Int.max >> 1)
            let mask = r.readCount(limit: fieldMaskLimit)
            if c == 0 {
                var info = TermInfo(docFreq: docFreq, totalTermFreq: docFreq + extra, fieldMask: UInt16(mask))
                if mask.nonzeroBitCount > 1 {
                    forEachField(in: UInt16(mask)) { info.fieldDocFreqs[$0] = UInt32(truncatingIfNeeded: r.readCount()) }
                } else if mask != 0 {
                    info.fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
                }
                info.postingsOffset = postings
                info.postingsLength = r.readCount(limit: Int.max >> 1)
                info.positionsOffset = positions
                info.positionsLength = r.readCount(limit: Int.max >> 1)
                guard !r.failed, docFreq > 0 else { throw corrupt(block: b) }
                return info
            }
            if c > 0 { return nil }
            if mask.nonzeroBitCount > 1 { for _ in 0..<mask.nonzeroBitCount { _ = r.readVInt() } }
            postings += r.readCount(limit: Int.max >> 1)
            positions += r.readCount(limit: Int.max >> 1)
            guard !r.failed else { throw corrupt(block: b) }
        }
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
    func firstTerm(ofBlock b: Int) -> UnsafeRawBufferPointer? { Self.firstTerm(file: file, offset: blockOffset(b)) }

    static func firstTerm(file: IndexFile, offset: Int) -> UnsafeRawBufferPointer? {
        var r = file.reader(at: offset)
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
