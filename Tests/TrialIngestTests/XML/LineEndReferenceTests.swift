import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// `SAXParser`'s `joiningLineEnds` drops the `&#xD;` references that stand before an LF (the 2022–2023
/// dumps' line ends) from the copy libxml2 parses: the `Trial`s are those of the records as published,
/// a reference after another one (`&#xD;&#xD;` before an LF: a blank line) is kept, and a CDATA section,
/// where a reference is text, is read from the bytes as published.
@Suite struct LineEndReferenceTests {
    static func read(_ bytes: [UInt8]) throws -> Trial {
        let reader = ClinicalStudyXML()
        return try bytes.withUnsafeBytes { raw in
            try reader.read(raw, source: RecordSource(file: "t.xml", entry: "", format: .clinicalStudyXML),
                            at: IngestLocation(file: "t.xml"))
        }
    }

    /// `bytes` with `insert` before every LF inside the root element (character data is not allowed
    /// outside it) that does not follow a reference already.
    static func beforeLineFeeds(_ bytes: [UInt8], _ insert: String) -> [UInt8] {
        let open = Array("<clinical_study".utf8), close = Array("</clinical_study>".utf8)
        func find(_ pattern: [UInt8]) -> Int {
            (0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern } ?? 0
        }
        let first = find(open), last = find(close)
        var out: [UInt8] = []
        for (i, byte) in bytes.enumerated() {
            if byte == 0x0A, i > first, i < last, bytes[i - 1] != UInt8(ascii: ";") { out += Array(insert.utf8) }
            out.append(byte)
        }
        return out
    }

    @Test func recordsWithReferencesBeforeLineFeedsReadAsPublished() throws {
        var records = 0
        for name in ["NCT00001070", "NCT00001981", "NCT00461812", "NCT04500626"] {
            let bytes = try Fixtures.bytes("ctgov-xml/\(name).xml")
            guard !bytes.contains(0x0D) else { continue }
            let trial = try Self.read(bytes)
            // Every line end a CR LF pair in the text (the same text to `TextNormalizer`), or a CR CR LF run
            // (a blank line: kept).
            #expect(try Self.read(Self.beforeLineFeeds(bytes, "&#xD;")) == trial, "\(name)")
            let lineFeeds = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "&#xD;\n", with: "\n").utf8)
            let doubled = Self.beforeLineFeeds(lineFeeds, "&#xD;&#xD;")
            let published = try doubled.withUnsafeBytes { raw in
                let parser = SAXParser(maxDepth: 64)
                let recorder = LineEndJoiningTests.Recorder()
                try parser.parse(raw, delegate: recorder, at: IngestLocation(file: "t.xml"), omitting: nil)
                return recorder.events
            }
            let joined = try LineEndJoiningTests.events(doubled, joining: true)
            #expect(joined.0 == published, "\(name): a reference after a reference is kept")
            records += 1
        }
        #expect(records >= 3)
    }

    @Test func parserReportsTheDroppedReferences() throws {
        let bytes = Array("<a>x&#xD;\ny&#xD;&#xD;\nz &#xD;</a>".utf8)
        let (events, joined) = try LineEndJoiningTests.events(bytes, joining: true)
        #expect(joined)
        #expect(events == ["<a", "text:x\ny\r\r\nz \r", ">"])
        let (plain, notJoined) = try LineEndJoiningTests.events(bytes, joining: false)
        #expect(!notJoined)
        #expect(plain == ["<a", "text:x\r\ny\r\r\nz \r", ">"])
    }

    /// A reference before an LF where it is not an element's text is an error, as published: inside a tag,
    /// after the root element, in the prolog. After a tag with attributes it is kept (and read as text).
    @Test func referencesOutsideTextStayErrors() throws {
        let record = "<clinical_study>\n  <id_info>\n    <nct_id>NCT00000001</nct_id>\n  </id_info>\n"
        for bad in [record + "  <brief_title&#xD;\n>x</brief_title>\n</clinical_study>\n",
                    record + "  <brief_title>x</brief_title&#xD;\n>\n</clinical_study>\n",
                    record + "  <brief_title a=\"1\"&#xD;\n>x</brief_title>\n</clinical_study>\n",
                    record + "</clinical_study>&#xD;\n",
                    record + "</clinical_study>\n<!-- c -->&#xD;\n",
                    "<?xml version=\"1.0\"?>&#xD;\n" + record + "</clinical_study>\n",
                    "<!DOCTYPE clinical_study>&#xD;\n" + record + "</clinical_study>\n"] {
            #expect(throws: IngestError.self, "\(bad)") { try Self.read(Array(bad.utf8)) }
        }
        let kept = try Self.read(Array((record + "  <brief_title a=\"1\">Phase&#xD;\ntrial</brief_title>\n</clinical_study>\n").utf8))
        #expect(kept.briefTitle == "Phase trial")
    }

    @Test func cdataSectionsKeepTheirReferences() throws {
        let bytes = Array("""
            <clinical_study>
              <id_info>&#xD;
                <nct_id>NCT00000001</nct_id>&#xD;
              </id_info>
              <brief_title><![CDATA[Phase&#xD;
            trial]]></brief_title>
            </clinical_study>

            """.utf8)
        let trial = try Self.read(bytes)
        #expect(trial.briefTitle == "Phase&#xD; trial")
        #expect(trial.id.rawValue == "NCT00000001")
    }
}
