extension SegmentBuilder {
    /// Serializes the in-memory terms, postings, positions, norms and doc values into the segment's
    /// files (the stored file is written by `StoredWriter` as docs arrive). Each file is fsynced.
    mutating func writeFiles(directory: String, name: String, id: UInt64) throws {
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }
        table.finishPending()
        let termsOut = try IndexOutput(path: path(.terms), formatName: SegmentFile.terms.formatName, segmentID: id)
        let postingsOut = try IndexOutput(path: path(.postings), formatName: SegmentFile.postings.formatName, segmentID: id)
        let positionsOut = try IndexOutput(path: path(.positions), formatName: SegmentFile.positions.formatName, segmentID: id)
        var dictionary = TermDictionaryWriter(output: termsOut)
        var postings = PostingsWriter(output: postingsOut)
        var positions: [UInt8] = []
        positions.reserveCapacity(1 << 16)
        let termFreqs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.fieldCount)
        defer { termFreqs.deallocate() }
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)

        try norms.withUnsafeBufferPointer { normRows in
            guard let rows = normRows.baseAddress else { return }
            for t in table.sortedTermIDs() {
                let state = table.terms[Int(t)]
                var docs = SliceReader(pool: table.pool, start: state.docStart, upto: state.docUpto)
                var pos = SliceReader(pool: table.pool, start: state.positionsStart, upto: state.positionsUpto)
                positions.removeAll(keepingCapacity: true)
                let termPositionsStart = positionsOut.position
                var doc: Int32 = -1
                var mask: UInt16 = 0
                var docPositionsStart = 0
                while !docs.atEnd {
                    let code = docs.readVInt()
                    let delta = Int32(code >> 5)
                    let field = Int((code >> 1) & 0xF)
                    let freq = code & 1 == 1 ? 1 : docs.readVInt()
                    if delta != 0 {
                        if mask != 0 {
                            postings.add(doc: doc, mask: mask, termFreqs: termFreqs,
                                         norms: rows + Int(doc) * IndexFormat.fieldCount,
                                         positionsStart: docPositionsStart)
                        }
                        doc += delta
                        mask = 0
                        docPositionsStart = positions.count
                    }
                    mask |= 1 << UInt16(field)
                    termFreqs[field] = freq
                    // Copy this entry's `freq` position vints as they are.
                    var remaining = freq
                    while remaining > 0 {
                        let b = pos.readByte()
                        positions.append(b)
                        if b < 0x80 { remaining -= 1 }
                    }
                }
                postings.add(doc: doc, mask: mask, termFreqs: termFreqs,
                             norms: rows + Int(doc) * IndexFormat.fieldCount, positionsStart: docPositionsStart)
                var info = try postings.finishTerm()
                try positionsOut.write(positions)
                info.positionsOffset = termPositionsStart
                info.positionsLength = positions.count
                try dictionary.add(table.termBytes(Int(t)), info)
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
    }
}
