import TrialSearchCore

/// Where in the input something happened: a file, an archive entry in it, a record of a multi-record
/// file or entry, a line.
///
/// Printed as `FILE[: ENTRY][: record N][: line L]`, the prefix of every ingestion message
/// (`trialsearch convert` and `trialsearch index` print `error: ` + `IngestError.description`).
public struct IngestLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as given on the command line or found in a given folder.
    public var file: String
    /// The archive entry (`NCT0450xxxx/NCT04502056.xml`; nested archives joined with `/`), or "".
    public var entry: String
    /// The 1-based record number within a multi-record file or entry (ICTRP export, JSON array or
    /// JSON Lines), or nil for a single-record file.
    public var record: Int?
    /// The 1-based line within the file or entry, when known.
    public var line: Int?

    public init(file: String, entry: String = "", record: Int? = nil, line: Int? = nil) {
        self.file = file
        self.entry = entry
        self.record = record
        self.line = line
    }

    public var description: String {
        var text = file
        if !entry.isEmpty { text += ": " + entry }
        if let record { text += ": record \(record)" }
        if let line { text += ": line \(line)" }
        return text
    }

    /// The same location at `line` (an absolute line of the file or entry).
    func at(line: Int?) -> IngestLocation {
        var copy = self
        copy.line = line
        return copy
    }
}

/// Everything that can go wrong while reading registry dumps. Each case names where (`location`) and
/// what was expected against what was found; reading goes on with the next record after every case
/// except `pathNotFound`, which `DumpReader.init` throws before reading starts.
public enum IngestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A path given to `DumpReader` does not exist or cannot be listed.
    case pathNotFound(path: String, reason: String)
    /// A file or entry could not be opened or read (the system's reason).
    case unreadable(IngestLocation, reason: String)
    /// The content is none of the formats trialsearch reads; `found` describes its first bytes.
    case unrecognizedFormat(IngestLocation, found: String)
    /// Text that is not UTF-8 (for example Latin-1 bytes); `offset` is the first bad byte.
    case notUTF8(IngestLocation, offset: Int)
    /// libxml2 rejected the XML: its message, at the location's line.
    case malformedXML(IngestLocation, message: String)
    /// The JSON is not well formed: what was expected and found at the byte `offset`.
    case malformedJSON(IngestLocation, offset: Int, message: String)
    /// A well-formed record lacks something every record must have (`nct_id`, `TrialID`, …).
    case missingField(IngestLocation, format: RecordFormat, field: String)
    /// A record has a value no registry would publish (a trial id with control characters).
    case invalidValue(IngestLocation, format: RecordFormat, field: String, reason: String)
    /// A record, archive entry or file exceeds an `IngestOptions` limit.
    case tooLarge(IngestLocation, what: String, size: Int, limit: Int)
    /// Elements, JSON containers or archives nest deeper than an `IngestOptions` limit.
    case tooDeep(IngestLocation, what: String, limit: Int)
    /// The zip archive's structure is broken (no end record, an entry outside the file, …).
    case malformedArchive(IngestLocation, message: String)
    /// A zip feature trialsearch does not read (encryption, a compression method other than stored
    /// or deflate).
    case unsupportedArchive(IngestLocation, message: String)
    /// An archive entry's content does not match its declared CRC-32 or size.
    case checksumMismatch(IngestLocation, expected: UInt32, actual: UInt32)

    /// Where the error happened (nil for `pathNotFound`).
    public var location: IngestLocation? {
        switch self {
        case .pathNotFound: return nil
        case .unreadable(let l, _), .unrecognizedFormat(let l, _), .notUTF8(let l, _),
             .malformedXML(let l, _), .malformedJSON(let l, _, _), .missingField(let l, _, _), .invalidValue(let l, _, _, _),
             .tooLarge(let l, _, _, _), .tooDeep(let l, _, _), .malformedArchive(let l, _),
             .unsupportedArchive(let l, _), .checksumMismatch(let l, _, _):
            return l
        }
    }

    /// `FILE[: ENTRY][: record N][: line L]: what was wrong`.
    public var description: String {
        switch self {
        case .pathNotFound(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .unreadable(let l, let reason):
            return "\(l): cannot read: \(reason)"
        case .unrecognizedFormat(let l, let found):
            return "\(l): unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, "
                + "a zip archive, a trial-page text dump or UTF-8 text; found \(found)"
        case .notUTF8(let l, let offset):
            return "\(l): not UTF-8: invalid byte sequence at byte \(offset)"
        case .malformedXML(let l, let message):
            return "\(l): malformed XML: \(message)"
        case .malformedJSON(let l, let offset, let message):
            return "\(l): malformed JSON at byte \(offset): \(message)"
        case .missingField(let l, let format, let field):
            return "\(l): \(format.rawValue) record has no \(field)"
        case .invalidValue(let l, let format, let field, let reason):
            return "\(l): \(format.rawValue) record has an invalid \(field): \(reason)"
        case .tooLarge(let l, let what, let size, let limit):
            return "\(l): \(what) is \(size) bytes, more than the limit of \(limit)"
        case .tooDeep(let l, let what, let limit):
            return "\(l): \(what) nest deeper than the limit of \(limit)"
        case .malformedArchive(let l, let message):
            return "\(l): malformed zip archive: \(message)"
        case .unsupportedArchive(let l, let message):
            return "\(l): unsupported zip archive: \(message)"
        case .checksumMismatch(let l, let expected, let actual):
            return "\(l): CRC-32 mismatch: expected \(hex(expected)), actual \(hex(actual))"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
