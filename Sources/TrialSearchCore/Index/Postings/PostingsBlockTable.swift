/// The blocks of one term's postings as a merge sees them: how many, each one's doc count, last doc,
/// encoded bytes and positions, read from the skip table (see `PostingsWriter` for the format).
///
/// A merge copies a source's blocks whole when their docs keep their gaps in the new segment
/// (`PostingsWriter.appendBlock`) and decodes only the others, with a `PostingsCursor`.
struct PostingsBlockTable {
    private let base: UnsafeRawPointer
    private let info: TermInfo
    private let termEnd: Int
    private let skipStart: Int
    private let blocksStart: Int
    /// Blocks of the term (1 when docFreq ≤ 128).
    let blockCount: Int

    /// Reads the skip table of `info` in `postings`.
    /// - Throws: `IndexError.corrupt` when the table does not fit the term's postings.
    init(info: TermInfo, postings: IndexFile) throws {
        self.info = info
        base = postings.base
        let start = info.postingsOffset
        let extentEnd = start + info.postingsLength
        guard start >= postings.body.lowerBound, extentEnd <= postings.body.upperBound, info.docFreq > 0 else {
            throw postings.corrupt("postings extent \(start)+\(info.postingsLength) outside the file")
        }
        // The blocks end where a format-12 term's champion list starts.
        guard let blocksEnd = ChampionList.postingsEnd(base: base, start: start, end: extentEnd, docFreq: info.docFreq,
                                                       version: postings.version) else {
            throw postings.corrupt("champion list of the term at \(start) longer than its postings extent of \(info.postingsLength) bytes")
        }
        termEnd = blocksEnd
        let layout = Self.layout(base: base, start: start, termEnd: termEnd, docFreq: info.docFreq,
                                 version: postings.version)
        guard layout.blockCount > 0, layout.blocksStart <= termEnd else {
            throw postings.corrupt("skip table of \(layout.blockCount) blocks at \(start) does not fit the term's postings")
        }
        (blockCount, skipStart, blocksStart) = layout
    }

    /// Where a term's postings (from `start` to `termEnd`) keep their skip table and blocks: one block
    /// and no table when docFreq ≤ `IndexFormat.blockSize`; else the term's impacts, its maximum x (4
    /// bytes, format ≥ 6) and keyword maximum x (4 bytes, format ≥ 7), the block count (a vint, at
    /// least 2), `PostingsCursor.skipEntryLength` bytes per block, and (format ≥ 7) a block maximum
    /// byte per block. `blockCount` is 0
    /// when the table's header does not decode; the caller checks `blocksStart` against `termEnd`.
    /// - Complexity: O(1).
    @inline(__always)
    static func layout(base: UnsafeRawPointer, start: Int, termEnd: Int, docFreq: Int, version: UInt32)
        -> (blockCount: Int, skipStart: Int, blocksStart: Int) {
        guard docFreq > IndexFormat.blockSize else { return (1, start, start) }
        var r = ByteReader(base: base, end: termEnd, position: start)
        Impacts.skip(&r)
        if version >= 6 { r.skip(version >= 7 ? 8 : 4) }
        let blocks = r.readCount(limit: docFreq)
        let skipStart = r.position
        let blocksStart = skipStart + (PostingsCursor.skipEntryLength + (version >= 7 ? 1 : 0)) * blocks
        return (r.failed || blocks < 2 ? 0 : blocks, skipStart, blocksStart)
    }

    @inline(__always)
    private func entry(_ b: Int, _ field: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: skipStart + PostingsCursor.skipEntryLength * b + field,
                                               as: UInt32.self))
    }

    /// Docs of block `b`.
    func docCount(_ b: Int) -> Int {
        blockCount == 1 ? info.docFreq
            : Int(base.load(fromByteOffset: skipStart + PostingsCursor.skipEntryLength * b + 12, as: UInt8.self))
    }

    /// The last doc of block `b` (source DocIDs); −1 for b = −1.
    func lastDoc(_ b: Int) -> DocID {
        b < 0 ? -1 : DocID(bitPattern: entry(b, 0))
    }

    /// The encoded bytes of block `b`, impacts first.
    func bytes(_ b: Int) -> UnsafeRawBufferPointer {
        guard blockCount > 1 else { return UnsafeRawBufferPointer(start: base + blocksStart, count: termEnd - blocksStart) }
        let start = blocksStart + Int(entry(b, 4))
        let end = b + 1 < blockCount ? blocksStart + Int(entry(b + 1, 4)) : termEnd
        return UnsafeRawBufferPointer(start: base + start, count: max(0, min(end, termEnd) - start))
    }

    /// Offset of block `b`'s first position byte (its `PositionsBlock`) from the term's first.
    func positionsStart(_ b: Int) -> Int {
        blockCount == 1 ? 0 : Int(entry(b, 8))
    }

    /// The `PositionsBlock` of block `b` in `positions` (from its start to the next block's, the last
    /// to the term's end), or nil when the skip table places it outside the term's positions.
    func positions(_ b: Int, in positions: IndexFile) -> UnsafeRawBufferPointer? {
        let start = positionsStart(b)
        let end = b + 1 < blockCount ? positionsStart(b + 1) : info.positionsLength
        guard start < end, end <= info.positionsLength, info.positionsOffset >= positions.body.lowerBound,
              info.positionsOffset + info.positionsLength <= positions.body.upperBound else { return nil }
        return UnsafeRawBufferPointer(start: positions.base + info.positionsOffset + start, count: end - start)
    }
}
