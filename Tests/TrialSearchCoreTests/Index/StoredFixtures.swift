import Testing
@testable import TrialSearchCore

/// A `.sto` file of given trials written and opened, and the check that its blocks hold each record as
/// `TrialCodec` codes it (the stored-block suites' shared steps).
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
}
