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
/// source with deletes (whose positions are then copied doc by doc, skipping deleted docs). Positions of
/// a source without deletes are copied in one piece.
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
    /// One cursor's decode buffers per source, reused for every term.
    private var spent: [PostingsBuffers?]
    private let termFreqs: UnsafeMutablePointer<UInt32>
    /// The positions of the term being merged (the merged `.pos` bytes of the term).
    private(set) var positions: [UInt8] = []

    init(readers: [SegmentReader], docMaps: [DocMap], norms: UnsafePointer<UInt8>, output: IndexOutput) {
        sources = readers.map { Source(postings: $0.postingsFile, positions: $0.positionsFile, docCount: $0.docCount) }
        self.docMaps = docMaps
        self.norms = norms
        writer = PostingsWriter(output: output, blockDocs: IndexFormat.maxBlockDocs)
        spent = readers.map { _ in nil }
        termFreqs = .allocate(capacity: IndexFormat.fieldCount)
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)
        positions.reserveCapacity(1 << 16)
    }

    deinit { termFreqs.deallocate() }

    /// Writes the postings of `term` from the sources `sources` (ascending, each having the term with
    /// `infos[k]`) and leaves its positions in `positions`; returns its `TermInfo` (positions extent
    /// left to the caller), or nil when every doc with the term is deleted.
    mutating func mergeTerm(_ term: [UInt8], sources members: [Int], infos: [TermInfo]) throws -> TermInfo? {
        positions.removeAll(keepingCapacity: true)
        for (k, i) in members.enumerated() {
            let source = sources[i]
            var cursor = PostingsCursor(info: infos[k], postings: source.postings, positions: source.positions,
                                        docCount: source.docCount, buffers: spent[i])
            defer { spent[i] = cursor.buffers }
            if docMaps[i].allLive {
                try copyLive(i, infos[k], cursor: &cursor, isLast: k == members.count - 1)
            } else {
                try copyFiltered(i, infos[k], cursor: &cursor)
            }
            if cursor.isCorrupt {
                throw source.postings.corrupt("postings of term \"\(String(decoding: term, as: UTF8.self))\" do not decode")
            }
        }
        guard writer.lastAddedDoc >= 0 || writer.pendingCount > 0 else { return nil }
        return try writer.finishTerm()
    }

    /// The term's postings in source `i`, which has no deletes: blocks copied where their gaps hold.
    private mutating func copyLive(_ i: Int, _ info: TermInfo, cursor: inout PostingsCursor, isLast: Bool) throws {
        let r = sources[i]
        let base = docMaps[i].base
        let positionsBase = positions.count
        var source = ByteReader(base: r.positions.base, end: info.positionsOffset + info.positionsLength,
                                position: info.positionsOffset)
        positions.append(contentsOf: source.readBytes(info.positionsLength))
        if source.failed || info.positionsOffset < r.positions.body.lowerBound
            || info.positionsOffset + info.positionsLength > r.positions.body.upperBound {
            throw r.positions.corrupt("positions of a term run past the file")
        }
        let table = try PostingsBlockTable(info: info, postings: r.postings)
        var decodedTermFreq = 0
        var decodedFieldDocs = FieldCounts()
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
                writer.appendBlock(table.bytes(b), docCount: n, lastDoc: last + base,
                                   positionsStart: positionsBase + table.positionsStart(b))
                continue
            }
            if writer.pendingCount > 0 && writer.pendingCount + n > IndexFormat.maxBlockDocs { writer.encodePendingBlock() }
            // Decode the block: its first doc is the first after the previous block's last. The block's
            // own impacts bound its docs wherever they land (norms are per doc, so they hold as they are).
            var impactsReader = ByteReader(table.bytes(b))
            let impacts = Impacts.decode(&impactsReader)
            writer.addImpacts(impacts)
            var doc = cursor.advance(to: previous + 1)
            // Position vints of the block before the current doc, and a scan mark (byte offsets are
            // needed only where a new block starts).
            var vintsBefore = 0
            var scanVints = 0
            var scanOffset = positionsBase + table.positionsStart(b)
            for j in 0..<n {
                guard doc != PostingsCursor.noMoreDocs, !cursor.isCorrupt else {
                    throw r.postings.corrupt("a postings block of \(n) docs ends early")
                }
                let total = cursor.totalTermFreq()
                var positionsStart = 0
                if writer.pendingCount == 0 {
                    positionsStart = try scan(to: vintsBefore, vints: &scanVints, offset: &scanOffset, reader: r)
                }
                let mask = cursor.fieldMask
                cursor.forEachTermFreq { field, tf in
                    termFreqs[Int(field.rawValue)] = UInt32(tf)
                    decodedFieldDocs[Int(field.rawValue)] += 1
                }
                writer.add(doc: base + doc, mask: mask, termFreqs: termFreqs, positionsStart: positionsStart)
                // A block ended inside this one: the next starts with this block's bound too.
                if writer.pendingCount == 0 && j + 1 < n { writer.addImpacts(impacts) }
                decodedTermFreq += total
                vintsBefore += total
                doc = cursor.next()
            }
            if writer.pendingCount >= IndexFormat.blockSize { writer.encodePendingBlock() }
        }
        var copiedFieldDocs = info.fieldDocFreqs
        for f in 0..<IndexFormat.fieldCount { copiedFieldDocs[f] -= decodedFieldDocs[f] }
        writer.addStatistics(totalTermFreq: info.totalTermFreq - decodedTermFreq, fieldDocFreqs: copiedFieldDocs)
    }

    /// The term's postings in source `i`, which has deletes: every live doc re-encoded, its positions
    /// copied.
    private mutating func copyFiltered(_ i: Int, _ info: TermInfo, cursor: inout PostingsCursor) throws {
        let r = sources[i]
        let map = docMaps[i]
        var source = ByteReader(base: r.positions.base, end: info.positionsOffset + info.positionsLength,
                                position: info.positionsOffset)
        while cursor.next() != PostingsCursor.noMoreDocs {
            let total = cursor.totalTermFreq()
            let start = source.position
            var seen = 0
            while seen < total && source.position < source.end {
                if source.base.load(fromByteOffset: source.position, as: UInt8.self) < 0x80 { seen += 1 }
                source.position += 1
            }
            guard seen == total else { throw r.positions.corrupt("positions of a term end before its postings") }
            let newDoc = map.newDoc(cursor.doc)
            guard newDoc >= 0 else { continue }
            let mask = cursor.fieldMask
            cursor.forEachTermFreq { field, tf in termFreqs[Int(field.rawValue)] = UInt32(tf) }
            writer.add(doc: newDoc, mask: mask, termFreqs: termFreqs, norms: norms + Int(newDoc) * IndexFormat.fieldCount,
                       positionsStart: positions.count)
            positions.append(contentsOf: UnsafeRawBufferPointer(start: source.base + start, count: source.position - start))
        }
    }

    /// Moves a scan mark over `positions` forward to just after `target` vints; returns its byte offset.
    private func scan(to target: Int, vints: inout Int, offset: inout Int, reader: Source) throws -> Int {
        try positions.withUnsafeBufferPointer { p in
            while vints < target {
                guard offset < p.count else { throw reader.positions.corrupt("positions of a term end before its postings") }
                if p[offset] < 0x80 { vints += 1 }
                offset += 1
            }
        }
        return offset
    }
}

