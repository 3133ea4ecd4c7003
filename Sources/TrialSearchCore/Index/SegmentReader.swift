/// One committed segment opened for reading: its term dictionary, postings, positions, norms, doc
/// values, stored records and live docs, all memory-mapped and verified.
///
/// Immutable and `Sendable`: any number of threads may read it at once.
public struct SegmentReader: Sendable {
    public let info: SegmentInfo
    /// Index of this segment in its `IndexReader`'s `segments`.
    public let ordinal: Int
    public let terms: TermDictionary
    let postingsFile: IndexFile
    let positionsFile: IndexFile
    public let norms: Norms
    public let docValues: DocValues
    public let stored: StoredRecords
    public let liveDocs: LiveDocs
    /// What the postings' term maxima were computed with (format 6), nil for a format-5 segment.
    let termMaxima: TermMaxima?
    /// What the postings' block maxima were computed with (format 7: `BlockMaxima`), nil before.
    let blockMaxima: TermMaxima?

    /// Opens and verifies every file of `info` in `directory`.
    /// - Complexity: O(total file size) for the checksums.
    init(directory: String, info: SegmentInfo, ordinal: Int, releasePages: Bool = false) throws {
        self.info = info
        self.ordinal = ordinal
        func open(_ kind: SegmentFile) throws -> IndexFile {
            let name = kind.fileName(segment: info.name, generation: info.deletesGeneration)
            let file = try IndexFile(path: FileSystem.join(directory, name), formatName: kind.formatName,
                                     segmentID: info.id, releasePages: releasePages)
            try info.checkDigest(of: file, name: name)
            return file
        }
        terms = try TermDictionary(file: open(.terms))
        postingsFile = try open(.postings)
        positionsFile = try open(.positions)
        norms = try Norms(file: open(.norms), expectedDocCount: info.docCount)
        termMaxima = postingsFile.version >= 6
            ? try TermMaxima.decode(postingsFile, lengthSums: norms.lengthSums, docCount: info.docCount) : nil
        blockMaxima = postingsFile.version >= 7
            ? try TermMaxima.decode(postingsFile, offset: TermMaxima.parametersLength, lengthSums: norms.lengthSums,
                                    docCount: info.docCount) : nil
        docValues = try DocValues(file: open(.docValues), expectedDocCount: info.docCount)
        stored = try StoredRecords(file: open(.stored), expectedDocCount: info.docCount)
        if info.deletesGeneration > 0 {
            liveDocs = try LiveDocs(file: open(.deletes), docCount: info.docCount, deletedCount: info.deletedCount)
        } else {
            liveDocs = LiveDocs(docCount: info.docCount)
        }
    }

    /// Docs in the segment, deleted ones included (DocIDs are 0 ..< docCount).
    public var docCount: Int { info.docCount }

    /// A cursor over the postings of a term of this segment (from `terms.lookup`).
    public func postings(_ termInfo: TermInfo) -> PostingsCursor {
        PostingsCursor(info: termInfo, postings: postingsFile, positions: positionsFile, docCount: docCount)
    }

    /// A cursor that decodes into the buffers of `previous` (a cursor no longer used): saves the
    /// allocation when one loop opens many cursors in turn (merging, long queries).
    public func postings(_ termInfo: TermInfo, reusing previous: PostingsCursor) -> PostingsCursor {
        PostingsCursor(info: termInfo, postings: postingsFile, positions: positionsFile, docCount: docCount,
                       buffers: previous.buffers)
    }

    /// A cursor over the postings of `term`, or nil when the segment does not contain it.
    public func postings(term: String) throws -> PostingsCursor? {
        try terms.lookup(term).map(postings)
    }

    /// A cursor over the postings of `term` (UTF-8 bytes), or nil.
    public func postings(term: UnsafeRawBufferPointer) throws -> PostingsCursor? {
        try terms.lookup(term).map(postings)
    }

    /// Whether `doc` is live (not deleted) in this snapshot.
    @inline(__always)
    public func isLive(_ doc: DocID) -> Bool { liveDocs.isLive(doc) }

    /// The stored record of `doc`.
    public func trial(_ doc: DocID) throws -> Trial { try stored.trial(doc) }

    /// The stored record of `doc` as far as the first stream of its block holds it (`StoredRecords.leadingTrial`).
    public func leadingTrial(_ doc: DocID) throws -> Trial { try stored.leadingTrial(doc) }

    /// The trial id of `doc`.
    public func trialID(_ doc: DocID) -> TrialID { docValues.trialID(doc) }

    /// The decoded length of `field` in `doc`.
    @inline(__always)
    public func fieldLength(_ doc: DocID, _ field: Field) -> Int { norms.fieldLength(doc, field) }

    /// The live doc whose trial id is `id`, or nil (no array built: `DocValues.idOrderRange`).
    public func liveDoc(for id: TrialID) -> DocID? {
        for position in docValues.idOrderRange(for: id) {
            let doc = docValues.doc(inIDOrder: position)
            if isLive(doc) { return doc }
        }
        return nil
    }

    /// File names and sizes of this segment.
    var files: [(kind: SegmentFile, bytes: Int)] {
        var list: [(SegmentFile, Int)] = [(.terms, terms.file.bytes.count), (.postings, postingsFile.bytes.count),
            (.positions, positionsFile.bytes.count), (.norms, norms.file.bytes.count),
            (.docValues, docValues.file.bytes.count), (.stored, stored.file.bytes.count)]
        if let file = liveDocs.fileSize { list.append((.deletes, file)) }
        return list
    }
}
