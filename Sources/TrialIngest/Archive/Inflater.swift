import CLibDeflate

/// Inflates raw DEFLATE data whole, into a buffer of the declared size, with libdeflate.
///
/// Wraps `libdeflate_alloc_decompressor`, `libdeflate_deflate_decompress`, `libdeflate_crc32` and
/// `libdeflate_free_decompressor`; the decompressor never leaves this object and `deinit` frees it.
/// libdeflate has no streaming interface: it needs the whole input and an output buffer of the final
/// size, which a zip's central directory declares. That is why archive entries are bounded by
/// `IngestOptions.maxEntryBytes`. One inflater per worker thread (not thread-safe).
final class Inflater {
    private let decompressor: OpaquePointer

    init() {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            preconditionFailure("libdeflate could not allocate a decompressor (out of memory)")
        }
        self.decompressor = decompressor
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
    }

    /// Inflates `input` into `output`, which must be exactly the uncompressed size.
    /// - Throws: `IngestError.malformedArchive` when the data is not valid DEFLATE or does not inflate
    ///   to exactly `output.count` bytes.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                 location: IngestLocation) throws(IngestError) {
        var actual = 0
        let result = libdeflate_deflate_decompress(
            decompressor, input.baseAddress, input.count, output.baseAddress, output.count, &actual)
        switch result {
        case LIBDEFLATE_SUCCESS:
            guard actual == output.count else {
                throw .malformedArchive(location, message: "entry inflates to \(actual) bytes, declared \(output.count)")
            }
        case LIBDEFLATE_BAD_DATA:
            throw .malformedArchive(location, message: "invalid DEFLATE data")
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            throw .malformedArchive(location, message: "entry inflates to more than its declared \(output.count) bytes")
        default:
            throw .malformedArchive(location, message: "libdeflate error \(result.rawValue)")
        }
    }

    /// The CRC-32 of `bytes` (the zip checksum).
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: libdeflate_crc32(0, bytes.baseAddress, bytes.count))
    }
}
