import Foundation
import Testing
import TrialIngest
import TrialSearchCore
@testable import TrialSearchKit

/// "Possible duplicate registration": a record registered again under another id (here the real text
/// dump of NCT05308342, copied under a ChiCTR id) is flagged with its evidence; distinct real trials
/// that share a grant number, or that a sponsor wrote alike, are not.
@Suite struct DuplicateRegistrationTests {
    static func source() throws -> Trial {
        try RecordFile.read(CorpusIndexTests.corpus + "/text/NCT05308342.txt")
    }

    static func copy(of trial: Trial, id: String, secondaryIds: [String]) throws -> Trial {
        var copy = trial
        copy.id = try #require(TrialID(id))
        copy.registry = "ChiCTR"
        copy.secondaryIds = secondaryIds
        return copy
    }

    @Test func evidenceOfARegistrationUnderAnotherId() throws {
        let analyzer = Analyzer()
        let source = try Self.source()
        let listed = try Self.copy(of: source, id: "ChiCTR2200000001", secondaryIds: ["NCT05308342"])
        let byID = try #require(DuplicateRegistration.compare(source, listed, analyzer: analyzer))
        #expect(byID.evidence.contains(.sharedID("NCT05308342")))
        var reworded = try Self.copy(of: source, id: "ChiCTR2200000002", secondaryIds: [])
        reworded.briefSummary = reworded.briefSummary.replacingOccurrences(of: "single-center", with: "single centre")
        let byText = try #require(DuplicateRegistration.compare(source, reworded, analyzer: analyzer))
        guard case let .nearIdenticalText(similarity) = try #require(byText.evidence.first) else {
            Issue.record("expected text evidence")
            return
        }
        #expect(similarity >= DuplicateRegistration.textThreshold && similarity < 1)
    }

    /// A source prepared once (`DuplicateRegistration.Reference`, as a related request's hits are checked)
    /// finds the same evidence as comparing the two records: ids, text, and nothing for distinct trials.
    @Test func aPreparedSourceFindsTheSameEvidence() throws {
        let analyzer = Analyzer()
        let source = try Self.source()
        let reference = DuplicateRegistration.Reference(source, analyzer: analyzer)
        let listed = try Self.copy(of: source, id: "ChiCTR2200000001", secondaryIds: ["NCT05308342"])
        var reworded = try Self.copy(of: source, id: "ChiCTR2200000002", secondaryIds: [])
        reworded.briefSummary = reworded.briefSummary.replacingOccurrences(of: "single-center", with: "single centre")
        let trials = try IndexingTests.read([CorpusIndexTests.corpus])
        let others = trials.filter { $0.conditions.joined().lowercased().contains("ovarian") }.prefix(20)
        #expect(others.count == 20)
        var found = 0
        for other in [listed, reworded] + others {
            let got = reference.compare(other, analyzer: analyzer)
            #expect(got == DuplicateRegistration.compare(source, other, analyzer: analyzer), "\(other.id)")
            // The text evidence is the two records' own similarity, each analyzed from scratch.
            let similarity = DuplicateRegistration.textSimilarity(source, other, analyzer: analyzer)
            let text = got?.evidence.compactMap { e -> Double? in
                if case let .nearIdenticalText(value) = e { return value } else { return nil }
            }.first
            #expect(text == (similarity >= DuplicateRegistration.textThreshold ? similarity : nil), "\(other.id)")
            if got != nil { found += 1 }
        }
        #expect(found >= 2)
        #expect(reference.compare(listed, analyzer: analyzer)?.evidence.contains(.sharedID("NCT05308342")) == true)
    }

    @Test func distinctTrialsAreNotDuplicates() throws {
        let analyzer = Analyzer()
        let trials = try IndexingTests.read([CorpusIndexTests.corpus])
        func trial(_ id: String) throws -> Trial { try #require(trials.first { $0.id.rawValue == id }, "\(id)") }
        // Two trials listing the same NIH cooperative-group grant number.
        let a = try trial("NCT00002548"), b = try trial("NCT00002551")
        #expect(Set(a.secondaryIds).intersection(b.secondaryIds).contains("U10CA032102"))
        #expect(DuplicateRegistration.compare(a, b, analyzer: analyzer) == nil)
        // The most alike distinct trials of the corpus: two collagen-scaffold stem-cell trials of one group.
        let c = try trial("NCT02579148"), d = try trial("NCT02745808")
        let similarity = DuplicateRegistration.textSimilarity(c, d, analyzer: analyzer)
        #expect(similarity > 0.5 && similarity < DuplicateRegistration.textThreshold)
        #expect(DuplicateRegistration.compare(c, d, analyzer: analyzer) == nil)
    }

    @Test func relatedTrialsSayWhichHitIsADuplicate() throws {
        let folder = IndexingTests.Folder("duplicate")
        defer { folder.remove() }
        let source = try Self.source()
        let copy = try Self.copy(of: source, id: "ChiCTR2200000001", secondaryIds: ["NCT05308342"])
        let lines = copy.jsonString + "\n"
        try lines.write(toFile: folder.path + "/copy.jsonl", atomically: true, encoding: .utf8)
        let index = folder.path + "/Index"
        let built = try SearchCommandTests.run(["index", "--index", index, CorpusIndexTests.corpus + "/text",
                                                ConvertTests.fixture("ctgov-xml"), folder.path + "/copy.jsonl"])
        #expect(built.status == 0, "\(built.stderr)")
        let json = try SearchCommandTests.run(["related", "--index", index, "NCT05308342", "--json", "--limit", "3"])
        let first = try #require(try SearchCommandTests.jsonLines(json.stdout).first)
        #expect(first["id"] as? String == "ChiCTR2200000001")
        let duplicate = try #require(first["possibleDuplicate"] as? [String: Any])
        #expect(duplicate["sharedId"] as? String == "NCT05308342")
        #expect((duplicate["textSimilarity"] as? Double ?? 0) >= 0.99)
        let human = try SearchCommandTests.run(["related", "--index", index, "NCT05308342", "--limit", "1"])
        #expect(human.stdout.contains("possible duplicate registration: shared id NCT05308342; near-identical title and summary"))
    }
}
