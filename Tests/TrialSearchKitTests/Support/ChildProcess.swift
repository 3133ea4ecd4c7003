import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `trialsearch` executable run as a child process, for the reliability tests: its exit
/// status or the signal that ended it, its output, and (on request) its peak memory. The tests also
/// kill it (SIGKILL) at chosen moments.
///
/// Wraps `posix_spawn` (stdout and stderr redirected to files, stdin from /dev/null) and `wait4`.
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`, the child's VmHWM), as in `Benchmarks/`:
/// `wait4`'s own `ru_maxrss` is useless here, because glibc spawns with `vfork`, and the kernel records
/// the parent's (the test process's) high-water mark into the child's at `exec`.
final class ChildProcess {
    /// How a child ended.
    struct Outcome {
        /// The exit status, or nil when a signal ended it.
        var status: Int32?
        /// The signal that ended it, or nil.
        var signal: Int32?
        var stdout: String
        var stderr: String
        /// Peak resident memory in bytes, when measured (`/usr/bin/time` present).
        var peakBytes: Int?
    }

    let pid: pid_t
    private let outPath: String
    private let errPath: String
    private let memoryPath: String?

    /// The `trialsearch` executable beside the test bundle.
    static var binary: String { ConvertTests.binary }

    static let timeCommand = "/usr/bin/time"

    /// Starts `trialsearch arguments…` with `environment` added to this process's environment;
    /// `measureMemory` runs it under GNU time when that is installed (then `pid` is time's).
    init(_ arguments: [String], environment: [String: String] = [:], measureMemory: Bool = false) throws {
        let scratch = NSTemporaryDirectory() + "trialsearch-child-" + UUID().uuidString
        outPath = scratch + ".out"
        errPath = scratch + ".err"
        let timed = measureMemory && access(ChildProcess.timeCommand, X_OK) == 0
        memoryPath = timed ? scratch + ".mem" : nil
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        var argv = [ChildProcess.binary] + arguments
        if let memoryPath { argv = [ChildProcess.timeCommand, "-f", "%M", "-o", memoryPath] + argv }
        let envp = merged.map { "\($0.key)=\($0.value)" }
        var child: pid_t = 0
        let result = withCStrings(argv) { cArgs in
            withCStrings(envp) { cEnv in posix_spawn(&child, argv[0], &actions, nil, cArgs, cEnv) }
        }
        guard result == 0 else { throw ChildError.spawn(String(cString: strerror(result))) }
        pid = child
    }

    /// Runs `trialsearch arguments…` to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:], measureMemory: Bool = false) throws -> Outcome {
        try ChildProcess(arguments, environment: environment, measureMemory: measureMemory).wait()
    }

    /// Sends `signal` (SIGKILL by default).
    func kill(_ signal: Int32 = SIGKILL) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the child to end and collects what it left.
    func wait() throws -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ChildError.wait(String(cString: strerror(errno))) }
        }
        defer {
            unlink(outPath)
            unlink(errPath)
            if let memoryPath { unlink(memoryPath) }
        }
        let kilobytes = memoryPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            .flatMap { Int($0.split(separator: "\n").last { Int($0) != nil } ?? "") }
        let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Outcome(status: signaled ? nil : (status >> 8) & 0xFF, signal: signaled ? status & 0x7F : nil,
                       stdout: stdout, stderr: stderr, peakBytes: kilobytes.map { $0 * 1024 })
    }

    enum ChildError: Error {
        case spawn(String)
        case wait(String)
    }
}

/// Calls `body` with a NULL-terminated C array of `strings`.
private func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
