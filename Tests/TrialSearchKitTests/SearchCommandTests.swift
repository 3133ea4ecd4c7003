import Foundation
import Testing
import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch search`, `related` and `show`, run as the built binary on the shipped corpus's index:
/// the command-line contract (default subcommand, JSON Lines and TREC output, explanations, batches
/// and timings, filters, exit statuses).
@Suite struct SearchCommandTests {
    static func run(_ arguments: [String], cwd: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConvertTests.binary)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aBareQueryIsASearch() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let bare = try Self.run(["--index", index, "mesenchymal ovarian"])
        let search = try Self.run(["search", "--index", index, "mesenchymal", "ovarian"])
        #expect(bare.status == 0 && search.status == 0, "\(bare.stderr)")
        #expect(bare.stdout == search.stdout)
        #expect(bare.stdout.hasPrefix("1. NCT"))
        #expect(!bare.stdout.contains("\u{1B}["), "no ANSI bold when stdout is not a terminal")
        for id in ["NCT03816852", "NCT05308342", "NCT03033277"] { #expect(bare.stdout.contains(id)) }
    }

    @Test func jsonLinesHaveTheDocumentedKeys() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let result = try Self.run(["search", "--index", index, "--json", "--limit", "5", "mesenchymal ovarian"])
        #expect(result.status == 0)
        let lines = try Self.jsonLines(result.stdout)
        #expect(lines.count == 5)
        var previous = Double.infinity
        for (i, line) in lines.enumerated() {
            #expect(line["rank"] as? Int == i + 1)
            for key in ["id", "title", "status", "phase", "registry", "url"] { #expect(line[key] is String, "\(key)") }
            #expect(line["conditions"] is [String])
            let score = try #require(line["score"] as? Double)
            #expect(score <= previous)
            previous = score
            let id = try #require(line["id"] as? String)
            #expect(line["url"] as? String == "https://clinicaltrials.gov/study/\(id)")
        }
    }

    @Test func explanationsInJSONSumToTheScore() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let result = try Self.run(["search", "--index", index, "--json", "--explain", "--limit", "3",
                                   "title:\"stem cell\" ovarian -canine", "--status", "recruiting"])
        #expect(result.status == 0, "\(result.stderr)")
        func check(_ node: [String: Any]) -> Bool {
            guard let value = node["value"] as? Double, let combination = node["combination"] as? String else { return false }
            let children = node["details"] as? [[String: Any]] ?? []
            let values = children.compactMap { $0["value"] as? Double }
            let expected: Double?
            switch combination {
            case "sum": expected = values.reduce(0, +)
            case "product": expected = values.reduce(1, *)
            case "max": expected = values.max()
            default: expected = nil
            }
            if let expected, abs(expected - value) > 1e-3 * max(1, abs(value)) { return false }
            return children.allSatisfy(check)
        }
        for line in try Self.jsonLines(result.stdout) {
            let explanation = try #require(line["explanation"] as? [String: Any])
            #expect(explanation["value"] as? Double == line["score"] as? Double)
            #expect(check(explanation), "\(explanation)")
            let text = String(describing: explanation)
            #expect(text.contains("idf") && text.contains("field length") && text.contains("status ∈ {recruiting}"))
        }
    }

    @Test func trecRunsAndTimingsForABatch() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let folder = IndexingTests.Folder("topics")
        defer { folder.remove() }
        let topics = folder.path + "/topics.tsv"
        let timings = folder.path + "/timings.tsv"
        try "q1\tmesenchymal ovarian\r\nq2\tcovid-19 hydroxychloroquine\n\nq3\tno-such-word-anywhere\n".write(toFile: topics, atomically: true, encoding: .utf8)
        let result = try Self.run(["search", "--index", index, "--topics", topics, "--format", "trec", "--run-tag", "tag1",
                                   "--limit", "7", "--timings", timings])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.allSatisfy { $0.count == 6 && $0[1] == "Q0" && $0[5] == "tag1" })
        for qid in ["q1", "q2"] {
            let run = lines.filter { $0[0] == qid }
            #expect(run.map { Int($0[3]) } == Array(1...7), "\(qid) ranks")
            let scores = run.compactMap { Double($0[4]) }
            #expect(scores == scores.sorted(by: >))
        }
        #expect(!lines.contains { $0[0] == "q3" })
        let timed = try String(contentsOfFile: timings, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t") }
        #expect(timed.map { String($0[0]) } == ["q1", "q2", "q3"])
        #expect(timed.allSatisfy { $0.count == 2 && (Double($0[1]) ?? -1) > 0 })
    }

    @Test func relatedBatchUsesTheSourceIdAsQid() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let folder = IndexingTests.Folder("ids")
        defer { folder.remove() }
        let ids = folder.path + "/ids.txt"
        try "NCT05308342\n# a comment\nNCT03033277\n".write(toFile: ids, atomically: true, encoding: .utf8)
        let result = try Self.run(["related", "--index", index, "--ids", ids, "--format", "trec", "--limit", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.filter { $0[0] == "NCT05308342" }.count == 5 && lines.filter { $0[0] == "NCT03033277" }.count == 5)
        #expect(!lines.contains { $0[0] == $0[2] }, "a source is never its own related trial")
    }

    @Test func relatedTrialsOfATextDumpFile() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let dump = CorpusIndexTests.corpus + "/text/NCT05308342.txt"
        let result = try Self.run(["related", "--index", index, "--file", dump, "--json", "--limit", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = try Self.jsonLines(result.stdout).compactMap { $0["id"] as? String }
        let poi: Set = ["NCT01742533", "NCT01853501", "NCT02043743", "NCT02603744", "NCT02644447", "NCT02779374",
                        "NCT03033277", "NCT03816852", "NCT03877471"]
        #expect(poi.isSubset(of: Set(ids)), "\(ids)")
        #expect(!ids.contains("NCT05308342"))
        // Plain text is a free-text record.
        let folder = IndexingTests.Folder("plain")
        defer { folder.remove() }
        let note = folder.path + "/note.txt"
        try "Umbilical cord mesenchymal stem cells injected into the ovaries of women with premature ovarian insufficiency."
            .write(toFile: note, atomically: true, encoding: .utf8)
        let plain = try Self.run(["related", "--index", index, "--file", note, "--format", "trec", "--limit", "5"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let found = plain.stdout.split(separator: "\n").map { String($0.split(separator: " ")[2]) }
        #expect(found.count == 5 && Set(found).isSubset(of: poi.union(["NCT05308342"])), "\(found)")
    }

    @Test func showPrintsTheRecordAsConvertDoes() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let dump = CorpusIndexTests.corpus + "/text/NCT05308342.txt"
        let shown = try Self.run(["show", "--index", index, "--json", "NCT05308342"])
        let converted = try Self.run(["convert", dump])
        #expect(shown.status == 0 && converted.status == 0)
        #expect(shown.stdout == converted.stdout)
        let readable = try Self.run(["show", "--index", index, "NCT05308342"])
        for text in ["NCT05308342  ClinicalTrials.gov", "Title: Clinical Study of Human Umbilical Cord", "Secondary ids:",
                     "  - SZ-POF-2019-4", "Inclusion criteria:", "Related trials (from the record):", "  - NCT06132542"] {
            #expect(readable.stdout.contains(text), "\(text)")
        }
    }

    @Test func filtersMatchTheirDocumentedVocabularies() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let two = try Self.run(["search", "--index", index, "--format", "trec", "--limit", "50", "--phase", "2", "stem cell"])
        let named = try Self.run(["search", "--index", index, "--format", "trec", "--limit", "50", "--phase", "Phase 2", "stem cell"])
        let roman = try Self.run(["search", "--index", index, "--format", "trec", "--limit", "50", "--phase", "ii", "stem cell"])
        #expect(two.status == 0 && !two.stdout.isEmpty)
        #expect(two.stdout == named.stdout && two.stdout == roman.stdout)
        let female = try Self.run(["search", "--index", index, "--json", "--limit", "40", "--sex", "FEMALE", "ovarian stem cell"])
        for line in try Self.jsonLines(female.stdout) {
            let id = try #require(line["id"] as? String)
            let record = try Self.run(["show", "--index", index, "--json", id])
            let object = try #require(JSONSerialization.jsonObject(with: Data(record.stdout.utf8)) as? [String: Any])
            let sex = (object["eligibility"] as? [String: Any])?["sex"] as? String ?? ""
            #expect(["Female", "All", ""].contains(sex), "\(id): \(sex)")
        }
        let combined = try Self.run(["search", "--index", index, "--json", "--limit", "20", "--status", "recruiting",
                                     "--registry", "ClinicalTrials.gov", "--updated-after", "2019-06", "mesenchymal"])
        for line in try Self.jsonLines(combined.stdout) {
            #expect(line["status"] as? String == "Recruiting" && line["registry"] as? String == "ClinicalTrials.gov")
        }
    }

    @Test func exitStatusesAndMessages() throws {
        let index = try #require(ShippedCorpusIndex.shared).directory
        let nothing = try Self.run(["search", "--index", index, "zzqxjvvvk"])
        #expect(nothing.status == 1 && nothing.stdout.contains("No trials matched."))
        let malformed = try Self.run(["search", "--index", index, "title:\"ovarian"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("unclosed quote at column 7") && malformed.stderr.contains("      ^"))
        let field = try Self.run(["search", "--index", index, "titel:ovarian"])
        #expect(field.status == 2 && field.stderr.contains("unknown field 'titel'"))
        let unknown = try Self.run(["related", "--index", index, "NCT99999999"])
        #expect(unknown.status == 6 && unknown.stderr.contains("no trial NCT99999999"))
        let show = try Self.run(["show", "--index", index, "NCT99999999"])
        #expect(show.status == 6)
        let badPhase = try Self.run(["search", "--index", index, "--phase", "7", "ovarian"])
        #expect(badPhase.status == 64 && badPhase.stderr.contains("unknown phase '7'"))
        let badLimit = try Self.run(["search", "--index", index, "--limit", "0", "ovarian"])
        #expect(badLimit.status == 64)
        let missing = try Self.run(["search", "--index", index, "--topics", "/no/such/file.tsv"])
        #expect(missing.status == 4 && missing.stderr.contains("/no/such/file.tsv"))
        let noIndex = try Self.run(["search", "--index", "/tmp/no-such-trialsearch-index", "ovarian"])
        #expect(noIndex.status == 5)
    }
}

/// The help of the search commands is a contract: compared whole with `Golden/*-help.txt` (regenerate
/// them with `trialsearch COMMAND --help > Tests/TrialSearchKitTests/Golden/COMMAND-help.txt` when a
/// change is intended).
@Suite struct SearchHelpTests {
    @Test(arguments: ["search", "related", "show"])
    func helpMatchesItsGolden(command: String) throws {
        let golden = try String(contentsOfFile: ConvertTests.root + "/Tests/TrialSearchKitTests/Golden/\(command)-help.txt",
                                encoding: .utf8)
        let help = try SearchCommandTests.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == golden)
    }

    @Test func rootHelpListsSearchAsTheDefault() throws {
        let golden = try String(contentsOfFile: ConvertTests.root + "/Tests/TrialSearchKitTests/Golden/trialsearch-help.txt",
                                encoding: .utf8)
        let help = try SearchCommandTests.run(["--help"])
        #expect(help.stdout == golden)
        #expect(help.stdout.contains("search (default)"))
    }
}
