import Foundation
import Testing
@testable import TrialSearchCore

/// A `.sto` file of given trials written and opened, the check that its blocks hold each record as
/// `TrialCodec` codes it, and an old-format index updated and merged into the current format (the
/// stored-block suites' shared steps).
enum StoredFixtures {
    /// Writes `trials` (doc i = `trials[i]`) as a stored-records file of segment 1 at `path`.
    static func write(_ trials: [Trial], to path: String) throws {
        let writer = try StoredWriter(path: path, segmentID: 1, durable: false)
        var bytes: [UInt8] = []
        for t in trials {
            TrialCodec.encode(t, into: &bytes)
            try bytes.withUnsafeBytes { try writer.add($0) }
        }
        _ = try writer.finish()
    }

    /// The stored records of segment 1 at `path`, which holds `docs` docs.
    static func open(_ path: String, docs: Int) throws -> StoredRecords {
        try StoredRecords(file: IndexFile(path: path, formatName: SegmentFile.stored.formatName, segmentID: 1),
                          expectedDocCount: docs)
    }

    /// Expects block `b` of `stored` to give each of its records as `TrialCodec` codes `trials[doc]`;
    /// returns how many records it gave.
    static func expectRecordsAsCoded(in stored: StoredRecords, block b: Int, _ trials: [Trial]) throws -> Int {
        var bytes: [UInt8] = []
        var seen = 0
        try stored.forEachRecord(inBlock: b) { d, record in
            TrialCodec.encode(trials[d], into: &bytes)
            #expect(Array(record) == bytes, "doc \(d)")
            seen += 1
        }
        return seen
    }

    /// `StoredLeadingPartsTests.trials()` written in the current format to a stored file in `dir` and
    /// opened; expects the current block coding and more than 3 blocks.
    static func writeLeadingTrials(in dir: TemporaryDirectory) throws -> (trials: [Trial], stored: StoredRecords) {
        let path = dir.file("s000001.sto")
        let trials = StoredLeadingPartsTests.trials()
        try write(trials, to: path)
        let stored = try open(path, docs: trials.count)
        #expect(stored.file.version == IndexFormat.version && stored.blocksInCurrentCoding)
        #expect(stored.blockCount > 3)
        return (trials, stored)
    }

    /// The index fixture `name` (`IndexFixtures`) copied into `dir` and opened, with its one segment and the
    /// trials it holds, in doc order.
    static func openCopy(ofFixture name: String, in dir: TemporaryDirectory) throws -> (segment: SegmentReader, trials: [Trial]) {
        let fixture = IndexFixtures.path(name)
        for file in try FileSystem.list(fixture) {
            try FileManager.default.copyItem(atPath: FileSystem.join(fixture, file), toPath: dir.file(file))
        }
        let reader = try IndexReader.open(directory: dir.path)
        let segment = try #require(reader.segments.first)
        return (segment, try (0..<reader.docCount).map { try segment.stored.trial(DocID($0)) })
    }

    /// Writes `bytes` (the whole stored file of `segment` in `directory`, changed in its body) back in a valid
    /// frame (header, footer, checksum), commits the manifest again, and returns `check`'s report: damage
    /// that only the stored file's own checks can find.
    static func rewriteStored(_ bytes: [UInt8], of segment: SegmentInfo, in directory: String) throws -> IndexCheckReport {
        let path = FileSystem.join(directory, SegmentFile.stored.fileName(segment: segment.name))
        let headerLength = IndexOutput.headerLength(formatName: SegmentFile.stored.formatName)
        unlink(path)
        let output = try IndexOutput(path: path, formatName: SegmentFile.stored.formatName, segmentID: segment.id)
        try output.write(Array(bytes[headerLength..<(bytes.count - IndexFormat.footerLength)]))
        _ = try output.finish()
        try Manifest.read(directory: directory).commit(directory: directory)
        return try IndexCheck.run(directory: directory)
    }

    /// Replaces trial 3 of the old-format index at `directory` (a new summary) and deletes trial 40, merged
    /// into one segment; expects that segment in the current format, every other trial read back whole and
    /// by its leading parts (`StoredLeadingPartsTests.leadingPart(of:)`), and `check` clean.
    static func expectUpdateMergesIntoCurrentFormat(_ trials: [Trial], directory: String) throws {
        var updated = trials[3]
        updated.briefSummary = "updated summary of \(updated.id)"
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        let summary = try indexTrials([updated], into: directory, options: options, deleting: [trials[40].id])
        #expect(summary.replaced == 1 && summary.deleted == 1)
        let after = try IndexReader.open(directory: directory)
        let merged = try #require(after.segments.first)
        #expect(after.segments.count == 1 && after.docCount == trials.count - 1)
        #expect(merged.stored.file.version == IndexFormat.version && merged.stored.blocksInCurrentCoding)
        for (i, t) in trials.enumerated() {
            switch i {
            case 3: #expect(try after.trial(t.id) == updated)
            case 40: #expect(try after.trial(t.id) == nil)
            default:
                #expect(try after.trial(t.id) == t, "\(t.id)")
                #expect(try after.leadingTrial(t.id) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
            }
        }
        #expect(try IndexCheck.run(directory: directory).isClean)
    }
}
