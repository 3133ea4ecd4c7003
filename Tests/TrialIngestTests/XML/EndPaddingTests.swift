import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// `SAXParser` appends the comment `endPadding` to the copy of a document it parses with `joiningLineEnds`,
/// so that libxml2's input never comes within `INPUT_CHUNK` bytes of its end inside the root element. The
/// comment stands after the root element: a document gives the same events, and one that fails (cut short
/// anywhere in its last elements, or with bytes after its root element) still fails, with the error of
/// the bytes as published.
@Suite struct EndPaddingTests {
    /// The events of `bytes` (parsed with or without `joiningLineEnds`), or nil when the parse failed.
    static func outcome(_ bytes: [UInt8], joining: Bool) -> [String]? {
        try? LineEndJoiningTests.events(bytes, joining: joining).0
    }

    /// Fixture records with LF line ends and no `&#xD;` references (CR LF and `&#xD;` LF made LF): joining
    /// changes nothing in them but the padding.
    static func plainRecords() throws -> [[UInt8]] {
        try ["NCT00001070", "NCT00001981", "NCT00461812", "NCT04500626"].map { name in
            let text = String(decoding: try Fixtures.bytes("ctgov-xml/\(name).xml"), as: UTF8.self)
            return Array(text.replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "&#xD;\n", with: "\n").utf8)
        }
    }

    @Test func paddedRecordsGiveTheSameEvents() throws {
        let records = try Self.plainRecords()
        #expect(records.count >= 2)
        for bytes in records {
            let (published, publishedJoined) = try LineEndJoiningTests.events(bytes, joining: false)
            let (padded, paddedJoined) = try LineEndJoiningTests.events(bytes, joining: true)
            #expect(!publishedJoined && paddedJoined)
            #expect(SAXParser.endPadding.count > 250)
            #expect(padded == published)
        }
    }

    /// Every cut of a record's last 400 bytes (inside its last tags, comments, text and the root's end
    /// tag) and the record followed by other bytes: the padded copy fails exactly when the bytes as
    /// published do, and gives their events when both succeed.
    @Test func recordsCutShortOrWithTrailingBytesFailAsPublished() throws {
        for bytes in try Self.plainRecords() {
            var variants: [[UInt8]] = (max(2, bytes.count - 400)...bytes.count).map { Array(bytes[..<$0]) }
            for tail in ["x", "<", "<!", "<!-", "<!--", "<!-- c", "<!-- c -", "<!-- c --", "<?pi", "<?pi ?", "<a/>", "<a b=\"",
                         "<![CDATA[", "\u{0}", "\u{0}<b>", "]]>", "&amp;", "<!DOCTYPE a>", "<!DOCTYPE a [", "-->"] {
                variants.append(bytes + Array(tail.utf8))
                variants.append(bytes + Array(" \n".utf8) + Array(tail.utf8))
            }
            // A NUL byte near the end, inside the root element and after it.
            let end = bytes.count - 20
            variants.append(Array(bytes[..<end]) + [0] + Array(bytes[end...]))
            variants.append(bytes + [0x0A, 0])
            for variant in variants {
                let published = Self.outcome(variant, joining: false)
                let padded = Self.outcome(variant, joining: true)
                #expect((published == nil) == (padded == nil), "\(variant.count) bytes")
                if let published, let padded { #expect(published == padded) }
            }
        }
    }

    /// `ClinicalStudyXML` reports the error of a record cut short from the bytes as published: the same
    /// message and line as a parse without the padding.
    @Test func errorsAreThoseOfThePublishedBytes() throws {
        let bytes = try #require(try Self.plainRecords().first)
        for cut in [bytes.count - 3, bytes.count - 30, bytes.count - 120] {
            let short = Array(bytes[..<cut])
            let read = LineEndReferenceTests.self
            var readError: IngestError?
            do { _ = try read.read(short) } catch let error as IngestError { readError = error }
            var plainError: IngestError?
            do {
                try short.withUnsafeBytes { raw in
                    try SAXParser(maxDepth: 64).parse(raw, delegate: SAXDelegate(), at: IngestLocation(file: "t.xml"),
                                                      omitting: nil)
                }
            } catch let error as IngestError { plainError = error }
            #expect(readError != nil)
            #expect(readError.map { "\($0)" } == plainError.map { "\($0)" }, "cut at \(cut)")
        }
    }
}
