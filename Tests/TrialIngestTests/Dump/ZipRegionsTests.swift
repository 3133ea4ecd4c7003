import Synchronization
import Testing
@_spi(Testing) @testable import TrialIngest
import TrialSearchCore

/// Zip archives read in worker-affine regions (`WorkQueue`, `DumpReader.read(…restart:)`): each worker
/// takes consecutive entries from its own part of the central directory, then the back half of the
/// largest part left. The records, their input order and their errors are those of a read in order,
/// whoever takes which entry; a junk entry (`__MACOSX/…`) is skipped either way.
@Suite struct ZipRegionsTests {
    typealias Outcome = JSONRangeTests.Outcome

    /// The outcomes of a regions read in input order, with the workers that gave them.
    private func read(_ paths: [String], workers: Int, regionEntries: Int) throws
        -> (outcomes: [Outcome], orders: [RecordOrder], workers: Set<Int>) {
        var reader = try DumpReader(paths: paths)
        reader.zipRegionEntries = regionEntries
        let reading = reader
        return try withDeadline(JSONRangeTests.deadline, "reading \(paths) in regions, \(workers) workers") {
            let collected = Mutex<[(RecordOrder, Outcome, Int)]>([])
            reading.read(workers: workers, { worker, order, result in
                collected.withLock { $0.append((order, Outcome(result), worker)) }
            }, workerDone: { _ in }, restart: { collected.withLock { $0.removeAll() } })
            let sorted = collected.withLock { $0 }.sorted { $0.0 < $1.0 }
            return (sorted.map(\.1), sorted.map(\.0), Set(sorted.map(\.2)))
        }
    }

    @Test func entriesInRegionsGiveTheInOrderReadsRecords() throws {
        let paths = [Fixtures.path("zip/ctgov-xml-sample.zip"), Fixtures.path("ctgov-xml"),
                     Fixtures.path("zip/nested.zip"), Fixtures.path("zip/ctgov-xml-sample.zip")]
        let serial = try readAll(paths).results.map(Outcome.init)
        #expect(serial.count >= 20)
        for workers in [2, 3] {
            for regionEntries in [1, 2, 3] {
                let read = try read(paths, workers: workers, regionEntries: regionEntries)
                #expect(read.outcomes == serial, "\(workers) workers, regions of \(regionEntries)")
                #expect(Set(read.orders).count == read.orders.count, "one order a record")
            }
        }
    }

    /// A regions read numbers an archive's entries by their place in it: the first archive's six
    /// entries are the run's units 0…5 whichever worker takes them, and the next input follows them.
    @Test func anArchivesEntriesAreNumberedByTheirPlace() throws {
        let paths = [Fixtures.path("zip/ctgov-xml-sample.zip"), Fixtures.path("ctgov-xml")]
        let read = try read(paths, workers: 2, regionEntries: 1)
        let units = read.orders.map(\.unit)
        #expect(Array(units.prefix(6)) == Array(0..<6))
        #expect(units.dropFirst(6).allSatisfy { $0 >= 6 })
    }

    /// An archive of fewer entries than a region's minimum for each worker goes to the workers in turn,
    /// with the same records.
    @Test func aSmallArchiveIsOneRun() throws {
        let paths = [Fixtures.path("zip/ctgov-xml-sample.zip")]
        let serial = try readAll(paths).results.map(Outcome.init)
        let read = try read(paths, workers: 2, regionEntries: WorkQueue.defaultRegionEntries)
        #expect(read.outcomes == serial)
    }
}
