/// A zip archive's directory, read from its central directory; entries are read one at a time on
/// demand, from a file with `pread` or from memory (an archive inside an archive), never unpacked to
/// disk.
///
/// The layout read (PKWARE APPNOTE 6.3): the end-of-central-directory record (signature `PK\5\6`) in
/// the last 64 KiB + 22 bytes of the archive gives the central directory's offset and entry count, or
/// says to look in the ZIP64 end record (`PK\6\6`, found through its locator `PK\6\7`) when there are
/// more than 65,535 entries or offsets past 4 GiB. Each central directory header (`PK\1\2`, 46 bytes
/// then the name, extra field and comment) gives an entry's method, CRC-32, sizes and the offset of
/// its local header (`PK\3\4`, 30 bytes then name and extra field) after which the data starts; ZIP64
/// extra fields (id 1) carry sizes and offsets that do not fit 32 bits. Directory entries (names ending
/// in "/") are skipped. Entries keep the central directory's order.
///
/// Read: stored (method 0) and deflate (method 8) entries. Rejected with a per-entry error: names that
/// leave the archive (`../x.xml`, `/etc/x`, `C:x`), encrypted entries, other methods, entries larger than `IngestOptions.maxEntryBytes` or compressed more than
/// `maxCompressionRatio` : 1, entries whose data lies outside the archive, and a CRC-32 mismatch.
final class ZipArchive: Sendable {
    /// Where the archive's bytes are.
    enum Storage: Sendable {
        case file(InputFile)
        /// An archive inside another, inflated into memory.
        case memory([UInt8])

        var size: Int {
            switch self {
            case .file(let file): return file.size
            case .memory(let bytes): return bytes.count
            }
        }

        func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer, location: IngestLocation) throws(IngestError) {
            switch self {
            case .file(let file):
                try file.read(at: offset, into: buffer, location: location)
            case .memory(let bytes):
                guard offset >= 0, offset + buffer.count <= bytes.count else {
                    throw .malformedArchive(location, message: "read of \(buffer.count) bytes at \(offset) past the end (\(bytes.count))")
                }
                bytes.withUnsafeBytes { source in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + buffer.count)]))
                }
            }
        }

        func read(at offset: Int, count: Int, location: IngestLocation) throws(IngestError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            try bytes.withUnsafeMutableBytes { buffer in
                catching { () throws(IngestError) in try read(at: offset, into: buffer, location: location) }
            }.get()
            return bytes
        }
    }

    /// One file in the archive.
    struct Entry: Sendable {
        /// The entry's path inside the archive (UTF-8; other encodings are repaired).
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let storage: Storage
    /// File entries in central-directory order.
    let entries: [Entry]
    /// The archive's own location (file, and entry when nested).
    let location: IngestLocation

    /// Reads the central directory.
    /// - Throws: `IngestError.malformedArchive` when the end record or the directory is missing or
    ///   broken or two entries overlap (`checkDisjoint`), `.tooLarge` when it lists more than `options.maxArchiveEntries` entries or the
    ///   directory itself is larger than `options.maxEntryBytes` (it is read whole).
    init(storage: Storage, location: IngestLocation, options: IngestOptions) throws(IngestError) {
        self.storage = storage
        self.location = location
        let size = storage.size
        // The end record: 22 bytes plus a comment of up to 65,535 bytes.
        let tailLength = min(size, 22 + 65_535)
        let tail = try storage.read(at: size - tailLength, count: tailLength, location: location)
        guard let end = ZipArchive.lastIndex(of: [0x50, 0x4B, 0x05, 0x06], in: tail, minimumRemaining: 22) else {
            throw .malformedArchive(location, message: "no end-of-central-directory record in the last \(tailLength) bytes")
        }
        var count = Int(tail.le16(end + 10))
        var directorySize = Int(tail.le32(end + 12))
        var directoryOffset = Int(tail.le32(end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits right before the end record.
            let locatorStart = size - tailLength + end - 20
            guard locatorStart >= 0 else { throw .malformedArchive(location, message: "ZIP64 locator missing") }
            let locator = try storage.read(at: locatorStart, count: 20, location: location)
            guard locator.le32(0) == 0x0706_4B50 else {
                throw .malformedArchive(location, message: "ZIP64 end-of-central-directory locator missing")
            }
            let recordOffset = Int(clamping: locator.le64(8))
            guard recordOffset >= 0, recordOffset + 56 <= size else {
                throw .malformedArchive(location, message: "ZIP64 end record at \(recordOffset) is outside the archive")
            }
            let record = try storage.read(at: recordOffset, count: 56, location: location)
            guard record.le32(0) == 0x0606_4B50 else {
                throw .malformedArchive(location, message: "ZIP64 end-of-central-directory record missing at \(recordOffset)")
            }
            count = Int(clamping: record.le64(32))
            directorySize = Int(clamping: record.le64(40))
            directoryOffset = Int(clamping: record.le64(48))
        }
        guard count <= options.maxArchiveEntries else {
            throw .tooLarge(location, what: "archive entry count", size: count, limit: options.maxArchiveEntries)
        }
        guard directorySize <= options.maxEntryBytes else {
            throw .tooLarge(location, what: "central directory", size: directorySize, limit: options.maxEntryBytes)
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= size else {
            throw .malformedArchive(location, message: "central directory (\(directorySize) bytes at \(directoryOffset)) is outside the archive of \(size) bytes")
        }
        let directory = try storage.read(at: directoryOffset, count: directorySize, location: location)
        entries = try ZipArchive.parseDirectory(directory, count: count, archiveSize: size, location: location)
    }

    private static func parseDirectory(_ d: [UInt8], count: Int, archiveSize: Int,
                                       location: IngestLocation) throws(IngestError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(min(count, 1 << 20))
        var p = 0
        for index in 0..<count {
            guard p + 46 <= d.count, d.le32(p) == 0x0201_4B50 else {
                throw .malformedArchive(location, message: "central directory header \(index + 1) of \(count) missing at offset \(p)")
            }
            let flags = d.le16(p + 8)
            let method = d.le16(p + 10)
            let crc = d.le32(p + 16)
            var compressed = Int(d.le32(p + 20))
            var uncompressed = Int(d.le32(p + 24))
            let nameLength = Int(d.le16(p + 28))
            let extraLength = Int(d.le16(p + 30))
            let commentLength = Int(d.le16(p + 32))
            var offset = Int(d.le32(p + 42))
            let nameStart = p + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= d.count else {
                throw .malformedArchive(location, message: "central directory header \(index + 1) runs past the directory")
            }
            // ZIP64 extended information: the 64-bit values of the fields that are 0xFFFFFFFF, in order.
            var e = extraStart
            while e + 4 <= extraStart + extraLength {
                let id = d.le16(e)
                let size = Int(d.le16(e + 2))
                if id == 1 {
                    var q = e + 4
                    let stop = min(e + 4 + size, extraStart + extraLength)
                    if uncompressed == 0xFFFF_FFFF, q + 8 <= stop { uncompressed = Int(clamping: d.le64(q)); q += 8 }
                    if compressed == 0xFFFF_FFFF, q + 8 <= stop { compressed = Int(clamping: d.le64(q)); q += 8 }
                    if offset == 0xFFFF_FFFF, q + 8 <= stop { offset = Int(clamping: d.le64(q)) }
                }
                e += 4 + size
            }
            // Control characters would reach terminals through messages: shown as U+FFFD.
            var nameBytes = Array(d[nameStart..<extraStart])
            if nameBytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                nameBytes = nameBytes.flatMap { $0 < 0x20 || $0 == 0x7F ? [0xEF, 0xBF, 0xBD] : [$0] }
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            p = next
            if name.hasSuffix("/") { continue }
            guard offset >= 0, offset < archiveSize, compressed >= 0, uncompressed >= 0 else {
                throw .malformedArchive(location, message: "entry \(name) lies outside the archive")
            }
            entries.append(Entry(name: name, method: method, flags: flags, crc32: crc, compressedSize: compressed,
                                 uncompressedSize: uncompressed, localHeaderOffset: offset))
        }
        try checkDisjoint(entries, location: location)
        return entries
    }

    /// Refuses an archive whose entries share bytes: the construction of the "overlapping" zip bombs,
    /// where thousands of entries point into the same compressed data so that each passes the
    /// compression-ratio check while together they inflate to terabytes. A real archive stores each
    /// entry once: its local header (30 bytes at least) and data end before the next entry starts.
    private static func checkDisjoint(_ entries: [Entry], location: IngestLocation) throws(IngestError) {
        let order = entries.indices.sorted { entries[$0].localHeaderOffset < entries[$1].localHeaderOffset }
        for k in order.indices.dropFirst() {
            let a = entries[order[k - 1]]
            let b = entries[order[k]]
            if a.localHeaderOffset + 30 + a.compressedSize > b.localHeaderOffset {
                throw .malformedArchive(location, message: "entries \(a.name) (at \(a.localHeaderOffset), "
                    + "\(a.compressedSize) bytes) and \(b.name) (at \(b.localHeaderOffset)) overlap: "
                    + "a zip bomb construction")
            }
        }
    }

    /// Why `name` is not a relative path inside the archive (an absolute path, a drive letter or a
    /// ".." component: a "zip slip" name), or nil. trialsearch never writes entries to disk, but such a
    /// name only appears in crafted archives and would mislead a tool that uses `source.entry` as a
    /// path, so the entry is refused.
    static func pathTraversal(in name: String) -> String? {
        if name.hasPrefix("/") || name.hasPrefix("\\") { return "an absolute path" }
        let utf8 = Array(name.utf8)
        if utf8.count >= 2, utf8[1] == UInt8(ascii: ":"), (utf8[0] | 0x20) >= UInt8(ascii: "a"), (utf8[0] | 0x20) <= UInt8(ascii: "z") {
            return "a drive letter"
        }
        if utf8.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") })
            .contains(where: { $0.elementsEqual("..".utf8) }) {
            return "a \"..\" component"
        }
        return nil
    }

    /// The start of the last occurrence of `signature` in `bytes` with at least `minimumRemaining`
    /// bytes from it to the end.
    private static func lastIndex(of signature: [UInt8], in bytes: [UInt8], minimumRemaining: Int) -> Int? {
        var i = bytes.count - minimumRemaining
        while i >= 0 {
            if bytes[i] == signature[0], bytes[i + 1] == signature[1], bytes[i + 2] == signature[2],
               bytes[i + 3] == signature[3] {
                return i
            }
            i -= 1
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    /// Little-endian integers at byte offset `i` (the caller checked the bounds).
    func le16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func le32(_ i: Int) -> UInt32 {
        UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }
    func le64(_ i: Int) -> UInt64 { UInt64(le32(i)) | UInt64(le32(i + 4)) << 32 }
}
