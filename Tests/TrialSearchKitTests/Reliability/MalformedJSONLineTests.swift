import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch index` of a JSON Lines dump with one malformed line in the middle of a 1 MiB range
/// (the workers cut JSON Lines in ranges of `JSONRange.defaultBytes`): every other record is indexed,
/// and the one failure names the file and the bad line's record number, with 1 and with 2 workers.
@Suite struct MalformedJSONLineTests {
    /// About 2.5 MB of `convert`'s lines of the fixture trials, each with an id of its own, and the
    /// malformed line at about 1.5 MB (inside the second range); returns the file's bytes, the ids
    /// and the bad line's number (one record per line, so its record number).
    static func dump() throws -> (bytes: [UInt8], ids: [String], badLine: Int) {
        #expect(JSONRange.defaultBytes == 1 << 20, "the test places the bad line for ranges of 1 MiB")
        let trials = try IndexingTests.read([IndexingTests.fixtures + "/ctgov-xml"])
        #expect(trials.count >= 10)
        var bytes: [UInt8] = []
        var ids: [String] = []
        var badLine = 0
        var line = 0
        while bytes.count < 2_500_000 {
            let trial = trials[line % trials.count]
            line += 1
            if badLine == 0, bytes.count >= 1_500_000 {
                badLine = line
                // Well inside the second range ([1 MiB + a line, 2 MiB + a line)).
                #expect(bytes.count > (1 << 20) + 200_000 && bytes.count < (2 << 20) - 200_000, "\(bytes.count)")
                bytes += Array("{\"id\": \"NCT99999999\", \"title\": \"bad\", tru}\n".utf8)
                continue
            }
            let id = "NCT9" + String(1_000_000 + ids.count)
            let json = trial.jsonString
            let prefix = "{\"id\":\"\(trial.id.rawValue)\""
            #expect(json.hasPrefix(prefix))
            bytes += Array(("{\"id\":\"\(id)\"" + json.dropFirst(prefix.count) + "\n").utf8)
            ids.append(id)
        }
        return (bytes, ids, badLine)
    }

    @Test(arguments: [1, 2])
    func everyOtherRecordIsIndexedAndTheBadLineIsNamed(workers: Int) throws {
        let (bytes, ids, badLine) = try MalformedJSONLineTests.dump()
        let dir = IndexingTests.Folder("bad-line")
        defer { dir.remove() }
        let path = dir.path + "/dump.jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try Indexing.run(Indexing.Request(paths: [path], directory: dir.path + "/Index", workers: workers))
        #expect(report.status == .partialFailure)
        #expect(report.records == ids.count, "\(report.records) records")
        #expect(report.failures.count == 1, "\(report.failures)")
        let failure = try #require(report.failures.first)
        #expect(failure.hasPrefix("\(path): record \(badLine): malformed JSON"), "\(failure)")
        let reader = try IndexReader.open(directory: dir.path + "/Index")
        #expect(reader.liveDocCount == ids.count)
        for id in ids {
            let trialID = try #require(TrialID(id))
            #expect(try reader.trial(trialID) != nil, "\(id)")
        }
    }
}
