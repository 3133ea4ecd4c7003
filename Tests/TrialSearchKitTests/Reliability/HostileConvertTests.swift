import Foundation
import Testing

/// The hostile inputs through the real command, as a user would meet them: `trialsearch convert` on
/// the committed hostile folder and on a 100 MB record, with the process's peak memory.
@Suite struct HostileConvertTests {
    /// Every committed hostile file (about a hundred) with an intact record after them: each failure
    /// is one `error: FILE…` line naming a hostile file, the intact record is printed, nothing secret
    /// or escape-like is printed, and memory stays small (the quadratic entity bomb alone used to make
    /// 50 MB of text).
    @Test func theHostileFolderIsRefusedRecordByRecord() throws {
        let folder = ConvertTests.fixture("hostile")
        let good = ConvertTests.fixture("ctgov-xml/NCT01827488.xml")
        let outcome = try ChildProcess.run(["convert", "--workers", "2", folder, good], measureMemory: true)
        #expect(outcome.status == 3, "\(outcome.stderr.suffix(500))")
        let lines = outcome.stderr.split(separator: "\n")
        let errors = lines.filter { $0.hasPrefix("error: ") }
        #expect(errors.count >= 90, "\(errors.count) errors")
        for line in errors {
            #expect(line.hasPrefix("error: " + folder + "/"), "names a hostile file: \(line)")
        }
        #expect(lines.last?.hasPrefix("convert: ") == true)
        let records = outcome.stdout.split(separator: "\n")
        #expect(records.last?.contains("\"id\":\"NCT01827488\"") == true, "the intact record is read last")
        for record in records {
            #expect((try? JSONSerialization.jsonObject(with: Data(record.utf8))) != nil, "one JSON object per line")
        }
        for output in [outcome.stdout, outcome.stderr] {
            #expect(!output.contains("root:x:0:0") && !output.contains("\u{1B}") && !output.contains("\u{0}"))
            #expect(!output.contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), "no entity was expanded")
        }
        HostileConvertTests.expectPeak(outcome, below: 64 << 20)
    }

    /// A 100 MB record is refused from its size, never read: the process stays far below 100 MB.
    @Test func a100MBTextNodeIsRefusedWithoutReadingIt() throws {
        let folder = NSTemporaryDirectory() + "trialsearch-big-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let head = Array("<?xml version=\"1.0\"?><clinical_study><id_info><nct_id>NCT04500626</nct_id></id_info><brief_summary><textblock>".utf8)
        let tail = Array("</textblock></brief_summary></clinical_study>".utf8)
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: head.count + (100 << 20) + tail.count)
        bytes.replaceSubrange(0..<head.count, with: head)
        bytes.replaceSubrange((bytes.count - tail.count)..<bytes.count, with: tail)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/big.xml"))
        let outcome = try ChildProcess.run(["convert", folder + "/big.xml", ConvertTests.fixture("ctgov-xml/NCT01827488.xml")],
                                          measureMemory: true)
        #expect(outcome.status == 3)
        #expect(outcome.stderr.hasPrefix("error: \(folder)/big.xml: file is \(bytes.count) bytes, more than the limit of 67108864\n"))
        #expect(outcome.stdout.contains("\"id\":\"NCT01827488\""))
        HostileConvertTests.expectPeak(outcome, below: 48 << 20)
    }

    /// Checks the child's peak memory, or says why it could not be measured.
    static func expectPeak(_ outcome: ChildProcess.Outcome, below limit: Int) {
        guard let peak = outcome.peakBytes else {
            print("peak memory not checked: \(ChildProcess.timeCommand) (GNU time) is not installed")
            return
        }
        #expect(peak < limit, "peak memory \(peak >> 20) MB, limit \(limit >> 20) MB")
    }
}
