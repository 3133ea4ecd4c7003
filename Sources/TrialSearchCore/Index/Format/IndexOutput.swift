#if canImport(Glibc)
import Glibc
#endif
import CLibDeflate

/// A new index file being written: buffered appends, a running CRC-32, the header at the start and the
/// footer at the end, then `fsync`.
///
/// Every index file has this frame:
/// ```
/// File   := Header Body Footer
/// Header := magic:u32 ("TSIX" = 54 53 49 58) nameLength:u8 name:bytes version:u32 segmentID:u64
/// Footer := footerMagic:u32 (~magic) crc32:u32 fileLength:u64
/// ```
/// The CRC-32 (`libdeflate_crc32`) covers every byte before its own field (header, body, footer magic);
/// `fileLength` is the length of the whole file, so truncation and appended bytes are caught too.
/// Example: the header of a postings file of segment id 7 is
/// `54 53 49 58 | 08 | 70 6F 73 74 69 6E 67 73 ("postings") | 01 00 00 00 | 07 00 00 00 00 00 00 00`.
///
/// Files are created with `O_EXCL`: the index never overwrites a file, it writes new names. A
/// `durable` output is `fsync`ed by `finish()`; the segments a worker flushes are not (most are merged
/// and deleted before any commit names them): `IndexWriter.commit()` syncs those that a manifest will
/// name before writing it (`FileSystem.syncFile`).
final class IndexOutput {
    let path: String
    private var fd: Int32
    // `bufferCount`, `crc` and `position` are unchecked: an output is written by one thread at a time
    // and their accesses never overlap; the runtime's exclusivity checks cost about 80 instructions a
    // `write` (the flushes call it about 80 times per record).
    /// The bytes not yet written to the file (`bufferCapacity` allocated, freed in `deinit`): manual
    /// memory, so that a small `write` (a flush writes two per term) is a copy, not an array append.
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: IndexOutput.bufferCapacity)
    @exclusivity(unchecked) private var bufferCount = 0
    @exclusivity(unchecked) private var crc: UInt32 = 0
    /// Bytes written so far, buffered ones included: the offset the next byte will have.
    @exclusivity(unchecked) private(set) var position: Int = 0
    private static let bufferCapacity = 1 << 16
    /// Whether `finish()` syncs the file to disk.
    let durable: Bool
    /// Whether this is an unnamed scratch file (`init(scratchAt:)`).
    private var isScratch = false

    /// Creates `path` (which must not exist) and writes the header.
    init(path: String, formatName: String, segmentID: UInt64, durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.system("create", path) }
        KillPoint.reach("output.created")
        var header: [UInt8] = []
        header.appendU32(IndexFormat.headerMagic)
        precondition(formatName.utf8.count < 256, "format name too long: \(formatName)")
        header.append(UInt8(formatName.utf8.count))
        header.append(contentsOf: formatName.utf8)
        header.appendU32(IndexFormat.version)
        header.appendU64(segmentID)
        try write(header)
    }

    /// A scratch output: an unnamed file (created as `path`, which must not exist, and unlinked at
    /// once), without header or footer, whose bytes are later appended to a real output with
    /// `append(to:)`: one thread's share of a file that another thread writes (a merge's upper half of
    /// the terms), kept in the page cache rather than in the process's memory. Positions count from 0.
    /// Only a crash between the `open` and the `unlink` can leave the file behind; the next writer
    /// removes it (`SegmentName.scratchSuffix`).
    init(scratchAt path: String) throws {
        self.path = path
        durable = false
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw IndexError.system("create", path) }
        unlink(path)
        isScratch = true
    }

    /// Appends every byte of this scratch output to `output`, reading them back in 1 MB pieces.
    func append(to output: IndexOutput) throws {
        precondition(isScratch, "append(to:) of the file output \(path)")
        try flushBuffer()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < position {
            let n = try chunk.withUnsafeMutableBytes { piece -> Int in
                let n = pread(fd, piece.baseAddress, min(piece.count, position - offset), off_t(offset))
                guard n > 0 else { throw IndexError.system("read back", path) }
                return n
            }
            try chunk.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            offset += n
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Length of the header written for `formatName`.
    static func headerLength(formatName: String) -> Int { 4 + 1 + formatName.utf8.count + 4 + 8 }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if bufferCount + bytes.count > Self.bufferCapacity { try flushBuffer() }
        if bytes.count >= Self.bufferCapacity {
            crc = libdeflate_crc32(crc, source, bytes.count)
            try writeAll(bytes)
        } else {
            UnsafeMutableRawPointer(buffer + bufferCount).copyMemory(from: source, byteCount: bytes.count)
            bufferCount += bytes.count
        }
        position += bytes.count
    }

    func writeU8(_ v: UInt8) throws { try write([v]) }
    func writeU32(_ v: UInt32) throws { var b: [UInt8] = []; b.appendU32(v); try write(b) }
    func writeU64(_ v: UInt64) throws { var b: [UInt8] = []; b.appendU64(v); try write(b) }

    /// Writes the footer, flushes, `fsync`s (when `durable`) and closes. Returns the file's length.
    @discardableResult
    func finish() throws -> Int {
        precondition(!isScratch, "finish of the scratch output \(path)")
        var magic: [UInt8] = []
        magic.appendU32(IndexFormat.footerMagic)
        try write(magic)
        try flushBuffer()
        var tail: [UInt8] = []
        tail.appendU32(crc)
        tail.appendU64(UInt64(position + 12))
        try tail.withUnsafeBytes { try writeAll($0) }
        position += 12
        if durable { guard fsync(fd) == 0 else { throw IndexError.system("fsync", path) } }
        KillPoint.reach("output.synced")
        guard close(fd) == 0 else { fd = -1; throw IndexError.system("close", path) }
        fd = -1
        KillPoint.reach("output.closed")
        return position
    }

    private func flushBuffer() throws {
        guard bufferCount > 0 else { return }
        crc = libdeflate_crc32(crc, buffer, bufferCount)
        try writeAll(UnsafeRawBufferPointer(start: buffer, count: bufferCount))
        bufferCount = 0
        KillPoint.reach("output.written")
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.system("write", path)
            }
            done += n
        }
    }
}

/// Durability helpers for the commit protocol.
enum FileSystem {
    /// `fsync` on a folder, so that a rename or a new file in it survives a crash.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.system("open folder", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IndexError.system("fsync folder", path) }
    }

    /// `fsync` on a file written earlier without it.
    static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.system("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IndexError.system("fsync", path) }
    }

    /// `fsync` on each of `paths` (files written earlier without it), each on its own thread, so that
    /// the file system can write them out together rather than one after another. Throws the first
    /// path's error, in `paths` order.
    static func syncFiles(_ paths: [String]) throws {
        try forEachConcurrently(paths) { try syncFile($0) }
    }

    /// Removes each of `paths` (ignoring those already gone), each on its own thread: an unlink frees
    /// the file's page cache, and a rebuilt index's old files are the size of the new ones (the 10,614
    /// trials' six files: about 12 ms one after another; a replica's several hundred MB). `removed` runs
    /// after each file, on the thread that removed it.
    static func removeFiles(_ paths: [String], removed: @escaping @Sendable () -> Void = {}) {
        try? forEachConcurrently(paths) { path in
            unlink(path)
            removed()
        }
    }

    /// Runs `body` on each of `paths`, the first half on this thread and the rest on another, each half
    /// the same way down to one path (`syncFiles`, `removeFiles`). Throws the first path's error, in
    /// `paths` order, once every call has returned.
    private static func forEachConcurrently(_ paths: [String], _ body: @escaping @Sendable (String) throws -> Void) throws {
        guard paths.count > 1 else {
            if let path = paths.first { try body(path) }
            return
        }
        let half = paths.count / 2
        let upper = Array(paths[half...])
        try concurrently({ try forEachConcurrently(Array(paths[..<half]), body) },
                         background: { try forEachConcurrently(upper, body) })
    }

    /// The names in a folder (no `.` and `..`).
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw IndexError.system("list", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let nameField = entry.pointee.d_name
            let capacity = MemoryLayout.size(ofValue: nameField)
            let name = withUnsafePointer(to: nameField) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: capacity) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// Creates `path` and missing parents.
    static func makeDirectory(_ path: String) throws {
        if exists(path) { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw IndexError.system("create folder", path) }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
