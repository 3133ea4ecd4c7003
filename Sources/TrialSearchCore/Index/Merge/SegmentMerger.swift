/// Merges segments into one new segment, dropping deleted docs: the streaming k-way merge of their
/// term dictionaries, postings re-encoded with the new DocIDs, positions and stored blocks copied.
///
/// New DocIDs follow the order of the source segments, live docs only. The sources are read through
/// their mappings in file order, and consumed ranges are released (`madvise(DONTNEED)`) as the merge
/// advances, so resident memory stays around the output buffers, not the index size.
enum SegmentMerger {
    /// Bytes of a source file consumed before its pages are released.
    static let releaseStep = 16 << 20

    /// Writes segment `name` from `sources` (in `directory`); nil when no doc of them is live.
    static func merge(_ sources: [SegmentInfo], directory: String, into name: String, id: UInt64) throws -> SegmentInfo? {
        let readers = try sources.enumerated().map {
            try SegmentReader(directory: directory, info: $0.element, ordinal: $0.offset, releasePages: true)
        }
        // DocID maps.
        var docMaps: [[Int32]] = []
        var next: Int32 = 0
        for r in readers {
            var map = [Int32](repeating: -1, count: r.docCount)
            for d in 0..<r.docCount where r.isLive(DocID(d)) {
                map[d] = next
                next += 1
            }
            docMaps.append(map)
        }
        let docCount = Int(next)
        guard docCount > 0 else { return nil }
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }

        // Stored records, norms rows and doc values, doc by doc.
        let stored = try StoredWriter(path: path(.stored), segmentID: id)
        var norms: [UInt8] = []
        norms.reserveCapacity(docCount * IndexFormat.fieldCount)
        var docsWithField = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
        var docValues = DocValuesWriter()
        for (i, r) in readers.enumerated() {
            try copyStored(r, map: docMaps[i], into: stored)
            for d in 0..<r.docCount where docMaps[i][d] >= 0 {
                let row = r.norms.row(DocID(d))
                for f in 0..<IndexFormat.fieldCount {
                    norms.append(row[f])
                    if row[f] > 0 { docsWithField[f] += 1 }
                }
                docValues.add(r.docValues.record(DocID(d)))
            }
        }
        _ = try stored.finish()

        // Terms, postings and positions.
        let termsOut = try IndexOutput(path: path(.terms), formatName: SegmentFile.terms.formatName, segmentID: id)
        let postingsOut = try IndexOutput(path: path(.postings), formatName: SegmentFile.postings.formatName, segmentID: id)
        let positionsOut = try IndexOutput(path: path(.positions), formatName: SegmentFile.positions.formatName, segmentID: id)
        var dictionary = TermDictionaryWriter(output: termsOut)
        var postings = PostingsWriter(output: postingsOut)
        // Exact field-length sums: the sources' exact sums, less the (decoded) lengths of the deleted
        // docs; exact whenever the sources have no deletes.
        var lengthSums = [UInt64](repeating: 0, count: IndexFormat.fieldCount)
        for (i, r) in readers.enumerated() {
            for f in 0..<IndexFormat.fieldCount { lengthSums[f] += r.norms.lengthSums[f] }
            for d in 0..<r.docCount where docMaps[i][d] < 0 {
                let row = r.norms.row(DocID(d))
                for f in 0..<IndexFormat.fieldCount { lengthSums[f] -= min(lengthSums[f], UInt64(FieldNorm.decode(row[f]))) }
            }
        }
        var enums = readers.map { $0.terms.makeTermsEnum() }
        var current: [Bool] = []
        for i in enums.indices { current.append(enums[i].next()) }
        var released = [(postings: Int, positions: Int)](repeating: (0, 0), count: readers.count)
        var positions: [UInt8] = []
        // One cursor's decode buffers per source, reused for every term.
        var spent: [PostingsCursor?] = readers.map { _ in nil }
        let termFreqs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.fieldCount)
        defer { termFreqs.deallocate() }
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)

        try norms.withUnsafeBufferPointer { normRows in
            guard let rows = normRows.baseAddress else { return }
            while true {
                // The smallest current term.
                var smallest = -1
                for i in enums.indices where current[i] {
                    if smallest < 0 || enums[i].term.lexicographicallyPrecedes(enums[smallest].term) { smallest = i }
                }
                guard smallest >= 0 else { break }
                let term = enums[smallest].term
                positions.removeAll(keepingCapacity: true)
                var docs = 0
                // Position vints before the current doc in `positions`, and a scan mark: byte offsets
                // are needed only where a postings block starts (every 128 docs).
                var positionsBefore = 0
                var scanCount = 0
                var scanOffset = 0
                for i in enums.indices where current[i] && enums[i].term == term {
                    let info = enums[i].info
                    let r = readers[i]
                    var cursor = spent[i].map { r.postings(info, reusing: $0) } ?? r.postings(info)
                    defer { spent[i] = cursor }
                    let map = docMaps[i]
                    let allLive = r.liveDocs.deletedCount == 0
                    var source = ByteReader(base: r.positionsFile.base, end: info.positionsOffset + info.positionsLength,
                                            position: info.positionsOffset)
                    if allLive {
                        // Every doc is kept: the term's positions are copied in one piece.
                        positions.append(contentsOf: source.readBytes(info.positionsLength))
                    }
                    while cursor.next() != PostingsCursor.noMoreDocs {
                        let total = cursor.totalTermFreq()
                        let newDoc = map[Int(cursor.doc)]
                        if !allLive {
                            let start = source.position
                            var seen = 0
                            while seen < total && source.position < source.end {
                                if source.base.load(fromByteOffset: source.position, as: UInt8.self) < 0x80 { seen += 1 }
                                source.position += 1
                            }
                            guard newDoc >= 0 else { continue }
                            positions.append(contentsOf: UnsafeRawBufferPointer(start: source.base + start, count: source.position - start))
                        }
                        var positionsStart = 0
                        if docs % IndexFormat.blockSize == 0 {
                            try positions.withUnsafeBufferPointer { p in
                                while scanCount < positionsBefore {
                                    guard scanOffset < p.count else {
                                        throw r.positionsFile.corrupt("positions of a term end before its postings")
                                    }
                                    if p[scanOffset] < 0x80 { scanCount += 1 }
                                    scanOffset += 1
                                }
                            }
                            positionsStart = scanOffset
                        }
                        let mask = cursor.fieldMask
                        cursor.forEachTermFreq { field, tf in termFreqs[Int(field.rawValue)] = UInt32(tf) }
                        postings.add(doc: newDoc, mask: mask, termFreqs: termFreqs,
                                     norms: rows + Int(newDoc) * IndexFormat.fieldCount, positionsStart: positionsStart)
                        positionsBefore += total
                        docs += 1
                    }
                    if cursor.isCorrupt || enums[i].failed {
                        throw r.postingsFile.corrupt("postings of term \"\(String(decoding: term, as: UTF8.self))\" do not decode")
                    }
                    current[i] = enums[i].next()
                    if enums[i].failed { throw r.terms.file.corrupt("term dictionary does not decode") }
                    // Release what the merge has consumed.
                    let p = info.postingsOffset + info.postingsLength, q = info.positionsOffset + info.positionsLength
                    if p - released[i].postings >= releaseStep { r.postingsFile.file.dropPages(0..<p); released[i].postings = p }
                    if q - released[i].positions >= releaseStep { r.positionsFile.file.dropPages(0..<q); released[i].positions = q }
                }
                guard docs > 0 else { continue }
                let start = positionsOut.position
                var info = try postings.finishTerm()
                try positionsOut.write(positions)
                info.positionsOffset = start
                info.positionsLength = positions.count
                try term.withUnsafeBytes { try dictionary.add($0, info) }
            }
        }
        try dictionary.finish()
        try termsOut.finish()
        try postingsOut.finish()
        try positionsOut.finish()
        try norms.withUnsafeBytes { rows in
            _ = try NormsWriter.write(path: path(.norms), segmentID: id, docCount: docCount, rows: rows,
                                      lengthSums: lengthSums, docsWithField: docsWithField)
        }
        _ = try docValues.write(path: path(.docValues), segmentID: id)
        return SegmentInfo(name: name, id: id, docCount: docCount, deletesGeneration: 0, deletedCount: 0)
    }

    /// Copies the stored records of the live docs of `reader`: whole compressed blocks when all their
    /// docs are live, record by record otherwise.
    private static func copyStored(_ reader: SegmentReader, map: [Int32], into out: StoredWriter) throws {
        let stored = reader.stored
        for b in 0..<stored.blockCount {
            let e = stored.entry(b)
            let block = stored.compressedBlock(b)
            let docs = e.firstDoc..<(e.firstDoc + block.docs)
            if docs.allSatisfy({ map[$0] >= 0 }) {
                try out.addCompressedBlock(block.bytes, docs: block.docs, uncompressedLength: block.uncompressedLength)
            } else {
                let bytes = try stored.inflate(b)
                try bytes.withUnsafeBytes { raw in
                    var r = ByteReader(raw)
                    for d in docs {
                        let length = r.readCount(limit: 1 << 30)
                        let record = r.readBytes(length)
                        guard !r.failed else { throw stored.file.corrupt("stored block \(b) ends before doc \(d)") }
                        if map[d] >= 0 { try out.add(record) }
                    }
                }
            }
            if (b & 63) == 63 { stored.file.file.dropPages(0..<(e.offset + block.bytes.count)) }
        }
    }
}
