import Foundation
import Testing
import TrialSearchCore

/// `trialsearch index` and `trialsearch stats`, run as the built binary: the command-line contract
/// (exit statuses, summary lines on stderr, `stats --json` keys, help text).
@Suite struct IndexCommandTests {
    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try SearchCommandTests.run(arguments)
    }

    @Test func indexThenStatsThenDelete() throws {
        let dir = IndexingTests.Folder("cli")
        defer { dir.remove() }
        let index = dir.path + "/Index"
        let built = try run(["index", "--index", index, ConvertTests.fixture("ctgov-xml"), ConvertTests.fixture("text")])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stderr.contains("14 records from 14 files"))
        #expect(built.stderr.contains("14 added, 0 replaced, 0 unchanged, 0 older (skipped), 0 deleted, 0 failed"))
        #expect(built.stderr.contains("committed generation 1: 14 trials in 1 segment"))
        let stats = try run(["stats", "--index", index, "--json"])
        #expect(stats.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(object["trials"] as? Int == 14 && object["segments"] as? Int == 1)
        #expect((object["terms"] as? Int ?? 0) > 1000 && (object["bytes"] as? Int ?? 0) > 10_000)
        let deleted = try run(["index", "--index", index, "--delete", "NCT05308342", "NCT00000000"])
        #expect(deleted.status == 3)
        #expect(deleted.stderr.contains("error: NCT00000000: not in the index"))
        #expect(deleted.stderr.contains("1 deleted"))
        let missing = try run(["index", "--index", index, dir.path + "/no-such-file.xml"])
        #expect(missing.status == 4 && missing.stderr.contains("no-such-file.xml"))
        let usage = try run(["index", "--index", index])
        #expect(usage.status == 64)
        let noWorkers = try run(["index", "--index", index, "--workers", "0", ConvertTests.fixture("text")])
        #expect(noWorkers.status == 64 && noWorkers.stderr.contains("--workers must be at least 1, not 0"))
    }

    /// `--workers N` indexes with N threads: one worker and three give the same trials and summary.
    @Test func workersChooseTheThreads() throws {
        let dir = IndexingTests.Folder("cli-workers")
        defer { dir.remove() }
        var shown: [String] = []
        for workers in ["1", "3"] {
            let index = dir.path + "/Index" + workers
            let built = try run(["index", "--index", index, "--workers", workers,
                                 ConvertTests.fixture("ctgov-xml"), ConvertTests.fixture("text")])
            #expect(built.status == 0, "\(built.stderr)")
            #expect(built.stderr.contains("14 added, 0 replaced, 0 unchanged, 0 older (skipped), 0 deleted, 0 failed"))
            let show = try run(["show", "--index", index, "--json", "NCT05308342"])
            #expect(show.status == 0)
            shown.append(show.stdout)
        }
        #expect(shown[0] == shown[1] && !shown[0].isEmpty)
    }

    @Test func helpStatesTheExitStatuses() throws {
        let help = try run(["index", "--help"])
        #expect(help.status == 0)
        for text in ["Exit status: 0 everything was indexed; 3 some records failed", "--rebuild", "--delete",
                     "--ram-budget", "--workers <N>", "$TRIALSEARCH_INDEX"] {
            #expect(help.stdout.contains(text), "\(text)")
        }
        let stats = try run(["stats", "--help"])
        #expect(stats.stdout.contains("trials, segments, terms and bytes"))
    }
}
