#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong with an on-disk index: every message names the file (or folder) and says what was
/// expected and what was found.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file's bytes are not what its writer wrote: a checksum, magic, length or structure mismatch.
    case corrupt(file: String, reason: String)
    /// A file the manifest references is missing.
    case missingFile(file: String)
    /// The folder holds no committed index (no manifest).
    case noIndex(directory: String)
    /// The index was built by another analyzer: queries would not match its terms.
    case analyzerMismatch(directory: String, indexed: String, current: String)
    /// The index was written by an unknown (newer) format version.
    case unsupportedVersion(file: String, found: Int, supported: Int)
    /// Another process holds the writer lock.
    case locked(directory: String, holder: String)
    /// A system call failed (`errno` text included).
    case io(file: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .corrupt(let file, let reason):
            return "corrupt index file \(file): \(reason); \(Self.rebuildHint(file))"
        case .missingFile(let file):
            return "missing index file \(file): the manifest references it; \(Self.rebuildHint(file))"
        case .noIndex(let directory):
            return "no index in \(directory) (no manifest file); build one with `trialsearch index PATH...`"
        case .analyzerMismatch(let directory, let indexed, let current):
            return "the index in \(directory) was built with another text analysis and cannot be used by "
                + "this version of trialsearch (\(AnalyzerConfiguration.differences(indexed: indexed, current: current))); "
                + "rebuild it from your dumps with `trialsearch index --rebuild --index \(directory) PATH...`\n"
                + "  index analyzer:   \(indexed)\n"
                + "  current analyzer: \(current)"
        case .unsupportedVersion(let file, let found, let supported):
            return "index file \(file) has format version \(found), this trialsearch reads version "
                + "\(supported); \(Self.rebuildHint(file))"
        case .locked(let directory, let holder):
            return "the index in \(directory) is being written by another process (\(holder)); "
                + "wait for it to finish"
        case .io(let file, let operation, let message):
            return "\(operation) \(file) failed: \(message)"
        }
    }

    /// How to rebuild the index that holds `file`: its folder and the dumps it was built from.
    private static func rebuildHint(_ file: String) -> String {
        let directory = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        return "rebuild the index from your dumps with `trialsearch index --rebuild --index \(directory.isEmpty ? "/" : directory) PATH...`"
    }

    /// An `.io` error for the current `errno`.
    static func system(_ operation: String, _ file: String) -> IndexError {
        let code = errno
        return .io(file: file, operation: operation, message: String(cString: strerror(code)) + " (errno \(code))")
    }
}
