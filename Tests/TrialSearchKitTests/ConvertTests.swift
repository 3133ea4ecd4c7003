import Foundation
import Testing
@testable import TrialSearchKit
import TrialSearchCore

/// `trialsearch convert`, run as the built binary on the fixtures: JSON Lines on stdout, one error line
/// per failure on stderr, a summary line, and the documented exit statuses.
@Suite struct ConvertTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func fixture(_ relative: String) -> String { root + "/Tests/Fixtures/" + relative }

    /// The `trialsearch` executable next to the test bundle.
    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("trialsearch").path) {
            folder = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        }
        return folder.appendingPathComponent("trialsearch").path
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try SearchCommandTests.run(arguments)
    }

    @Test func convertsEveryFormatToJSONLines() throws {
        let (status, stdout, stderr) = try run(["convert", ConvertTests.fixture("ctgov-xml/NCT04500626.xml"),
                                                ConvertTests.fixture("text/NCT05308342.txt"),
                                                ConvertTests.fixture("ctgov-json/NCT02691897.json"),
                                                ConvertTests.fixture("ictrp/ICTRP-Results_18Mar2020-part.xml")])
        #expect(status == 0, "\(stderr)")
        let lines = stdout.split(separator: "\n")
        #expect(lines.count == 1 + 1 + 1 + 8)
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? String == "NCT04500626")
        #expect(first["registry"] as? String == "ClinicalTrials.gov")
        #expect(first["briefTitle"] as? String == "Hyperbaric Versus Normobaric Oxygen Therapy for COVID-19 Patients")
        #expect(first["phases"] as? [String] == ["Phase 2", "Phase 3"])
        #expect(first["enrollment"] as? Int == 234)
        #expect(first["startDate"] as? String == "2020-10")
        #expect(first["lastUpdated"] as? String == "2020-09-16")
        #expect(first["overallStatus"] as? String == "Not yet recruiting")
        #expect(first["conditions"] as? [String] == ["Covid19"])
        let interventions = try #require(first["interventions"] as? [[String: Any]])
        #expect(interventions.first?["type"] as? String == "Drug")
        #expect(interventions.first?["name"] as? String == "Oxygen")
        let eligibility = try #require(first["eligibility"] as? [String: Any])
        #expect(eligibility["sex"] as? String == "All")
        #expect(eligibility["minimumAgeYears"] as? Int == 18)
        #expect(eligibility["maximumAgeYears"] == nil)
        #expect((eligibility["inclusion"] as? [String])?.count == 5)
        #expect((eligibility["exclusion"] as? [String])?.count == 7)
        #expect(eligibility["healthyVolunteers"] as? Bool == false)
        let source = try #require(first["source"] as? [String: Any])
        #expect(source["file"] as? String == ConvertTests.fixture("ctgov-xml/NCT04500626.xml"))
        #expect(source["format"] as? String == "ctgov-xml")
        let dump = try #require(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(dump["relatedIds"] as? [String] == ["NCT06132542", "NCT06578039"])
        let bytes = try ["ctgov-xml/NCT04500626.xml", "text/NCT05308342.txt", "ctgov-json/NCT02691897.json",
                         "ictrp/ICTRP-Results_18Mar2020-part.xml"].reduce(0) { total, name in
            total + (try FileManager.default.attributesOfItem(atPath: ConvertTests.fixture(name))[.size] as? Int ?? 0)
        }
        #expect(stderr == "convert: 11 records, 0 errors from 4 files (\((bytes + 999) / 1000) KB)\n")
    }

    @Test func archiveEntriesAreNamedInSource() throws {
        let (status, stdout, _) = try run(["convert", ConvertTests.fixture("zip/ctgov-xml-sample.zip")])
        #expect(status == 0)
        let line = try #require(stdout.split(separator: "\n").first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["source"] as? [String: Any])?["entry"] as? String == "NCT0450xxxx/NCT04500626.xml")
    }

    @Test func partialFailureIsStatus3WithOneLinePerError() throws {
        let folder = NSTemporaryDirectory() + "convert-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = try Data(contentsOf: URL(fileURLWithPath: ConvertTests.fixture("ctgov-xml/NCT01827488.xml")))
        try good.write(to: URL(fileURLWithPath: folder + "/a.xml"))
        try good.prefix(600).write(to: URL(fileURLWithPath: folder + "/b.xml"))
        let (status, stdout, stderr) = try run(["convert", folder])
        #expect(status == ExitStatus.partialFailure.rawValue)
        #expect(stdout.split(separator: "\n").count == 1)
        let errorLines = stderr.split(separator: "\n")
        #expect(errorLines.count == 2)
        #expect(errorLines[0].hasPrefix("error: " + folder + "/b.xml: line "))
        #expect(errorLines[0].contains(": malformed XML: "))
        #expect(errorLines[1] == "convert: 1 record, 1 error from 2 files (3 KB)")
    }

    @Test func nothingReadIsStatus4() throws {
        let (status, stdout, stderr) = try run(["convert", "/nonexistent/dump.zip"])
        #expect(status == ExitStatus.nothingRead.rawValue)
        #expect(stdout.isEmpty)
        #expect(stderr.hasPrefix("error: /nonexistent/dump.zip: cannot read: "))
        let folder = NSTemporaryDirectory() + "convert-empty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try run(["convert", folder]).status == ExitStatus.nothingRead.rawValue)
    }

    @Test func usageErrorsAreStatus64() throws {
        #expect(try run(["convert"]).status == ExitStatus.usage.rawValue)
        #expect(try run(["convert", "--workers", "0", ConvertTests.fixture("text")]).status == ExitStatus.usage.rawValue)
    }

    @Test func outputIsTheSameWithAnyNumberOfWorkers() throws {
        let paths = [ConvertTests.fixture("zip/nested.zip"), ConvertTests.fixture("ctgov-xml"), ConvertTests.fixture("ctgov-json")]
        let one = try run(["convert", "--workers", "1"] + paths)
        let four = try run(["convert", "--workers", "4"] + paths)
        #expect(one.status == 0)
        #expect(one.stdout == four.stdout)
        #expect(!one.stdout.isEmpty)
    }

    @Test func exitStatusTable() {
        #expect(ExitStatus.of(records: 3, errors: 0) == .success)
        #expect(ExitStatus.of(records: 3, errors: 1) == .partialFailure)
        #expect(ExitStatus.of(records: 0, errors: 1) == .nothingRead)
        #expect(ExitStatus.of(records: 0, errors: 0) == .nothingRead)
    }
}
