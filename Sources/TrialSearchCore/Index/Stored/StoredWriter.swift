import CLibDeflate
import CLibZstd

/// Writes a segment's stored records (`.sto`): `TrialCodec` records gathered into blocks of about
/// 148 KB (`IndexFormat.storedBlockSize`), each compressed as one zstd frame (format 11 on; raw DEFLATE by
/// libdeflate before), and a doc → block index.
///
/// Inside a block, each `TrialCodec.Part` of all its records is stored together (the facts of every
/// record, then their titles, …, their criteria texts, …): the coder's window then holds dozens of
/// records' texts of one kind rather than the parts of one or two records. The block codes the parts
/// as `StoredBlockCoding` describes (format 9; format 8: `Block8`; format 7 and older: `Block7`, the
/// parts as the records code them). Its first bytes hold the parts a related-trials source reads, the
/// criteria last, and it states how many, with their CRC-32, and where each doc's criteria end: such a
/// fetch decodes only the leading bytes, up to its doc's criteria (`StoredRecords.leadingTrial`). From
/// format 11 the frame's first zstd block ends with the leading bytes (`ZSTD_e_flush`), and the fetch's
/// buffer-less decoder stops once the bytes up to the doc's criteria are out (it decodes that first zstd
/// block, not the rest). Format 10 (`Block10`): libdeflate stops for want of room, and the fetch checks
/// that it wrote a byte past them (a deflate stored block that spans their end is written all or
/// nothing; the fetch then inflates the whole block).
///
/// Format:
/// ```
/// Body     := Block^blockCount Index Trailer
/// Block    := leadingLength:vint leadingCRC:u32 criteriaEnd:vint^(k−1)
///               ZSTD(Lengths Part_facts^k Part_head^k Part_terms^k Part_interventions^k Part_criteria^k
///                   Part_texts^k Part_outcomes^k Part_sites^k Part_source^k)
///                                                       (k docs, consecutive DocIDs; Part_p^k: part p of each
///                                                        of the k records in order, the facts with
///                                                        `StoredBlockCoding`'s lengthCodes; leadingLength:
///                                                        the bytes of Lengths and the first five Part_p^k,
///                                                        leadingCRC their CRC-32; criteriaEnd: for each doc
///                                                        but the last, where its criteria part ends in the
///                                                        uncompressed bytes divided by `criteriaEndUnit`
///                                                        (256) and rounded up, minus the previous doc's
///                                                        (the first: minus 0); the last doc's end is
///                                                        leadingLength; ZSTD(…): one zstd frame
///                                                        (RFC 8878) at level `storedCompressionLevel`, its
///                                                        content size stated, no checksum, its first zstd
///                                                        block ending after the leading bytes)
/// Block10  := Block with DEFLATE(…) (raw DEFLATE, libdeflate level 4) for ZSTD(…)   (format 10)
/// Block9   := leadingLength:vint leadingCRC:u32 DEFLATE(Lengths Part_facts^k Part_head^k Part_terms^k Part_criteria^k
///                   Part_interventions^k Part_texts^k Part_outcomes^k Part_sites^k Part_source^k)   (format 9)
/// Block8   := DEFLATE(Lengths Part_source^k Part_sites^k Part_head^k Part_facts^k Part_terms^k Part_outcomes^k
///                   Part_interventions^k Part_texts^k Part_criteria^k)   (format 8)
/// Block7   := DEFLATE(Lengths7 Part_0^k … Part_(P−1)^k) (format ≤ 7: the parts in the record's order, P of them)
/// Lengths  := (partLength:vint^k)^S                     (for each of the S = 6 parts but texts, criteria and
///                                                        source, in part order, the k docs' lengths of it)
/// Lengths7 := (partLength:vint^P)^k                     (format ≤ 7: per doc, the length of each of its parts)
/// Index    := (firstDoc:u32 offset:u64 compressedLength:u32 uncompressedLength:u32)^blockCount
///                                                       (compressedLength: with leadingLength and leadingCRC)
/// Trailer  := docCount:u32 blockCount:u32 indexOffset:u64
/// ```
/// A doc's `TrialCodec` record is its P part lengths but the last, then its P parts (the facts' excerpt
/// lengths restored). Fetching one record decodes one block (≤ 148 KB plus one record), sums the
/// stated lengths of the docs before it and skips their texts, criteria and source `Str`s.
/// Example: a segment of one doc `Trial(id: "NCT01")` (see `TrialCodec`) has one block: the header `31`
/// (49 leading bytes) and their CRC-32 (4 bytes), no criteria end (one doc), then a zstd frame
/// (`28 B5 2F FD …`) decoding to `0B 19 04 02 02 03` (the lengths of its head, facts, terms, outcomes, interventions and
/// sites) followed by the 63 bytes of its parts (facts 25 zeros, head `05 4E 43 54 30 31 00 00 00 00 00`,
/// terms, interventions, criteria, texts, outcomes and
/// sites zeros, source `00 00 0A 70 6C 61 69 6E 2D 74 65 78 74`), and the index
/// `00 00 00 00 | <offset:u64> | <compressed + 5:u32> | 45 00 00 00`.
///
/// The owner of a zstd compression context (`ZSTD_CCtx`, reused for every block; freed in `deinit`): level
/// `IndexFormat.storedCompressionLevel`, minimum match `storedMinMatch`, tables of 2^`storedHashLog` entries.
final class StoredWriter {
    private let output: IndexOutput
    private let compressor: OpaquePointer
    /// The pending block: per part, its docs' lengths of it (`Lengths`; empty for the parts whose
    /// lengths are not stated) and their parts.
    private var lengths = [[UInt8]](repeating: [], count: TrialCodec.partCount)
    private var parts = [[UInt8]](repeating: [], count: TrialCodec.partCount)
    private var pendingBytes = 0
    private var block: [UInt8] = []
    private var blockDocs = 0
    private var compressed: [UInt8] = []
    /// The pending block's header (`leadingLength`, `leadingCRC`, `criteriaEnd`s).
    private var header: [UInt8] = []
    /// The pending block's docs' criteria part lengths.
    private var criteriaLengths: [Int] = []
    private var index: [UInt8] = []
    private var blockCount = 0
    private(set) var docCount = 0
    /// Where each part of the record being added starts (and the last ends).
    private var partBounds = [Int](repeating: 0, count: TrialCodec.partCount + 1)
    private let path: String

    init(path: String, segmentID: UInt64, durable: Bool = true) throws {
        output = try IndexOutput(path: path, formatName: SegmentFile.stored.formatName, segmentID: segmentID,
                                 durable: durable)
        guard let c = ZSTD_createCCtx() else {
            throw IndexError.io(file: path, operation: "allocate compressor for", message: "out of memory")
        }
        compressor = c
        let level = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, IndexFormat.storedCompressionLevel)
        let minMatch = ZSTD_CCtx_setParameter(c, ZSTD_c_minMatch, IndexFormat.storedMinMatch)
        let hashLog = ZSTD_CCtx_setParameter(c, ZSTD_c_hashLog, IndexFormat.storedHashLog)
        let chainLog = ZSTD_CCtx_setParameter(c, ZSTD_c_chainLog, IndexFormat.storedHashLog)
        let checksum = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0)
        let contentSize = ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)
        guard [level, minMatch, hashLog, chainLog, checksum, contentSize].allSatisfy({ ZSTD_isError($0) == 0 }) else {
            _ = ZSTD_freeCCtx(c)
            throw IndexError.io(file: path, operation: "set up the compressor for", message: "zstd refuses the parameters")
        }
        self.path = path
        block.reserveCapacity(IndexFormat.storedBlockSize + 65_536)
    }

    deinit { _ = ZSTD_freeCCtx(compressor) }

    /// Bytes buffered (for the RAM budget).
    var memoryUsage: Int {
        block.capacity + compressed.capacity + index.capacity + lengths.reduce(0) { $0 + $1.capacity }
            + parts.reduce(0) { $0 + $1.capacity }
    }

    /// Appends the next doc's record (`TrialCodec` bytes), each part to its part of the block (the facts
    /// recoded by `StoredBlockCoding`).
    /// - Throws: `IndexError.corrupt` when the record's excerpts do not fit its criteria text.
    func add(_ record: UnsafeRawBufferPointer) throws {
        let partCount = TrialCodec.partCount
        var header = ByteReader(record)
        for p in 1..<partCount { partBounds[p] = header.readCount(limit: 1 << 30) }
        partBounds[0] = header.position
        for p in 1..<partCount { partBounds[p] += partBounds[p - 1] }
        partBounds[partCount] = record.count
        precondition(!header.failed && partBounds[partCount - 1] <= record.count,
                     "a stored record of \(record.count) bytes whose part lengths overrun it")
        let facts = TrialCodec.Part.facts.rawValue, criteria = TrialCodec.Part.criteria.rawValue
        for p in 0..<partCount {
            let part = UnsafeRawBufferPointer(rebasing: record[partBounds[p]..<partBounds[p + 1]])
            let before = parts[p].count
            if p == facts {
                let criteriaPart = UnsafeRawBufferPointer(rebasing: record[partBounds[criteria]..<partBounds[criteria + 1]])
                guard let text = StoredBlockCoding.criteriaText(criteriaPart),
                      StoredBlockCoding.recodeFacts(part, text: text, toBlock: true, into: &parts[p]) else {
                    throw IndexError.corrupt(file: path, reason: "a stored record whose excerpts do not fit its criteria text")
                }
            } else {
                parts[p].append(contentsOf: part)
            }
            if StoredBlockCoding.strCount[p] == 0 { lengths[p].appendVInt(parts[p].count - before) }
            if p == criteria { criteriaLengths.append(parts[p].count - before) }
        }
        pendingBytes += record.count
        blockDocs += 1
        docCount += 1
        if pendingBytes >= IndexFormat.storedBlockSize { try flushBlock() }
    }

    /// Appends a block compressed elsewhere (a merge copying a block whose docs are all live).
    func addCompressedBlock(_ bytes: UnsafeRawBufferPointer, docs: Int, uncompressedLength: Int) throws {
        try flushBlock()
        appendIndexEntry(firstDoc: docCount, compressedLength: bytes.count, uncompressedLength: uncompressedLength)
        try output.write(bytes)
        docCount += docs
    }

    private func appendIndexEntry(firstDoc: Int, compressedLength: Int, uncompressedLength: Int) {
        index.appendU32(UInt32(firstDoc))
        index.appendU64(UInt64(output.position))
        index.appendU32(UInt32(compressedLength))
        index.appendU32(UInt32(uncompressedLength))
        blockCount += 1
    }

    /// Compresses the pending block now rather than at the next `addCompressedBlock` or `finish()`,
    /// which would compress the same bytes: a worker's last block, on the worker's thread when its
    /// input ends, so that the commit that joins the workers' segments does not compress it alone.
    func finishBlock() throws { try flushBlock() }

    private func flushBlock() throws {
        guard blockDocs > 0 else { return }
        block.removeAll(keepingCapacity: true)
        for p in lengths.indices {
            block.append(contentsOf: lengths[p])
            lengths[p].removeAll(keepingCapacity: true)
        }
        var leadingLength = 0, criteriaStart = 0
        for (i, p) in StoredBlockCoding.blockOrder.enumerated() {
            if p == TrialCodec.Part.criteria.rawValue { criteriaStart = block.count }
            block.append(contentsOf: parts[p])
            parts[p].removeAll(keepingCapacity: true)
            if i + 1 == StoredBlockCoding.leadingPartCount { leadingLength = block.count }
        }
        pendingBytes = 0
        let n = try compress(leadingLength: leadingLength)
        header.removeAll(keepingCapacity: true)
        header.appendVInt(leadingLength)
        header.appendU32(block.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, leadingLength)) })
        // Each doc's criteria end but the last's (the leading bytes' end), in units, as deltas.
        let unit = StoredBlockCoding.criteriaEndUnit
        var end = criteriaStart, previous = 0
        for length in criteriaLengths.dropLast() {
            end += length
            let units = (end + unit - 1) / unit
            header.appendVInt(units - previous)
            previous = units
        }
        criteriaLengths.removeAll(keepingCapacity: true)
        appendIndexEntry(firstDoc: docCount - blockDocs, compressedLength: header.count + n, uncompressedLength: block.count)
        try output.write(header)
        try compressed.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        block.removeAll(keepingCapacity: true)
        blockDocs = 0
    }

    /// Compresses `block` into `compressed` as one zstd frame (its content size stated, no checksum: the
    /// header's CRC-32 covers the leading bytes, the file's footer all of them), its first
    /// `leadingLength` bytes ending a zstd block (`ZSTD_e_flush`) so that they decode without the rest
    /// (`StoredRecords.inflateLeading`); returns the frame's length.
    private func compress(leadingLength: Int) throws -> Int {
        let bound = ZSTD_compressBound(block.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        _ = ZSTD_CCtx_reset(compressor, ZSTD_reset_session_only)
        var result = ZSTD_CCtx_setPledgedSrcSize(compressor, UInt64(block.count))
        let written = block.withUnsafeBytes { src in
            compressed.withUnsafeMutableBytes { dst in
                var output = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                // Feeds `range` of the block with `directive`, until zstd has done it (returns 0), failed, or
                // made no progress (the output is `ZSTD_compressBound` long: it does not fill; `written` is
                // then checked below through `result`).
                func feed(_ range: Range<Int>, _ directive: ZSTD_EndDirective) {
                    var input = ZSTD_inBuffer(src: src.baseAddress.map { $0 + range.lowerBound }, size: range.count, pos: 0)
                    repeat {
                        let before = (input.pos, output.pos)
                        result = ZSTD_compressStream2(compressor, &output, &input, directive)
                        if result != 0 && (input.pos, output.pos) == before { break }
                    } while result != 0 && ZSTD_isError(result) == 0
                }
                let split = leadingLength > 0 && leadingLength < src.count ? leadingLength : 0
                if split > 0 && ZSTD_isError(result) == 0 { feed(0..<split, ZSTD_e_flush) }
                if ZSTD_isError(result) == 0 { feed(split..<src.count, ZSTD_e_end) }
                return output.pos
            }
        }
        guard ZSTD_isError(result) == 0, result == 0, written > 0 else {
            throw IndexError.io(file: path, operation: "compress a stored block of \(block.count) bytes for",
                                message: ZSTD_isError(result) != 0 ? String(cString: ZSTD_getErrorName(result))
                                    : "zstd stopped with \(result) bytes left to write")
        }
        return written
    }

    /// Writes the pending block, the index and the trailer; returns the file length.
    func finish() throws -> Int {
        try flushBlock()
        let indexOffset = output.position
        index.appendU32(UInt32(docCount))
        index.appendU32(UInt32(blockCount))
        index.appendU64(UInt64(indexOffset))
        try output.write(index)
        return try output.finish()
    }
}
