import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// `ClinicalStudyXML` leaves the root's children the handler does not read (`UnreadElements`) out of the
/// copy libxml2 parses, each replaced by a processing instruction that libxml2 must report as a child of
/// the root: records read as they read with every element parsed, the results section is the range
/// `ClinicalResultsSection` finds, an element with anything unusual inside is kept, a cut that is not a
/// child of the root is parsed again whole, and broken records fail with the error and line they have
/// without the cuts.
@Suite struct UnreadElementsTests {
    static let location = IngestLocation(file: "t.xml")
    static let source = RecordSource(file: "t.xml", entry: "", format: .clinicalStudyXML)

    /// Every fixture record, as published and with LF line ends and no `&#xD;` references.
    static func records() throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("ctgov-xml")).sorted()
        var records: [[UInt8]] = []
        for name in names where name.hasSuffix(".xml") {
            let bytes = try Fixtures.bytes("ctgov-xml/\(name)")
            records.append(bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            records.append(Array(text.replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "&#xD;\n", with: "\n").utf8))
        }
        return records
    }

    /// The reading without the cuts (`ClinicalStudyXML.read` before them): the results section left out,
    /// everything else parsed, errors from the bytes as published.
    static func readWhole(_ bytes: [UInt8]) -> Result<Trial, IngestError> {
        let parser = SAXParser(maxDepth: IngestOptions().maxXMLDepth)
        let handler = ClinicalStudyXMLHandler()
        return bytes.withUnsafeBytes { raw in
            catching { () throws(IngestError) -> Trial in
                let results = ClinicalResultsSection.range(in: raw)
                handler.reset(source: source)
                do throws(IngestError) {
                    try parser.parse(raw, delegate: handler, at: location, omitting: results, joiningLineEnds: true)
                } catch {
                    guard parser.joinedLineEnds else { throw error }
                    if case .notUTF8 = error { throw error }
                    handler.reset(source: source)
                    try parser.parse(raw, delegate: handler, at: location, omitting: results)
                }
                guard handler.sawRoot else {
                    throw .missingField(location, format: .clinicalStudyXML, field: "<clinical_study> root element")
                }
                guard let id = TrialID(handler.nctId) else {
                    throw .missingField(location, format: .clinicalStudyXML, field: "<nct_id>")
                }
                return handler.finish(id: id)
            }
        }
    }

    static func read(_ bytes: [UInt8]) -> Result<Trial, IngestError> {
        let reader = ClinicalStudyXML()
        return bytes.withUnsafeBytes { raw in
            catching { () throws(IngestError) in try reader.read(raw, source: source, at: location) }
        }
    }

    /// The same `Trial`, or the same error (kind, message and line).
    static func expectSame(_ bytes: [UInt8], _ comment: Comment? = nil) {
        switch (read(bytes), readWhole(bytes)) {
        case (.success(let cut), .success(let whole)): #expect(cut == whole, comment)
        case (.failure(let cut), .failure(let whole)): #expect("\(cut)" == "\(whole)", comment)
        case (let cut, let whole): Issue.record("\(cut) against \(whole) \(comment.map { "\($0)" } ?? "")")
        }
    }

    /// The ranges `UnreadElements` finds in `bytes`, as strings.
    static func ranges(_ bytes: [UInt8]) -> [String] {
        let finder = UnreadElements()
        return bytes.withUnsafeBytes { raw in
            finder.find(in: raw)
            return finder.ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    /// Whether the cut parse of `bytes` held (libxml2 reported every marker as a child of the root).
    static func cutsHeld(_ bytes: [UInt8]) throws -> Bool {
        let finder = UnreadElements()
        let parser = SAXParser(maxDepth: 64)
        return try bytes.withUnsafeBytes { raw in
            finder.find(in: raw)
            #expect(!finder.ranges.isEmpty)
            try parser.parse(raw, delegate: ClinicalStudyXMLHandler(), at: location, omitting: finder.results,
                             unread: finder.ranges, joiningLineEnds: true)
            return parser.leftOutUnread
        }
    }

    static func replacing(_ bytes: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(old), "\(old)")
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }

    /// A fixture record with LF line ends and no `&#xD;` references.
    static func plain(_ name: String) throws -> [UInt8] {
        let text = String(decoding: try Fixtures.bytes("ctgov-xml/\(name).xml"), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "&#xD;\n", with: "\n").utf8)
    }

    @Test func fixtureRecordsReadAsWhole() throws {
        var cut = 0
        for bytes in try Self.records() {
            Self.expectSame(bytes)
            if try Self.cutsHeld(bytes) { cut += 1 }
        }
        #expect(cut >= 20, "the cuts held in most records")
    }

    /// The ranges are whole unread elements, neighbours joined: `required_header` and the dates after
    /// the references, never a read element.
    @Test func rangesAreUnreadElements() throws {
        let bytes = try Self.plain("NCT00001070")
        let ranges = Self.ranges(bytes)
        #expect(ranges.first?.hasPrefix("<required_header>") == true)
        #expect(ranges.first?.hasSuffix("</required_header>") == true)
        #expect(ranges.contains { $0.hasPrefix("<verification_date>") && $0.contains("<study_first_submitted_qc>") })
        for range in ranges {
            for tag in ["<brief_title", "<id_info", "<location", "<keyword", "<study_first_posted", "<clinical_results"] {
                #expect(!range.contains(tag), "\(range)")
            }
        }
    }

    /// The results section is the range `ClinicalResultsSection.range(in:)` finds, wherever its start
    /// tag stands (first bytes, last bytes, mid-line, twice, without an end tag).
    @Test func resultsSectionIsTheSameRange() throws {
        let results = try Self.plain("NCT01101477")
        var variants = try Self.records() + [results]
        let open = Array("<clinical_results>".utf8), close = Array("</clinical_results>".utf8)
        let plain = try Self.plain("NCT00001070")
        for at in [0, 1, 2, 3, 4, 17, 40, plain.count - 40, plain.count - 19, plain.count - 18, plain.count - 17, plain.count] {
            variants.append(Array(plain[..<at]) + open + Array(plain[at...]))
            variants.append(Array(plain[..<at]) + open + Array("x".utf8) + close + Array(plain[at...]))
        }
        variants.append(open + close)
        variants.append(open)
        // Records of every length up to 64 bytes (the blocks' bounds).
        for count in 0...64 {
            variants.append(Array(plain.prefix(count)))
            variants.append(Array((open + close + plain).prefix(count)))
        }
        variants.append(Array(results.prefix(results.count / 2)))
        for bytes in variants {
            let finder = UnreadElements()
            bytes.withUnsafeBytes { raw in
                finder.find(in: raw)
                #expect(finder.results == ClinicalResultsSection.range(in: raw))
                if let results = finder.results {
                    #expect(!finder.ranges.contains { $0.overlaps(results) })
                }
            }
        }
    }

    /// An unread element with a comment, a CDATA section, a processing instruction, its own name nested
    /// or an end tag of its name inside is kept whole; the record reads as without the cuts.
    @Test func unusualElementsAreKept() throws {
        let bytes = try Self.plain("NCT00001070")
        let header = "<download_date>ClinicalTrials.gov processed this data on February 03, 2023</download_date>"
        for inside in ["<!-- a comment -->", "<![CDATA[ text ]]>", "<?pi data?>", "<required_header>x</required_header>",
                       "<required_header/>", "</required_header><required_header>"] {
            let variant = try Self.replacing(bytes, header, header + inside)
            #expect(!Self.ranges(variant).contains { $0.hasPrefix("<required_header>") }, "\(inside)")
            Self.expectSame(variant, "\(inside)")
        }
        // With attributes or a namespace prefix: kept too.
        for tag in ["<required_header a=\"1\">", "<x:required_header xmlns:x=\"u\">"] {
            let closing = tag.hasPrefix("<x:") ? "</x:required_header>" : "</required_header>"
            var variant = try Self.replacing(bytes, "<required_header>", tag)
            variant = try Self.replacing(variant, "</required_header>", closing)
            #expect(!Self.ranges(variant).contains { $0.contains("required_header") }, "\(tag)")
            Self.expectSame(variant, "\(tag)")
        }
    }

    /// A two-space line that is not a child of the root (inside a comment, inside a leaf the handler reads
    /// as text, inside a skipped element) is found on the layout, but libxml2 does not report its marker
    /// as a child of the root: the record is parsed whole, and reads as without the cuts.
    @Test func cutsThatAreNotRootChildrenAreParsedWhole() throws {
        let bytes = try Self.plain("NCT00001070")
        let title = "<brief_title>"
        let variants = [
            try Self.replacing(bytes, "<id_info>", "<!--\n  <source>in a comment</source>\n  -->\n  <id_info>"),
            try Self.replacing(bytes, title, title + "Before\n  <source>inside the title</source>\n  after "),
            try Self.replacing(bytes, "<sponsors>", "<sponsors>\n  <source>in sponsors</source>"),
            try Self.replacing(bytes, "<id_info>", "<?pi?>\n  <id_info>"),
        ]
        for variant in variants {
            #expect(try !Self.cutsHeld(variant))
            Self.expectSame(variant)
        }
        // The title's text keeps the element's text, as without the cuts.
        let inTitle = try Self.read(variants[1]).get()
        #expect(inTitle.briefTitle.contains("inside the title"))
    }

    /// Broken records fail with the error and line they have without the cuts: an unread element without
    /// its end tag, an error after a cut, a bad byte after a cut, a record cut short inside or after an
    /// unread element.
    @Test func brokenRecordsFailAsWhole() throws {
        for name in ["NCT00001070", "NCT04500626", "NCT01101477"] {
            let bytes = try Self.plain(name)
            let published = try Fixtures.bytes("ctgov-xml/\(name).xml")
            var variants = [
                try Self.replacing(bytes, "</required_header>", ""),
                try Self.replacing(bytes, "</verification_date>", ""),
                try Self.replacing(bytes, "</clinical_study>", "</clinical_stud>"),
                try Self.replacing(bytes, "</clinical_study>", "&bad;</clinical_study>"),
                try Self.replacing(published, "</clinical_study>", "</clinical_stud>"),
            ]
            var latin = bytes
            if let at = indexOf(Array("</clinical_study>".utf8), in: latin) { latin.insert(0xE9, at: at) }
            variants.append(latin)
            if let at = indexOf(Array("<verification_date>".utf8), in: bytes) {
                variants.append(Array(bytes[..<(at + 25)]))
                variants.append(Array(bytes[..<(at - 1)]))
            }
            for variant in variants {
                guard case .failure = Self.read(variant) else {
                    Issue.record("\(name): expected an error")
                    continue
                }
                Self.expectSame(variant, "\(name)")
            }
        }
    }

    /// What the cuts no longer check: a broken tag, a byte that is not UTF-8 or an undeclared entity inside
    /// an unread element goes unnoticed (as inside `clinical_results`), and the record reads as intact.
    @Test func unreadElementsAreNotValidated() throws {
        let bytes = try Self.plain("NCT00001070")
        let intact = try Self.read(bytes).get()
        let date = try #require(indexOf(Array("<verification_date>".utf8), in: bytes))
        var latin = bytes
        latin.insert(0xE9, at: date + 19)
        for variant in [
            try Self.replacing(bytes, "<url>", "<<url>"),
            try Self.replacing(bytes, "<download_date>", "<download_date>&undeclared;"),
            latin,
        ] {
            #expect(try Self.read(variant).get() == intact)
            guard case .failure = Self.readWhole(variant) else {
                Issue.record("expected the whole parse to fail")
                continue
            }
        }
    }
}

/// The handler's dates are parsed from a value's bytes when `TextNormalizer.line` would copy them as they
/// are, else from the normalized `String`: either way the date of the normalized text, and an empty value
/// leaves the date unset.
@Suite struct DateFromBytesTests {
    @Test func datesReadAsFromTheirNormalizedLine() throws {
        let bytes = try UnreadElementsTests.plain("NCT04500626")
        let tag = "<start_date type=\"Anticipated\">October 2020</start_date>"
        for text in ["October 2020", "  October   2020 ", "October\n  2020", "October\t2020", "2020-10-05", "Oct 5, 2020",
                     "October 5, 2020", "", " ", "2020", "Octobre 2020", "13 2020", "October 2020 and more text past 32 bytes",
                     "&#32;October 2020", "October&#xA;2020"] {
            let variant = try UnreadElementsTests.replacing(bytes, tag, "<start_date>\(text)</start_date>")
            let trial = try UnreadElementsTests.read(variant).get()
            let decoded = text.replacingOccurrences(of: "&#32;", with: " ").replacingOccurrences(of: "&#xA;", with: "\n")
            let line = TextNormalizer.line(decoded)
            #expect(trial.startDate == (line.isEmpty ? nil : RegistryDate.parse(line)), "\(text)")
            #expect(trial.completionDate == .iso("2022-08"))
        }
    }
}
