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
        var infos: [TermInfo?] = []
        var bytes = term
        let statistics = try bytes.withUTF8 { utf8 in
            try Self.lookUp(UnsafeRawBufferPointer(utf8), reader: reader, segment: -1, known: nil, into: &infos)
        }
        self.init(term: term, statistics: statistics, segmentInfos: infos)
    }

    /// A term already looked up (`lookUp(_:reader:segment:known:into:)`).
    init(term: String, statistics: TermStatistics, segmentInfos: [TermInfo?]) {
        self.term = term
        self.statistics = statistics
        self.segmentInfos = segmentInfos
    }

    /// Looks the term `bytes` up in every segment of `reader` but `segment` (none when it is not a
    /// segment's index), whose info is `known`; replaces `infos` with the infos by segment and returns
    /// the sums. With a `segment`, a look-up in two steps, for a caller that may drop the term on one
    /// segment's statistics alone (the sums over all segments are at least that segment's counts;
    /// integer sums, so the same statistics whatever the order). The bytes need no `String` and `infos`
    /// can be a caller's scratch: more-like-this looks up about 90 candidates a source and keeps 35
    /// (`MoreLikeThis.selectTerms`).
    /// - Complexity: one term-dictionary lookup per segment but `segment`.
    static func lookUp(_ bytes: UnsafeRawBufferPointer, reader: borrowing IndexReader, segment: Int, known: TermInfo?,
                       into infos: inout [TermInfo?]) throws -> TermStatistics {
        var statistics = TermStatistics()
        infos.removeAll(keepingCapacity: true)
        infos.reserveCapacity(reader.segments.count)
        // By index: a `SegmentReader` copy per segment (retaining each of its files) cost as much as
        // a fifth of the look-up.
        for s in reader.segments.indices {
            let info = try s == segment ? known : reader.segments[s].terms.seek(bytes)
            if let info { statistics.add(info) }
            infos.append(info)
        }
        return statistics
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

    /// Resolves the term unless it is already (`resolve` without the copy of its result).
    public mutating func include(_ term: String) throws {
        if terms[term] == nil { terms[term] = try ResolvedTerm(term: term, reader: reader) }
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

    /// Keeps `resolved` for the searcher (a more-like-this query's selected terms).
    public mutating func remember(_ resolved: ResolvedTerm) {
        terms[resolved.term] = resolved
    }
}
