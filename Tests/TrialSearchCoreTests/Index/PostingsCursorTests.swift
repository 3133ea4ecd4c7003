import Testing
@testable import TrialSearchCore

/// Skip data and block-max impacts against the naive model, with a reference BM25F scorer.
@Suite struct PostingsCursorTests {
    /// Exhaustive BM25F (simple BM25F over decoded field lengths), the reference for impact bounds.
    struct ReferenceScorer {
        var k1: Double
        var b: [Double]
        var weights: [Double]
        var averages: [Double]

        func score(freqs: [Int: Int], lengths: (Int) -> Int) -> Double {
            var tf = 0.0
            for (f, freq) in freqs {
                let norm = 1 - b[f] + b[f] * Double(lengths(f)) / max(averages[f], 1e-9)
                tf += weights[f] * Double(freq) / norm
            }
            return tf / (k1 + tf)
        }

        func bound(_ impacts: Impacts) -> Double {
            var tf = 0.0
            for f in 0..<IndexFormat.fieldCount where impacts.fieldMask & (1 << UInt16(f)) != 0 {
                let length = FieldNorm.decode(UInt8(impacts.minNorm[f]))
                let norm = 1 - b[f] + b[f] * Double(length) / max(averages[f], 1e-9)
                tf += weights[f] * Double(impacts.maxTermFreq[f]) / norm
            }
            return tf / (k1 + tf)
        }
    }

    @Test func advanceAndImpactsMatchTheNaiveModel() throws {
        let dir = TemporaryDirectory("cursor")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 900, seed: 11)
        let segment = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        let naive = NaiveIndex(trials)
        var rng = SeededRandom(seed: 99)
        var checkedBlocks = 0
        for (term, docs) in naive.postings where docs.count > 40 {
            let info = try #require(try segment.terms.lookup(term))
            let sortedDocs = docs.keys.sorted()
            // Random advances: always the first doc ≥ target.
            var cursor = segment.postings(info)
            var target = 0
            while true {
                target += Int(rng.next() % 60)
                let got = cursor.advance(to: DocID(target))
                let expected = sortedDocs.first { $0 >= target }
                if let expected {
                    #expect(Int(got) == expected, "\(term): advance to \(target)")
                    target = Int(got) + 1
                } else {
                    #expect(got == PostingsCursor.noMoreDocs)
                    break
                }
            }
            // Bounds for random parameters: every doc's score ≤ its block's bound ≤ the term's bound.
            for _ in 0..<3 {
                let scorer = ReferenceScorer(
                    k1: Double(rng.next() % 300) / 100 + 0.01,
                    b: (0..<IndexFormat.fieldCount).map { _ in Double(rng.next() % 101) / 100 },
                    weights: (0..<IndexFormat.fieldCount).map { _ in Double(rng.next() % 500) / 100 },
                    averages: (0..<IndexFormat.fieldCount).map { _ in Double(rng.next() % 100) + 1 })
                var c = segment.postings(info)
                let termBound = scorer.bound(c.termImpacts)
                var upTo: DocID = -1
                var blockBound = 0.0
                while c.next() != PostingsCursor.noMoreDocs {
                    if c.doc > upTo {
                        upTo = c.advanceShallow(to: c.doc)
                        #expect(upTo >= c.doc)
                        blockBound = scorer.bound(c.blockImpacts)
                        // Read in place (as searches do), the block's bound is the decoded one.
                        var inPlace = Impacts()
                        c.forEachBlockImpact { f, maxTermFreq, minNorm in inPlace.add(field: f, termFreq: maxTermFreq, norm: minNorm) }
                        #expect(inPlace == c.blockImpacts, "\(term) block of doc \(c.doc)")
                        #expect(blockBound <= termBound + 1e-12)
                        checkedBlocks += 1
                    }
                    let freqs = (docs[Int(c.doc)] ?? [:]).mapValues(\.count)
                    let score = scorer.score(freqs: freqs) { segment.fieldLength(c.doc, Field(rawValue: UInt8($0))!) }
                    #expect(score <= blockBound + 1e-12, "\(term) doc \(c.doc): score \(score) > bound \(blockBound)")
                }
            }
        }
        #expect(checkedBlocks > 100)
    }

    @Test func shallowAdvancePastTheEnd() throws {
        let dir = TemporaryDirectory("shallow")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 600, seed: 5)
        let segment = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        let info = try #require(try segment.terms.lookup("w0"))
        #expect(info.docFreq > IndexFormat.blockSize)
        var cursor = segment.postings(info)
        #expect(cursor.advanceShallow(to: DocID(trials.count + 5)) == PostingsCursor.noMoreDocs)
        #expect(cursor.blockImpacts.fieldMask == 0)
        var fields = 0
        cursor.forEachBlockImpact { _, _, _ in fields += 1 }
        #expect(fields == 0)
        // Shallow advancing does not move the cursor.
        #expect(cursor.doc == -1)
        #expect(cursor.next() >= 0)
    }

    @Test func fieldNormIsMonotonicAndExactBelow24() {
        var previous = -1
        for length in 0..<100_000 {
            let byte = FieldNorm.encode(length)
            let decoded = FieldNorm.decode(byte)
            #expect(decoded <= length)
            if length < 24 { #expect(decoded == length) }
            #expect(Int(byte) >= previous)
            previous = Int(byte)
        }
        #expect(FieldNorm.decode(FieldNorm.encode(100)) == 96)
    }

    @Test func bitPackingRoundTrips() {
        var rng = SeededRandom(seed: 3)
        for width in 0...32 {
            let count = Int(rng.next() % 200) + 1
            let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
            let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
            var packed: [UInt8] = []
            values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &packed) }
            #expect(packed.count == BitPacking.byteCount(count: count, width: width))
            packed += [UInt8](repeating: 0, count: 8)
            var out = [UInt32](repeating: 0, count: count)
            packed.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, count: count, width: width, into: $0.baseAddress!) }
            }
            #expect(out == values)
        }
    }

    /// Skipping vints eight bytes at a time lands where reading them one by one does, for values of one
    /// to five bytes, any count, and a truncated stream (stops at its end).
    @Test func skippingVIntsMatchesReadingThem() {
        var rng = SeededRandom(seed: 5)
        for round in 0..<300 {
            let n = Int(rng.next() % 120)
            var bytes: [UInt8] = []
            var ends: [Int] = []
            for _ in 0..<n {
                let size = [0, 7, 14, 21, 28][Int(rng.next() % 5)]
                bytes.appendVInt(UInt64(rng.next() % (UInt64(1) << UInt64(size + 7))))
                ends.append(bytes.count)
            }
            let cut = round % 7 == 0 && !bytes.isEmpty ? Int(rng.next() % UInt64(bytes.count)) : bytes.count
            let stream = Array(bytes[..<cut]) + [UInt8](repeating: 0x80, count: 8)
            let count = n == 0 ? 0 : Int(rng.next() % UInt64(n + 1))
            let expected = count == 0 ? 0 : min(ends[count - 1], cut)
            let got = stream.withUnsafeBytes { PostingsCursor.skipVInts(count, base: $0.baseAddress!, from: 0, end: cut) }
            #expect(got == expected, "round \(round): \(count) of \(n) vints, \(cut) bytes")
        }
    }
}
