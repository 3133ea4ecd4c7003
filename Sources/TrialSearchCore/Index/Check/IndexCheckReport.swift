/// One thing wrong with (or worth knowing about) an index folder: the file concerned and what was
/// found, as `trialsearch check` prints it (`FILE: what`).
public struct IndexProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file's path (or the folder's, for a problem of the whole index).
    public var file: String
    /// What was expected and what was found.
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }

    /// The problem an `IndexError` describes, attributed to its file.
    init(_ error: any Error, orFile fallback: String) {
        switch error {
        case IndexError.corrupt(let file, let reason):
            self.init(file: file, message: reason)
        case IndexError.missingFile(let file):
            self.init(file: file, message: "missing: the manifest references it")
        case IndexError.unsupportedVersion(let file, let found, let supported):
            self.init(file: file, message: "format version \(found), this trialsearch reads version \(supported)")
        case IndexError.io(let file, let operation, let message):
            self.init(file: file, message: "\(operation) failed: \(message)")
        default:
            self.init(file: fallback, message: "\(error)")
        }
    }
}

/// What `IndexCheck.run` found: the problems that make the index unusable or untrustworthy, notes
/// that do not (files left by an interrupted writer), and what was verified.
public struct IndexCheckReport: Sendable {
    public let directory: String
    /// Corruption and inconsistencies, in the order found (folder, manifest, segment by segment).
    public var problems: [IndexProblem] = []
    /// Harmless findings: unreferenced files and temporary manifests a crashed writer left (the next
    /// `trialsearch index` removes them).
    public var notes: [IndexProblem] = []
    /// The committed generation, when the manifest could be read.
    public var generation: Int?
    public var segments = 0
    /// Files whose frame (header, length, CRC-32) was verified, and their bytes.
    public var filesVerified = 0
    public var bytesVerified = 0
    /// Docs (deleted included) and live docs over all segments that could be opened.
    public var docs = 0
    public var liveDocs = 0
    /// Terms and postings entries (term, doc) walked.
    public var terms = 0
    public var postings = 0

    public init(directory: String) {
        self.directory = directory
    }

    /// No problem found (notes allowed).
    public var isClean: Bool { problems.isEmpty }

    mutating func problem(_ file: String, _ message: String) {
        problems.append(IndexProblem(file: file, message: message))
    }
}
