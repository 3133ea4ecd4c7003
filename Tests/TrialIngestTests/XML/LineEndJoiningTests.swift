import Testing
@testable import TrialIngest
import TrialSearchCore

/// `SAXParser`'s `joiningLineEnds` (CR LF pairs and lone CRs handed to libxml2 as LF, an omitted range's
/// line ends dropped) changes no event: on the CRLF records of the fixtures, with blank lines, lone CRs
/// and CR CR LF runs, the element and text events equal those of the bytes as published, and with an
/// omitted range all but the white space where it was; `ClinicalStudyXML` reports an error of a CRLF
/// record from the bytes as published.
@Suite struct LineEndJoiningTests {
    /// Every event of a document as one string: `<name`, `>`, and the text (in one piece per run of
    /// text events, so that the pieces libxml2 cuts the text into do not matter).
    final class Recorder: SAXDelegate {
        var events: [String] = []
        private var text: [UInt8] = []

        private func flushText() {
            if !text.isEmpty { events.append("text:" + String(decoding: text, as: UTF8.self)) }
            text.removeAll()
        }

        override func startElement(_ name: UnsafePointer<UInt8>) {
            flushText()
            events.append("<" + String(cString: name))
        }

        override func endElement() {
            flushText()
            events.append(">")
        }

        override func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
            text.append(contentsOf: bytes)
        }
    }

    static let crlfRecords = ["NCT01742533", "NCT03816852", "NCT04422561", "NCT04500626", "NCT04556630"]

    /// The events of `bytes`, and whether line ends were joined.
    static func events(_ bytes: [UInt8], joining: Bool, omitting: Range<Int>? = nil) throws -> ([String], Bool) {
        let parser = SAXParser(maxDepth: 64)
        let recorder = Recorder()
        try bytes.withUnsafeBytes { raw in
            try parser.parse(raw, delegate: recorder, at: IngestLocation(file: "test.xml"), omitting: omitting,
                             joiningLineEnds: joining)
        }
        return (recorder.events, parser.joinedLineEnds)
    }

    @Test func crlfRecordsGiveTheSameEvents() throws {
        for record in Self.crlfRecords {
            let bytes = try Fixtures.bytes("ctgov-xml/\(record).xml")
            let crlfPairs = zip(bytes, bytes.dropFirst()).filter { $0 == (0x0D, 0x0A) }.count
            #expect(crlfPairs > 100, "\(record) is a CRLF record")
            let (published, joinedPublished) = try Self.events(bytes, joining: false)
            let (joined, joinedJoined) = try Self.events(bytes, joining: true)
            #expect(!joinedPublished && joinedJoined)
            #expect(joined == published, "\(record)")
            #expect(published.contains { $0.hasPrefix("text:") && $0.contains("\n\n") }, "blank lines in \(record)'s text")
        }
    }

    @Test func loneCRsAndCRRunsGiveTheSameEvents() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT04500626.xml")
        // Every fifth CR LF becomes CR CR LF, every seventh a lone CR; the record ends with CR LF CR.
        var changed: [UInt8] = []
        var pair = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                pair += 1
                if pair % 5 == 0 { changed += [0x0D, 0x0D, 0x0A]; i += 2; continue }
                if pair % 7 == 0 { changed += [0x0D]; i += 2; continue }
            }
            changed.append(bytes[i])
            i += 1
        }
        changed += [0x0D, 0x0A, 0x0D]
        let (published, _) = try Self.events(changed, joining: false)
        let (joined, joinedLineEnds) = try Self.events(changed, joining: true)
        #expect(joinedLineEnds)
        #expect(joined == published)
    }

    @Test func anOmittedRangeWithJoinedLineEndsGivesTheSameEvents() throws {
        // A record with a results section, written with CRLF line ends.
        let lf = try Fixtures.bytes("ctgov-xml/NCT01101477.xml")
        var crlf: [UInt8] = []
        for byte in lf {
            if byte == 0x0A { crlf.append(0x0D) }
            crlf.append(byte)
        }
        let cut = try #require(crlf.withUnsafeBytes { ClinicalResultsSection.range(in: $0) })
        let (published, _) = try Self.events(crlf, joining: false, omitting: cut)
        let (joined, joinedLineEnds) = try Self.events(crlf, joining: true, omitting: cut)
        #expect(joinedLineEnds)
        // The white space where the section was differs (its line ends are not kept); nothing else.
        func content(_ events: [String]) -> [String] {
            events.filter { !$0.hasPrefix("text:") || $0.dropFirst(5).contains { !" \n".contains($0) } }
        }
        #expect(content(joined) == content(published))
        #expect(content(published).count > 300)
        #expect(joined.count == published.count)
        #expect(!published.contains("<clinical_results"))
        // The LF record with its section cut: line ends dropped there too, the same content.
        let lfCut = try #require(lf.withUnsafeBytes { ClinicalResultsSection.range(in: $0) })
        let (lfJoined, lfChanged) = try Self.events(lf, joining: true, omitting: lfCut)
        #expect(lfChanged)
        #expect(content(lfJoined) == content(published))
    }

    @Test func notJoinedOutsideASCIICompatibleEncodings() throws {
        // UTF-16 (a `<` then a 0 byte): the bytes are left alone.
        let utf16: [UInt8] = Array("<a>x\r\ny</a>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let (events, joinedLineEnds) = try Self.events([0xFF, 0xFE] + utf16, joining: true)
        #expect(!joinedLineEnds)
        #expect(events == ["<a", "text:x\ny", ">"])
        let (plain, plainJoined) = try Self.events(Array("<a>x\r\ny</a>".utf8), joining: true)
        #expect(plainJoined)
        #expect(plain == ["<a", "text:x\ny", ">"])
    }

    @Test func errorsOfACRLFRecordAreThoseOfThePublishedBytes() throws {
        // A mismatched end tag after several CRLF lines: the same message and line as a parse of the
        // bytes as published.
        var bytes = try Fixtures.bytes("ctgov-xml/NCT04422561.xml")
        let close = Array("</brief_title>".utf8)
        let at = try #require(indexOf(close, in: bytes))
        bytes.replaceSubrange(at..<(at + close.count), with: Array("</brief_titel>".utf8))
        let location = IngestLocation(file: "broken.xml")
        let expected: IngestError
        do {
            _ = try Self.events(bytes, joining: false)
            Issue.record("the broken record parsed")
            return
        } catch let error as IngestError {
            expected = error
        }
        let reader = ClinicalStudyXML()
        let result = bytes.withUnsafeBytes { raw in
            catching { () throws(IngestError) in
                try reader.read(raw, source: RecordSource(file: "broken.xml", entry: "", format: .clinicalStudyXML),
                                at: location)
            }
        }
        guard case .failure(let error) = result else {
            Issue.record("expected an error")
            return
        }
        #expect(error.description == expected.description.replacingOccurrences(of: "test.xml", with: "broken.xml"))
        guard case .malformedXML(let errorLocation, _) = error else {
            Issue.record("expected malformedXML, got \(error)")
            return
        }
        #expect(errorLocation.line != nil)
        // The reader still reads the next record (its parser and handler are reset).
        let next = try Fixtures.bytes("ctgov-xml/NCT04500626.xml")
        let trial = try next.withUnsafeBytes { raw in
            try reader.read(raw, source: RecordSource(file: "next.xml", entry: "", format: .clinicalStudyXML), at: location)
        }
        #expect(trial.id.rawValue == "NCT04500626")
    }
}
