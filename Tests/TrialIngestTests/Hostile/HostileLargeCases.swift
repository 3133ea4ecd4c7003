import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile inputs of 100 MB and more than a record limit, built at test time (never committed): a
/// text node, a text dump, a zip entry, an ICTRP trial, a JSON string. Each is refused by
/// `IngestOptions.maxRecordBytes` with its size, without being parsed, and the records around it are
/// read. (That the refusal keeps memory bounded is checked on the `trialsearch convert` process, in
/// `TrialSearchKitTests/Reliability/HostileMemoryTests`.)
///
/// Multi-record files are cut byte by byte by `RecordSplitter`, which a debug build runs at a few
/// MB/s: their cases use 3 MB records against a limit lowered to 1 MiB (the same code path).
enum HostileLargeCases {
    static let size = 100 << 20

    /// `prefix`, then `count` copies of `byte`, then `suffix`.
    static func padded(_ prefix: String, _ byte: UInt8, _ count: Int, _ suffix: String) -> [UInt8] {
        let head = Array(prefix.utf8)
        let tail = Array(suffix.utf8)
        var bytes = [UInt8](repeating: byte, count: head.count + count + tail.count)  // a memset, fast in debug builds
        bytes.replaceSubrange(0..<head.count, with: head)
        bytes.replaceSubrange((bytes.count - tail.count)..<bytes.count, with: tail)
        return bytes
    }

    /// A ClinicalTrials.gov record whose brief summary is `count` bytes of "a".
    static func record(summaryBytes count: Int) -> [UInt8] {
        padded("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clinical_study><id_info><nct_id>NCT04500626</nct_id></id_info>"
                + "\n<brief_title>Big</brief_title><brief_summary><textblock>\n", UInt8(ascii: "a"), count,
               "\n</textblock></brief_summary></clinical_study>\n")
    }

    static let smallLimits = IngestOptions(maxRecordBytes: 1 << 20)

    static var all: [HostileCase] {
        [
            HostileCase(name: "xml/100mb-text-node.xml", build: { _ in record(summaryBytes: size) },
                        outcome: .error(.tooLarge, "file is 104857807 bytes, more than the limit of 67108864"), committed: false),
            // Within the limit, a 4 MB text node is read whole (libxml2 hands it over in pieces).
            HostileCase(name: "xml/4mb-text-node.xml", build: { _ in record(summaryBytes: 4 << 20) },
                        outcome: .read(id: "NCT04500626") { $0.briefSummary.utf8.count == 4 << 20 }, committed: false),
            HostileCase(name: "text/100mb-dump.txt", build: { _ in
                padded("Title\n\nNCT ID: NCT05308342\n\nBrief Summary\n\n", UInt8(ascii: "t"), size, "\n")
            }, outcome: .error(.tooLarge, "file is 104857644 bytes, more than the limit of 67108864"), committed: false),
            HostileCase(name: "zip/100mb-record-entry.zip", build: { _ in
                try HostileArchiveCases.zip(CraftedZip.Entry("big/NCT04500626.xml", record(summaryBytes: size)))
            }, outcome: .error(.tooLarge, "record is 104857807 bytes, more than the limit of 67108864", entry: "big/NCT04500626.xml"),
               alsoRead: [HostileArchiveCases.intactID], committed: false),
            HostileCase(name: "ictrp/3mb-trial.xml", build: { _ in
                try HostileICTRPCases.editingSecondTrial {
                    try $0.replacing(Array("<Public_title>".utf8), with: padded("<Public_title>", UInt8(ascii: "x"), 3 << 20, ""))
                }
            }, outcome: .error(.tooLarge, "record 2: line 40: record is 3151415 bytes, more than the limit of 1048576"),
               alsoRead: HostileICTRPCases.others, committed: false, options: smallLimits),
            HostileCase(name: "json/3mb-string-in-an-array.json", build: { _ in
                try HostileJSONCases.inArray(padded("{\"protocolSection\": {\"x\": \"", UInt8(ascii: "y"), 3 << 20, "\"}}"))
            }, outcome: .error(.tooLarge, "record 1: line 2: record is 3145758 bytes, more than the limit of 1048576"),
               alsoRead: HostileJSONCases.arrayIDs, committed: false, options: smallLimits),
        ]
    }
}
