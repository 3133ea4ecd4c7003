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

    static func results(_ bytes: [UInt8]) -> [Result<Trial, IngestError>] {
        let decoder = RecordDecoder(options: IngestOptions())
        var results: [Result<Trial, IngestError>] = []
        bytes.withUnsafeBytes { raw in
            decoder.decode(raw, kind: .clinicalStudyXML, file: "record.xml", entry: "", archiveDepth: 0) { results.append($0) }
        }
        return results
    }

    static func outcomes(_ bytes: [UInt8]) -> [String] {
        results(bytes).map { result in
            switch result {
            case .success(let trial): return trial.jsonString
            case .failure(let error):
                let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
                return "\(kind) \(String(describing: error.location))"
            }
        }
    }

    /// The one error of reading `bytes` (a test failure when there is none).
    static func error(_ bytes: [UInt8]) throws -> IngestError {
        let all = results(bytes)
        #expect(all.count == 1)
        guard case .failure(let error) = try #require(all.first) else { throw NoError() }
        return error
    }

    struct NoError: Error {}

    /// `bytes` (CR LF, LF or mixed line ends) with LF line ends, with CR LF ones and with lone CRs.
    static func lineEndVariants(_ bytes: [UInt8]) -> (lf: [UInt8], crlf: [UInt8], cr: [UInt8]) {
        let lf = bytes.contains(0x0D) ? unitTwin(bytes) : bytes
        return (lf, unitTwin(lf), lf.map { $0 == 0x0A ? 0x0D : $0 })
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

    /// A record both malformed and not UTF-8 is "not UTF-8" at its first bad byte, whatever the line
    /// ends: `crash-1aa7…` (`<?ao` 0xF4 `~` LF: a processing instruction without the space after its
    /// target, and a byte that is not UTF-8) was "malformed XML" with LF and "not UTF-8" with CR LF,
    /// libxml2 meeting the other error first.
    @Test func aRecordBothMalformedAndNotUTF8IsNotUTF8AtItsBadByte() throws {
        let variants = LineEndTwinTests.lineEndVariants(try Fixtures.bytes("fuzz/xml/crash-1aa7a9d64339cee8937cd8c0fba286c6f6dacf8a"))
        for bytes in [variants.lf, variants.crlf, variants.cr] {
            let error = try LineEndTwinTests.error(bytes)
            #expect(error == .notUTF8(IngestLocation(file: "record.xml", line: 1), offset: 4), "\(bytes)")
        }
    }

    /// The same in a real record (CR LF as published): a mismatched tag on line 15 and Latin-1 "é" on
    /// line 85 give "line 85: not UTF-8" at the byte's offset with every line end (libxml2 alone
    /// stops at the tag: "line 15: malformed XML").
    @Test func aRealRecordMalformedBeforeALatin1ByteIsNotUTF8AtThatByte() throws {
        var published = try Fixtures.bytes("ctgov-xml/NCT04556630.xml")
        let e = try #require(indexOf(Array("Bérengère".utf8), in: published)) + 1
        published.replaceSubrange(e..<(e + 2), with: [0xE9])
        let title = try #require(indexOf(Array("<brief_title>".utf8), in: published))
        published.insert(contentsOf: Array("<x>".utf8), at: title + "<brief_title>".utf8.count)
        let variants = LineEndTwinTests.lineEndVariants(published)
        for bytes in [variants.lf, variants.crlf, variants.cr] {
            let bad = try #require(bytes.firstIndex(of: 0xE9))
            #expect(try LineEndTwinTests.error(bytes) == .notUTF8(IngestLocation(file: "record.xml", line: 85), offset: bad))
        }
        // Without the Latin-1 byte, the tag is the error, on its line with every line end.
        for bytes in [variants.lf, variants.crlf, variants.cr] {
            let fixed = bytes.map { $0 == 0xE9 ? UInt8(ascii: "e") : $0 }
            #expect(try LineEndTwinTests.error(fixed) == .malformedXML(IngestLocation(file: "record.xml", line: 15),
                message: "Opening and ending tag mismatch: x line 15 and brief_title"))
        }
    }

    /// After the omitted `<clinical_results>` section (214 lines here), a bad byte's offset is the
    /// published bytes' (it was the offset in libxml2's copy, where the section is only its line
    /// ends) and its line counts the section's line ends, lone CRs too; so does a malformation's.
    @Test func errorsAfterTheResultsSectionAreAtTheirByteAndLine() throws {
        let published = try Fixtures.bytes("ctgov-xml/NCT00461812.xml")
        let end = try #require(indexOf(Array("</clinical_study>".utf8), in: published))
        #expect(published[..<end].filter { $0 == 0x0A }.count == 365)
        var latin1 = published
        latin1.insert(contentsOf: Array("  <keyword>Caf".utf8) + [0xE9] + Array("</keyword>\n".utf8), at: end)
        var malformed = published
        malformed.insert(contentsOf: Array("  <x>\n".utf8), at: end)
        let latin1Variants = LineEndTwinTests.lineEndVariants(latin1)
        let malformedVariants = LineEndTwinTests.lineEndVariants(malformed)
        for bytes in [latin1Variants.lf, latin1Variants.crlf, latin1Variants.cr] {
            let bad = try #require(bytes.firstIndex(of: 0xE9))
            #expect(try LineEndTwinTests.error(bytes) == .notUTF8(IngestLocation(file: "record.xml", line: 366), offset: bad))
        }
        for bytes in [malformedVariants.lf, malformedVariants.crlf, malformedVariants.cr] {
            #expect(try LineEndTwinTests.error(bytes) == .malformedXML(IngestLocation(file: "record.xml", line: 367),
                message: "Opening and ending tag mismatch: x line 366 and clinical_study"))
        }
    }
}
