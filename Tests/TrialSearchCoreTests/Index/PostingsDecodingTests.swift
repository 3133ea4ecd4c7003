import Testing
@testable import TrialSearchCore

/// The postings decoder (bit unpacking specialised per width; field masks decoded in chunks, as far as
/// the docs a search probes) against the values written, on postings built by hand in the shapes that
/// flushes and merges produce: single-doc blocks, a last block of one doc, merged blocks of 255 docs,
/// docs holding the term in every field or in one, blocks of a single mask.
@Suite struct PostingsDecodingTests {
    /// A block's mask dictionary read per width (`MaskDictionary.readMasks`, eight masks a group at
    /// constant offsets, then one at a time) against the masks packed: every width 1–12, shifts that
    /// keep the masks within the index's fields and ones that push bits past them (dropped), counts
    /// around the groups of eight; each entry's field count is its mask's.
    @Test func maskDictionaryReadsEveryWidthAndShift() {
        var rng = SeededRandom(seed: 15)
        let fields = IndexFormat.fieldCount
        for width in 1...fields {
            for shift in [0, fields - width, min(fields - 1, fields - width + 3)] {
                for count in [1, 7, 8, 9, 16, 19, 255] {
                    let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() & ((1 << UInt64(width)) - 1)) }
                    var packed: [UInt8] = []
                    values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &packed) }
                    // Set bits past the packed masks must not leak into the last ones.
                    packed += [UInt8](repeating: 0xFF, count: 8)
                    var masks = [UInt16](repeating: 0xFFFF, count: count)
                    var counts = [UInt32](repeating: 99, count: count)
                    packed.withUnsafeBytes { source in
                        masks.withUnsafeMutableBufferPointer { m in
                            counts.withUnsafeMutableBufferPointer { c in
                                MaskDictionary.readMasks(source.baseAddress!, count: count, width: width, shift: shift,
                                                         fieldCounts: PostingsCursor.fieldCounts, masks: m.baseAddress!,
                                                         fields: c.baseAddress!)
                            }
                        }
                    }
                    let expected = values.map { UInt16(truncatingIfNeeded: $0 << UInt32(shift)) & ((1 << UInt16(fields)) - 1) }
                    #expect(masks == expected, "width \(width), shift \(shift), \(count) masks")
                    #expect(counts == expected.map { UInt32($0.nonzeroBitCount) }, "width \(width), shift \(shift)")
                }
            }
        }
    }

    @Test func bitUnpackingRoundTripsEveryWidthAndLength() {
        var rng = SeededRandom(seed: 21)
        for width in 0...32 {
            let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
            for count in [0, 1, 7, 8, 9, 15, 16, 17, 31, 127, 128, 129, 255] {
                let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
                var packed: [UInt8] = []
                values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &packed) }
                #expect(packed.count == BitPacking.byteCount(count: count, width: width))
                // Set bits past the packed data must not leak into the last values.
                packed += [UInt8](repeating: 0xFF, count: 8)
                var out = [UInt32](repeating: 7, count: count + 1)
                packed.withUnsafeBytes { raw in
                    out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, count: count, width: width, into: $0.baseAddress!) }
                }
                #expect(Array(out[..<count]) == values, "width \(width), \(count) values")
                #expect(out[count] == 7, "width \(width), \(count) values: wrote past the end")
                // The termFreqs' unpacking, two values a look-up for widths 1–5 (`BitPacking.pairTables`).
                var pairs = [UInt32](repeating: 7, count: count + 1)
                packed.withUnsafeBytes { raw in
                    pairs.withUnsafeMutableBufferPointer {
                        BitPacking.unpack(raw.baseAddress!, count: count, width: width, pairs: BitPacking.pairTables, into: $0.baseAddress!)
                    }
                }
                #expect(pairs == out, "width \(width), \(count) values through the pairs tables")
                // The same bits as doc deltas (stored minus one) after a previous doc; also after one near
                // 2³² (a damaged skip entry), where the values wrap and the returned sum must not.
                for previous in [Int64(rng.next() % 1000) - 1, Int64(UInt32.max) - Int64(rng.next() % 1000)] {
                    var docs = [UInt32](repeating: 0, count: count + 1)
                    let last = packed.withUnsafeBytes { raw in
                        docs.withUnsafeMutableBufferPointer {
                            BitPacking.unpackDocs(raw.baseAddress!, count: count, width: width, after: previous, into: $0.baseAddress!)
                        }
                    }
                    var sum = previous
                    var expected: [UInt32] = []
                    for v in values {
                        sum += Int64(v) + 1
                        expected.append(UInt32(truncatingIfNeeded: sum))
                    }
                    #expect(Array(docs[..<count]) == expected, "width \(width), \(count) deltas after \(previous)")
                    #expect(last == sum)
                }
            }
        }
    }

    /// One posting as written: the doc, its field mask and its termFreq in each field (0 outside the mask).
    struct Posting {
        var doc: Int
        var mask: UInt16
        var freqs: [UInt32]
    }

    /// Postings that `write` wrote: each term's info, the two files, and a cursor on any of the terms.
    struct WrittenPostings {
        let infos: [TermInfo]
        let postings: IndexFile
        let positions: IndexFile
        let docCount: Int

        /// A new cursor on term `t` (its index in `write`'s terms).
        func cursor(_ t: Int) -> PostingsCursor {
            PostingsCursor(info: infos[t], postings: postings, positions: positions, docCount: docCount)
        }
    }

    /// Writes each term's postings with a writer of `blockDocs`-doc blocks.
    static func write(_ terms: [[Posting]], blockDocs: Int, in dir: TemporaryDirectory, name: String) throws
        -> WrittenPostings {
        let postingsPath = dir.path + "/\(name).pst", positionsPath = dir.path + "/\(name).pos"
        let postingsName = SegmentFile.postings.formatName, positionsName = SegmentFile.positions.formatName
        let output = try IndexOutput(path: postingsPath, formatName: postingsName, segmentID: 1, durable: false)
        let positionsOutput = try IndexOutput(path: positionsPath, formatName: positionsName, segmentID: 1, durable: false)
        var writer = PostingsWriter(output: output, positions: positionsOutput, blockDocs: blockDocs, maxima: nil)
        var infos: [TermInfo] = []
        var norms = [UInt8](repeating: 0, count: IndexFormat.fieldCount)
        for postings in terms {
            for p in postings {
                for f in 0..<IndexFormat.fieldCount { norms[f] = UInt8(truncatingIfNeeded: p.doc &* 7 &+ f) }
                // Positions 0, 1, 2, … in each field of the mask: the first position, then gaps of 1.
                var positions: [UInt32] = []
                for f in 0..<IndexFormat.fieldCount where p.mask & (1 << UInt16(f)) != 0 {
                    positions.append(0)
                    positions.append(contentsOf: repeatElement(1, count: Int(p.freqs[f]) - 1))
                }
                p.freqs.withUnsafeBufferPointer { freqs in
                    norms.withUnsafeBufferPointer { n in
                        positions.withUnsafeBufferPointer { pos in
                            writer.add(doc: DocID(p.doc), mask: p.mask, termFreqs: freqs.baseAddress!, norms: n.baseAddress!,
                                       positions: pos.baseAddress!)
                        }
                    }
                }
            }
            infos.append(try writer.finishTerm())
        }
        try output.finish()
        try positionsOutput.finish()
        let docCount = (terms.flatMap { $0.map(\.doc) }.max() ?? 0) + 1
        return WrittenPostings(infos: infos, postings: try IndexFile(path: postingsPath, formatName: postingsName, segmentID: 1),
                               positions: try IndexFile(path: positionsPath, formatName: positionsName, segmentID: 1),
                               docCount: docCount)
    }

    /// Postings of `count` docs from `first`, `step` apart on average; `maskOf(i, rng)` gives each mask.
    static func postings(count: Int, first: Int, rng: inout SeededRandom, maskOf: (Int, inout SeededRandom) -> UInt16) -> [Posting] {
        var doc = first
        return (0..<count).map { i in
            let mask = maskOf(i, &rng)
            var freqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
            for f in 0..<IndexFormat.fieldCount where mask & (1 << UInt16(f)) != 0 {
                // Mostly 1, sometimes large (wider termFreq blocks).
                freqs[f] = rng.next() % 4 == 0 ? UInt32(rng.next() % 3000) + 1 : 1
            }
            defer { doc += 1 + Int(rng.next() % 9) }
            return Posting(doc: doc, mask: mask, freqs: freqs)
        }
    }

    /// Checks what `cursor` reports for the doc it is on against `p`.
    static func expectDoc(_ cursor: inout PostingsCursor, _ p: Posting, _ label: String) {
        #expect(Int(cursor.doc) == p.doc, "\(label)")
        #expect(cursor.fieldMask == p.mask, "\(label) doc \(p.doc): mask")
        for field in Field.allCases {
            #expect(cursor.termFreq(in: field) == Int(p.freqs[Int(field.rawValue)]), "\(label) doc \(p.doc) \(field)")
        }
        #expect(cursor.totalTermFreq() == Int(p.freqs.reduce(0, +)), "\(label) doc \(p.doc): total")
    }

    @Test func handBuiltBlocksReadBackByEveryAccessPath() throws {
        let dir = TemporaryDirectory("decoding")
        defer { dir.remove() }
        let all: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        var rng = SeededRandom(seed: 8)
        let varied: (Int, inout SeededRandom) -> UInt16 = { i, rng in
            switch i % 5 {
            case 0: return all
            case 1: return 1 << UInt16(i % IndexFormat.fieldCount)
            default: return UInt16(truncatingIfNeeded: rng.next() % UInt64(all)) + 1
            }
        }
        // Flush-sized blocks: one doc in every field; 129 docs (a last block of one doc); 300 docs.
        let flushTerms = [
            Self.postings(count: 1, first: 5, rng: &rng) { _, _ in all },
            Self.postings(count: 129, first: 0, rng: &rng, maskOf: varied),
            Self.postings(count: 300, first: 3, rng: &rng, maskOf: varied),
        ]
        // Merge-sized blocks (128, then 255 docs): varied masks; a single mask per block; one doc.
        let mergeTerms = [
            Self.postings(count: 1000, first: 0, rng: &rng, maskOf: varied),
            Self.postings(count: 700, first: 2, rng: &rng) { _, _ in 0b100_0000 },
            Self.postings(count: 1, first: 0, rng: &rng) { _, _ in 1 },
        ]
        for (terms, blockDocs, name) in [(flushTerms, IndexFormat.blockSize, "flush"), (mergeTerms, IndexFormat.maxBlockDocs, "merge")] {
            let written = try Self.write(terms, blockDocs: blockDocs, in: dir, name: name)
            let cursor = written.cursor
            for (t, expected) in terms.enumerated() {
                let label = "\(name) term \(t)"
                // Every doc in order.
                var c = cursor(t)
                for p in expected {
                    _ = c.next()
                    Self.expectDoc(&c, p, label)
                }
                #expect(c.next() == PostingsCursor.noMoreDocs)
                // Probes: advancing to random targets, then reading the doc's termFreqs (masks decoded in
                // chunks up to the probed doc), sometimes followed by a block scan from there.
                for round in 0..<4 {
                    var probe = cursor(t)
                    var target = Int(rng.next() % 20)
                    while let i = expected.firstIndex(where: { $0.doc >= target }) {
                        #expect(probe.advance(to: DocID(target)) == DocID(expected[i].doc), "\(label) advance to \(target)")
                        Self.expectDoc(&probe, expected[i], label)
                        if round == 3 && rng.next() % 5 == 0 {
                            var scanned: [Int] = []
                            let through = expected[min(i + 40, expected.count - 1)].doc
                            let after = probe.scanBlock(through: DocID(through)) { d, mask, freqs in
                                let p = expected[i + scanned.count]
                                scanned.append(Int(d))
                                #expect(Int(d) == p.doc && mask == p.mask, "\(label) scan doc \(d)")
                                var k = 0
                                for f in 0..<IndexFormat.fieldCount where mask & (1 << UInt16(f)) != 0 {
                                    #expect(freqs[k] + 1 == p.freqs[f], "\(label) scan doc \(d) field \(f)")
                                    k += 1
                                }
                            }
                            #expect(!scanned.isEmpty)
                            let next = i + scanned.count
                            #expect(after == (next < expected.count ? DocID(expected[next].doc) : PostingsCursor.noMoreDocs))
                            if after == PostingsCursor.noMoreDocs { break }
                            target = Int(after)
                        }
                        target = max(target, Int(probe.doc) + 1) + Int(rng.next() % UInt64(1 + 60 * round))
                    }
                    #expect(!probe.isCorrupt, "\(label)")
                }
            }
        }
    }

    /// A probe reads one doc of a block: its mask alone (`fieldMask`: a clause that scores only some of
    /// the term's fields) or its termFreqs (`forEachTermFreq`: a scorer's `score()`), without decoding the
    /// docs before it where the block's termFreqs are all 1 (width 0) or its docs share one mask. Either
    /// read, in either order, agrees with the postings written, and so do the docs decoded after it.
    @Test func probedDocsReadAloneAgreeWithThePostings() throws {
        let dir = TemporaryDirectory("probes")
        defer { dir.remove() }
        let all: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        var rng = SeededRandom(seed: 21)
        let varied: (Int, inout SeededRandom) -> UInt16 = { i, rng in
            i % 4 == 0 ? 1 << UInt16(i % IndexFormat.fieldCount) : UInt16(truncatingIfNeeded: rng.next() % UInt64(all)) + 1
        }
        var ones = Self.postings(count: 1000, first: 1, rng: &rng, maskOf: varied)
        for i in ones.indices { ones[i].freqs = ones[i].freqs.map { min($0, 1) } }
        let terms = [
            Self.postings(count: 1000, first: 0, rng: &rng, maskOf: varied),
            ones,
            Self.postings(count: 700, first: 2, rng: &rng) { _, _ in 0b1_0100_0000 },
        ]
        for blockDocs in [IndexFormat.blockSize, IndexFormat.maxBlockDocs] {
            let written = try Self.write(terms, blockDocs: blockDocs, in: dir, name: "probes\(blockDocs)")
            for (t, expected) in terms.enumerated() {
                for round in 0..<3 {
                    let label = "\(blockDocs)-doc blocks, term \(t), round \(round)"
                    var probe = written.cursor(t)
                    var target = Int(rng.next() % 20)
                    while let i = expected.firstIndex(where: { $0.doc >= target }) {
                        let p = expected[i]
                        #expect(probe.advance(to: DocID(target)) == DocID(p.doc), "\(label): advance to \(target)")
                        if round == 1 { #expect(probe.fieldMask == p.mask, "\(label) doc \(p.doc): mask first") }
                        var freqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
                        probe.forEachTermFreq { field, tf in freqs[Int(field.rawValue)] = UInt32(tf) }
                        #expect(freqs == p.freqs, "\(label) doc \(p.doc): termFreqs")
                        #expect(probe.fieldMask == p.mask, "\(label) doc \(p.doc): mask")
                        // Round 2 decodes the rest of the block in order after the probe.
                        if round == 2 && rng.next() % 3 == 0 { Self.expectDoc(&probe, p, label) }
                        target = Int(probe.doc) + 1 + Int(rng.next() % UInt64(1 + 30 * round))
                    }
                    #expect(!probe.isCorrupt, "\(label)")
                }
            }
        }
    }

    /// `advance(to:)` within a block stops at the `UInt32.max` entries past its last doc
    /// (`PostingsBuffers.docsPadding`) rather than at a bound test: from a fresh cursor and from the
    /// previous target, every target from before the first doc to past the last lands on the first doc at
    /// or after it (or `noMoreDocs`), for blocks of every fill (a single doc, a tail block, full blocks of
    /// 128 and 255), after a larger block left its doc ids in the buffer too.
    @Test func advancesWithinABlockStopAtItsEnd() throws {
        let dir = TemporaryDirectory("scans")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 29)
        let one: (Int, inout SeededRandom) -> UInt16 = { _, _ in 1 }
        let terms = [1, 7, 8, 9, 255, 300, 1000].map { Self.postings(count: $0, first: Int(rng.next() % 5), rng: &rng, maskOf: one) }
        for blockDocs in [IndexFormat.blockSize, IndexFormat.maxBlockDocs] {
            let written = try Self.write(terms, blockDocs: blockDocs, in: dir, name: "scans\(blockDocs)")
            for (t, expected) in terms.enumerated() {
                let label = "\(blockDocs)-doc blocks, \(expected.count) docs"
                let docs = expected.map(\.doc)
                let last = docs[docs.count - 1]
                func landing(_ target: Int) -> DocID {
                    docs.first(where: { $0 >= target }).map { DocID($0) } ?? PostingsCursor.noMoreDocs
                }
                var walked = written.cursor(t)
                var target = 0
                while target <= last + 2 {
                    var fresh = written.cursor(t)
                    #expect(fresh.advance(to: DocID(target)) == landing(target), "\(label): fresh cursor to \(target)")
                    if walked.doc < DocID(target) {
                        #expect(walked.advance(to: DocID(target)) == landing(target), "\(label): walked to \(target)")
                    }
                    // A cursor on buffers that held a full block of the longest term first.
                    var longest = written.cursor(terms.count - 1)
                    _ = longest.advance(to: DocID(terms[terms.count - 1][blockDocs + 1].doc))
                    var reused = PostingsCursor(info: written.infos[t], postings: written.postings, positions: written.positions,
                                                docCount: written.docCount, buffers: longest.buffers)
                    #expect(reused.advance(to: DocID(target)) == landing(target), "\(label): reused buffers to \(target)")
                    target += 1 + Int(rng.next() % 3)
                }
                #expect(!walked.isCorrupt, "\(label)")
            }
        }
    }

    /// `run(through:)` and `next(after:)` (the block runs a scorer loops over) hand out every doc with
    /// its mask and termFreqs, in runs that stop at `last` or at the block's end, over every block shape
    /// (flush blocks of 128 docs, a tail block of one doc, merged blocks of 255, a single-doc term, a
    /// block of one mask), from the first doc or after an `advance`.
    @Test func blockRunsHandOutEveryDocOnce() throws {
        let dir = TemporaryDirectory("runs")
        defer { dir.remove() }
        let all: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        var rng = SeededRandom(seed: 31)
        let varied: (Int, inout SeededRandom) -> UInt16 = { _, rng in UInt16(truncatingIfNeeded: rng.next() % UInt64(all)) + 1 }
        let terms = [
            Self.postings(count: 1, first: 3, rng: &rng) { _, _ in all },
            Self.postings(count: 129, first: 0, rng: &rng, maskOf: varied),
            Self.postings(count: 600, first: 1, rng: &rng, maskOf: varied),
            Self.postings(count: 300, first: 0, rng: &rng) { _, _ in 0b10 },
        ]
        for blockDocs in [IndexFormat.blockSize, IndexFormat.maxBlockDocs] {
            let written = try Self.write(terms, blockDocs: blockDocs, in: dir, name: "runs\(blockDocs)")
            for (t, expected) in terms.enumerated() {
                for round in 0..<6 {
                    let label = "\(blockDocs)-doc blocks, term \(t), round \(round)"
                    var c = written.cursor(t)
                    // Rounds 1…: start after an advance to a random doc.
                    let start = round == 0 ? 0 : Int(rng.next() % UInt64(expected.count))
                    var d = round == 0 ? c.next() : c.advance(to: DocID(expected[start].doc))
                    var seen: [Int] = []
                    let before = c.run(through: d - 1)
                    #expect(before == nil, "\(label): a run ending before the current doc")
                    while d != PostingsCursor.noMoreDocs {
                        // Stop a few docs on (in doc ids), sometimes far past the block.
                        let last = d + DocID(rng.next() % UInt64(round % 2 == 0 ? 40 : 4_000))
                        let next = c.run(through: last)
                        let run = try #require(next, "\(label) at \(d)")
                        #expect(run.start < run.end)
                        for i in run.start..<run.end {
                            let p = expected[start + seen.count]
                            #expect(Int(run.docs[i]) == p.doc && DocID(run.docs[i]) <= last, "\(label) doc \(p.doc)")
                            #expect(run.masks[i] == p.mask, "\(label) doc \(p.doc) mask")
                            var k = Int(run.freqStarts[i])
                            for f in 0..<IndexFormat.fieldCount where p.mask & (1 << UInt16(f)) != 0 {
                                #expect(run.freqs[k] + 1 == p.freqs[f], "\(label) doc \(p.doc) field \(f)")
                                k += 1
                            }
                            seen.append(p.doc)
                        }
                        d = c.next(after: run)
                        let following = start + seen.count
                        #expect(d == (following < expected.count ? DocID(expected[following].doc) : PostingsCursor.noMoreDocs),
                                "\(label)")
                        // A run stops at `last` or at its block's end: the first block holds 128 docs, the
                        // others `blockDocs` (`PostingsWriter`).
                        if d <= last {
                            #expect(following >= IndexFormat.blockSize && (following - IndexFormat.blockSize) % blockDocs == 0,
                                    "\(label): stopped inside a block, before doc \(following)")
                        }
                    }
                    #expect(seen == expected[start...].map(\.doc), "\(label): every doc once")
                    #expect(!c.isCorrupt)
                }
            }
        }
    }

    /// A block whose mask index points past its dictionary (a file damaged yet with a valid checksum):
    /// the doc reads no field and the cursor reports the corruption; the same block with a valid index
    /// reads its masks. Bytes as in `PostingsWriter`'s grammar: impacts (fields 1, 2 and 3: max tf 1, min
    /// norm 5 each), deltas of docs 3, 7 and 8 at width 2 (stored 3, 3, 0), three masks (fields 1, 2, 3,
    /// shifted by 1 at width 3: 1, 2, 4 in `11 01`) with indices 2, 0, 1 (3 when damaged) at width 2, no
    /// termFreq bits (all 1). Damaged on the second doc, the block's masks decoded for the first doc
    /// (`MaskDictionary.decode`, which sees the damaged entry in its total) report it too.
    @Test func maskIndexPastTheDictionaryIsCaught() throws {
        let dir = TemporaryDirectory("maskindex")
        defer { dir.remove() }
        for (name, indices) in [("valid", UInt8(0b01_00_10)), ("damaged", UInt8(0b01_00_11)), ("damagedLater", UInt8(0b01_11_10))] {
            let block: [UInt8] = [0x0E, 0x00, 0x01, 0x05, 0x01, 0x05, 0x01, 0x05, 0x02, 0x0F, 0x03, 0x11, 0x01, indices, 0x00]
            let postingsPath = dir.path + "/\(name).pst", positionsPath = dir.path + "/\(name).pos"
            let postingsName = SegmentFile.postings.formatName, positionsName = SegmentFile.positions.formatName
            let output = try IndexOutput(path: postingsPath, formatName: postingsName, segmentID: 1, durable: false)
            var info = TermInfo()
            info.docFreq = 3
            info.postingsOffset = output.position
            try output.write(block)
            info.postingsLength = block.count
            try output.finish()
            let positionsOutput = try IndexOutput(path: positionsPath, formatName: positionsName, segmentID: 1, durable: false)
            info.positionsOffset = positionsOutput.position
            try positionsOutput.finish()
            // The files own the mappings the cursor reads: they must outlive it.
            let postings = try IndexFile(path: postingsPath, formatName: postingsName, segmentID: 1)
            let positions = try IndexFile(path: positionsPath, formatName: positionsName, segmentID: 1)
            defer { withExtendedLifetime((postings, positions)) {} }
            var cursor = PostingsCursor(info: info, postings: postings, positions: positions, docCount: 9)
            #expect(cursor.next() == 3)
            if name == "valid" {
                #expect(cursor.fieldMask == 0b1000)
                #expect(cursor.termFreq(in: .keyword) == 1)
                #expect(cursor.next() == 7)
                #expect(cursor.fieldMask == 0b10)
                #expect(cursor.next() == 8)
                #expect(cursor.fieldMask == 0b100)
                #expect(cursor.next() == PostingsCursor.noMoreDocs)
                #expect(!cursor.isCorrupt)
            } else if name == "damaged" {
                #expect(cursor.fieldMask == 0)
                #expect(cursor.termFreq(in: .keyword) == 0)
                #expect(cursor.isCorrupt)
            } else {
                #expect(!cursor.isCorrupt)
                #expect(cursor.termFreq(in: .keyword) == 0)
                #expect(cursor.isCorrupt)
            }
        }
    }

    /// A probe past the first groups of 8 of a block only sums their docs' field counts
    /// (`decodeMasks(through:chunk:)`): an index past the dictionary among them still marks the cursor
    /// corrupt. The block is written by the writer (three masks: indices of 2 bits, index 3 past the
    /// dictionary), copied into a new file with its first index byte set to 3, 3, 3, 3.
    @Test func maskIndexPastTheDictionaryInSkippedDocsIsCaught() throws {
        let dir = TemporaryDirectory("skippedindex")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 31)
        var postings = Self.postings(count: 64, first: 0, rng: &rng) { i, _ in [0b1, 0b110, 0b1000][i % 3] }
        postings[1].freqs[1] = 300
        let written = try Self.write([postings], blockDocs: IndexFormat.maxBlockDocs, in: dir, name: "skipped")
        var reader = written.cursor(0)
        #expect(reader.next() == DocID(postings[0].doc))
        #expect(reader.fieldMask == postings[0].mask)
        #expect(reader.maskCount == 3 && reader.indexWidth == 2 && reader.freqWidth > 0)
        let info = written.infos[0]
        let indices = reader.indicesOffset - info.postingsOffset
        var bytes = [UInt8](UnsafeRawBufferPointer(start: reader.base + info.postingsOffset, count: info.postingsLength))
        let target = postings[20]
        for damaged in [false, true] {
            if damaged { bytes[indices] = 0xFF }
            let name = damaged ? "damaged" : "valid"
            let postingsPath = dir.path + "/\(name).pst", positionsPath = dir.path + "/\(name).pos"
            let postingsName = SegmentFile.postings.formatName, positionsName = SegmentFile.positions.formatName
            let output = try IndexOutput(path: postingsPath, formatName: postingsName, segmentID: 1, durable: false)
            var copied = info
            copied.postingsOffset = output.position
            try output.write(bytes)
            try output.finish()
            let positionsOutput = try IndexOutput(path: positionsPath, formatName: positionsName, segmentID: 1, durable: false)
            copied.positionsOffset = positionsOutput.position
            copied.positionsLength = 0
            try positionsOutput.finish()
            let postingsFile = try IndexFile(path: postingsPath, formatName: postingsName, segmentID: 1)
            let positionsFile = try IndexFile(path: positionsPath, formatName: positionsName, segmentID: 1)
            defer { withExtendedLifetime((postingsFile, positionsFile)) {} }
            var cursor = PostingsCursor(info: copied, postings: postingsFile, positions: positionsFile, docCount: written.docCount)
            #expect(cursor.advance(to: DocID(target.doc)) == DocID(target.doc), "\(name)")
            var freqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
            cursor.forEachTermFreq { field, tf in freqs[Int(field.rawValue)] = UInt32(tf) }
            if damaged {
                #expect(cursor.isCorrupt, "the summed docs' index past the dictionary")
            } else {
                #expect(!cursor.isCorrupt)
                #expect(freqs == target.freqs && cursor.fieldMask == target.mask)
                // Only the doc's chunk was decoded: the docs before the group of the doc before it were summed.
                #expect(cursor.buffers.freqStart[16] == UInt32(postings[..<16].reduce(0) { $0 + $1.mask.nonzeroBitCount }))
            }
        }
    }
}
