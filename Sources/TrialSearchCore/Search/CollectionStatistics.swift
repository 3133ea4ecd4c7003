/// Where scoring statistics come from: the whole index snapshot, summed over all segments.
///
/// Kept apart from the scoring formulas (`Similarity`) as in tantivy and Lucene: idf and average field
/// lengths are global, so a trial scores the same whichever segment holds it, and the statistics can be
/// replaced (for example by a larger background collection) without touching the maths.
public struct CollectionStatistics: Sendable, Equatable {
    /// Docs over all segments, deleted ones included (the N of idf, as in Lucene).
    public var docCount: Int
    /// Average length of each field over all docs (deleted included), indexed by `Field.rawValue`:
    /// Σ field lengths / `docCount`.
    public var averageFieldLengths: [Double]

    public init(docCount: Int, averageFieldLengths: [Double]) {
        precondition(averageFieldLengths.count == IndexFormat.fieldCount,
                     "average lengths of \(averageFieldLengths.count) fields, expected \(IndexFormat.fieldCount)")
        self.docCount = docCount
        self.averageFieldLengths = averageFieldLengths
    }

    /// The statistics of a snapshot.
    /// - Complexity: O(fields).
    public init(reader: IndexReader) {
        self.init(docCount: reader.docCount,
                  averageFieldLengths: Field.allCases.map { reader.averageFieldLength($0) })
    }

    /// Average length of `field`.
    public func averageLength(_ field: Field) -> Double { averageFieldLengths[Int(field.rawValue)] }
}

/// A query term resolved against a snapshot: its global statistics and its `TermInfo` in each segment
/// (looked up once, then shared by statistics and postings cursors).
public struct ResolvedTerm: Sendable {
    public let term: String
    /// Summed over all segments.
    public let statistics: TermStatistics
    /// The term's info in each segment (by `SegmentReader.ordinal`), nil where absent.
    public let segmentInfos: [TermInfo?]

    /// Looks `term` up in every segment of `reader`.
    /// - Complexity: one term-dictionary lookup per segment.
    public init(term: String, reader: borrowing IndexReader) throws {
        try self.init(term: term, reader: reader, segment: -1, known: nil)
    }

    /// Looks `term` up in every segment of `reader` but `segment` (none when it is not a segment's
    /// index), whose info (`seek(_:segment:reader:)`) is `known`: a look-up in two steps, for a caller
    /// that may drop the term on one segment's statistics alone (the sums over all segments are at least
    /// that segment's counts; integer sums, so the same statistics whatever the order).
    /// - Complexity: one term-dictionary lookup per other segment.
    public init(term: String, reader: borrowing IndexReader, segment: Int, known: TermInfo?) throws {
        self.term = term
        var statistics = TermStatistics()
        var infos: [TermInfo?] = []
        infos.reserveCapacity(reader.segments.count)
        var bytes = term
        try bytes.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            // By index: a `SegmentReader` copy per segment (retaining each of its files) cost as much as
            // a fifth of the look-up.
            for s in reader.segments.indices {
                let info = try s == segment ? known : reader.segments[s].terms.seek(raw)
                if let info { statistics.add(info) }
                infos.append(info)
            }
        }
        self.statistics = statistics
        self.segmentInfos = infos
    }

    /// The info of `term` in segment `segment` of `reader` alone (the first step of
    /// `init(term:reader:segment:known:)`).
    /// - Complexity: one term-dictionary lookup.
    public static func seek(_ term: String, segment: Int, reader: borrowing IndexReader) throws -> TermInfo? {
        var bytes = term
        return try bytes.withUTF8 { try reader.segments[segment].terms.seek(UnsafeRawBufferPointer($0)) }
    }

    /// Docs containing the term in `field`, or in any field when `field` is nil.
    public func docFreq(in field: Field?) -> Int {
        guard let field else { return statistics.docFreq }
        return statistics.docFreq(in: field)
    }
}

/// Query terms resolved so far (`ResolvedTerm`s by term), shared by the query-rewriting stage and the
/// searcher so that each term is looked up once per query.
public struct ResolvedTerms: Sendable {
    public private(set) var terms: [String: ResolvedTerm] = [:]
    let reader: IndexReader

    public init(reader: IndexReader) { self.reader = reader }

    /// The term's statistics and per-segment infos (looked up on first use).
    public mutating func resolve(_ term: String) throws -> ResolvedTerm {
        if let known = terms[term] { return known }
        let resolved = try ResolvedTerm(term: term, reader: reader)
        terms[term] = resolved
        return resolved
    }

    /// The term's statistics and per-segment infos, without keeping them: for a caller that looks up
    /// many candidate terms and keeps few (more-like-this: about 90 looked up, 35 kept), which then
    /// `remember`s those it keeps.
    public func peek(_ term: String) throws -> ResolvedTerm {
        if let known = known(term) { return known }
        return try ResolvedTerm(term: term, reader: reader)
    }

    /// The term if it is already resolved here (no look-up).
    @inline(__always)
    public func known(_ term: String) -> ResolvedTerm? {
        terms.isEmpty ? nil : terms[term]
    }

    /// Room for `count` more terms without rehashing (a more-like-this query remembers its 35 at once).
    public mutating func reserveCapacity(_ count: Int) {
        terms.reserveCapacity(terms.count + count)
    }

    /// Keeps `resolved` (from `peek`) for the searcher.
    public mutating func remember(_ resolved: ResolvedTerm) {
        terms[resolved.term] = resolved
    }
}
