/// Reads the contents of zip entries into reusable buffers: one per worker thread, so that reading
/// 10,000 entries allocates nothing after the largest one.
///
/// For each entry: check the limits against the central directory's sizes, read the 30-byte local
/// header to find where the data starts, `pread` the compressed bytes, inflate them whole with
/// libdeflate (`Inflater`) into a buffer of the declared size (or use stored bytes as they are), and
/// check the CRC-32.
final class ZipEntryReader {
    private let inflater = Inflater()
    private var compressed: [UInt8] = []
    private var output: [UInt8] = []
    private let options: IngestOptions

    init(options: IngestOptions) {
        self.options = options
    }

    /// Calls `body` with the uncompressed contents of `entry`; the bytes are valid only during the
    /// call.
    /// - Throws: the per-entry errors listed on `ZipArchive`, or what `body` throws.
    func withContents<T>(of entry: ZipArchive.Entry, in archive: ZipArchive, location: IngestLocation,
                         _ body: (UnsafeRawBufferPointer) throws(IngestError) -> T) throws(IngestError) -> T {
        if let problem = ZipArchive.pathTraversal(in: entry.name) {
            throw .malformedArchive(location, message: "entry name is \(problem) (a path-traversal name)")
        }
        guard entry.flags & 1 == 0 else {
            throw .unsupportedArchive(location, message: "entry is encrypted")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw .unsupportedArchive(location, message: "compression method \(entry.method) (only stored and deflate are read)")
        }
        guard entry.uncompressedSize <= options.maxEntryBytes else {
            throw .tooLarge(location, what: "archive entry", size: entry.uncompressedSize, limit: options.maxEntryBytes)
        }
        if entry.method == 8, entry.uncompressedSize > options.maxCompressionRatio * max(entry.compressedSize, 1) {
            throw .tooLarge(location, what: "archive entry (compressed \(entry.compressedSize) bytes, ratio limit \(options.maxCompressionRatio):1)",
                            size: entry.uncompressedSize, limit: options.maxCompressionRatio * max(entry.compressedSize, 1))
        }
        if entry.method == 0, entry.compressedSize != entry.uncompressedSize {
            throw .malformedArchive(location, message: "stored entry has compressed size \(entry.compressedSize) but size \(entry.uncompressedSize)")
        }
        let storage = archive.storage
        let header = try storage.read(at: entry.localHeaderOffset, count: min(30, max(0, storage.size - entry.localHeaderOffset)), location: location)
        guard header.count == 30, header.le32(0) == 0x0403_4B50 else {
            throw .malformedArchive(location, message: "no local header at offset \(entry.localHeaderOffset)")
        }
        let dataStart = entry.localHeaderOffset + 30 + Int(header.le16(26)) + Int(header.le16(28))
        guard dataStart + entry.compressedSize <= storage.size else {
            throw .malformedArchive(location, message: "entry data (\(entry.compressedSize) bytes at \(dataStart)) runs past the end of the archive (\(storage.size) bytes)")
        }
        let size = entry.uncompressedSize
        if output.count < size { output = [UInt8](repeating: 0, count: size) }
        if entry.method == 0 {
            try output.withUnsafeMutableBytes { buffer in
                catching { () throws(IngestError) in
                    try storage.read(at: dataStart, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]), location: location)
                }
            }.get()
        } else {
            if compressed.count < entry.compressedSize { compressed = [UInt8](repeating: 0, count: entry.compressedSize) }
            let compressedSize = entry.compressedSize
            try compressed.withUnsafeMutableBytes { input in
                catching { () throws(IngestError) in
                    let source = UnsafeMutableRawBufferPointer(rebasing: input[0..<compressedSize])
                    try storage.read(at: dataStart, into: source, location: location)
                    try output.withUnsafeMutableBytes { out in
                        catching { () throws(IngestError) in
                            try inflater.inflate(UnsafeRawBufferPointer(source),
                                                 into: UnsafeMutableRawBufferPointer(rebasing: out[0..<size]), location: location)
                        }
                    }.get()
                }
            }.get()
        }
        return try output.withUnsafeBytes { all in
            catching { () throws(IngestError) in
                let bytes = UnsafeRawBufferPointer(rebasing: all[0..<size])
                let actual = Inflater.crc32(bytes)
                guard actual == entry.crc32 else {
                    throw .checksumMismatch(location, expected: entry.crc32, actual: actual)
                }
                return try body(bytes)
            }
        }.get()
    }

    /// Shrinks the buffers after an unusually large entry so one huge entry does not pin its memory
    /// for the rest of the run.
    func trimBuffers(above limit: Int = 16 << 20) {
        if output.count > limit { output = [] }
        if compressed.count > limit { compressed = [] }
    }
}
