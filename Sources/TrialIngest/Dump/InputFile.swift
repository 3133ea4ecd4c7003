#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open input file, read with `pread` at explicit offsets so that several worker threads can read
/// it at once without sharing a file position.
///
/// Wraps `open(O_RDONLY | O_CLOEXEC)`, `fstat`, `pread` and `close`; the descriptor never leaves this
/// object and `deinit` closes it. The file is not memory-mapped: mapped pages that have been touched
/// count as the process's resident memory, so a 3 GB archive would look like 3 GB of RSS.
final class InputFile: Sendable {
    /// The path as given.
    let path: String
    /// The size when opened.
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    /// - Throws: `IngestError.unreadable` with the system's reason, or when `path` is not a regular
    ///   file (a named pipe in a dump folder would block the reader forever; a device has no size).
    init(path: String) throws(IngestError) {
        self.path = path
        // O_NONBLOCK: opening a named pipe must not wait for a writer (it is refused just below).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(IngestLocation(file: path), reason: systemError()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = systemError()
            close(fd)
            throw .unreadable(IngestLocation(file: path), reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let kind: String
            switch info.st_mode & S_IFMT {
            case S_IFIFO: kind = "a named pipe"
            case S_IFCHR, S_IFBLK: kind = "a device"
            case S_IFSOCK: kind = "a socket"
            case S_IFDIR: kind = "a folder"
            default: kind = "a special file"
            }
            throw .unreadable(IngestLocation(file: path), reason: "\(kind), not a regular file")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads exactly `buffer.count` bytes at `offset` (retrying short reads and interruptions).
    /// - Throws: `IngestError.unreadable` on an I/O error or when the file ends first.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer, location: IngestLocation) throws(IngestError) {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(location, reason: systemError())
            }
            if n == 0 {
                throw .unreadable(location, reason: "file ends at byte \(offset + done), expected \(buffer.count - done) more bytes")
            }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset` into a new array (fewer at the end of the file).
    func read(at offset: Int, count: Int, location: IngestLocation) throws(IngestError) -> [UInt8] {
        let available = max(0, min(count, size - offset))
        var bytes = [UInt8](repeating: 0, count: available)
        try bytes.withUnsafeMutableBytes { buffer in
            catching { () throws(IngestError) in try read(at: offset, into: buffer, location: location) }
        }.get()
        return bytes
    }
}

/// The text of the current `errno`.
func systemError() -> String {
    let code = errno
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// The outcome of `body` as a `Result`: carries a typed error through the standard library's untyped
/// `rethrows` closures (`withUnsafeBytes` and friends), to be rethrown with `.get()`.
@inline(__always)
func catching<T>(_ body: () throws(IngestError) -> T) -> Result<T, IngestError> {
    do {
        return .success(try body())
    } catch {
        return .failure(error)
    }
}
