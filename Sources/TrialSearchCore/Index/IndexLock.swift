#if canImport(Glibc)
import Glibc
#endif

/// The one-writer-at-a-time lock of an index folder: `flock(LOCK_EX)` on `write.lock`.
///
/// The kernel releases an `flock` when its process dies, so a crashed writer never leaves the index
/// locked; the file itself stays (it holds the last holder's pid, for the error message). The owner of
/// the lock's file descriptor: closing it in `deinit` releases the lock.
/// `@unchecked Sendable`: immutable after `init`.
final class IndexLock: @unchecked Sendable {
    private let fd: Int32
    let path: String

    /// Takes the lock of `directory`, waiting for the current holder when `wait` is true, else failing
    /// at once with `IndexError.locked`.
    init(directory: String, wait: Bool) throws {
        path = FileSystem.join(directory, IndexFormat.lockName)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.system("open lock file", path) }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = pread(fd, &buffer, 64, 0)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : "unknown process"
            close(fd)
            if code == EWOULDBLOCK { throw IndexError.locked(directory: directory, holder: holder) }
            throw IndexError.io(file: path, operation: "lock", message: String(cString: strerror(code)))
        }
        let text = Array("pid \(getpid())".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
