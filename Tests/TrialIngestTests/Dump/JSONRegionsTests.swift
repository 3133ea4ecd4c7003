import Foundation
import Synchronization
import Testing
@_spi(Testing) @testable import TrialIngest
import TrialSearchCore

/// JSON inputs read in worker-affine regions (`RangeLedger.Mode.regions`, `DumpReader.read(…restart:)`):
/// each worker takes consecutive ranges from its own part of the input and emits them before the other
/// parts are scanned. The records, their input order, their errors (record numbers, lines) and the
/// counts are the serial splitter's for every input of `JSONRangeTests` and pretty-printed sequences;
/// where the speculation fails (values spanning lines), the read is restarted and its first results
/// discarded.
@Suite struct JSONRegionsTests {
    typealias Outcome = JSONRangeTests.Outcome

    /// The outcomes of a regions read, in input order, and how many times it restarted.
    private func read(_ path: String, rangeBytes: Int, workers: Int, maxRecordBytes: Int, forcesRestart: Bool = false)
        throws -> (outcomes: [Outcome], restarts: Int, counted: Int) {
        var reader = try DumpReader(paths: [path], options: IngestOptions(maxRecordBytes: maxRecordBytes))
        reader.jsonRangeBytes = rangeBytes
        reader.forcesRestart = forcesRestart
        let reading = reader
        let progress = IngestProgress(totalBytes: reader.totalBytes)
        return try withDeadline(JSONRangeTests.deadline, "reading \(path) in regions, ranges of \(rangeBytes) B, \(workers) workers") {
            let collected = Mutex<[(RecordOrder, Outcome)]>([])
            var restarts = 0
            reading.read(workers: workers, progress: progress, { _, order, result in
                collected.withLock { $0.append((order, Outcome(result))) }
            }, workerDone: { _ in }, restart: {
                restarts += 1
                collected.withLock { $0.removeAll() }
            })
            let outcomes = collected.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
            return (outcomes, restarts, progress.records + progress.errors)
        }
    }

    /// A sequence of pretty-printed API v2 studies (`ctgov-json`'s files back to back), each spread over
    /// many lines: a range cut after a line end starts inside a value.
    static func prettySequence() throws -> [UInt8] {
        try ["NCT00693056", "NCT02385136", "NCT02663973", "NCT02691897", "NCT05584293"].flatMap { id in
            try Fixtures.bytes("ctgov-json/\(id).json") + [0x0A]
        }
    }

    /// Inputs whose values all end on their lines, each line ended: a regions read never restarts. (A
    /// last line without its line end may be cut mid-value by a range that finds no line end, and the
    /// range after it speculated on.)
    static let lineInputs: Set<String> = ["clean", "bad records", "CRLF", "byte-order mark",
                                          "convert's lines among others"]

    @Test func regionsGiveTheSplittersRecordsErrorsAndCounts() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        var inputs = try JSONRangeTests.inputs()
        inputs.append(("pretty-printed sequence", try JSONRegionsTests.prettySequence(), 64 << 20))
        for input in inputs {
            let path = folder + "/input.jsonl"
            try Fixtures.write(input.bytes, to: path)
            let serial = try JSONRangeTests.serialOutcomes(path, maxRecordBytes: input.maxRecordBytes)
            for rangeBytes in [1, 100, 5000, JSONRange.defaultBytes] {
                for workers in [2, 3] {
                    let read = try read(path, rangeBytes: rangeBytes, workers: workers, maxRecordBytes: input.maxRecordBytes)
                    let what = "\(input.name), ranges of \(rangeBytes) B, \(workers) workers"
                    #expect(read.outcomes == serial, "\(what)")
                    #expect(read.counted == serial.count, "\(what)")
                    if JSONRegionsTests.lineInputs.contains(input.name) { #expect(read.restarts == 0, "\(what)") }
                }
            }
            let forced = try read(path, rangeBytes: 100, workers: 2, maxRecordBytes: input.maxRecordBytes, forcesRestart: true)
            #expect(forced.outcomes == serial && forced.restarts == 1, "\(input.name), restart forced")
            #expect(forced.counted == serial.count, "\(input.name), restart forced")
        }
    }

    @Test func aBadRecordInTheSecondRegionNamesItsRecordNumber() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let path = folder + "/input.jsonl"
        let lines = try JSONRangeTests.studyLines()
        // 40 studies, record 31 (in the second half: the second worker's region) a bad literal.
        var records = Array((0..<8).map { _ in lines }.joined())
        records[30] = Array("{\"id\": tru}".utf8)
        try Fixtures.write(Array(records.joined(separator: [0x0A])) + [0x0A], to: path)
        for rangeBytes in [100, 5000] {
            let read = try read(path, rangeBytes: rangeBytes, workers: 2, maxRecordBytes: 64 << 20)
            let errors = read.outcomes.compactMap { outcome -> String? in
                if case .error(let text) = outcome { return text }
                return nil
            }
            #expect(read.restarts == 0)
            #expect(read.outcomes.count == 40)
            #expect(errors.count == 1 && errors.first?.hasPrefix(path + ": record 31: malformed JSON") == true, "\(errors)")
            #expect(read.outcomes == (try JSONRangeTests.serialOutcomes(path, maxRecordBytes: 64 << 20)))
        }
    }

    /// Several inputs, JSON Lines among XML files and a zip: each JSON Lines input has its own regions
    /// and unit numbers, and the results keep the input order of the whole read.
    @Test func regionsOfSeveralInputsKeepTheirOrder() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let lines = try JSONRangeTests.studyLines()
        var bad = Array((0..<4).map { _ in lines }.joined())
        bad[13] = Array("{\"id\": tru}".utf8)
        try Fixtures.write(Array(bad.joined(separator: [0x0A])) + [0x0A], to: folder + "/a.jsonl")
        try Fixtures.write(Array((lines + lines + lines).joined(separator: [0x0A])) + [0x0A], to: folder + "/c.jsonl")
        let paths = [folder + "/a.jsonl", Fixtures.path("ctgov-xml"), Fixtures.path("zip/nested.zip"), folder + "/c.jsonl"]
        let serial = try readAll(paths).results.map(Outcome.init)
        var reader = try DumpReader(paths: paths)
        reader.jsonRangeBytes = 300
        let reading = reader
        for workers in [2, 3] {
            let outcomes = try withDeadline(JSONRangeTests.deadline, "reading several inputs in regions") {
                let collected = Mutex<[(RecordOrder, Outcome)]>([])
                reading.read(workers: workers, { _, order, result in
                    collected.withLock { $0.append((order, Outcome(result))) }
                }, workerDone: { _ in }, restart: { collected.withLock { $0.removeAll() } })
                return collected.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
            }
            #expect(outcomes == serial, "\(workers) workers")
        }
        #expect(serial.contains { $0.description.hasPrefix(folder + "/a.jsonl: record 14: malformed JSON") })
    }

    @Test func anInputSmallerThanARangeIsOneRun() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let path = folder + "/input.jsonl"
        let lines = try JSONRangeTests.studyLines()
        try Fixtures.write(Array((lines + [Array("42".utf8)]).joined(separator: [0x0A])), to: path)
        let read = try read(path, rangeBytes: JSONRange.defaultBytes, workers: 2, maxRecordBytes: 64 << 20)
        #expect(read.restarts == 0)
        #expect(read.outcomes.count == 6)
        #expect(read.outcomes.last?.description.hasPrefix(path + ": record 6: unrecognized format") == true, "\(read.outcomes)")
        #expect(read.outcomes == (try JSONRangeTests.serialOutcomes(path, maxRecordBytes: 64 << 20)))
    }
}

/// The ledger's speculation, step by step on one thread: a range of the second region emitted before
/// the first region's ranges are published, confirmed later, or found void when an earlier range stops.
@Suite struct RangeLedgerTests {
    private func ledger(_ folder: String) throws -> RangeLedger {
        let path = folder + "/input.jsonl"
        try Fixtures.write(Array(repeating: 0x0A, count: 1000), to: path)
        return RangeLedger(file: try InputFile(path: path), lock: ConditionLock(), from: 0, mode: .regions(2),
                           boundaries: [500], unitBase: 7)
    }

    @Test func aLaterRegionsRangeIsEmittedUnconfirmedThenNumbered() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let ledger = try ledger(folder)
        #expect(ledger.handOut(from: 0, to: 100) == 0)
        #expect(ledger.settle(0, records: 3, stop: nil) == .first(0))
        #expect(ledger.handOut(from: 1, to: 600) == 500)
        #expect(ledger.settle(500, records: 4, stop: nil) == .unconfirmed)
        #expect(ledger.handOut(from: 0, to: 300) == 100)
        #expect(ledger.handOut(from: 0, to: 500) == 300)
        #expect(ledger.settle(300, records: 2, stop: nil) == .unconfirmed)
        #expect(ledger.settle(100, records: 5, stop: nil) == .first(3))
        #expect(ledger.firstRecord(at: 300) == 8)
        #expect(ledger.firstRecord(at: 500) == 10)
        #expect(!ledger.isComplete)
        #expect(ledger.handOut(from: 1, to: 1000) == 600)
        #expect(ledger.settle(600, records: 1, stop: nil) == .first(14))
        #expect(ledger.isComplete && !ledger.speculationFailed && ledger.takeover == nil)
    }

    @Test func aStopBeforeAnEmittedRangeFailsTheSpeculation() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let ledger = try ledger(folder)
        #expect(ledger.handOut(from: 0, to: 100) == 0)
        #expect(ledger.settle(0, records: 3, stop: nil) == .first(0))
        #expect(ledger.handOut(from: 1, to: 600) == 500)
        #expect(ledger.handOut(from: 0, to: 200) == 100)
        #expect(ledger.settle(500, records: 4, stop: nil) == .unconfirmed)
        // The stop empties what lies after it; the range before the stop keeps its records.
        #expect(ledger.settle(100, records: 1, stop: 150) == .first(3))
        #expect(ledger.regions.allSatisfy { $0.remaining == 0 })
        #expect(ledger.takeover?.offset == 150 && ledger.takeover?.count == 4)
        #expect(ledger.speculationFailed)
        #expect(ledger.firstRecord(at: 500) == nil)
    }

    @Test func aStopWithNothingEmittedAfterItIsATakeover() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let ledger = try ledger(folder)
        #expect(ledger.handOut(from: 0, to: 100) == 0)
        #expect(ledger.handOut(from: 1, to: 600) == 500)
        #expect(ledger.settle(0, records: 2, stop: 60) == .first(0))
        #expect(ledger.takeover?.offset == 60 && ledger.takeover?.count == 2)
        #expect(!ledger.speculationFailed)
        // A later range published after the takeover is dropped, not emitted.
        #expect(ledger.settle(500, records: 4, stop: nil) == .drop)
        #expect(!ledger.speculationFailed)
    }
}
