import Testing
@testable import TrialIngest
import TrialSearchCore

/// Every fixture record, written as `convert` writes it and read back by `TrialJSONReader`, is the same
/// `Trial`; and a JSON Lines file of them reads like the originals.
@Suite struct TrialJSONRoundTripTests {
    static let fixtures = [
        "ctgov-xml", "ctgov-json", "ictrp", "text",
    ].map { Fixtures.path($0) }

    @Test func everyFixtureRoundTrips() throws {
        let (trials, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.count == 13 + 8 + 8 + 1)
        for trial in trials {
            let bytes = Array(trial.jsonString.utf8)
            let decoded = bytes.withUnsafeBytes { raw in
                catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "line")) }
            }
            switch decoded {
            case .success(let copy):
                #expect(copy == trial, "\(trial.id)")
                #expect(copy.jsonString == trial.jsonString)
            case .failure(let error):
                Issue.record("\(trial.id): \(error)")
            }
        }
    }

    @Test func jsonLinesOfTrialsAreAnInputFormat() throws {
        let (trials, _, _) = try readAll(TrialJSONRoundTripTests.fixtures)
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let lines = trials.map(\.jsonString).joined(separator: "\n") + "\n"
        try Fixtures.write(Array(lines.utf8), to: folder + "/converted.jsonl")
        let (again, errors, _) = try readAll([folder], workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        // The records keep their original source, as written.
        #expect(again == trials)
    }

    @Test func aLineWithoutIdIsAnError() throws {
        let bytes = Array(#"{"registry":"ChiCTR","source":{"format":"ictrp"}}"#.utf8)
        let result = bytes.withUnsafeBytes { raw in
            catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "x", record: 3)) }
        }
        guard case .failure(.missingField(let location, _, _)) = result else {
            Issue.record("expected missingField, got \(result)")
            return
        }
        #expect(location.record == 3)
    }
}
