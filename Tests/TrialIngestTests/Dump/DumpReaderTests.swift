import Foundation
import Synchronization
import Testing
@testable import TrialIngest
import TrialSearchCore

@Suite struct DumpReaderTests {
    @Test func formatsAreRecognizedFromContentNotNames() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        // Misleading names: XML called .json, JSON called .txt, a text dump called .xml, a zip called .dat.
        try Fixtures.write(try Fixtures.bytes("ctgov-xml/NCT00501553.xml"), to: folder + "/1.json")
        try Fixtures.write(try Fixtures.bytes("ctgov-json/NCT02385136.json"), to: folder + "/2.txt")
        try Fixtures.write(try Fixtures.bytes("text/NCT05308342.txt"), to: folder + "/3.xml")
        try Fixtures.write(try Fixtures.bytes("zip/ctgov-xml-sample.zip"), to: folder + "/4.dat")
        try Fixtures.write(try Fixtures.bytes(ICTRPExportTests.part), to: folder + "/5")
        let (trials, errors, _) = try readAll([folder])
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.map(\.source.format) == [.clinicalStudyXML, .studyJSON, .textDump]
                + Array(repeating: .clinicalStudyXML, count: 3) + Array(repeating: .ictrp, count: 8))
    }

    @Test func foldersAreReadRecursivelyInSortedOrderSkippingHiddenFiles() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try FileManager.default.createDirectory(atPath: folder + "/b/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/a", withIntermediateDirectories: true)
        try Fixtures.write(try Fixtures.bytes("ctgov-xml/NCT00501553.xml"), to: folder + "/b/sub/z.xml")
        try Fixtures.write(try Fixtures.bytes("ctgov-xml/NCT01827488.xml"), to: folder + "/b/a.xml")
        try Fixtures.write(try Fixtures.bytes("ctgov-xml/NCT00001070.xml"), to: folder + "/a/y.xml")
        try Fixtures.write(Array("not read".utf8), to: folder + "/.hidden")
        try Fixtures.write(Array("not read either".utf8), to: folder + "/README.md")
        try FileManager.default.createSymbolicLink(atPath: folder + "/b/loop", withDestinationPath: folder)
        let reader = try DumpReader(paths: [folder])
        #expect(reader.files == [folder + "/a/y.xml", folder + "/b/a.xml", folder + "/b/sub/z.xml"])
        let (trials, _, _) = try readAll([folder])
        #expect(trials.map(\.id.rawValue) == ["NCT00001070", "NCT01827488", "NCT00501553"])
    }

    @Test func aMissingPathIsAUsageErrorBeforeReading() {
        #expect(throws: IngestError.self) { try DumpReader(paths: [Fixtures.path("ctgov-xml"), "/nonexistent/dump.zip"]) }
        do {
            _ = try DumpReader(paths: ["/nonexistent/dump.zip"])
        } catch {
            guard case .pathNotFound(let path, _) = error else {
                Issue.record("expected pathNotFound, got \(error)")
                return
            }
            #expect(path == "/nonexistent/dump.zip")
        }
    }

    @Test func inOrderReadIsDeterministicAcrossWorkerCounts() throws {
        var options = IngestOptions()
        options.reorderWindow = 2  // exercise the back-pressure
        let paths = [Fixtures.path("zip/nested.zip"), Fixtures.path("ctgov-xml"), Fixtures.path(ICTRPExportTests.part)]
        let one = try readAll(paths, workers: 1, options: options)
        #expect(one.errors.isEmpty)
        for workers in [2, 3, 8] {
            let many = try readAll(paths, workers: workers, options: options)
            #expect(many.trials == one.trials, "\(workers) workers")
        }
    }

    @Test func parallelReadDeliversEveryRecordOnWorkerThreads() throws {
        let paths = [Fixtures.path("zip/nested.zip"), Fixtures.path("ctgov-xml"), Fixtures.path("ctgov-json")]
        let expected = try readAll(paths).trials
        let reader = try DumpReader(paths: paths)
        let progress = IngestProgress(totalBytes: reader.totalBytes)
        let collected = Mutex<[(Int, Trial)]>([])
        reader.read(workers: 3, progress: progress) { worker, result in
            if case .success(let trial) = result { collected.withLock { $0.append((worker, trial)) } }
        }
        let trials = collected.withLock { $0 }
        #expect(Set(trials.map(\.1.id)) == Set(expected.map(\.id)))
        #expect(trials.count == expected.count)
        #expect(trials.allSatisfy { (0..<3).contains($0.0) })
        #expect(progress.records == expected.count)
        #expect(progress.errors == 0)
        #expect(progress.bytesDone == reader.totalBytes)
        #expect(progress.contentBytesDone > reader.totalBytes)  // the zips' entries count uncompressed
    }

    @Test func unrecognizedInputsAreErrorsNamingTheFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write([0x1F, 0x8B, 0x08, 0x00], to: folder + "/a.gz")
        try Fixtures.write([0x00, 0x01, 0x02], to: folder + "/b.bin")
        try Fixtures.write([], to: folder + "/c.empty")
        try Fixtures.write(Array("[1, 2]".utf8), to: folder + "/d.json")
        let (trials, errors, _) = try readAll([folder])
        #expect(trials.isEmpty)
        #expect(errors.map(\.description) == [
            folder + "/a.gz: unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, a zip archive, a trial-page text dump or UTF-8 text; found gzip-compressed data (unpack it first)",
            folder + "/b.bin: unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, a zip archive, a trial-page text dump or UTF-8 text; found binary data (NUL bytes)",
            folder + "/c.empty: unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, a zip archive, a trial-page text dump or UTF-8 text; found an empty input",
            folder + "/d.json: record 1: unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, a zip archive, a trial-page text dump or UTF-8 text; found a JSON number",
            folder + "/d.json: record 2: unrecognized format: expected ClinicalTrials.gov XML or JSON, an ICTRP export, a zip archive, a trial-page text dump or UTF-8 text; found a JSON number",
        ])
    }

    @Test func recordLimitAppliesToSingleRecordFiles() throws {
        var options = IngestOptions()
        options.maxRecordBytes = 5000
        let (trials, errors, _) = try readAll([Fixtures.path("ctgov-xml/NCT04500626.xml"), Fixtures.path("ctgov-xml/NCT01827488.xml")],
                                              options: options)
        #expect(trials.map(\.id.rawValue) == ["NCT01827488"])
        guard case .tooLarge(_, "file", 12100, 5000) = try #require(errors.first) else {
            Issue.record("expected tooLarge, got \(errors)")
            return
        }
    }
}

@Suite struct IngestErrorTests {
    @Test func messagesNameFileEntryRecordAndLine() {
        let location = IngestLocation(file: "dump.zip", entry: "NCT0450xxxx/NCT04500626.xml", record: 3, line: 12)
        #expect(IngestError.malformedXML(location, message: "Opening and ending tag mismatch").description
                == "dump.zip: NCT0450xxxx/NCT04500626.xml: record 3: line 12: malformed XML: Opening and ending tag mismatch")
        #expect(IngestError.checksumMismatch(IngestLocation(file: "a.zip", entry: "x"), expected: 0xAB, actual: 0x1234_5678).description
                == "a.zip: x: CRC-32 mismatch: expected 0x000000ab, actual 0x12345678")
        #expect(IngestError.pathNotFound(path: "nope", reason: "No such file or directory").location == nil)
    }
}
