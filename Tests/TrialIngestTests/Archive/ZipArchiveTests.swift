import Testing
@testable import TrialIngest
import TrialSearchCore

@Suite struct ZipArchiveTests {
    @Test func readsDeflatedEntriesOfAnAllPublicXMLStyleArchive() throws {
        let path = Fixtures.path("zip/ctgov-xml-sample.zip")
        let (trials, errors, _) = try readAll([path], workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        // Central-directory order; folder entries skipped.
        #expect(trials.map(\.id.rawValue) == ["NCT04500626", "NCT04556630", "NCT00501553"])
        #expect(trials[0].source == RecordSource(file: path, entry: "NCT0450xxxx/NCT04500626.xml", format: .clinicalStudyXML))
        // The same record as the plain file.
        var plain = try readOne("ctgov-xml/NCT04500626.xml")
        plain.source = trials[0].source
        #expect(plain == trials[0])
    }

    @Test func readsArchivesInsideArchivesAndSkipsResourceForks() throws {
        let path = Fixtures.path("zip/nested.zip")
        let (trials, errors, _) = try readAll([path])
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.map(\.id.rawValue) == ["NCT04500626", "NCT04556630", "NCT00501553", "NCT02691897"])
        #expect(trials[1].source.entry == "inner/ctgov-xml-sample.zip/NCT0455xxxx/NCT04556630.xml")
        #expect(trials[3].source == RecordSource(file: path, entry: "NCT02691897.json", format: .studyJSON))
    }

    @Test func rejectsArchivesNestedDeeperThanTheLimit() throws {
        var options = IngestOptions()
        options.maxArchiveDepth = 1
        let (trials, errors, _) = try readAll([Fixtures.path("zip/nested.zip")], options: options)
        #expect(trials.map(\.id.rawValue) == ["NCT02691897"])
        guard case .tooDeep(let location, _, let limit) = try #require(errors.first) else {
            Issue.record("expected tooDeep, got \(errors)")
            return
        }
        #expect(location.entry == "inner/ctgov-xml-sample.zip")
        #expect(limit == 1)
        options.maxArchiveDepth = 0
        let none = try readAll([Fixtures.path("zip/nested.zip")], options: options)
        #expect(none.trials.isEmpty)
        #expect(none.errors.count == 1)
    }

    @Test func readsStoredEntriesAndZIP64Records() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        var builder = ZipBuilder()
        builder.add("a/NCT01827488.xml", try Fixtures.bytes("ctgov-xml/NCT01827488.xml"))
        builder.add("b/NCT00001070.xml", try Fixtures.bytes("ctgov-xml/NCT00001070.xml"))
        for zip64 in [false, true] {
            let path = folder + (zip64 ? "/zip64.zip" : "/stored.zip")
            try Fixtures.write(builder.build(zip64: zip64), to: path)
            let (trials, errors, _) = try readAll([path])
            #expect(errors.isEmpty, "\(errors)")
            #expect(trials.map(\.id.rawValue) == ["NCT01827488", "NCT00001070"])
        }
    }

    @Test func aCorruptEntryIsAnErrorAndTheNextEntryIsRead() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        var bytes = try Fixtures.bytes("zip/ctgov-xml-sample.zip")
        // Flip a byte inside the first entry's compressed data (after its 30-byte header and name).
        let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
        let dataStart = 30 + nameLength + (Int(bytes[28]) | Int(bytes[29]) << 8)
        // The first entry is a folder; find the second local header instead.
        let second = try #require(findSignature(bytes, from: dataStart))
        let secondData = second + 30 + (Int(bytes[second + 26]) | Int(bytes[second + 27]) << 8)
            + (Int(bytes[second + 28]) | Int(bytes[second + 29]) << 8)
        bytes[secondData + 100] ^= 0xFF
        let path = folder + "/corrupt.zip"
        try Fixtures.write(bytes, to: path)
        let (trials, errors, results) = try readAll([path])
        #expect(trials.map(\.id.rawValue) == ["NCT04556630", "NCT00501553"])
        #expect(errors.count == 1)
        guard case .failure(let error) = try #require(results.first) else {
            Issue.record("the corrupt entry comes first")
            return
        }
        #expect(error.location == IngestLocation(file: path, entry: "NCT0450xxxx/NCT04500626.xml"))
        switch error {
        case .malformedArchive, .checksumMismatch: break
        default: Issue.record("expected a DEFLATE or CRC error, got \(error)")
        }
    }

    @Test func aTruncatedArchiveIsOneError() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let bytes = try Fixtures.bytes("zip/ctgov-xml-sample.zip")
        let path = folder + "/truncated.zip"
        try Fixtures.write(Array(bytes.prefix(bytes.count / 2)), to: path)
        let other = Fixtures.path("ctgov-xml/NCT01827488.xml")
        let (trials, errors, _) = try readAll([path, other])
        #expect(trials.map(\.id.rawValue) == ["NCT01827488"])
        guard case .malformedArchive(let location, let message) = try #require(errors.first) else {
            Issue.record("expected malformedArchive, got \(errors)")
            return
        }
        #expect(location.file == path)
        #expect(message.contains("end-of-central-directory"))
    }

    @Test func enforcesEntrySizeAndCompressionRatioLimits() throws {
        var options = IngestOptions()
        options.maxEntryBytes = 10_000
        var (trials, errors, _) = try readAll([Fixtures.path("zip/ctgov-xml-sample.zip")], options: options)
        #expect(trials.map(\.id.rawValue) == ["NCT04556630", "NCT00501553"])
        #expect(errors.count == 1)
        if case .tooLarge(_, _, let size, let limit) = errors.first {
            #expect(size == 12100)
            #expect(limit == 10_000)
        } else {
            Issue.record("expected tooLarge, got \(errors)")
        }
        options = IngestOptions()
        options.maxCompressionRatio = 2
        (trials, errors, _) = try readAll([Fixtures.path("zip/ctgov-xml-sample.zip")], options: options)
        #expect(trials.isEmpty)
        #expect(errors.count == 3)
    }

    private func findSignature(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 4 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 3, bytes[i + 3] == 4 { return i }
            i += 1
        }
        return nil
    }
}
