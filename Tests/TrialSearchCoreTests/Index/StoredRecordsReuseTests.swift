import Synchronization
import Testing
@testable import TrialSearchCore

/// `StoredRecords` reads with decompressors reused from a pool (`Decompressors`): reads in turn, and
/// reads on two threads at once, give every trial as the index was given it.
@Suite struct StoredRecordsReuseTests {
    @Test func readsInTurnAndOnTwoThreadsGiveTheIndexedTrials() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let reader = index.reader
        let byID = Dictionary(uniqueKeysWithValues: index.trials.map { ($0.id, $0) })
        /// Every live doc of every segment, read in `order`; the number of docs read.
        @Sendable func readAll(reversed: Bool) throws -> Int {
            var read = 0
            for segment in reader.segments {
                let docs = Array(0..<segment.docCount)
                for doc in reversed ? docs.reversed() : docs where segment.isLive(DocID(doc)) {
                    let trial = try segment.trial(DocID(doc))
                    guard let original = byID[trial.id], original == trial else {
                        throw StoredMismatch(id: trial.id.rawValue)
                    }
                    read += 1
                }
            }
            return read
        }
        let live = index.trials.count - index.deleted.count
        #expect(try readAll(reversed: false) == live)
        let other = Mutex<Int>(0)
        var here = 0
        try concurrently({ here = try readAll(reversed: false) }, background: { other.withLock { $0 = (try? readAll(reversed: true)) ?? -1 } })
        #expect(here == live)
        #expect(other.withLock { $0 } == live)
    }

    /// The records `forEachRecord` assembles (merges, checks) decode to the trials `trial(_:)` decodes
    /// straight from the block's parts, for every doc of every block.
    @Test func assembledRecordsDecodeAsTheirParts() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        var checked = 0
        for segment in index.reader.segments {
            let stored = segment.stored
            for b in 0..<stored.blockCount {
                try stored.forEachRecord(inBlock: b) { doc, record in
                    let assembled = try TrialCodec.decode(record, file: "test")
                    #expect(assembled == (try stored.trial(DocID(doc))))
                    checked += 1
                }
            }
            #expect(checked > 0)
        }
        #expect(checked >= index.trials.count - index.deleted.count)
    }

    private struct StoredMismatch: Error {
        var id: String
    }
}
