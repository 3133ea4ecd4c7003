import CLibDeflate
import CLibZstd

/// Reads a segment's stored records (`.sto`, see `StoredWriter`): DocID → `Trial`.
public struct StoredRecords: Sendable {
    let file: IndexFile
    public let docCount: Int
    let blockCount: Int
    private let indexOffset: Int
    /// Decompressors reused across reads (copies of this struct share them): zstd's from format 11 on.
    private let decompressors: Decompressors

    struct BlockEntry {
        var firstDoc: Int
        var offset: Int
        var compressedLength: Int
        var uncompressedLength: Int
    }

    init(file: IndexFile, expectedDocCount: Int) throws {
        self.file = file
        decompressors = Decompressors(file.version >= IndexFormat.storedZstdVersion ? .zstd : .deflate)
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
    /// - Complexity: inflates one block (about 148 KB).
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

    /// The trial of `doc` as far as the leading parts of its block hold it (format 9 on): its fields
    /// `leadingFields` as stored, its summaries, descriptions, outcomes, sites and related ids empty and
    /// its source `plain-text` with no file. Of format 8 or older, or when the leading bytes do not inflate
    /// alone (`inflateLeading`), the whole stored trial.
    /// - Complexity: inflates the leading bytes of one block (on the 16x replica 40 % of its bytes), from
    ///   format 10 on only up to the end of `doc`'s criteria (the last leading part); from format 11 (zstd) it
    ///   decodes the whole first zstd block (the leading bytes) and reads up to that end.
    public func leadingTrial(_ doc: DocID) throws -> Trial {
        precondition(doc >= 0 && Int(doc) < docCount, "doc \(doc) outside 0..<\(docCount)")
        let b = block(of: Int(doc))
        var found: Trial?
        try forEachRecordParts(inBlock: b, docs: Int(doc)...Int(doc), leadingOnly: true) { _, parts in
            found = try TrialCodec.decode(parts: parts, file: file.path)
        }
        guard let found else { throw file.corrupt("stored block \(b) does not hold doc \(doc)") }
        return found
    }

    /// The fields whose values `leadingTrial(_:)` reads (the others are empty in the trial it returns).
    public static var leadingFields: Set<Field> { StoredBlockCoding.leadingFields }

    /// Whether the blocks are zstd frames (format 11 on; before, raw DEFLATE).
    var blocksAreZstd: Bool { file.version >= IndexFormat.storedZstdVersion }
    /// Whether the blocks are coded and compressed as this trialsearch writes them (`StoredBlockCoding`,
    /// zstd: the newest change to them is format 11's): a merge copies only such blocks whole.
    var blocksInCurrentCoding: Bool { blocksAreZstd }
    /// Whether the blocks hold the criteria last among the leading parts and state where each doc's
    /// criteria end (format 10 on).
    var blocksHaveCriteriaEnds: Bool { file.version >= IndexFormat.storedCriteriaEndsVersion }
    /// Whether the blocks hold the parts a related-trials source reads first and state their length (format 9 on).
    var blocksHaveLeadingParts: Bool { file.version >= IndexFormat.storedLeadingPartsVersion }

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
    /// `docs` (all of them by default), in order: slices of the inflated block (a block's facts part of
    /// format 8 on recoded into a buffer of the reader's, as `TrialCodec` reads it), valid during the call.
    /// With `leadingOnly`, a block of format 9 on inflates only its leading bytes (`inflateLeading`), and
    /// the parts after the leading ones are those of an empty trial (`StoredBlockCoding.emptyRecord`);
    /// from format 10 on, with `docs`, only up to the end of the criteria of the last doc in `docs` (the
    /// criteria of the docs after it are not read: they are an empty trial's).
    /// - Complexity: inflates the block (or its leading bytes) once.
    func forEachRecordParts(inBlock b: Int, docs: ClosedRange<Int>? = nil, leadingOnly: Bool = false,
                            _ body: (Int, [UnsafeRawBufferPointer]) throws -> Void) throws {
        let e = entry(b)
        let count = (b + 1 < blockCount ? entry(b + 1).firstDoc : docCount) - e.firstDoc
        let partCount = TrialCodec.partCount
        let coded = file.version >= IndexFormat.storedBlockCodingVersion
        let order = blocksHaveCriteriaEnds ? StoredBlockCoding.blockOrder
            : blocksHaveLeadingParts ? StoredBlockCoding.blockOrder9
            : coded ? StoredBlockCoding.blockOrder8 : StoredBlockCoding.recordOrder
        // Format 10 on, the last doc whose criteria (the last leading part) a leading read reads.
        let lastDoc = leadingOnly && blocksHaveCriteriaEnds ? docs.map { max(0, min($0.upperBound - e.firstDoc, count - 1)) } : nil
        // The inflated bytes and where the parts read end in them (nil: all of the block).
        let leading = leadingOnly && blocksHaveLeadingParts ? try inflateLeading(b, through: lastDoc) : nil
        let bytes = try leading?.bytes ?? inflate(b)
        let readParts = leading == nil ? order : Array(order.prefix(StoredBlockCoding.leadingPartCount))
        let end = leading?.length ?? bytes.count
        // Read up to a criteria end that the block states rounded up (and then not for the docs after `lastDoc`).
        let partialEnd = leading != nil && lastDoc != nil
        let lastReadDocs = partialEnd ? (lastDoc ?? count - 1) + 1 : count
        let empty = StoredBlockCoding.emptyRecord
        try bytes.withUnsafeBytes { raw in
            // Per doc (row) and part, where the part starts in the block (-1: a part not read) and its length there.
            var starts = [Int](repeating: -1, count: count * partCount)
            var lengths = [Int](repeating: 0, count: count * partCount)
            var r = ByteReader(raw)
            if coded {
                for p in 0..<partCount where StoredBlockCoding.strCount[p] == 0 {
                    for d in 0..<count { lengths[d * partCount + p] = r.readCount(limit: 1 << 30) }
                }
            } else {
                for i in 0..<lengths.count { lengths[i] = r.readCount(limit: 1 << 30) }
            }
            var position = r.position
            reading: for (k, p) in readParts.enumerated() {
                let strs = coded ? StoredBlockCoding.strCount[p] : 0
                for d in 0..<(k + 1 == readParts.count ? lastReadDocs : count) {
                    let i = d * partCount + p
                    starts[i] = position
                    if strs > 0 {
                        var s = ByteReader(raw, position: position)
                        for _ in 0..<strs { s.skip(s.readCount(limit: 1 << 30)) }
                        if s.failed || s.position > end { position = end + 1; break reading }
                        lengths[i] = s.position - position
                    }
                    position += lengths[i]
                }
            }
            guard !r.failed, partialEnd ? position <= end && position > end - StoredBlockCoding.criteriaEndUnit
                                        : position == end else {
                throw file.corrupt("stored block \(b): \(count) docs' \(leading == nil ? "" : "leading ")parts end at "
                    + "\(position) vs \(leading == nil ? "the block's" : "its leading") \(end) bytes")
            }
            let factsPart = TrialCodec.Part.facts.rawValue, criteriaPart = TrialCodec.Part.criteria.rawValue
            var parts = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: partCount)
            var facts: [UInt8] = []
            try empty.bytes.withUnsafeBytes { emptyBytes in
                for d in 0..<count where docs.map({ $0.contains(e.firstDoc + d) }) ?? true {
                    let row = d * partCount
                    for p in 0..<partCount {
                        let start = starts[row + p]
                        parts[p] = start < 0 ? UnsafeRawBufferPointer(rebasing: emptyBytes[empty.parts[p]])
                            : UnsafeRawBufferPointer(rebasing: raw[start..<(start + lengths[row + p])])
                    }
                    guard coded else {
                        try body(e.firstDoc + d, parts)
                        continue
                    }
                    // Format 8 on codes the excerpts against the criteria text: the record's facts part is recoded.
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
    }

    /// Where block `b`'s compressed stream (raw DEFLATE; from format 11 on a zstd frame) starts, its length, the length and CRC-32 of its leading bytes
    /// (format 9 on: after the header `leadingLength:vint leadingCRC:u32`; before: the block, 0), and where
    /// the criteria of its `criteriaDoc`th doc end, rounded up (format 10 on: the header's `criteriaEnd`s;
    /// with no doc, before format 10 or for the block's last doc: `leadingLength`).
    func stream(_ b: Int, criteriaDoc: Int? = nil) throws
        -> (offset: Int, length: Int, leadingLength: Int, leadingCRC: UInt32, criteriaEnd: Int) {
        let e = entry(b)
        guard blocksHaveLeadingParts else { return (e.offset, e.compressedLength, 0, 0, 0) }
        var h = file.reader(at: e.offset)
        let leadingLength = h.readCount(limit: 1 << 30)
        let crc = h.readU32()
        var criteriaEnd = leadingLength
        if blocksHaveCriteriaEnds {
            let count = (b + 1 < blockCount ? entry(b + 1).firstDoc : docCount) - e.firstDoc
            let unit = StoredBlockCoding.criteriaEndUnit
            // At most count · 2³⁰ units (count < 2³²), compared in units before the product.
            var units = 0
            for d in 0..<(count - 1) {
                units += h.readCount(limit: 1 << 30)
                if d == criteriaDoc { criteriaEnd = units > leadingLength / unit ? leadingLength : units * unit }
            }
        }
        let header = h.position - e.offset
        guard !h.failed, header < e.compressedLength, leadingLength <= e.uncompressedLength else {
            throw file.corrupt("stored block \(b): leading length \(leadingLength) of \(e.uncompressedLength) bytes")
        }
        return (h.position, e.compressedLength - header, leadingLength, crc, criteriaEnd)
    }

    /// The uncompressed bytes of block `b`, inflated by a reused decompressor (`Decompressors`).
    func inflate(_ b: Int) throws -> [UInt8] {
        let e = entry(b)
        let s = try stream(b)
        // Not zeroed first (the block is 148 KB): the decompressor writes all of it, or the block is corrupt.
        return try decompressors.with(file: file.path) { decompressor in
            try [UInt8](unsafeUninitializedCapacity: e.uncompressedLength) { dst, initialized in
                var actual = 0
                let failure: String?
                if blocksAreZstd {
                    actual = ZSTD_decompressDCtx(decompressor, dst.baseAddress, dst.count, file.base + s.offset, s.length)
                    failure = ZSTD_isError(actual) != 0 ? String(cString: ZSTD_getErrorName(actual)) : nil
                } else {
                    let result = libdeflate_deflate_decompress(decompressor, file.base + s.offset, s.length,
                                                               dst.baseAddress, dst.count, &actual)
                    failure = result != LIBDEFLATE_SUCCESS ? "libdeflate result \(result.rawValue)" : nil
                }
                guard failure == nil, actual == e.uncompressedLength else {
                    initialized = 0
                    throw file.corrupt("stored block \(b) does not inflate: \(failure ?? "actual \(actual) bytes") "
                        + "vs expected \(e.uncompressedLength)")
                }
                initialized = actual
            }
        }
    }

    /// The leading bytes of block `b` (format 9 on: its parts' lengths and leading parts) and their length,
    /// inflated into a buffer `StoredBlockCoding.leadingSlack` bytes longer, libdeflate stopping for want
    /// of room, their CRC-32 checked against the stated one; nil when there are none, the block is
    /// barely longer or the CRC differs (a deflate stored block spanning their end, which libdeflate writes all or nothing):
    /// the caller then inflates it whole.
    /// From format 10 on, with `doc` (the doc's place in the block), only the bytes up to the stated end of
    /// that doc's criteria (`stream`'s `criteriaEnd`; the returned length), into a buffer
    /// `leadingSlack` + `leadingCheckMargin` bytes longer whose check byte (`leadingCheckFill` written there
    /// first) libdeflate must have overwritten, instead of the CRC (nil otherwise).
    /// From format 11 on (zstd), the zstd blocks that hold those bytes (the returned length; the writer ends a
    /// zstd block with the leading bytes: `decodeLeading`).
    func inflateLeading(_ b: Int, through doc: Int? = nil) throws -> (bytes: [UInt8], length: Int)? {
        if blocksAreZstd { return try decodeLeading(b, through: doc) }
        let e = entry(b)
        let partial = doc != nil && blocksHaveCriteriaEnds
        let s = try stream(b, criteriaDoc: partial ? doc : nil)
        let length = partial ? s.criteriaEnd : s.leadingLength
        let check = length + StoredBlockCoding.leadingCheckMargin - 1
        let capacity = length + StoredBlockCoding.leadingSlack + (partial ? StoredBlockCoding.leadingCheckMargin : 0)
        guard length > 0, capacity < e.uncompressedLength else { return nil }
        let bytes = try decompressors.with(file: file.path) { decompressor in
            try [UInt8](unsafeUninitializedCapacity: capacity) { dst, initialized in
                if partial { dst[check] = StoredBlockCoding.leadingCheckFill }
                let result = libdeflate_deflate_decompress(decompressor, file.base + s.offset, s.length,
                                                           dst.baseAddress, capacity, nil)
                guard result == LIBDEFLATE_INSUFFICIENT_SPACE else {
                    initialized = 0
                    throw file.corrupt("stored block \(b): its leading \(s.leadingLength) bytes do not inflate "
                        + "(libdeflate result \(result.rawValue))")
                }
                // Bytes libdeflate did not write (past the leading ones, or a stored block's) fail the CRC.
                initialized = capacity
            }
        }
        if partial { return bytes[check] != StoredBlockCoding.leadingCheckFill ? (bytes, length) : nil }
        let crc = bytes.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, s.leadingLength)) }
        return crc == s.leadingCRC ? (bytes, s.leadingLength) : nil
    }

    /// `inflateLeading` of a zstd frame (format 11 on): the bytes up to the stated end of `doc`'s criteria
    /// (without `doc`, the leading bytes), decoded zstd block by zstd block by zstd's buffer-less decoder
    /// (`ZSTD_decompressContinue`) straight into a buffer of the block's uncompressed length (not written
    /// past the zstd blocks decoded), until those bytes are out: the writer ends the first zstd block with
    /// the leading bytes, so that block alone; nil when that length is 0, or (without `doc`) when their
    /// CRC-32 is not the stated one.
    /// `ZSTD_decompressStream` into a buffer of exactly those bytes (format 11's first fetch) decodes each
    /// zstd block into the stream's own window buffer and copies out: on the 16x replica the 200 related
    /// sources' fetches took 138.5 M instructions in zstd, the buffer-less decoder 119.8 M (BENCHMARKS.md, `sto40`).
    /// - Throws: `IndexError.corrupt` when the frame does not decode, decodes past the block's stated
    ///   length, or ends before those bytes.
    private func decodeLeading(_ b: Int, through doc: Int?) throws -> (bytes: [UInt8], length: Int)? {
        let s = try stream(b, criteriaDoc: doc)
        let length = doc != nil ? s.criteriaEnd : s.leadingLength
        guard length > 0 else { return nil }
        let capacity = entry(b).uncompressedLength
        let bytes = try decompressors.with(file: file.path) { decompressor in
            try [UInt8](unsafeUninitializedCapacity: capacity) { dst, initialized in
                initialized = 0
                var result = ZSTD_decompressBegin(decompressor)
                var read = 0, written = 0
                // Each step reads the size zstd asks for next (a frame header, a block header or a block) and
                // writes a block's bytes (0 for headers); 0 asked for: the frame is done.
                while written < length && ZSTD_isError(result) == 0 {
                    let wanted = ZSTD_nextSrcSizeToDecompress(decompressor)
                    guard wanted > 0, wanted <= s.length - read, let base = dst.baseAddress else { break }
                    result = ZSTD_decompressContinue(decompressor, base + written, capacity - written,
                                                     file.base + s.offset + read, wanted)
                    if ZSTD_isError(result) == 0 {
                        read += wanted
                        written += result
                    }
                }
                guard written >= length else {
                    let failure = ZSTD_isError(result) != 0 ? String(cString: ZSTD_getErrorName(result)) : "the frame ends"
                    throw file.corrupt("stored block \(b): its leading \(length) bytes do not decode (\(failure) "
                        + "after \(written) bytes)")
                }
                initialized = written
            }
        }
        guard doc == nil else { return (bytes, length) }
        let crc = bytes.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, length)) }
        return crc == s.leadingCRC ? (bytes, length) : nil
    }

    /// Whether block `b`'s stated criteria ends (format 10 on) are where the criteria of its docs end in
    /// `whole`, its inflated bytes, rounded up to `StoredBlockCoding.criteriaEndUnit` (for `check`; true
    /// before format 10).
    func criteriaEndsFit(_ b: Int, whole: [UInt8]) throws -> Bool {
        guard blocksHaveCriteriaEnds else { return true }
        let e = entry(b)
        let count = (b + 1 < blockCount ? entry(b + 1).firstDoc : docCount) - e.firstDoc
        let partCount = TrialCodec.partCount, unit = StoredBlockCoding.criteriaEndUnit
        let before = Set(StoredBlockCoding.blockOrder.prefix(StoredBlockCoding.leadingPartCount - 1))
        var ends: [Int] = []
        whole.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            var skipped = 0
            for p in 0..<partCount where StoredBlockCoding.strCount[p] == 0 {
                for _ in 0..<count {
                    let length = r.readCount(limit: 1 << 30)
                    if before.contains(p) { skipped += length }
                }
            }
            var position = r.position + skipped
            for _ in 0..<count where !r.failed {
                var s = ByteReader(raw, position: position)
                s.skip(s.readCount(limit: 1 << 30))
                if s.failed { return }
                position = s.position
                ends.append(position)
            }
        }
        guard ends.count == count else { return false }
        for d in 0..<count {
            let stated = try stream(b, criteriaDoc: d).criteriaEnd
            guard ends[d] <= stated, ends[d] > stated - unit || d == count - 1 else { return false }
        }
        return try stream(b).leadingLength == ends[count - 1]
    }

    /// The compressed bytes of block `b` (for merges that copy whole blocks).
    func compressedBlock(_ b: Int) -> (bytes: UnsafeRawBufferPointer, docs: Int, uncompressedLength: Int) {
        let e = entry(b)
        let end = b + 1 < blockCount ? entry(b + 1).firstDoc : docCount
        return (UnsafeRawBufferPointer(start: file.base + e.offset, count: e.compressedLength), end - e.firstDoc,
                e.uncompressedLength)
    }
}
