/// A point-in-time snapshot of a committed index: the segments one manifest named, opened and
/// verified, with the global statistics that scoring needs (idf and average lengths are computed over
/// all segments, never per segment).
///
/// Immutable and `Sendable`. A writer committing meanwhile does not disturb it: the files it mapped stay
/// readable even once the writer removes them.
public struct IndexReader: Sendable {
    public let directory: String
    public let manifest: Manifest
    public let segments: [SegmentReader]
    /// Docs over all segments, deleted ones included (the N of idf, as in Lucene).
    public let docCount: Int
    /// Live docs over all segments.
    public let liveDocCount: Int
    /// Exact total tokens of each field over all docs (deleted included), indexed by `Field.rawValue`.
    public let fieldLengthSums: [UInt64]
    /// Docs with at least one token in each field, indexed by `Field.rawValue`.
    public let docsWithField: [Int]

    /// Opens the index in `directory`. Refuses an index built by another analyzer unless `analyzer`
    /// is nil (maintenance commands: stats, check).
    ///
    /// If a segment file vanished between reading the manifest and opening it (a writer committed and
    /// removed it), the manifest is read again and the open retried.
    /// - Complexity: O(total index size): every file's checksum is verified.
    public static func open(directory: String, analyzer: AnalyzerConfiguration? = .default) throws -> IndexReader {
        try open(directory: directory, analyzer: analyzer, releasePages: false)
    }

    static func open(directory: String, analyzer: AnalyzerConfiguration?, releasePages: Bool) throws -> IndexReader {
        var attempts = 0
        while true {
            let manifest = try Manifest.read(directory: directory)
            if let analyzer, analyzer.fingerprint != manifest.analyzerFingerprint {
                throw IndexError.analyzerMismatch(directory: directory, indexed: manifest.analyzerFingerprint,
                                                  current: analyzer.fingerprint)
            }
            do {
                return try IndexReader(directory: directory, manifest: manifest, releasePages: releasePages)
            } catch IndexError.missingFile(let file) {
                attempts += 1
                let again = try Manifest.read(directory: directory)
                if again.generation == manifest.generation || attempts >= 10 {
                    throw IndexError.missingFile(file: file)
                }
            }
        }
    }

    init(directory: String, manifest: Manifest, releasePages: Bool = false) throws {
        self.directory = directory
        self.manifest = manifest
        var segments: [SegmentReader] = []
        for (i, info) in manifest.segments.enumerated() {
            segments.append(try SegmentReader(directory: directory, info: info, ordinal: i, releasePages: releasePages))
        }
        self.segments = segments
        docCount = segments.reduce(0) { $0 + $1.docCount }
        liveDocCount = segments.reduce(0) { $0 + $1.liveDocs.liveCount }
        var sums = [UInt64](repeating: 0, count: IndexFormat.fieldCount)
        var with = [Int](repeating: 0, count: IndexFormat.fieldCount)
        for s in segments {
            for f in 0..<IndexFormat.fieldCount {
                sums[f] += s.norms.lengthSums[f]
                with[f] += Int(s.norms.docsWithField[f])
            }
        }
        fieldLengthSums = sums
        docsWithField = with
    }

    /// Average length of `field` over all docs (deleted included): Σ lengths / docCount.
    public func averageFieldLength(_ field: Field) -> Double {
        docCount == 0 ? 0 : Double(fieldLengthSums[Int(field.rawValue)]) / Double(docCount)
    }

    /// Statistics of `term` summed over all segments (deleted docs included).
    /// - Complexity: one dictionary lookup per segment.
    public func termStatistics(_ term: String) throws -> TermStatistics {
        var stats = TermStatistics()
        for s in segments {
            guard let info = try s.terms.lookup(term) else { continue }
            stats.add(info)
        }
        return stats
    }

    /// Docs containing `term` in any field, over all segments.
    public func docFreq(_ term: String) throws -> Int { try termStatistics(term).docFreq }

    /// The live doc of `id`: its segment's index in `segments` and its DocID.
    /// - Complexity: O(segments · log docs).
    public func lookup(_ id: TrialID) -> (segment: Int, doc: DocID)? {
        // Newer segments last: the live one is unique, but search from the end where updates land.
        for s in segments.reversed() {
            if let d = s.liveDoc(for: id) { return (s.ordinal, d) }
        }
        return nil
    }

    /// The stored record of the live trial `id`, or nil.
    public func trial(_ id: TrialID) throws -> Trial? {
        guard let (s, d) = lookup(id) else { return nil }
        return try segments[s].trial(d)
    }

    /// The live trial `id` as far as the first stream of its stored block holds it (the fields
    /// `StoredRecords.leadingFields`; see `StoredRecords.leadingTrial`), or nil.
    /// - Complexity: inflates the first stream of one stored block (format 9 on; before, the block).
    public func leadingTrial(_ id: TrialID) throws -> Trial? {
        guard let (s, d) = lookup(id) else { return nil }
        return try segments[s].leadingTrial(d)
    }
}

/// Statistics of one term over the whole index.
public struct TermStatistics: Sendable, Equatable {
    /// Docs containing the term in any field.
    public var docFreq = 0
    /// Occurrences over all docs and fields.
    public var totalTermFreq = 0
    /// Docs containing the term in each field.
    public var fieldDocFreqs = FieldCounts()

    public init() {}

    mutating func add(_ info: TermInfo) {
        docFreq += info.docFreq
        totalTermFreq += info.totalTermFreq
        forEachField(in: info.fieldMask) { fieldDocFreqs[$0] += info.fieldDocFreqs[$0] }
    }

    /// Docs containing the term in `field`.
    public func docFreq(in field: Field) -> Int { Int(fieldDocFreqs[field]) }
}
