import Testing
@testable import TrialIngest
import TrialSearchCore

/// Broken and hostile XML, built by corrupting real records: each gives its documented error, and the
/// next record is still read.
@Suite struct MalformedXMLTests {
    /// Writes `broken` as the first file of a folder and an intact record as the second, reads the
    /// folder, and returns the error of the first (checking the second was read).
    private func errorReading(_ broken: [UInt8], options: IngestOptions = IngestOptions()) throws -> IngestError {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(broken, to: folder + "/a.xml")
        try Fixtures.write(try Fixtures.bytes("ctgov-xml/NCT01827488.xml"), to: folder + "/b.xml")
        let (trials, errors, results) = try readAll([folder], options: options)
        #expect(trials.map(\.id.rawValue) == ["NCT01827488"], "the next record is still read")
        #expect(errors.count == 1)
        guard case .failure(let error) = try #require(results.first) else {
            throw Failure.expectedError
        }
        #expect(error.location?.file == folder + "/a.xml")
        return error
    }

    enum Failure: Error { case expectedError }

    @Test func truncatedRecord() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT04500626.xml")
        let error = try errorReading(Array(bytes.prefix(bytes.count / 2)))
        guard case .malformedXML(let location, let message) = error else {
            Issue.record("expected malformedXML, got \(error)")
            return
        }
        #expect(location.line != nil)
        #expect(!message.isEmpty)
        #expect(error.description.hasPrefix(location.file + ": line "))
    }

    @Test func latin1BytesInAUTF8Record() throws {
        var bytes = try Fixtures.bytes("ctgov-xml/NCT04556630.xml")
        // "Bérengère" in Latin-1: é (C3 A9) → E9.
        let index = try #require(indexOf([0xC3, 0xA9], in: bytes))
        bytes.replaceSubrange(index..<(index + 2), with: [0xE9])
        let error = try errorReading(bytes)
        guard case .notUTF8(let location, let offset) = error else {
            Issue.record("expected notUTF8, got \(error)")
            return
        }
        #expect(offset == index)
        #expect(location.line == 85)
    }

    /// A record that declares Latin-1 is read as Latin-1 (libxml2 converts it), so its Latin-1 bytes
    /// are not an error; when it is malformed (a control character in its title), the error is
    /// libxml2's, not "not UTF-8" (it was, before errors were checked for UTF-8 only in documents read
    /// as UTF-8).
    @Test func aRecordDeclaredLatin1IsNeverNotUTF8() throws {
        var bytes = try Fixtures.bytes("ctgov-xml/NCT04556630.xml")
        let declaration = Array("encoding=\"UTF-8\"".utf8)
        let at = try #require(indexOf(declaration, in: bytes))
        bytes.replaceSubrange(at..<(at + declaration.count), with: Array("encoding=\"ISO-8859-1\"".utf8))
        // Its non-ASCII characters (é, è) are all Latin-1: C3 xx → xx + 0x40.
        while let index = bytes.firstIndex(of: 0xC3) { bytes.replaceSubrange(index..<(index + 2), with: [bytes[index + 1] + 0x40]) }
        #expect(bytes.allSatisfy { $0 < 0x80 || $0 >= 0xC0 })
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(bytes, to: folder + "/latin1.xml")
        let (trials, errors, _) = try readAll([folder + "/latin1.xml"])
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.first?.officials.first?.name == "Bérengère DUCROCQ, MD")

        let title = try #require(indexOf(Array("<brief_title>".utf8), in: bytes)) + "<brief_title>".utf8.count
        bytes.insert(0x01, at: title)
        guard case .malformedXML(let location, let message) = try errorReading(bytes) else {
            Issue.record("expected malformedXML")
            return
        }
        #expect(location.line == 15)
        #expect(message.contains("invalid Char value 1"), "\(message)")
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT01827488.xml")
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>")
        text = text.replacingOccurrences(of: "<brief_title>", with: "<brief_title>&xxe;")
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array(text.utf8), to: folder + "/xxe.xml")
        let (trials, errors, _) = try readAll([folder])
        // Either rejected, or read without the file's content: never /etc/passwd.
        for trial in trials { #expect(!trial.briefTitle.contains("root:")) }
        if let error = errors.first, case .malformedXML(_, let message) = error {
            #expect(message.contains("xxe"))
        } else {
            Issue.record("an undeclared (unloaded) entity is a well-formedness error, got \(errors) \(trials)")
        }
    }

    @Test func entityExpansionBombIsRejected() throws {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE clinical_study [\n<!ENTITY a \"aaaaaaaaaa\">\n"
        for n in 1...9 { text += "<!ENTITY a\(n) \"" + String(repeating: "&a\(n == 1 ? "" : String(n - 1));", count: 10) + "\">\n" }
        text += "]>\n<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>&a9;</brief_title></clinical_study>"
        let error = try errorReading(Array(text.utf8))
        guard case .malformedXML = error else {
            Issue.record("expected malformedXML, got \(error)")
            return
        }
    }

    @Test func nestingDeeperThanTheLimit() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT01827488.xml")
        var text = String(decoding: bytes, as: UTF8.self)
        let deep = String(repeating: "<x>", count: 80) + String(repeating: "</x>", count: 80)
        text = text.replacingOccurrences(of: "</clinical_study>", with: deep + "</clinical_study>")
        let error = try errorReading(Array(text.utf8))
        guard case .tooDeep(_, _, let limit) = error else {
            Issue.record("expected tooDeep, got \(error)")
            return
        }
        #expect(limit == 64)
    }

    /// Elements the reader enters (containers and leaves of `Trial`) nested far deeper than the registry's
    /// schema allows, below the parser's depth limit: the record is still read, with its own fields.
    @Test func enteredElementsNestedDeeplyAreReadOrSkipped() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT01827488.xml")
        let names = ["location", "facility", "address", "city", "location_countries", "country", "eligibility",
                     "criteria", "textblock", "intervention", "arm_group", "condition_browse", "mesh_term"]
        let chain = (0..<60).map { names[$0 % names.count] }
        let deep = chain.map { "<\($0)>" }.joined() + "text" + chain.reversed().map { "</\($0)>" }.joined()
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "</clinical_study>", with: deep + "</clinical_study>")
        func read(_ record: [UInt8]) throws -> Trial {
            try record.withUnsafeBytes { raw in
                try ClinicalStudyXML().read(raw, source: RecordSource(), at: IngestLocation(file: "x"))
            }
        }
        let original = try read(bytes)
        let nested = try read(Array(text.utf8))
        #expect(nested.id == original.id)
        #expect(nested.briefTitle == original.briefTitle)
        #expect(nested.conditions == original.conditions)
    }

    @Test func recordWithoutNCTId() throws {
        let bytes = try Fixtures.bytes("ctgov-xml/NCT01827488.xml")
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "<nct_id>NCT01827488</nct_id>", with: "")
        let error = try errorReading(Array(text.utf8))
        guard case .missingField(_, .clinicalStudyXML, let field) = error else {
            Issue.record("expected missingField, got \(error)")
            return
        }
        #expect(field == "<nct_id>")
    }

    @Test func xmlOfAnotherKind() throws {
        let error = try errorReading(Array("<?xml version=\"1.0\"?><rss><channel/></rss>".utf8))
        guard case .unrecognizedFormat(_, let found) = error else {
            Issue.record("expected unrecognizedFormat, got \(error)")
            return
        }
        #expect(found == "XML with root element <rss>")
    }

    /// `<clinical_results>` is cut out before parsing: a broken tag inside it goes unnoticed (and the
    /// record reads as the intact one), an error after it keeps its line in the file, and a section
    /// cut short is still an error.
    @Test func resultsSectionsAreNeitherReadNorValidated() throws {
        let intact = try Fixtures.bytes("ctgov-xml/NCT01101477.xml")
        let reader = ClinicalStudyXML()
        func read(_ bytes: [UInt8]) -> Result<Trial, IngestError> {
            bytes.withUnsafeBytes { raw in
                catching { () throws(IngestError) in
                    try reader.read(raw, source: RecordSource(file: "f.xml"), at: IngestLocation(file: "f.xml"))
                }
            }
        }
        let expected = try read(intact).get()
        #expect(!expected.primaryOutcomes.isEmpty)
        // A tag inside the results section (line 229) broken: not reported.
        var brokenInside = intact
        let inside = try #require(indexOf(Array("<participant_flow>".utf8), in: intact))
        brokenInside.replaceSubrange(inside..<(inside + 1), with: Array("<<".utf8))
        #expect(try read(brokenInside).get() == expected)
        // The end tag after the section (line 581) broken: reported at line 581.
        var brokenAfter = intact
        let after = try #require(indexOf(Array("</clinical_study>".utf8), in: intact))
        brokenAfter.replaceSubrange(after..<(after + 17), with: Array("</clinical_stud>".utf8))
        guard case .failure(.malformedXML(let location, _)) = read(brokenAfter) else {
            Issue.record("expected malformedXML for a broken end tag")
            return
        }
        #expect(location.line == 581)
        // Cut short inside the section: no end tag, so it is parsed, and the truncation reported.
        let truncated = Array(intact.prefix(inside + 2_000))
        guard case .failure(.malformedXML) = read(truncated) else {
            Issue.record("expected malformedXML for a record cut short in its results")
            return
        }
    }

    @Test func oneParserReadsManyRecordsAfterErrors() throws {
        // The reused libxml2 context recovers from an error: read good, bad, good with one reader.
        let reader = ClinicalStudyXML()
        let good = try Fixtures.bytes("ctgov-xml/NCT00501553.xml")
        let bad = Array(good.prefix(500))
        let location = IngestLocation(file: "x")
        for (bytes, ok) in [(good, true), (bad, false), (good, true)] {
            let result = bytes.withUnsafeBytes { raw in
                catching { () throws(IngestError) in try reader.read(raw, source: RecordSource(), at: location) }
            }
            switch result {
            case .success(let trial): #expect(ok && trial.id.rawValue == "NCT00501553")
            case .failure(let error): #expect(!ok, "\(error)")
            }
        }
    }
}

func indexOf(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
    guard pattern.count <= bytes.count else { return nil }
    for i in 0...(bytes.count - pattern.count) where Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
    return nil
}
