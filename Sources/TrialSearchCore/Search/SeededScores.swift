/// The clause scores that `ThresholdSeed` computed while completing its best candidates of one segment,
/// kept for that segment's `MaxScoreSearch`: the candidates are the docs most likely to reach the top k
/// (a related query's are the source's copies), so the search meets them among its candidates and would
/// probe their non-essential clauses again, loading the same postings blocks (one block load a clause
/// and a candidate, since the candidates lie far apart). With the scores kept, a probe of a seeded
/// candidate reads the clause's score from here instead.
///
/// Why it is exact: a kept score is what the clause's scorer returned for that doc (`score()`, after
/// `advance(to:)` landed on it and `matches()`), the same `Float` the search's own probe computes; the
/// search adds it at the same place in the same order, and a clause whose score is not kept is probed as
/// before. The search's pruning decisions and sums are therefore bit for bit those it makes without.
struct SeededScores {
    /// The candidates, in increasing doc order.
    private(set) var docs: [DocID] = []
    /// `docs.count` rows of `clauseCount` entries: the score of clause i for candidate c at
    /// `c · clauseCount + i`; `notMatched` where the clause does not match the doc, `unknown` where the
    /// seed did not probe the clause (the rarest clauses, which it walked, and clauses it could not restart).
    private(set) var scores: [Float] = []
    /// The number of clauses of the segment's query (`SegmentQuery.optional`).
    let clauseCount: Int

    /// An entry of a clause that the seed did not probe for the doc: the search probes it. (The two
    /// entries are computed: as `static let`s, each read was a `swift_once` call, 29,044 of them for 200
    /// related sources.)
    @inline(__always) static var unknown: Float { .nan }
    /// An entry of a clause that does not match the doc: the search adds nothing.
    @inline(__always) static var notMatched: Float { -.infinity }

    /// No candidates (a segment that was not seeded, or whose candidates were not completed).
    static let none = SeededScores(clauseCount: 0)

    init(clauseCount: Int) {
        self.clauseCount = clauseCount
    }

    /// `docs` (increasing) with every entry `unknown`.
    init(docs: [DocID], clauseCount: Int) {
        precondition(zip(docs, docs.dropFirst()).allSatisfy { $0 < $1 }, "seeded docs not increasing: \(docs)")
        self.docs = docs
        self.clauseCount = clauseCount
        scores = [Float](repeating: Self.unknown, count: docs.count * clauseCount)
    }

    var isEmpty: Bool { docs.isEmpty }

    /// Runs `body` with the entries writable in place (`docs.count` rows of `clauseCount`, clause i of
    /// candidate c at `c · clauseCount + i`), where the seed records each clause it probes: its score,
    /// or `notMatched`.
    mutating func withUnsafeMutableEntries<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try scores.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The doc of candidate `c`, or `PostingsCursor.noMoreDocs` past the last.
    @inline(__always)
    func doc(at c: Int) -> DocID { c < docs.count ? docs[c] : PostingsCursor.noMoreDocs }

    /// The candidate whose doc is `doc`, or nil, for docs asked in increasing order: `next` (the first
    /// candidate not yet passed, 0 at first) moves past `doc`, and `nextDoc` becomes its doc
    /// (`doc(at: next)`).
    func row(of doc: DocID, next: inout Int, nextDoc: inout DocID) -> Int? {
        while next < docs.count && docs[next] < doc { next += 1 }
        defer { nextDoc = self.doc(at: next) }
        guard next < docs.count && docs[next] == doc else { return nil }
        next += 1
        return next - 1
    }

    /// The entry of `clause` for candidate `candidate`.
    func entry(candidate: Int, clause: Int) -> Float {
        scores[candidate * clauseCount + clause]
    }
}
