import CLibDeflate
@testable import TrialIngest

/// Builds zip archives whose every header field can lie: for the hostile archive cases (zip bombs,
/// path-traversal names, broken directories). Entries are written in order, each as a local header
/// and its data, then the central directory and the end record (APPNOTE 6.3 layouts).
struct CraftedZip {
    struct Entry {
        var name: [UInt8]
        /// The bytes written after the local header (already compressed for method 8).
        var data: [UInt8]
        var method: UInt16 = 0
        var flags: UInt16 = 0
        /// Declared values; nil: the true ones (CRC-32 of `uncompressed`, sizes of the data).
        var crc: UInt32? = nil
        var compressedSize: Int? = nil
        var uncompressedSize: Int? = nil
        /// The local header offset the central directory declares; nil: where it was written.
        var offset: Int? = nil
        /// The uncompressed content (for the true CRC-32 and size of a deflated entry).
        var uncompressed: [UInt8]? = nil

        init(_ name: String, _ content: [UInt8], deflate: Bool = false) {
            self.name = Array(name.utf8)
            if deflate {
                data = CraftedZip.deflate(content)
                method = 8
                uncompressed = content
            } else {
                data = content
            }
        }
    }

    var entries: [Entry] = []
    /// The entry count the end record declares; nil: the true one.
    var declaredCount: Int? = nil
    /// The central directory offset the end record declares; nil: the true one.
    var declaredDirectoryOffset: Int? = nil

    mutating func add(_ entry: Entry) { entries.append(entry) }

    func build() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let offset = out.count
            let content = entry.uncompressed ?? entry.data
            let crc = entry.crc ?? CraftedZip.crc32(content)
            let compressed = UInt32(truncatingIfNeeded: entry.compressedSize ?? entry.data.count)
            let size = UInt32(truncatingIfNeeded: entry.uncompressedSize ?? content.count)
            out += le32(0x0403_4B50) + le16(20) + le16(entry.flags) + le16(entry.method) + le16(0) + le16(0x21)
            out += le32(crc) + le32(compressed) + le32(size)
            out += le16(UInt16(entry.name.count)) + le16(0) + entry.name + entry.data
            central += le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(entry.flags) + le16(entry.method) + le16(0) + le16(0x21)
            central += le32(crc) + le32(compressed) + le32(size)
            central += le16(UInt16(entry.name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(UInt32(truncatingIfNeeded: entry.offset ?? offset)) + entry.name
        }
        let directoryOffset = out.count
        out += central
        let count = UInt16(truncatingIfNeeded: declaredCount ?? entries.count)
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(count) + le16(count)
        out += le32(UInt32(central.count)) + le32(UInt32(truncatingIfNeeded: declaredDirectoryOffset ?? directoryOffset)) + le16(0)
        return out
    }

    /// Raw DEFLATE at libdeflate's level 6 (100 MB of zeros: 105,985 bytes, 989:1, the same as levels
    /// 9 and 12; DEFLATE cannot do much better, so only a lying header shows an absurd ratio).
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(6) else { preconditionFailure("libdeflate compressor") }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_deflate_compress_bound(compressor, bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                libdeflate_deflate_compress(compressor, input.baseAddress, input.count, output.baseAddress, output.count)
            }
        }
        precondition(n > 0, "deflate of \(bytes.count) bytes")
        return Array(out.prefix(n))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { Inflater.crc32($0) }
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}
