import CLibDeflate

/// Writes a segment's stored records (`.sto`): `TrialCodec` records gathered into blocks of about
/// 48 KB, each compressed with libdeflate (raw DEFLATE), and a doc → block index.
///
/// Format:
/// ```
/// Body    := Block^blockCount Index Trailer
/// Block   := DEFLATE(Record^k)                (k docs, consecutive DocIDs)
/// Record  := length:vint TrialCodec-bytes
/// Index   := (firstDoc:u32 offset:u64 compressedLength:u32 uncompressedLength:u32)^blockCount
/// Trailer := docCount:u32 blockCount:u32 indexOffset:u64
/// ```
/// Fetching one record inflates one block (≤ 48 KB plus one record) and walks its length prefixes.
/// Example: a segment of one doc whose record codes to 120 bytes has one block inflating to
/// `78 00 <120 bytes>` and the index `00 00 00 00 | <offset:u64> | <compressed:u32> | 7A 00 00 00`.
///
/// The owner of a libdeflate compressor (freed in `deinit`).
final class StoredWriter {
    private let output: IndexOutput
    private let compressor: OpaquePointer
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
    }

    deinit { libdeflate_free_compressor(compressor) }

    /// Bytes buffered (for the RAM budget).
    var memoryUsage: Int { block.capacity + compressed.capacity + index.capacity }

    /// Appends the next doc's record (`TrialCodec` bytes).
    func add(_ record: UnsafeRawBufferPointer) throws {
        block.appendVInt(record.count)
        block.append(contentsOf: record)
        blockDocs += 1
        docCount += 1
        if block.count >= IndexFormat.storedBlockSize { try flushBlock() }
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

    private func flushBlock() throws {
        guard blockDocs > 0 else { return }
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
