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

    /// The one-pass reader's records get the id checks of every reader: a line whose id has a control
    /// character or is too long is an error for that line, and the lines around it are read.
    @Test func convertLinesWithBadIdsAreErrors() throws {
        let (trials, _, _) = try readAll(TrialJSONRoundTripTests.fixtures)
        let good = try #require(trials.first)
        var control = good
        control.id = try #require(TrialID("NCT0000\u{1B}1"))
        var long = good
        long.id = try #require(TrialID("NCT" + String(repeating: "1", count: 300)))
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let lines = [good, control, long, good].map(\.jsonString).joined(separator: "\n") + "\n"
        try Fixtures.write(Array(lines.utf8), to: folder + "/ids.jsonl")
        let (read, errors, results) = try readAll([folder], workers: 2)
        #expect(read == [good, good])
        #expect(results.count == 4)
        #expect(errors.count == 2)
        #expect(errors.first.map { "\($0)".contains("control character byte 0x1B") } == true, "\(errors)")
        #expect(errors.last.map { "\($0)".contains("trial id is 303 bytes, more than the limit of 256") } == true, "\(errors)")
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

    /// `{"id", "title", "text"}` lines (free text keyed by id, as many tools export it) are free-text
    /// records, not id-only records with their text dropped; a Trial JSON record keeps its own fields.
    @Test func genericIdTextRecordsKeepTheirText() throws {
        let lines = [
            #"{"id": "NCT04500626", "text": "Hyperbaric Versus Normobaric Oxygen Therapy for COVID-19 Patients\n\nMulticentre randomized trial."}"#,
            #"{"id": "note-7", "title": "Patient note", "text": "A 45-year-old woman with premature ovarian insufficiency."}"#,
            #"{"id": "NCT1", "briefTitle": "Own title", "text": "ignored: a Trial JSON record has its own text"}"#,
        ]
        var trials: [Trial] = []
        for line in lines {
            let bytes = Array(line.utf8)
            let result = bytes.withUnsafeBytes { raw in
                catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "generic.jsonl")) }
            }
            trials.append(try result.get())
        }
        #expect(trials[0].briefTitle == "Hyperbaric Versus Normobaric Oxygen Therapy for COVID-19 Patients")
        #expect(trials[0].briefSummary.contains("Multicentre randomized trial."))
        #expect(trials[1].id.rawValue == "note-7")
        #expect(trials[1].briefTitle == "Patient note")
        #expect(trials[1].briefSummary == "A 45-year-old woman with premature ovarian insufficiency.")
        #expect(trials[2].briefTitle == "Own title")
        #expect(trials[2].briefSummary.isEmpty)
    }
}
