/// The limits and knobs of ingestion. Every limit turns hostile or broken input into an `IngestError`
/// for the record, entry or file concerned instead of exhausting memory or the stack; the defaults are
/// far above anything the registries publish (largest ClinicalTrials.gov XML record 1.5 MB, deepest
/// element nesting 8).
public struct IngestOptions: Sendable, Hashable {
    /// Largest single record read into memory: a single-record file, one record of a multi-record file
    /// (an ICTRP `<Trial>`, an element of a JSON array, a JSON line). Default 64 MiB.
    public var maxRecordBytes: Int
    /// Largest declared uncompressed size of an archive entry, which is inflated whole into memory
    /// (and largest central directory, which is read whole). Default 1 GiB.
    public var maxEntryBytes: Int
    /// Largest ratio of an entry's uncompressed to compressed size (a "zip bomb" guard; text compresses
    /// about 5:1, the worst real ClinicalTrials.gov entry about 20:1). Default 1000.
    public var maxCompressionRatio: Int
    /// Archives within archives: 0 rejects zip archives, 1 reads a zip's entries, 2 also zips inside
    /// it; deeper ones are rejected. Default 2.
    public var maxArchiveDepth: Int
    /// Most entries one archive may list. Default 10,000,000.
    public var maxArchiveEntries: Int
    /// Deepest XML element nesting (libxml2's own limit, 256, applies too). Default 64.
    public var maxXMLDepth: Int
    /// Deepest JSON nesting of objects and arrays. Default 64.
    public var maxJSONDepth: Int
    /// Deepest folder recursion below a given path; symbolic links to folders are not followed.
    /// Default 32.
    public var maxFolderDepth: Int
    /// Longest trial id, in UTF-8 bytes (registry ids are under 40; a plain-text record's id is its
    /// file name, at most 255). A longer id is an error for its record. Default 256.
    public var maxIDBytes: Int
    /// How many units of work may be finished ahead of the oldest unfinished one when records are
    /// delivered in input order (`DumpReader.readInOrder`): bounds the memory of the reorder step to
    /// about this many records (a unit of JSON Lines is a range of 16 KiB, about 2 of `convert`'s
    /// records). Default 256.
    public var reorderWindow: Int

    public init(
        maxRecordBytes: Int = 64 << 20, maxEntryBytes: Int = 1 << 30, maxCompressionRatio: Int = 1000,
        maxArchiveDepth: Int = 2, maxArchiveEntries: Int = 10_000_000, maxXMLDepth: Int = 64,
        maxJSONDepth: Int = 64, maxFolderDepth: Int = 32, reorderWindow: Int = 256, maxIDBytes: Int = 256
    ) {
        precondition(maxRecordBytes > 0 && maxEntryBytes > 0 && maxCompressionRatio > 0,
                     "sizes must be positive: \(maxRecordBytes) \(maxEntryBytes) \(maxCompressionRatio)")
        precondition(maxArchiveDepth >= 0 && maxXMLDepth > 0 && maxJSONDepth > 0 && maxFolderDepth >= 0,
                     "depths: \(maxArchiveDepth) \(maxXMLDepth) \(maxJSONDepth) \(maxFolderDepth)")
        precondition(reorderWindow > 0 && maxArchiveEntries > 0 && maxIDBytes > 0,
                     "window \(reorderWindow) entries \(maxArchiveEntries) id \(maxIDBytes)")
        self.maxRecordBytes = maxRecordBytes
        self.maxEntryBytes = maxEntryBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxArchiveDepth = maxArchiveDepth
        self.maxArchiveEntries = maxArchiveEntries
        self.maxXMLDepth = maxXMLDepth
        self.maxJSONDepth = maxJSONDepth
        self.maxFolderDepth = maxFolderDepth
        self.reorderWindow = reorderWindow
        self.maxIDBytes = maxIDBytes
    }
}
