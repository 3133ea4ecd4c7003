import Testing
@testable import TrialSearchCore

/// The commit's resolution over a run's candidates (no existing index), and the candidates' places
/// after the workers' last segments are flushed as one.
@Suite struct UpdateResolutionTests {
    static func candidate(_ id: String, authority: UInt8 = 1, date: Int32 = 0, hash: UInt64, sequence: Int,
                          segment: String?, doc: DocID) -> Candidate {
        Candidate(id: id, authority: authority, dateKey: date, hash: hash, sequence: sequence, segment: segment, doc: doc)
    }

    @Test func keepsTheBestRecordOfEachIDWhereverItsCandidatesLie() {
        // NCT00000001 three times over two segments (the best, by date, in the middle of the run), NCT00000002
        // twice with the same content (the later record wins), NCT00000003 once.
        let candidates = [
            Self.candidate("NCT00000001", date: 10, hash: 1, sequence: 0, segment: "s1", doc: 0),
            Self.candidate("NCT00000002", hash: 7, sequence: 1, segment: "s1", doc: 1),
            Self.candidate("NCT00000001", date: 30, hash: 2, sequence: 2, segment: "s2", doc: 0),
            Self.candidate("NCT00000003", hash: 9, sequence: 3, segment: "s2", doc: 1),
            Self.candidate("NCT00000001", date: 20, hash: 3, sequence: 4, segment: "s1", doc: 2),
            Self.candidate("NCT00000002", hash: 7, sequence: 5, segment: "s2", doc: 2),
        ]
        var summary = IndexSummary()
        var resolution = UpdateResolution(existing: nil)
        resolution.resolve(candidates, summary: &summary)
        #expect(summary.added == 3 && summary.older == 2 && summary.unchanged == 1 && summary.replaced == 0)
        let s1 = resolution.newDeletes["s1"], s2 = resolution.newDeletes["s2"]
        // s1 loses all three (two older records, one the later record replaced), s2 keeps its own.
        #expect(s1?.docCount == 3 && s1?.count == 3 && s2 == nil)
    }

    @Test func joinedCandidatesMoveToTheFirstSegmentShifted() {
        let candidates = [
            Self.candidate("NCT00000001", hash: 1, sequence: 0, segment: "s4", doc: 1),
            Self.candidate("NCT00000002", hash: 2, sequence: 1, segment: "s3", doc: 2),
            Self.candidate("NCT00000003", hash: 3, sequence: 2, segment: "s1", doc: 5),
            Self.candidate("NCT00000004", hash: 4, sequence: 3, segment: nil, doc: 0),
        ]
        let joined = IndexWriter.joinedCandidates(candidates, last: [("s3", 3), ("s4", 2)])
        #expect(joined.map(\.segment) == ["s3", "s3", "s1", nil])
        #expect(joined.map(\.doc) == [4, 2, 5, 0])
        #expect(IndexWriter.joinedCandidates(candidates, last: [("s3", 3)]).map(\.doc) == [1, 2, 5, 0])
    }
}
