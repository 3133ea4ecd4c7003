#if canImport(Glibc)
import Glibc
#endif
import CLibDeflate

/// A read-only memory mapping of a whole file; the one owner of the mapping (`munmap` in `deinit`).
///
/// Wraps `open`, `fstat`, `mmap(PROT_READ, MAP_SHARED)` and `munmap`. The mapping stays valid after the
/// file is unlinked (a writer's cleanup), so a snapshot keeps reading the files it opened.
/// `@unchecked Sendable`: the bytes are never written through this mapping.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's bytes.
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        let (fd, size) = try Self.openForReading(path)
        defer { close(fd) }
        if size == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else { throw IndexError.system("mmap", path) }
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }

    /// Opens an index file read-only: its descriptor (the caller closes it) and size.
    /// - Throws: `IndexError.missingFile` when there is no such file, `.system` for other failures.
    static func openForReading(_ path: String) throws -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw IndexError.missingFile(file: path) }
            throw IndexError.system("open", path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw IndexError.system("stat", path)
        }
        return (fd, Int(st.st_size))
    }

    var count: Int { bytes.count }

    /// Tells the kernel the pages in `range` will not be needed again (`madvise(MADV_DONTNEED)`): they
    /// leave this process's resident set (a streaming merge uses this to bound its memory).
    func dropPages(_ range: Range<Int>) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound / page) * page
        let end = min(bytes.count, range.upperBound) / page * page
        guard end > start else { return }
        madvise(mapping + start, end - start, MADV_DONTNEED)
    }

    /// Hints sequential reading (`madvise(MADV_SEQUENTIAL)`).
    func adviseSequential() {
        guard let mapping else { return }
        madvise(mapping, bytes.count, MADV_SEQUENTIAL)
    }
}

/// An index file mapped and verified: footer, length, CRC-32, header magic, format name, version and
/// segment id, in that order (the id is not checked when `segmentID` is nil: `IndexCheck` verifies
/// files no manifest names).
///
/// Opening verifies the whole file, so any flipped byte or truncation is an `IndexError.corrupt`
/// naming the file ("actual X vs expected Y") before anything is decoded.
public struct IndexFile: @unchecked Sendable {
    let file: MappedFile
    /// The body: between the header and the footer.
    let body: Range<Int>
    /// The first byte of the mapping.
    let base: UnsafeRawPointer
    /// The whole mapping (offsets in the format are file offsets).
    var bytes: UnsafeRawBufferPointer { file.bytes }
    var path: String { file.path }
    /// The file's CRC-32 (verified against its footer): with the length, what a manifest records.
    let checksum: UInt32
    /// The header's format version (`IndexFormat.oldestReadableVersion` … `IndexFormat.version`).
    let version: UInt32

    /// `releasePages` drops the pages from the process's resident set as the checksum passes them (for
    /// writers and merges, whose memory is budgeted; readers keep them warm).
    /// - Complexity: O(n) in the file length (the checksum).
    init(path: String, formatName: String, segmentID: UInt64?, releasePages: Bool = false) throws {
        let file = try MappedFile(path: path)
        self.file = file
        let headerLength = IndexOutput.headerLength(formatName: formatName)
        let minimum = headerLength + IndexFormat.footerLength
        let size = file.count
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }
        guard size >= minimum else {
            throw corrupt("truncated: actual length \(size) bytes vs expected at least \(minimum)")
        }
        guard let base = file.bytes.baseAddress else { throw corrupt("empty file") }
        self.base = base
        var footer = ByteReader(file.bytes, position: size - IndexFormat.footerLength)
        let footerMagic = footer.readU32()
        let storedCRC = footer.readU32()
        let storedLength = footer.readU64()
        guard footerMagic == IndexFormat.footerMagic else {
            throw corrupt("footer magic: actual \(hex(footerMagic)) vs expected \(hex(IndexFormat.footerMagic)) "
                + "(truncated or overwritten; file length \(size))")
        }
        guard storedLength == UInt64(size) else {
            throw corrupt("file length: actual \(size) vs expected \(storedLength)")
        }
        var crc: UInt32 = 0
        let chunk = 8 << 20
        var offset = 0
        while offset < size - 12 {
            let n = min(chunk, size - 12 - offset)
            crc = libdeflate_crc32(crc, base + offset, n)
            if releasePages { file.dropPages(offset..<(offset + n)) }
            offset += n
        }
        guard crc == storedCRC else {
            throw corrupt("checksum: actual \(hex(crc)) vs expected \(hex(storedCRC))")
        }
        checksum = crc
        var header = ByteReader(file.bytes)
        let magic = header.readU32()
        guard magic == IndexFormat.headerMagic else {
            throw corrupt("header magic: actual \(hex(magic)) vs expected \(hex(IndexFormat.headerMagic))")
        }
        let nameLength = Int(header.readU8())
        let name = String(decoding: header.readBytes(nameLength), as: UTF8.self)
        guard name == formatName else {
            throw corrupt("format name: actual \"\(name)\" vs expected \"\(formatName)\"")
        }
        let version = header.readU32()
        guard version >= IndexFormat.oldestReadableVersion && version <= IndexFormat.version else {
            throw IndexError.unsupportedVersion(file: path, found: Int(version), supported: Int(IndexFormat.version))
        }
        self.version = version
        let id = header.readU64()
        if let segmentID, id != segmentID {
            throw corrupt("segment id: actual \(hex(id)) vs expected \(hex(segmentID)) (a file of another segment)")
        }
        body = headerLength..<(size - IndexFormat.footerLength)
    }

    /// A reader over the body.
    func reader(at offset: Int? = nil) -> ByteReader {
        ByteReader(base: base, end: body.upperBound, position: offset ?? body.lowerBound)
    }

    func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }
}

func hex<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }
