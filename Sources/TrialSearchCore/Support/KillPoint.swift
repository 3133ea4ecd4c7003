#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A test hook for the crash tests: named points along the writer's work where the process can be
/// killed (SIGKILL, which nothing can catch or clean up after) on request, so that every step of the
/// commit protocol is tested deterministically instead of by timing.
///
/// - `TRIALSEARCH_KILL_AT=NAME:N` kills the process the N-th time (1-based) it reaches point NAME.
/// - `TRIALSEARCH_KILL_TRACE=PATH` appends the name of every point reached to PATH, one per line (the
///   tests run a command once with it to list the points, then kill at chosen ones).
/// Unset (always, outside tests), `reach` costs one check of a lazily read global.
///
/// The points, in the order a commit reaches them:
/// `writer.locked`, `files.removed` (each leftover a writer removes), `writer.opened`;
/// `output.created`, `output.written` (each 64 KB written), `output.synced`, `output.closed` (every
/// index file: segments, merges, deletes, the temporary manifest); `flush.done` (a segment flushed);
/// `commit.begin`, `commit.deletesWritten`, `merge.begin`, `files.removed` (each file of the merged
/// segments of this run, which no manifest names), `merge.done`, `commit.manifestWritten`
/// (the temporary manifest synced, before the rename), `commit.renamed` (the new manifest in place:
/// from here the commit is durable), `commit.synced` (the folder synced), `files.removed`,
/// `commit.done`.
public enum KillPoint {
    public static let killVariable = "TRIALSEARCH_KILL_AT"
    public static let traceVariable = "TRIALSEARCH_KILL_TRACE"

    private struct Configuration: Sendable {
        var name: String?
        var count = 0
        var traceDescriptor: Int32 = -1
    }

    private static let configuration: Configuration? = {
        var configuration = Configuration()
        if let spec = getenv(killVariable).map({ String(cString: $0) }), let colon = spec.lastIndex(of: ":"),
           let count = Int(spec[spec.index(after: colon)...]), count > 0 {
            configuration.name = String(spec[..<colon])
            configuration.count = count
        }
        if let path = getenv(traceVariable) {
            configuration.traceDescriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        return configuration.name == nil && configuration.traceDescriptor < 0 ? nil : configuration
    }()

    private static let hits = Mutex(0)

    /// Marks point `name`: traces it, and kills the process when it is the requested hit.
    @inline(__always)
    public static func reach(_ name: StaticString) {
        guard let configuration else { return }
        reach(name, configuration)
    }

    private static func reach(_ name: StaticString, _ configuration: Configuration) {
        let text = name.description
        if configuration.traceDescriptor >= 0 {
            var line = Array((text + "\n").utf8)
            _ = line.withUnsafeMutableBytes { write(configuration.traceDescriptor, $0.baseAddress, $0.count) }
        }
        guard text == configuration.name else { return }
        let hit = hits.withLock { count -> Int in
            count += 1
            return count
        }
        if hit == configuration.count { kill(getpid(), SIGKILL) }
    }
}
