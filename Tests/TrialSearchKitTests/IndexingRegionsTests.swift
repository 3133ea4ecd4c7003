import Foundation
import Testing
import TrialIngest
@testable import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch index` of a JSON Lines input read in worker-affine regions (each worker's segment holds
/// long runs of consecutive records): on real records, duplicates still settle by input order across
/// the regions, and a read whose speculation fails is discarded and done again, leaving the previous
/// index as it was and the same index and summary as a read without the restart.
@Suite struct IndexingRegionsTests {
    /// The fixtures' trials as `convert`'s JSON Lines, with a later copy of the first trial (a new
    /// title) in the second half of the input; returns the path and that copy.
    static func input(_ folder: String) throws -> (path: String, later: Trial) {
        let trials = try IndexingTests.read(IndexingTests.formats)
        var later = trials[0]
        later.briefTitle = "A later copy of " + later.briefTitle
        var lines = trials.map(\.jsonString)
        lines.insert(later.jsonString, at: lines.count * 3 / 4)
        let path = folder + "/trials.jsonl"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return (path, later)
    }

    /// The stored JSON of every trial of the index at `directory`, by id.
    static func stored(_ directory: String) throws -> [String: [UInt8]] {
        let reader = try IndexReader.open(directory: directory)
        var byID: [String: [UInt8]] = [:]
        for segment in reader.segments {
            for doc in 0..<DocID(segment.info.docCount) where segment.isLive(doc) {
                let trial = try segment.trial(doc)
                var json = JSONWriter()
                trial.writeJSON(to: &json)
                byID[trial.id.rawValue] = json.bytes
            }
        }
        return byID
    }

    static func counts(_ report: Indexing.Report) -> [Int] {
        let s = report.summary
        return [report.records, report.failures.count, s.added, s.replaced, s.unchanged, s.older, s.liveDocCount]
    }

    @Test func aDuplicateAcrossTheRegionsSettlesByInputOrder() throws {
        let dir = IndexingTests.Folder("regions-dup")
        defer { dir.remove() }
        let (path, later) = try Self.input(dir.path)
        var request = Indexing.Request(paths: [path], directory: dir.path + "/Regions", workers: 2)
        request.jsonRangeBytes = 2000
        let regions = try Indexing.run(request)
        var serialRequest = Indexing.Request(paths: [path], directory: dir.path + "/Serial", workers: 2)
        serialRequest.jsonRangeBytes = 0
        let serial = try Indexing.run(serialRequest)
        #expect(Self.counts(regions) == Self.counts(serial))
        #expect(regions.failures == serial.failures)
        let reader = try IndexReader.open(directory: dir.path + "/Regions")
        #expect(try reader.trial(later.id)?.briefTitle == later.briefTitle)
        #expect(try Self.stored(dir.path + "/Regions") == Self.stored(dir.path + "/Serial"))
    }

    @Test func aRestartedReadDiscardsItsSegmentsAndGivesTheSameIndex() throws {
        let dir = IndexingTests.Folder("regions-restart")
        defer { dir.remove() }
        let (path, later) = try Self.input(dir.path)
        // The same previous index in two folders: the fixtures but the JSON studies.
        let previous = IndexingTests.formats.filter { !$0.hasSuffix("ctgov-json") }
        for name in ["Restarted", "Plain"] {
            _ = try Indexing.run(Indexing.Request(paths: previous, directory: dir.path + "/" + name))
        }
        var reports: [Indexing.Report] = []
        for (name, forced) in [("Restarted", true), ("Plain", false)] {
            // A budget small enough for flushed segments before the restart.
            var request = Indexing.Request(paths: [path], directory: dir.path + "/" + name, ramBudgetMB: 1, workers: 2)
            request.jsonRangeBytes = 2000
            request.forcesReadRestart = forced
            reports.append(try Indexing.run(request))
        }
        #expect(Self.counts(reports[0]) == Self.counts(reports[1]))
        #expect(reports[0].summary.replaced > 0 && reports[0].summary.added > 0)
        #expect(reports[0].failures == reports[1].failures)
        #expect(try Self.stored(dir.path + "/Restarted") == Self.stored(dir.path + "/Plain"))
        let reader = try IndexReader.open(directory: dir.path + "/Restarted")
        #expect(try reader.trial(later.id)?.briefTitle == later.briefTitle)
        // No file of the discarded read is left.
        let owned = try FileSystem.list(dir.path + "/Restarted").filter { SegmentName.isOwnedFile($0) }
        #expect(Set(owned) == reader.manifest.referencedFiles)
    }
}
