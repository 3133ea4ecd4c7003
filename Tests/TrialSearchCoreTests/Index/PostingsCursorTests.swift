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

    /// Far advances (a phrase's frequent part led by a rare one lands anywhere in a block) and advances
    /// past a single-block term's last doc give the naive postings' next doc.
    @Test func farAdvancesMatchTheNaivePostings() throws {
        let dir = TemporaryDirectory("far-advance")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 900, seed: 13)
        let segment = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        let naive = NaiveIndex(trials)
        var rng = SeededRandom(seed: 3)
        var advances = 0
        for (term, docs) in naive.postings {
            let info = try #require(try segment.terms.lookup(term))
            let sortedDocs = docs.keys.sorted()
            var cursor = segment.postings(info)
            var target = -1
            while true {
                target += 1 + Int(rng.next() % 400)
                let got = cursor.advance(to: DocID(target))
                advances += 1
                guard let expected = sortedDocs.first(where: { $0 >= target }) else {
                    #expect(got == PostingsCursor.noMoreDocs, "\(term): advance to \(target)")
                    break
                }
                #expect(Int(got) == expected, "\(term): advance to \(target)")
                target = Int(got)
            }
        }
        #expect(advances > 1000)
    }

    /// `findBlock` (a gallop, then a binary search without a branch per step) is the first block from
    /// `from` whose last doc is ≥ the target, as a linear search finds it, or nil past the last block;
    /// on skip tables of 1 to 300 blocks with gaps of every size.
    @Test func findBlockIsTheFirstBlockReachingTheTarget() {
        var rng = SeededRandom(seed: 17)
        let length = PostingsCursor.skipEntryLength
        for count in [1, 2, 3, 7, 8, 9, 64, 65, 300] {
            var lastDocs: [Int32] = []
            var doc: Int32 = Int32(rng.next() % 5)
            for _ in 0..<count {
                doc += 1 + Int32(rng.next() % (rng.next() % 2 == 0 ? 3 : 400))
                lastDocs.append(doc)
            }
            var table = [UInt8](repeating: 0xA5, count: 7 + length * count)
            for (b, last) in lastDocs.enumerated() {
                withUnsafeBytes(of: UInt32(bitPattern: last).littleEndian) { bytes in
                    for k in 0..<4 { table[7 + length * b + k] = bytes[k] }
                }
            }
            table.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                for from in Set([0, count / 2, count - 1]) {
                    for target in Set([0, 1, lastDocs[from], lastDocs[from] + 1, lastDocs[count - 1], lastDocs[count - 1] + 1]
                        + (0..<20).map { _ in Int32(rng.next() % UInt64(lastDocs[count - 1] + 2)) }) {
                        let expected = count == 1 ? 0 : (from..<count).first { lastDocs[$0] >= target }
                        let found = PostingsCursor.findBlock(target, from: from, base: base, skipStart: 7, blockCount: count)
                        #expect(found == expected, "count \(count) from \(from) target \(target)")
                    }
                }
            }
        }
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

    /// `Impacts.skip` (in place where the longest encoding fits) and a block load's skip
    /// (`PostingsCursor.skipBlockImpacts`, one test where every vint is one byte) end where the checked
    /// reader ends, and fail where it fails: encoded bounds with vints of one to five bytes, cut short,
    /// and with a vint of ten continuation bytes (which `readVInt` refuses).
    @Test func impactsSkipAgreesWithTheCheckedReader() {
        var rng = SeededRandom(seed: 13)
        for round in 0..<300 {
            var impacts = Impacts()
            for f in 0..<IndexFormat.fieldCount where rng.next() % 3 == 0 {
                // Half the rounds with termFreqs below 128 (one-byte vints: `skipBlockImpacts`' one test).
                let tf = round % 4 < 2 ? UInt32(truncatingIfNeeded: rng.next() % 128)
                    : UInt32(truncatingIfNeeded: rng.next() >> UInt64(rng.next() % 64))
                impacts.add(field: f, termFreq: max(tf, 1), norm: UInt8(truncatingIfNeeded: rng.next()))
            }
            var bytes: [UInt8] = []
            impacts.encode(into: &bytes)
            if round % 5 == 0, impacts.fieldMask != 0 {
                // The first field's vint made ten continuation bytes long.
                bytes.replaceSubrange(2..<3, with: [UInt8](repeating: 0x80, count: 10) + [bytes[2] & 0x7F])
            }
            let length = bytes.count
            let cut = round % 3 == 0 ? Int(rng.next() % UInt64(length + 1)) : length
            let tail = round % 2 == 0 ? Impacts.maxSkippedLength : 0
            let buffer = Array(bytes[..<cut]) + [UInt8](repeating: 0xFF, count: tail)
            buffer.withUnsafeBytes { raw in
                let end = cut + tail
                var fast = ByteReader(base: raw.baseAddress!, end: end, position: 0)
                var checked = ByteReader(base: raw.baseAddress!, end: end, position: 0)
                var block = ByteReader(base: raw.baseAddress!, end: end, position: 0)
                Impacts.skip(&fast)
                Impacts.skipChecked(&checked)
                PostingsCursor.skipBlockImpacts(&block, fieldCounts: PostingsCursor.fieldCounts)
                #expect(fast.failed == checked.failed, "round \(round)")
                #expect(block.failed == checked.failed, "round \(round)")
                if !checked.failed {
                    #expect(fast.position == checked.position, "round \(round)")
                    #expect(block.position == checked.position, "round \(round)")
                }
            }
        }
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

    /// A positions block reads back its values, whether read one by one or after skipping any number
    /// (the select over unary codes), for values of 0 to 32 bits mixed in every proportion; a block cut
    /// short fails instead of reading past its end.
    @Test func positionsBlocksRoundTripAndSkip() {
        var rng = SeededRandom(seed: 5)
        for round in 0..<400 {
            let values = Self.randomPositionsBlock(&rng, maxCount: 300, outlierOneIn: 20)
            let n = values.count
            let bytes = Self.encodedPositionsBlock(values) + [UInt8](repeating: 0xFF, count: 8)
            // The parameter is the first k of 0…maxK with the fewest bits by the encoder's cost (a value
            // of b bits: 2·max(0, b − k − 1) + 1 + k), found by trying every k.
            let costs = (0...PositionsBlock.maxK).map { k in
                values.reduce(0) { $0 + 2 * max(0, BitPacking.bitsRequired($1) - k - 1) + 1 + k }
            }
            var header = 0, shift = 0, h = 0
            while true {
                header |= Int(bytes[h] & 0x7F) << shift
                shift += 7
                h += 1
                if bytes[h - 1] < 0x80 { break }
            }
            #expect(header & 31 == costs.firstIndex(of: costs.min() ?? 0), "round \(round): parameter \(header & 31)")
            let skip = Int(rng.next() % UInt64(n + 1))
            bytes.withUnsafeBytes { raw in
                let end = bytes.count - 8
                var reader = PositionsBlockReader(base: raw.baseAddress!, start: 0, end: end)
                reader.skip(skip)
                let rest = (skip..<n).map { _ in reader.next() }
                #expect(!reader.failed && rest == Array(values[skip...]), "round \(round): skip \(skip) of \(n)")
                // One byte short: the last byte holds a bit of the last mantissa (or the header's unary
                // length runs past the end), so reading every value fails.
                var cut = PositionsBlockReader(base: raw.baseAddress!, start: 0, end: end - 1)
                cut.skip(n - 1)
                _ = cut.next()
                #expect(cut.failed, "round \(round): a block cut by one byte reads")
            }
        }
    }

    /// The reader's select over a 56-bit word of unary codes (running byte totals, then the byte that
    /// reaches the rank) finds the same bit as clearing the lowest one bit rank − 1 times, for every rank
    /// of random words of every density and of the extreme words (one bit, all 56, a byte's worth).
    @Test func unarySelectAgreesWithClearingBits() {
        var rng = SeededRandom(seed: 22)
        var words: [UInt64] = [1, 1 << 55, (1 << 56) - 1, 0xFF, 0xFF << 48, 0x0101_0101_0101_01, 0x80_8080_8080_8080]
        for _ in 0..<2_000 {
            var w = rng.next()
            for _ in 0..<Int(rng.next() % 4) { w &= rng.next() }
            if rng.next() % 2 == 0 { w |= rng.next() }
            words.append(w & ((1 << 56) - 1))
        }
        for word in words {
            let totals = PositionsBlockReader.byteTotals(word)
            #expect(Int(totals >> 56) == word.nonzeroBitCount, "\(word)")
            var w = word
            for rank in stride(from: 1, through: word.nonzeroBitCount, by: 1) {
                #expect(PositionsBlockReader.select(word, totals: totals, rank: rank) == w.trailingZeroBitCount,
                        "\(word) rank \(rank)")
                w &= w - 1
            }
        }
    }

    /// `PositionsBlock.encode` (a word-at-a-time bit writer, k from suffix sums) writes the bytes of the
    /// grammar written bit by bit with k found by trying every k, for values of 0 to 32 bits.
    @Test func positionsBlocksEncodeAsTheGrammarBitByBit() {
        var rng = SeededRandom(seed: 11)
        for round in 0..<300 {
            let values = Self.randomPositionsBlock(&rng, maxCount: 200, outlierOneIn: 10)
            #expect(Self.encodedPositionsBlock(values) == Self.referencePositionsBlock(values), "round \(round): \(values.count) values")
        }
    }

    /// Blocks of up to 2,000 values, on either side of `PositionsBlock.stackScratchValues`, encoded
    /// with a writer's scratch (dirty: what a previous block left) and without it: the grammar's bytes.
    @Test func positionsBlocksEncodeAsTheGrammarWithAScratch() {
        var rng = SeededRandom(seed: 12)
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: PositionsBlock.scratchWords(count: 2_000))
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0xFFFF_FFFF, count: PositionsBlock.scratchWords(count: 2_000))
        for round in 0..<60 {
            var values = Self.randomPositionsBlock(&rng, maxCount: 2_000, outlierOneIn: 10)
            if round < 4 { values = Array(repeating: UInt32(round), count: PositionsBlock.stackScratchValues - 1 + round) }
            var buffer = ByteBuffer(capacity: PositionsBlock.maxEncodedLength(count: values.count))
            values.withUnsafeBufferPointer {
                PositionsBlock.encode($0.baseAddress!, count: values.count, into: &buffer, scratch: scratch)
            }
            let reference = Self.referencePositionsBlock(values)
            #expect(Array(buffer.bytes) == reference, "round \(round): \(values.count) values")
            #expect(Self.encodedPositionsBlock(values) == reference, "round \(round): \(values.count) values")
        }
    }

    /// A block of one value (the commonest block of a flush: a term once in one doc), whose k the
    /// encoder finds without the bit lengths' table: the grammar's bytes for the smallest, the largest
    /// and a middle value of every bit length 0…32.
    @Test func positionsBlocksOfOneValueEncodeAsTheGrammar() {
        for bits in 0...32 {
            let low: UInt32 = bits == 0 ? 0 : UInt32(truncatingIfNeeded: UInt64(1) << UInt64(bits - 1))
            let high: UInt32 = bits == 0 ? 0 : UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(bits)) - 1)
            for value in [low, high, low | (high >> 1 & 0x5555_5555)] {
                #expect(Self.encodedPositionsBlock([value]) == Self.referencePositionsBlock([value]), "\(value) (\(bits) bits)")
            }
        }
    }

    /// `values` as the grammar writes them, bit by bit, with k found by trying every k.
    static func referencePositionsBlock(_ values: [UInt32]) -> [UInt8] {
        let costs = (0...PositionsBlock.maxK).map { k in
            values.reduce(0) { $0 + 2 * max(0, BitPacking.bitsRequired($1) - k - 1) + 1 + k }
        }
        let k = costs.firstIndex(of: costs.min() ?? 0) ?? 0
        var unary: [Bool] = [], mantissas: [Bool] = []
        for v in values {
            let z = 63 - ((UInt64(v) >> UInt64(k)) + 1).leadingZeroBitCount
            unary += [Bool](repeating: false, count: z)
            unary.append(true)
            let code: UInt64 = UInt64(v) + (UInt64(1) << UInt64(k)) - (UInt64(1) << UInt64(z + k))
            for bit in 0..<(z + k) { mantissas.append((code >> UInt64(bit)) & 1 == 1) }
        }
        func bytes(_ bits: [Bool]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
            for (i, bit) in bits.enumerated() where bit {
                out[i / 8] |= UInt8(1) << UInt8(i % 8)
            }
            return out
        }
        let unaryBytes = bytes(unary)
        var header: [UInt8] = []
        var h = UInt64(unaryBytes.count << 5 | k)
        while h >= 0x80 { header.append(UInt8(h & 0x7F) | 0x80); h >>= 7 }
        header.append(UInt8(h))
        return header + unaryBytes + bytes(mantissas)
    }

    /// The positions block of `PostingsWriter`'s worked example, byte for byte, and `PositionsBlock`'s.
    @Test func positionsBlockWorkedExamples() {
        for (values, expected) in [([UInt32]([2, 0, 7, 4]), [UInt8]([0x21, 0xA6, 0x88]))] {
            #expect(Self.encodedPositionsBlock(values) == expected)
        }
        let example: [UInt8] = [0x21, 0x06, 0x01] + [UInt8](repeating: 0, count: 8)
        example.withUnsafeBytes { raw in
            var reader = PositionsBlockReader(base: raw.baseAddress!, start: 0, end: 3)
            #expect(reader.next() == 3 && reader.next() == 0 && !reader.failed)
        }
    }

    /// 1…`maxCount` random position values for a block: most of up to a random bit length (0…32), one
    /// in `outlierOneIn` of any length up to 32 bits.
    static func randomPositionsBlock(_ rng: inout SeededRandom, maxCount: Int, outlierOneIn: UInt64) -> [UInt32] {
        let n = Int(rng.next() % UInt64(maxCount)) + 1
        let spread = Int(rng.next() % 33)
        return (0..<n).map { _ -> UInt32 in
            let bits = rng.next() % outlierOneIn == 0 ? Int(rng.next() % 33) : Int(rng.next() % UInt64(spread + 1))
            return bits == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next() & ((UInt64(1) << UInt64(bits)) - 1))
        }
    }

    /// `values` as `PositionsBlock.encode` writes them.
    static func encodedPositionsBlock(_ values: [UInt32]) -> [UInt8] {
        var buffer = ByteBuffer(capacity: PositionsBlock.maxEncodedLength(count: values.count))
        values.withUnsafeBufferPointer { PositionsBlock.encode($0.baseAddress!, count: values.count, into: &buffer) }
        return Array(buffer.bytes)
    }
}
