/// The blocks of one term's postings as a merge sees them: how many, each one's doc count, last doc,
/// encoded bytes and positions offset, read from the skip table (see `PostingsWriter` for the format).
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
        termEnd = start + info.postingsLength
        guard start >= postings.body.lowerBound, termEnd <= postings.body.upperBound, info.docFreq > 0 else {
            throw postings.corrupt("postings extent \(start)+\(info.postingsLength) outside the file")
        }
        if info.docFreq > IndexFormat.blockSize {
            var r = ByteReader(base: base, end: termEnd, position: start)
            Impacts.skip(&r)
            blockCount = r.readCount(limit: info.docFreq)
            skipStart = r.position
            blocksStart = skipStart + PostingsCursor.skipEntryLength * blockCount
            guard !r.failed, blockCount >= 2, blocksStart <= termEnd else {
                throw postings.corrupt("skip table of \(blockCount) blocks at \(start) does not fit the term's postings")
            }
        } else {
            blockCount = 1
            skipStart = start
            blocksStart = start
        }
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

    /// Offset of block `b`'s first position from the term's first position byte.
    func positionsStart(_ b: Int) -> Int {
        blockCount == 1 ? 0 : Int(entry(b, 8))
    }
}
