import Testing
@testable import TrialSearchCore

/// Positions read the way a phrase check reads them (as an array and into a `PositionBuffer`): a few docs of a block, skipped to, fields in any
/// order, read again. The cursor sums a block's position counts only up to the doc read
/// (`PostingsCursor.sumPositions`), so each of these orders reaches its values from a different partial sum.
@Suite struct PositionsAccessTests {
    @Test func sparseOutOfOrderReadsMatchNaiveModel() throws {
        let dir = TemporaryDirectory("positions-access")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 700, seed: 3)
        let reader = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        let naive = NaiveIndex(trials)
        var rng = SeededRandom(seed: 29)
        var positions: [Int32] = []
        let buffer = PositionBuffer(capacity: 1)
        var checkedDocs = 0, multiBlockTerms = 0, reversedReads = 0
        // Entries past the flush's unchecked positions loop (`FlushScratch.positionsPadding` values) and
        // entries within it holding a gap of two or more vint bytes.
        var longEntries = 0, wideGapEntries = 0
        for term in naive.postings.keys.sorted() {
            guard let docs = naive.postings[term], docs.count > 3 else { continue }
            let info = try #require(try reader.terms.lookup(term))
            if info.docFreq > IndexFormat.blockSize { multiBlockTerms += 1 }
            var cursor = reader.postings(info)
            let sorted = docs.keys.sorted()
            var target = 0
            while true {
                let doc = cursor.advance(to: DocID(target))
                if doc == PostingsCursor.noMoreDocs { break }
                let fields = try #require(docs[Int(doc)], "\(term): doc \(doc) not in the model")
                let order = fields.keys.sorted()
                for values in fields.values {
                    if values.count > 8 { longEntries += 1 }
                    if values.count <= 8, zip(values, [0] + values).contains(where: { $0 - $1 >= 128 }) { wideGapEntries += 1 }
                }
                // Fields last to first (each read goes back in the block's values), then the first again.
                for f in order.reversed() + order.prefix(1) {
                    let field = try #require(Field(rawValue: UInt8(f)))
                    cursor.positions(in: field, into: &positions)
                    #expect(positions == fields[f], "\(term) doc \(doc) field \(f)")
                    // The phrase checks' path: into a reused buffer (grown from one position).
                    let n = cursor.positions(in: field, into: buffer)
                    #expect(Array(UnsafeBufferPointer(start: buffer.base, count: n)) == fields[f], "\(term) doc \(doc) field \(f), buffer")
                }
                // A field the term is not in gives no positions.
                if let absent = Field.allCases.first(where: { fields[Int($0.rawValue)] == nil }) {
                    #expect(cursor.positions(in: absent, into: buffer) == 0)
                }
                if order.count > 1 { reversedReads += 1 }
                checkedDocs += 1
                // Skip 0 to 40 docs of the term (often past a block's end).
                let i = sorted.firstIndex(of: Int(doc)) ?? sorted.count
                let next = i + 1 + Int(rng.next() % 41)
                guard next < sorted.count else { break }
                target = sorted[next]
            }
            #expect(!cursor.isCorrupt, "\(term)")
        }
        #expect(longEntries > 10 && wideGapEntries > 10, "\(longEntries) entries of more than 8 positions, \(wideGapEntries) shorter with a wide gap")
        #expect(checkedDocs > 1_000 && multiBlockTerms > 10 && reversedReads > 100,
                "the corpus must exercise skips across blocks: \(checkedDocs) docs, \(multiBlockTerms) terms, \(reversedReads)")
    }
}
