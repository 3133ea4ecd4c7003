import CLibDeflate

/// Reads a segment's stored records (`.sto`, see `StoredWriter`): DocID → `Trial`.
public struct StoredRecords: Sendable {
    let file: IndexFile
    public let docCount: Int
    let blockCount: Int
    private let indexOffset: Int
    /// Decompressors reused across reads (copies of this struct share them).
    private let decompressors = Decompressors()

    struct BlockEntry {
        var firstDoc: Int
        var offset: Int
        var compressedLength: Int
        var uncompressedLength: Int
    }

    init(file: IndexFile, expectedDocCount: Int) throws {
        self.file = file
        var t = file.reader(at: file.body.upperBound - 16)
        docCount = Int(t.readU32())
        blockCount = Int(t.readU32())
        indexOffset = Int(truncatingIfNeeded: t.readU64())
        guard docCount == expectedDocCount, indexOffset >= file.body.lowerBound,
              indexOffset + 20 * blockCount == file.body.upperBound - 16 else {
            throw file.corrupt("stored index: \(docCount) docs (expected \(expectedDocCount)) in \(blockCount) blocks at \(indexOffset)")
        }
        var previousEnd = file.body.lowerBound
        for b in 0..<blockCount {
            let e = entry(b)
            let lastDoc = b + 1 < blockCount ? entry(b + 1).firstDoc : docCount
            guard e.offset == previousEnd, e.compressedLength > 0, e.offset + e.compressedLength <= indexOffset,
                  e.firstDoc < lastDoc, (b > 0 || e.firstDoc == 0), e.uncompressedLength < (1 << 30) else {
                throw file.corrupt("stored block \(b): docs \(e.firstDoc)..<\(lastDoc) at offset \(e.offset) "
                    + "(+\(e.compressedLength)) vs expected offset \(previousEnd)")
            }
            previousEnd = e.offset + e.compressedLength
        }
        guard previousEnd == indexOffset, (blockCount > 0 || docCount == 0) else {
            throw file.corrupt("stored blocks end at \(previousEnd) vs index at \(indexOffset)")
        }
    }

    func entry(_ b: Int) -> BlockEntry {
        var r = file.reader(at: indexOffset + 20 * b)
        return BlockEntry(firstDoc: Int(r.readU32()), offset: Int(truncatingIfNeeded: r.readU64()),
                          compressedLength: Int(r.readU32()), uncompressedLength: Int(r.readU32()))
    }

    /// The block holding `doc`.
    func block(of doc: Int) -> Int {
        var low = 0, high = blockCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            if entry(mid).firstDoc <= doc { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The stored trial of `doc`, decoded from its parts in the inflated block (not assembled into a
    /// record first: `TrialCodec.decode(parts:file:)`).
    /// - Complexity: inflates one block (about 128 KB).
    public func trial(_ doc: DocID) throws -> Trial {
        precondition(doc >= 0 && Int(doc) < docCount, "doc \(doc) outside 0..<\(docCount)")
        let b = block(of: Int(doc))
        var found: Trial?
        try forEachRecordParts(inBlock: b, docs: Int(doc)...Int(doc)) { _, parts in
            found = try TrialCodec.decode(parts: parts, file: file.path)
        }
        guard let found else { throw file.corrupt("stored block \(b) does not hold doc \(doc)") }
        return found
    }

    /// Whether the blocks are coded as this trialsearch writes them (`StoredBlockCoding`, format 8 on):
    /// a merge copies only such blocks whole.
    var blocksInCurrentCoding: Bool { file.version >= IndexFormat.storedBlockCodingVersion }

    /// Calls `body` with the DocID and the `TrialCodec` record of each doc of block `b` that is in `docs`
    /// (all of them by default), in order.
    /// - Complexity: inflates the block once.
    func forEachRecord(inBlock b: Int, docs: ClosedRange<Int>? = nil,
                       _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        var record: [UInt8] = []
        try forEachRecordParts(inBlock: b, docs: docs) { doc, parts in
            record.removeAll(keepingCapacity: true)
            for part in parts.dropLast() { record.appendVInt(part.count) }
            for part in parts { record.append(contentsOf: part) }
            try record.withUnsafeBytes { try body(doc, $0) }
        }
    }

    /// Calls `body` with the DocID and the `TrialCodec.partCount` parts of each doc of block `b` that is in
    /// `docs` (all of them by default), in order: slices of the inflated block (a format-8 block's facts part
    /// recoded into a buffer of the reader's, as `TrialCodec` reads it), valid during the call.
    /// - Complexity: inflates the block once.
    func forEachRecordParts(inBlock b: Int, docs: ClosedRange<Int>? = nil,
                            _ body: (Int, [UnsafeRawBufferPointer]) throws -> Void) throws {
        let e = entry(b)
        let count = (b + 1 < blockCount ? entry(b + 1).firstDoc : docCount) - e.firstDoc
        let partCount = TrialCodec.partCount
        let bytes = try inflate(b)
        try bytes.withUnsafeBytes { raw in
            // Per doc (row) and part, where the part starts in the block and its length there.
            var starts = [Int](repeating: 0, count: count * partCount)
            var lengths = [Int](repeating: 0, count: count * partCount)
            var r = ByteReader(raw)
            let coded = blocksInCurrentCoding
            if coded {
                for p in 0..<partCount where StoredBlockCoding.strCount[p] == 0 {
                    for d in 0..<count { lengths[d * partCount + p] = r.readCount(limit: 1 << 30) }
                }
            } else {
                for i in 0..<lengths.count { lengths[i] = r.readCount(limit: 1 << 30) }
            }
            var position = r.position
            for p in coded ? StoredBlockCoding.blockOrder : StoredBlockCoding.recordOrder {
                let strs = coded ? StoredBlockCoding.strCount[p] : 0
                for d in 0..<count {
                    let i = d * partCount + p
                    starts[i] = position
                    if strs > 0 {
                        var s = ByteReader(raw, position: position)
                        for _ in 0..<strs { s.skip(s.readCount(limit: 1 << 30)) }
                        if s.failed { position = raw.count + 1; break }
                        lengths[i] = s.position - position
                    }
                    position += lengths[i]
                }
            }
            guard !r.failed, position == raw.count else {
                throw file.corrupt("stored block \(b): \(count) docs' parts end at \(position) "
                    + "vs the block's \(raw.count) bytes")
            }
            let factsPart = TrialCodec.Part.facts.rawValue, criteriaPart = TrialCodec.Part.criteria.rawValue
            var parts = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: partCount)
            var facts: [UInt8] = []
            for d in 0..<count where docs.map({ $0.contains(e.firstDoc + d) }) ?? true {
                let row = d * partCount
                for p in 0..<partCount {
                    parts[p] = UnsafeRawBufferPointer(rebasing: raw[starts[row + p]..<(starts[row + p] + lengths[row + p])])
                }
                guard coded else {
                    try body(e.firstDoc + d, parts)
                    continue
                }
                // Format 8 codes the excerpts against the criteria text: the record's facts part is recoded.
                facts.removeAll(keepingCapacity: true)
                guard let text = StoredBlockCoding.criteriaText(parts[criteriaPart]),
                      StoredBlockCoding.recodeFacts(parts[factsPart], text: text, toBlock: false, into: &facts) else {
                    throw file.corrupt("stored block \(b): doc \(e.firstDoc + d)'s excerpts do not fit its criteria text")
                }
                try facts.withUnsafeBytes { recoded in
                    parts[factsPart] = recoded
                    try body(e.firstDoc + d, parts)
                }
            }
        }
    }

    /// The uncompressed bytes of block `b`, inflated by a reused decompressor (`Decompressors`).
    func inflate(_ b: Int) throws -> [UInt8] {
        let e = entry(b)
        // Not zeroed first (the block is 128 KB): libdeflate writes all of it, or the block is corrupt.
        return try decompressors.with(file: file.path) { decompressor in
            try [UInt8](unsafeUninitializedCapacity: e.uncompressedLength) { dst, initialized in
                var actual = 0
                let result = libdeflate_deflate_decompress(decompressor, file.base + e.offset, e.compressedLength,
                                                           dst.baseAddress, dst.count, &actual)
                guard result == LIBDEFLATE_SUCCESS, actual == e.uncompressedLength else {
                    initialized = 0
                    throw file.corrupt("stored block \(b) does not inflate: actual \(actual) bytes vs expected \(e.uncompressedLength)")
                }
                initialized = actual
            }
        }
    }

    /// The compressed bytes of block `b` (for merges that copy whole blocks).
    func compressedBlock(_ b: Int) -> (bytes: UnsafeRawBufferPointer, docs: Int, uncompressedLength: Int) {
        let e = entry(b)
        let end = b + 1 < blockCount ? entry(b + 1).firstDoc : docCount
        return (UnsafeRawBufferPointer(start: file.base + e.offset, count: e.compressedLength), end - e.firstDoc,
                e.uncompressedLength)
    }
}
