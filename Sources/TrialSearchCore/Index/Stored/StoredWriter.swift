import CLibDeflate

/// Writes a segment's stored records (`.sto`): `TrialCodec` records gathered into blocks of about
/// 128 KB, each compressed with libdeflate (raw DEFLATE), and a doc → block index.
///
/// Inside a block, each `TrialCodec.Part` of all its records is stored together (the titles of every
/// record, then their facts, …, their criteria texts, …): deflate's 32 KB window then holds dozens of
/// records' texts of one kind rather than the parts of one or two records.
///
/// Format:
/// ```
/// Body    := Block^blockCount Index Trailer
/// Block   := DEFLATE(Lengths Part_0^k … Part_(P−1)^k)   (k docs, consecutive DocIDs; P = TrialCodec.partCount;
///                                                        Part_p^k: part p of each of the k records in order)
/// Lengths := (partLength:vint^P)^k                      (per doc, the length of each of its parts)
/// Index   := (firstDoc:u32 offset:u64 compressedLength:u32 uncompressedLength:u32)^blockCount
/// Trailer := docCount:u32 blockCount:u32 indexOffset:u64
/// ```
/// A doc's `TrialCodec` record is its P part lengths but the last, then its P parts. Fetching one record
/// inflates one block (≤ 128 KB plus one record) and sums the part lengths of the docs before it.
/// Example: a segment of one doc `Trial(id: "NCT01")` (see `TrialCodec`) has one block inflating to
/// `0B 19 04 02 01 02 02 03 0D` followed by the 63 bytes of its parts, and the index
/// `00 00 00 00 | <offset:u64> | <compressed:u32> | 48 00 00 00`.
///
/// The owner of a libdeflate compressor (freed in `deinit`).
final class StoredWriter {
    private let output: IndexOutput
    private let compressor: OpaquePointer
    /// The pending block: its docs' part lengths, and per part the parts of its docs.
    private var lengths: [UInt8] = []
    private var parts = [[UInt8]](repeating: [], count: TrialCodec.partCount)
    private var pendingBytes = 0
    private var block: [UInt8] = []
    private var blockDocs = 0
    private var compressed: [UInt8] = []
    private var index: [UInt8] = []
    private var blockCount = 0
    private(set) var docCount = 0

    init(path: String, segmentID: UInt64, durable: Bool = true) throws {
        output = try IndexOutput(path: path, formatName: SegmentFile.stored.formatName, segmentID: segmentID,
                                 durable: durable)
        guard let c = libdeflate_alloc_compressor(IndexFormat.storedCompressionLevel) else {
            throw IndexError.io(file: path, operation: "allocate compressor for", message: "out of memory")
        }
        compressor = c
        block.reserveCapacity(IndexFormat.storedBlockSize + 65_536)
        lengths.reserveCapacity(1 << 12)
    }

    deinit { libdeflate_free_compressor(compressor) }

    /// Bytes buffered (for the RAM budget).
    var memoryUsage: Int {
        block.capacity + compressed.capacity + index.capacity + lengths.capacity + parts.reduce(0) { $0 + $1.capacity }
    }

    /// Appends the next doc's record (`TrialCodec` bytes), each part to its part of the block. The part
    /// lengths are read in place twice (to check them, then to copy), not into arrays per record.
    func add(_ record: UnsafeRawBufferPointer) throws {
        var header = ByteReader(record)
        var sum = 0
        for _ in 1..<TrialCodec.partCount { sum += header.readCount(limit: 1 << 30) }
        precondition(!header.failed && sum <= header.remaining,
                     "a stored record of \(record.count) bytes whose part lengths overrun it")
        var start = header.position
        header = ByteReader(record)
        for p in 0..<TrialCodec.partCount {
            let length = p < TrialCodec.partCount - 1 ? header.readCount(limit: 1 << 30) : record.count - start
            lengths.appendVInt(length)
            parts[p].append(contentsOf: UnsafeRawBufferPointer(rebasing: record[start..<(start + length)]))
            start += length
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
        block.append(contentsOf: lengths)
        for p in parts.indices {
            block.append(contentsOf: parts[p])
            parts[p].removeAll(keepingCapacity: true)
        }
        lengths.removeAll(keepingCapacity: true)
        pendingBytes = 0
        let bound = libdeflate_deflate_compress_bound(compressor, block.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let n = block.withUnsafeBytes { src in
            compressed.withUnsafeMutableBytes { dst in
                libdeflate_deflate_compress(compressor, src.baseAddress, src.count, dst.baseAddress, dst.count)
            }
        }
        precondition(n > 0, "deflate of \(block.count) bytes into \(bound) failed")
        appendIndexEntry(firstDoc: docCount - blockDocs, compressedLength: n, uncompressedLength: block.count)
        try compressed.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        block.removeAll(keepingCapacity: true)
        blockDocs = 0
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
