import Testing
@testable import TrialSearchCore

/// Equal scores are ordered by trial id, whatever the segment layout: the collector breaks ties by the
/// ids' first 16 bytes and falls back to the whole ids, so ids that share a long prefix (EU-CTR's
/// country copies of one trial) and ids that are prefixes of others must still come out in byte order.
@Suite struct TieOrderTests {
    static let ids = [
        "EUCTR2004-000030-29-FR", "EUCTR2004-000030-29-DE", "EUCTR2004-000030-29-AT", "EUCTR2004-000030-2",
        "EUCTR2004-000030-29", "NCT00000102", "NCT0000010", "NCT10000102", "ChiCTR2000029990", "ChiCTR200002999",
        "ISRCTN12345678", "A", "AB", "ABC", "NCT00000103", "EUCTR2004-000031-29-DE",
    ]

    @Test(arguments: [1, 3, 7, 16])
    func tiesComeInByteOrderOfTheirIDs(limit: Int) throws {
        let directory = TemporaryDirectory("ties")
        defer { directory.remove() }
        // The same text for every trial, fed in a scrambled order to two workers (two segments).
        let trials = try Self.ids.map { id -> Trial in
            var trial = Trial(id: try #require(TrialID(id)))
            trial.briefTitle = "Tied ovarian trial"
            return trial
        }
        let scrambled = trials.enumerated().sorted { ($0.offset * 7) % trials.count < ($1.offset * 7) % trials.count }.map(\.element)
        try indexTrials(scrambled, into: directory.path, options: IndexWriterOptions(workerCount: 2,
                        mergePolicy: MergePolicy(mergeFactor: 1_000)), workers: 2)
        let reader = try IndexReader.open(directory: directory.path)
        let searcher = try IndexSearcher(reader: reader)
        let hits = try searcher.search(WeightedQuery(clauses: [WeightedClause(match: .term("ovarian"))]),
                                       options: SearchOptions(limit: limit)).hits
        #expect(Set(hits.map(\.score)).count == 1, "every trial scores the same")
        let expected = Self.ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.prefix(limit)
        #expect(hits.map(\.id.rawValue) == Array(expected))
    }
}
