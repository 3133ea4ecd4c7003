import Synchronization

/// Merges segments into one new segment, dropping deleted docs.
///
/// New DocIDs follow the order of the source segments, live docs only: a source without deletes keeps
/// its docs' order and gaps, shifted by the docs before it (`DocMap`). Stored blocks, norms rows and doc
/// values are copied doc by doc (stored blocks whole when all their docs are live); the term
/// dictionaries are merged in a streaming k-way pass (two at once over the two halves of the terms, the
/// upper half's postings and positions in unnamed scratch files until the lower one is written), and
/// each term's postings are copied block by block where the source has no deletes (`PostingsMerger`),
/// so merging segments without deletes costs little more than copying their bytes. The sources are
/// read through their mappings in file order, and consumed ranges are released (`madvise(DONTNEED)`)
/// as the merge advances, so resident memory stays around the output buffers, not the index size.
enum SegmentMerger {
    /// Bytes of a source file consumed before its pages are released. Each of the two merging threads
    /// holds up to this much of each source's postings and positions (plus the kernel's read-ahead):
    /// 16 MB put the final three-way merge of the 16x replica's build at 432 MB peak RSS, 2 MB at
    /// 320–344 MB, in the same wall time within the noise (`/usr/bin/time`, build from JSON Lines).
    static let releaseStep = 2 << 20

    /// Writes segment `name` from `sources` (in `directory`); nil when no doc of them is live.
    /// - Complexity: O(bytes of the sources) for sources without deletes, plus O(postings) of the sources
    ///   with deletes (decoded and re-encoded).
    /// `splitMinimumBlocks`: see `splitTerm` (tests lower it to split small merges). `syncTerms`: false
    /// leaves the term dictionary, postings and positions files unsynced (the stored file, doc values
    /// and norms are synced as each is complete, beside the terms' merge): the caller syncs them
    /// (`IndexWriter.commit()`, while it removes the merged-away segments of its run).
    static func merge(_ sources: [SegmentInfo], directory: String, into name: String, id: UInt64,
                      splitMinimumBlocks: Int = defaultSplitMinimumBlocks, syncTerms: Bool = true) throws -> SegmentInfo? {
        let readers = try sources.enumerated().map {
            try SegmentReader(directory: directory, info: $0.element, ordinal: $0.offset, releasePages: true)
        }
        var docMaps: [DocMap] = []
        var next: Int32 = 0
        for r in readers {
            docMaps.append(DocMap(reader: r, base: next))
            next += Int32(r.liveDocs.liveCount)
        }
        let docCount = Int(next)
        guard docCount > 0 else { return nil }
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }

        // Norms rows (which re-encoding postings of sources with deletes reads) and field statistics.
        var norms: [UInt8] = []
        norms.reserveCapacity(docCount * IndexFormat.fieldCount)
        var docsWithField = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
        // Exact field-length sums: the sources' exact sums, less the (decoded) lengths of the deleted
        // docs; exact whenever the sources have no deletes.
        var lengthSums = [UInt64](repeating: 0, count: IndexFormat.fieldCount)
        for r in readers {
            for f in 0..<IndexFormat.fieldCount { lengthSums[f] += r.norms.lengthSums[f] }
            for d in 0..<r.docCount {
                let row = r.norms.row(DocID(d))
                if r.isLive(DocID(d)) {
                    for f in 0..<IndexFormat.fieldCount {
                        norms.append(row[f])
                        if row[f] > 0 { docsWithField[f] += 1 }
                    }
                } else {
                    for f in 0..<IndexFormat.fieldCount { lengthSums[f] -= min(lengthSums[f], UInt64(FieldNorm.decode(row[f]))) }
                }
            }
        }
        let normsPath = path(.norms), docValuesPath = path(.docValues), storedPath = path(.stored)
        let maps = docMaps
        let rows = norms, sums = lengthSums, withField = docsWithField
        try concurrently({
            try mergeTerms(readers, maps: maps, norms: rows, lengthSums: sums, directory: directory, name: name, id: id,
                           splitMinimumBlocks: splitMinimumBlocks, durable: syncTerms)
        }, background: {
            // Stored records and doc values, doc by doc, and the norms file, on another core.
            let stored = try StoredWriter(path: storedPath, segmentID: id)
            var docValues = DocValuesWriter()
            for (i, r) in readers.enumerated() {
                try copyStored(r, map: maps[i], into: stored)
                for d in 0..<r.docCount where r.isLive(DocID(d)) { docValues.add(r.docValues.record(DocID(d))) }
            }
            _ = try stored.finish()
            _ = try docValues.write(path: docValuesPath, segmentID: id)
            try rows.withUnsafeBytes { rows in
                _ = try NormsWriter.write(path: normsPath, segmentID: id, docCount: docCount, rows: rows,
                                          lengthSums: sums, docsWithField: withField)
            }
        })
        return SegmentInfo(name: name, id: id, docCount: docCount, deletesGeneration: 0, deletedCount: 0)
    }

    /// Writes the merged segment's terms, postings and positions. The terms are cut in two ranges of
    /// about equal postings and positions bytes (`splitTerm`): the lower range is merged on this thread
    /// straight into the files, the upper one at the same time on another thread into scratch files,
    /// then appended with its terms' offsets shifted (a term's postings and positions bytes do not depend on
    /// where they start). The files are byte for byte those of one sequential pass.
    private static func mergeTerms(_ readers: [SegmentReader], maps docMaps: [DocMap], norms: [UInt8], lengthSums: [UInt64],
                                   directory: String,
                                   name: String, id: UInt64, splitMinimumBlocks: Int, durable: Bool) throws {
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }
        let termsOut = try IndexOutput(path: path(.terms), formatName: SegmentFile.terms.formatName, segmentID: id,
                                       durable: durable)
        let postingsOut = try IndexOutput(path: path(.postings), formatName: SegmentFile.postings.formatName, segmentID: id,
                                          durable: durable)
        let positionsOut = try IndexOutput(path: path(.positions), formatName: SegmentFile.positions.formatName, segmentID: id,
                                           durable: durable)
        var dictionary = TermDictionaryWriter(output: termsOut)
        // The merged segment's maxima, with its own field averages (never the sources').
        let maxima = TermMaximumFactors.current(lengthSums: lengthSums, docCount: norms.count / IndexFormat.fieldCount)
        try PostingsWriter.writeMaximaParameters(maxima, to: postingsOut)
        if let pivot = splitTerm(readers, minimumBlocks: splitMinimumBlocks) {
            // The upper range's postings and positions go to unnamed scratch files (in the page cache:
            // half the merged segment in memory took the 16x replica's build to 542 MB).
            let upper = try UpperRange(postingsPath: path(.postings), positionsPath: path(.positions))
            try concurrently({
                try mergeRange(readers, maps: docMaps, norms: norms, maxima: maxima, from: nil, below: pivot, postings: postingsOut,
                               positions: positionsOut) { try dictionary.add($0, $1) }
            }, background: {
                var terms = MergedTerms()
                try mergeRange(readers, maps: docMaps, norms: norms, maxima: maxima, from: pivot, below: nil, postings: upper.postings,
                               positions: upper.positions) { terms.append($0, $1) }
                upper.result.withLock { $0 = terms }
            })
            try upper.append(to: postingsOut, positionsOut, dictionary: &dictionary, of: "the merge into \(name)")
        } else {
            try mergeRange(readers, maps: docMaps, norms: norms, maxima: maxima, from: nil, below: nil, postings: postingsOut,
                           positions: positionsOut) { try dictionary.add($0, $1) }
        }
        try dictionary.finish()
        try termsOut.finish()
        try postingsOut.finish()
        try positionsOut.finish()
    }

    /// Fewest term-dictionary blocks (of 32 terms) in the largest source for a merge to cut its terms in
    /// two ranges merged on two threads; below it one thread merges them all.
    static let defaultSplitMinimumBlocks = 256

    /// The term at which a merge's upper range starts, or nil when the largest source has fewer than
    /// `minimumBlocks` dictionary blocks: the first term of the block of the largest source's dictionary
    /// where half of its postings and positions bytes lie behind (the other sources, holding other docs
    /// of the same kind of records, divide about as evenly there).
    static func splitTerm(_ readers: [SegmentReader], minimumBlocks: Int) -> [UInt8]? {
        guard let largest = readers.max(by: { $0.terms.blockCount < $1.terms.blockCount }) else { return nil }
        let terms = largest.terms
        guard terms.blockCount >= max(2, minimumBlocks) else { return nil }
        let postings = largest.postingsFile.body, positions = largest.positionsFile.body
        let middle = postings.lowerBound + positions.lowerBound + (postings.count + positions.count) / 2
        // The first block (after the first) whose first term starts at or beyond the middle.
        var low = 1
        var high = terms.blockCount - 1
        while low < high {
            let mid = (low + high) >> 1
            let start = terms.blockStart(mid)
            if start.postings + start.positions >= middle { high = mid } else { low = mid + 1 }
        }
        guard let first = terms.firstTerm(ofBlock: low) else { return nil }
        return Array(first)
    }

    /// Merges the terms `t` of `readers` with `lower ≤ t < upper` (nil: unbounded) into `postingsOut` and
    /// `positionsOut`, handing each merged term and its `TermInfo` to `add` in byte order.
    private static func mergeRange(_ readers: [SegmentReader], maps docMaps: [DocMap], norms: [UInt8], maxima: TermMaximumFactors,
                                   from lower: [UInt8]?, below upper: [UInt8]?, postings postingsOut: IndexOutput,
                                   positions positionsOut: IndexOutput,
                                   _ add: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        try norms.withUnsafeBufferPointer { normRows in
            guard let rows = normRows.baseAddress else { return }
            var merger = PostingsMerger(readers: readers, docMaps: docMaps, norms: rows, maxima: maxima, output: postingsOut,
                                        positions: positionsOut)
            var enums = readers.map { $0.terms.makeTermsEnum() }
            var current: [Bool] = []
            for i in enums.indices {
                if let lower { current.append(enums[i].seek(ceiling: lower)) } else { current.append(enums[i].next()) }
                if enums[i].failed { throw readers[i].terms.file.corrupt("term dictionary does not decode") }
            }
            // Pages released so far: none before the range (the lower range's thread may still read them).
            var released = enums.indices.map { i -> (postings: Int, positions: Int) in
                guard lower != nil, current[i] else { return (0, 0) }
                return (enums[i].info.postingsOffset, enums[i].info.positionsOffset)
            }
            var members: [Int] = []
            while true {
                // The smallest current term, and the sources that have it.
                members.removeAll(keepingCapacity: true)
                var smallest = -1
                for i in enums.indices where current[i] {
                    let c = smallest < 0 ? -1 : compareTerms(enums[i].term, enums[smallest].term)
                    if c < 0 {
                        smallest = i
                        members.removeAll(keepingCapacity: true)
                        members.append(i)
                    } else if c == 0 {
                        members.append(i)
                    }
                }
                guard smallest >= 0 else { break }
                let term = enums[smallest].term
                if let upper, compareTerms(term, upper) >= 0 { break }
                let infos = members.map { enums[$0].info }
                if let info = try merger.mergeTerm(term, sources: members, infos: infos) {
                    try term.withUnsafeBytes { try add($0, info) }
                }
                for (k, i) in members.enumerated() {
                    current[i] = enums[i].next()
                    if enums[i].failed { throw readers[i].terms.file.corrupt("term dictionary does not decode") }
                    // Release what the merge has consumed.
                    let info = infos[k]
                    let p = info.postingsOffset + info.postingsLength, q = info.positionsOffset + info.positionsLength
                    if p - released[i].postings >= releaseStep {
                        readers[i].postingsFile.file.dropPages(released[i].postings..<p)
                        released[i].postings = p
                    }
                    if q - released[i].positions >= releaseStep {
                        readers[i].positionsFile.file.dropPages(released[i].positions..<q)
                        released[i].positions = q
                    }
                }
            }
        }
    }

    /// Byte order of terms (negative, zero, positive).
    @inline(__always)
    private static func compareTerms(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) } }
    }

    /// Copies the stored records of the live docs of `reader`: whole compressed blocks when all their
    /// docs are live and the blocks are coded as this version writes them, record by record otherwise.
    private static func copyStored(_ reader: SegmentReader, map: DocMap, into out: StoredWriter) throws {
        let stored = reader.stored
        for b in 0..<stored.blockCount {
            let e = stored.entry(b)
            let block = stored.compressedBlock(b)
            let docs = e.firstDoc..<(e.firstDoc + block.docs)
            if stored.blocksInCurrentCoding && (map.allLive || docs.allSatisfy({ reader.isLive(DocID($0)) })) {
                try out.addCompressedBlock(block.bytes, docs: block.docs, uncompressedLength: block.uncompressedLength)
            } else {
                try stored.forEachRecord(inBlock: b) { d, record in
                    if reader.isLive(DocID(d)) { try out.add(record) }
                }
            }
            if (b & 63) == 63 { stored.file.file.dropPages(0..<(e.offset + block.bytes.count)) }
        }
    }
}

/// Where a source segment's docs go in a merged segment: live docs in order from `base`.
struct DocMap {
    /// The new DocID of the source's first live doc.
    let base: Int32
    /// Per source doc, the new DocID or −1 (deleted); nil when every doc is live (new = base + old).
    let map: [Int32]?

    init(reader: SegmentReader, base: Int32) {
        self.base = base
        if reader.liveDocs.deletedCount == 0 {
            map = nil
        } else {
            var map = [Int32](repeating: -1, count: reader.docCount)
            var next = base
            for d in 0..<reader.docCount where reader.isLive(DocID(d)) {
                map[d] = next
                next += 1
            }
            self.map = map
        }
    }

    /// Whether every doc of the source is live (its docs keep their gaps).
    var allLive: Bool { map == nil }

    /// The new DocID of source doc `doc`, or −1 when it is deleted.
    @inline(__always)
    func newDoc(_ doc: DocID) -> DocID {
        guard let map else { return base + doc }
        return map[Int(doc)]
    }
}


/// The terms of a merge's upper range, merged on another thread (`SegmentMerger.mergeTerms`), with
/// `TermInfo`s whose offsets count from the start of the range's scratch outputs, flat (term bytes back
/// to back) rather than one array per term.
struct MergedTerms: Sendable {
    private var termBytes: [UInt8] = []
    private var termEnds: [Int] = []
    private var infos: [TermInfo] = []

    mutating func append(_ term: UnsafeRawBufferPointer, _ info: TermInfo) {
        termBytes.append(contentsOf: term)
        termEnds.append(termBytes.count)
        infos.append(info)
    }

    /// Calls `body` with each term and its `TermInfo`, in order.
    func forEach(_ body: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        try termBytes.withUnsafeBytes { bytes in
            var start = 0
            for (k, end) in termEnds.enumerated() {
                try body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), infos[k])
                start = end
            }
        }
    }
}
