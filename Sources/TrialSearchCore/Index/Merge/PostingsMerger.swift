/// Merges one term's postings and positions from several source segments into the merged segment's
/// postings file, copying whole blocks wherever it can.
///
/// A block of a source without deletes is copied as it is (`PostingsWriter.appendBlock`) when nothing
/// waits to be encoded and its first doc keeps its gap to the last doc written: the docs of such a
/// source are shifted by a constant, so every delta but a source's first stays valid, and the block's
/// impacts too (norms are per doc). The other blocks are decoded through a `PostingsCursor` and their
/// docs re-encoded: a source's first block when the previous source's last doc is not right before
/// it, a source's last block when it is short and another source follows (so that short blocks join
/// the next source's first block instead of staying in the middle of the list), and every block of a
/// source with deletes (skipping deleted docs). A copied block's positions are copied with it (its
/// `PositionsBlock`); a re-encoded doc's positions are decoded and coded again in its new block.
///
/// Not thread-safe: one per merge. Noncopyable: it owns its writer's buffers and scratch memory.
struct PostingsMerger: ~Copyable {
    /// The files each source's terms point into (not whole `SegmentReader`s: copying one per term
    /// retains a dozen objects).
    private struct Source {
        let postings: IndexFile
        let positions: IndexFile
        let docCount: Int
    }

    private let sources: [Source]
    private let docMaps: [DocMap]
    /// The merged segment's norms rows (`fieldCount` bytes per new doc).
    private let norms: UnsafePointer<UInt8>
    private var writer: PostingsWriter
    /// The merged segment's `maxX` factors (and the block maxima's).
    private let maxima: TermMaximumFactors
    /// One cursor's decode buffers per source, reused for every term.
    private var spent: [PostingsBuffers?]
    private let termFreqs: UnsafeMutablePointer<UInt32>
    /// Per field, the docs of the current source's re-encoded blocks having the term (`copyLive`): a raw
    /// row rather than a `FieldCounts`, whose checked subscript cost about 20 instructions a doc.
    private let decodedFieldDocs: UnsafeMutablePointer<UInt32>
    /// The position values of the doc being re-encoded (`positionsCapacity` of them at most), grown
    /// as needed (`reservePositions`); freed in `deinit`.
    private var positions: UnsafeMutablePointer<UInt32>
    private var positionsCapacity = 1 << 12

    init(readers: [SegmentReader], docMaps: [DocMap], norms: UnsafePointer<UInt8>, maxima: TermMaximumFactors,
         output: IndexOutput, positions: IndexOutput) {
        sources = readers.map { Source(postings: $0.postingsFile, positions: $0.positionsFile, docCount: $0.docCount) }
        self.docMaps = docMaps
        self.norms = norms
        writer = PostingsWriter(output: output, positions: positions, blockDocs: IndexFormat.maxBlockDocs, maxima: maxima,
                                rows: norms)
        self.maxima = maxima
        spent = readers.map { _ in nil }
        termFreqs = .allocate(capacity: IndexFormat.fieldCount)
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)
        decodedFieldDocs = .allocate(capacity: IndexFormat.fieldCount)
        decodedFieldDocs.initialize(repeating: 0, count: IndexFormat.fieldCount)
        self.positions = .allocate(capacity: positionsCapacity)
    }

    deinit {
        termFreqs.deallocate()
        decodedFieldDocs.deallocate()
        positions.deallocate()
    }

    /// Makes room for `count` position values in `positions` (its values are not kept).
    private mutating func reservePositions(_ count: Int) {
        guard count > positionsCapacity else { return }
        var capacity = positionsCapacity * 2
        while capacity < count { capacity *= 2 }
        positions.deallocate()
        positions = .allocate(capacity: capacity)
        positionsCapacity = capacity
    }

    /// Writes the postings and positions of `term` from the sources `sources` (ascending, each having
    /// the term with `infos[k]`); returns its `TermInfo`, or nil when every doc with the term is deleted.
    mutating func mergeTerm(_ term: [UInt8], sources members: [Int], infos: [TermInfo]) throws -> TermInfo? {
        // A term of several merged blocks stores its maximum x over the merged docs, with the merged
        // segment's norms and averages, and each block's block maximum: those of the docs re-encoded are
        // found by the writer as it adds them (with the merged norms rows, or their own norms); those of
        // a source block copied whole by `copyLive` from the block's decoded docs, as it copies it.
        let sourceDocs = infos.reduce(0) { $0 + $1.docFreq }
        let multiBlock = sourceDocs > IndexFormat.blockSize
        // The merged term has at most the sources' docs: a champion list is possible only above the limit.
        let champions = sourceDocs > IndexFormat.championMinimumDocs
        writer.prepareChampions(possible: champions)
        for (k, i) in members.enumerated() {
            let source = sources[i]
            var cursor = PostingsCursor(info: infos[k], postings: source.postings, positions: source.positions,
                                        docCount: source.docCount, buffers: spent[i])
            defer { spent[i] = cursor.buffers }
            if docMaps[i].allLive {
                try copyLive(i, infos[k], cursor: &cursor, isLast: k == members.count - 1, maxima: multiBlock,
                             champions: champions)
            } else {
                try copyFiltered(i, infos[k], cursor: &cursor)
            }
            if cursor.positionsAreCorrupt {
                throw source.positions.corrupt("positions of term \"\(String(decoding: term, as: UTF8.self))\" do not decode")
            }
            if cursor.isCorrupt {
                throw source.postings.corrupt("postings of term \"\(String(decoding: term, as: UTF8.self))\" do not decode")
            }
        }
        guard writer.lastAddedDoc >= 0 || writer.pendingCount > 0 else { return nil }
        return try writer.finishTerm()
    }

    /// The term's postings in source `i`, which has no deletes: blocks copied where their gaps hold.
    /// With `maxima` (a term of several merged blocks), a copied block's docs are decoded for its x and
    /// block maximum under the merged norms (`TermMaximumFactors.maximum(of:sourceRows:blockBest:)`);
    /// the re-encoded docs' are the writer's. With `champions` (a term that may have a champion list),
    /// a copied block's docs are decoded too, and offered to the writer's champions.
    private mutating func copyLive(_ i: Int, _ info: TermInfo, cursor: inout PostingsCursor, isLast: Bool,
                                   maxima: Bool, champions: Bool) throws {
        let r = sources[i]
        let base = docMaps[i].base
        if info.positionsOffset < r.positions.body.lowerBound
            || info.positionsOffset + info.positionsLength > r.positions.body.upperBound {
            throw r.positions.corrupt("positions of a term run past the file")
        }
        let table = try PostingsBlockTable(info: info, postings: r.postings)
        var decodedTermFreq = 0
        let decodedFieldDocs = self.decodedFieldDocs
        decodedFieldDocs.update(repeating: 0, count: IndexFormat.fieldCount)
        for b in 0..<table.blockCount {
            let n = table.docCount(b)
            let previous = b == 0 ? -1 : table.lastDoc(b - 1)
            let isLastBlock = b == table.blockCount - 1
            if writer.pendingCount == 0, writer.lastAddedDoc == Int64(previous + base),
               n >= IndexFormat.blockSize || (isLast && isLastBlock) {
                let last: DocID
                if table.blockCount > 1 {
                    last = table.lastDoc(b)
                } else {
                    // A single block has no skip entry: its last doc is the last of its deltas.
                    _ = cursor.advance(to: 0)
                    guard !cursor.isCorrupt, n <= IndexFormat.blockSize else {
                        throw r.postings.corrupt("a single postings block of \(n) docs does not decode")
                    }
                    last = DocID(bitPattern: cursor.buffers.docs[n - 1])
                }
                guard let positions = table.positions(b, in: r.positions) else {
                    throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) outside the term's")
                }
                // Unknown (+∞, no bound) only for a term of one merged block, which stores no block maxima.
                var blockMaximum = Float.infinity
                if maxima || champions {
                    let first = cursor.advance(to: previous + 1)
                    guard first != PostingsCursor.noMoreDocs, !cursor.isCorrupt,
                          let run = cursor.run(through: PostingsCursor.noMoreDocs - 1), run.end - run.start == n else {
                        throw r.postings.corrupt("a postings block of \(n) docs ends early")
                    }
                    var best: Float = 0
                    var floor = writer.championFloor
                    let x = self.maxima.maximum(of: run, sourceRows: norms + Int(base) &* IndexFormat.fieldCount,
                                                blockBest: &best, champions: writer.champions, floor: &floor, docBase: base)
                    writer.championFloor = floor
                    if maxima {
                        blockMaximum = best
                        writer.noteMaximum(x)
                    }
                }
                writer.appendBlock(table.bytes(b), docCount: n, lastDoc: last + base, positions: positions,
                                   blockMaximum: blockMaximum)
                continue
            }
            if writer.pendingCount > 0 && writer.pendingCount + n > IndexFormat.maxBlockDocs { writer.encodePendingBlock() }
            // Decode the block: its first doc is the first after the previous block's last. The block's
            // own impacts bound its docs wherever they land (norms are per doc, so they hold as they are).
            var impactsReader = ByteReader(table.bytes(b))
            let impacts = Impacts.decode(&impactsReader)
            writer.addImpacts(impacts)
            // The block's docs, masks and termFreqs as one run (decoded once, read in place), not doc by
            // doc through the cursor (`next`, `decodeMasks`, `forEachTermFreq` and `fieldMask` a doc).
            let first = cursor.advance(to: previous + 1)
            guard first != PostingsCursor.noMoreDocs, !cursor.isCorrupt,
                  let run = cursor.run(through: PostingsCursor.noMoreDocs - 1), run.end - run.start == n else {
                throw r.postings.corrupt("a postings block of \(n) docs ends early")
            }
            let docs = run.docs, masks = run.masks, starts = run.freqStarts, freqs = run.freqs
            // (`decodePositions` inline: as a call, the merge's 0.7 M re-encoded blocks cost 45 M more.)
            guard let blockPositions = table.positions(b, in: r.positions) else {
                throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) outside the term's")
            }
            var blockValues = 0
            for e in Int(starts[run.start])..<Int(starts[run.end]) { blockValues &+= Int(freqs[e]) &+ 1 }
            guard blockValues <= blockPositions.count &* 8 else {
                throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) end early")
            }
            if blockValues > positionsCapacity { reservePositions(blockValues) }
            let values = self.positions
            guard PositionsBlockValues.decode(blockPositions, count: blockValues, into: values) else {
                throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) do not decode")
            }
            var valuesRead = 0
            let termFreqs = self.termFreqs
            for j in 0..<n {
                let i = run.start &+ j
                let mask = masks[i]
                // The doc's termFreqs (stored minus one), stored per field and summed in one loop.
                var total = 0
                var m = mask
                var k = Int(starts[i])
                while m != 0 {
                    let f = m.trailingZeroBitCount
                    let stored = freqs[k]
                    guard stored < UInt32.max else {
                        throw r.postings.corrupt("a termFreq of postings block \(b) of \(table.blockCount) overflows")
                    }
                    termFreqs[f] = stored &+ 1
                    decodedFieldDocs[f] &+= 1
                    total &+= Int(stored) &+ 1
                    k &+= 1
                    m &= m &- 1
                }
                // A doc has the term in some field (its values were counted in the block's above).
                guard mask != 0 else { throw r.postings.corrupt("a doc of postings block \(b) of \(table.blockCount) has no field") }
                writer.add(doc: base + DocID(bitPattern: docs[i]), mask: mask, termFreqs: termFreqs, positions: values + valuesRead)
                valuesRead &+= total
                // A block ended inside this one: the next starts with this block's bound too.
                if writer.pendingCount == 0 && j + 1 < n { writer.addImpacts(impacts) }
                decodedTermFreq += total
            }
            if cursor.isCorrupt { return }
            if writer.pendingCount >= IndexFormat.blockSize { writer.encodePendingBlock() }
        }
        var copiedFieldDocs = info.fieldDocFreqs
        for f in 0..<IndexFormat.fieldCount { copiedFieldDocs[f] -= decodedFieldDocs[f] }
        writer.addStatistics(totalTermFreq: info.totalTermFreq - decodedTermFreq, fieldDocFreqs: copiedFieldDocs)
    }

    /// The position values of the block `b` of a term (`table`) of source `r`, whose docs `run` holds from
    /// the block's first: all decoded at once (`PositionsBlockValues`) into `positions`, rather than doc by
    /// doc through the cursor (as the merge read them before `build27`: the doc's range summed, a reader
    /// resumed and stored back, about 250 instructions a doc); as many as the run's termFreqs sum to. A value takes at least a bit:
    /// a sum past the block's bits is damage, found before the buffer grows to it.
    private mutating func decodePositions(of run: PostingsRun, block b: Int, table: PostingsBlockTable,
                                          source r: Source) throws -> UnsafeMutablePointer<UInt32> {
        guard run.start == 0, let blockPositions = table.positions(b, in: r.positions) else {
            throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) outside the term's")
        }
        let starts = run.freqStarts, freqs = run.freqs
        var blockValues = 0
        for e in Int(starts[run.start])..<Int(starts[run.end]) { blockValues &+= Int(freqs[e]) &+ 1 }
        guard blockValues <= blockPositions.count &* 8 else {
            throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) end early")
        }
        if blockValues > positionsCapacity { reservePositions(blockValues) }
        guard PositionsBlockValues.decode(blockPositions, count: blockValues, into: positions) else {
            throw r.positions.corrupt("positions of postings block \(b) of \(table.blockCount) do not decode")
        }
        return positions
    }

    /// The term's postings in source `i`, which has deletes: every live doc re-encoded with its norms, a
    /// block at a time (its docs as one `PostingsRun`, its positions decoded at once), the deleted docs'
    /// position values passed over.
    private mutating func copyFiltered(_ i: Int, _ info: TermInfo, cursor: inout PostingsCursor) throws {
        let map = docMaps[i]
        let r = sources[i]
        let table = try PostingsBlockTable(info: info, postings: r.postings)
        let termFreqs = self.termFreqs
        var doc = cursor.next()
        while doc != PostingsCursor.noMoreDocs {
            let b = cursor.block
            guard !cursor.isCorrupt, let run = cursor.run(through: PostingsCursor.noMoreDocs - 1) else { return }
            let docs = run.docs, masks = run.masks, starts = run.freqStarts, freqs = run.freqs
            let values = try decodePositions(of: run, block: b, table: table, source: r)
            var valuesRead = 0
            for j in run.start..<run.end {
                let mask = masks[j]
                var total = 0
                var m = mask
                var k = Int(starts[j])
                while m != 0 {
                    let f = m.trailingZeroBitCount
                    let stored = freqs[k]
                    guard stored < UInt32.max else {
                        throw r.postings.corrupt("a termFreq of postings block \(b) of \(table.blockCount) overflows")
                    }
                    termFreqs[f] = stored &+ 1
                    total &+= Int(stored) &+ 1
                    k &+= 1
                    m &= m &- 1
                }
                let newDoc = map.newDoc(DocID(bitPattern: docs[j]))
                if newDoc >= 0 {
                    guard mask != 0 else { throw r.postings.corrupt("a doc of postings block \(b) of \(table.blockCount) has no field") }
                    writer.add(doc: newDoc, mask: mask, termFreqs: termFreqs, norms: norms + Int(newDoc) * IndexFormat.fieldCount,
                               positions: values + valuesRead)
                }
                valuesRead &+= total
            }
            doc = cursor.next(after: run)
        }
    }
}
