import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// A ClinicalTrials.gov record with CR LF (or lone CR) line ends and its twin with LF line ends give
/// the same `Trial`, or the same kind of error at the same place (file, record, line): XML reads every
/// line end as LF, and the reader hands CRLF records to libxml2 with LF line ends, re-parsing the
/// bytes as published on error (the `xml` fuzz target checks this on every input; the inputs it
/// stopped on are in `Tests/Fixtures/fuzz/xml/`). A byte offset in a message counts the CRs, so the
/// messages may differ there: `crash-79f1…` (a byte that is not UTF-8 after a line end) is
/// "line 2: … at byte 7" with LF and "line 2: … at byte 8" with CR LF, both right.
@Suite struct LineEndTwinTests {
    /// `bytes` with every CR LF and lone CR made LF, or (without CR) every LF made CR LF; a UTF-16BE
    /// input (first byte 0: `crash-65d8…`, which the fuzz target's byte-wise twin got wrong) code unit
    /// by code unit.
    static func twin(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.first == 0, bytes.count % 2 == 0 {
            let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return unitTwin(units).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
        return unitTwin(bytes)
    }

    static func unitTwin<Unit: FixedWidthInteger>(_ bytes: [Unit]) -> [Unit] {
        var twin: [Unit] = []
        if bytes.contains(0x0D) {
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0D {
                    twin.append(0x0A)
                    if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                } else {
                    twin.append(bytes[i])
                }
                i += 1
            }
        } else {
            for byte in bytes {
                if byte == 0x0A { twin.append(0x0D) }
                twin.append(byte)
            }
        }
        return twin
    }

    static func outcomes(_ bytes: [UInt8]) -> [String] {
        let decoder = RecordDecoder(options: IngestOptions())
        var outcomes: [String] = []
        bytes.withUnsafeBytes { raw in
            decoder.decode(raw, kind: .clinicalStudyXML, file: "record.xml", entry: "", archiveDepth: 0) { result in
                switch result {
                case .success(let trial): outcomes.append(trial.jsonString)
                case .failure(let error):
                    let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
                    outcomes.append("\(kind) \(String(describing: error.location))")
                }
            }
        }
        return outcomes
    }

    static var inputs: [String] {
        let folder = Fixtures.path("fuzz/xml")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("crash-") }.sorted().map { "fuzz/xml/" + $0 }
            + ["ctgov-xml/NCT00001070.xml", "ctgov-xml/NCT04500626.xml", "hostile/xml/truncated-4033.xml",
               "hostile/xml/mismatched-tags.xml"]
    }

    @Test(arguments: LineEndTwinTests.inputs)
    func aRecordAndItsLineEndTwinGiveTheSameOutcome(_ relative: String) throws {
        let bytes = try Fixtures.bytes(relative)
        let twin = LineEndTwinTests.twin(bytes)
        #expect(twin != bytes)
        #expect(LineEndTwinTests.outcomes(bytes) == LineEndTwinTests.outcomes(twin))
    }

    /// libxml2 counts no line at a lone CR: a record with lone-CR line ends had every error on line 1
    /// (`crash-55e8…`: a declaration and a CR). Its error is on the file's line now.
    @Test func anErrorAfterLoneCRsIsOnItsLine() {
        let outcomes = LineEndTwinTests.outcomes(Array("<clinical_study>\r<a>\r</b>\r</clinical_study>".utf8))
        #expect(outcomes == ["malformedXML Optional(record.xml: line 3)"])
    }
}
