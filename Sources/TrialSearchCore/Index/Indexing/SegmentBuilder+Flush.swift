extension SegmentBuilder {
    /// Serializes the in-memory terms, postings, positions, norms and doc values into the segment's
    /// files (the stored file is written by `StoredWriter` as docs arrive). The files are not fsynced
    /// (see `IndexOutput.durable`).
    mutating func writeFiles(directory: String, name: String, id: UInt64) throws {
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }
        table.finishPending()
        let termsOut = try IndexOutput(path: path(.terms), formatName: SegmentFile.terms.formatName, segmentID: id,
                                       durable: false)
        let postingsOut = try IndexOutput(path: path(.postings), formatName: SegmentFile.postings.formatName, segmentID: id,
                                          durable: false)
        let positionsOut = try IndexOutput(path: path(.positions), formatName: SegmentFile.positions.formatName,
                                           segmentID: id, durable: false)
        var dictionary = TermDictionaryWriter(output: termsOut)
        var postings = PostingsWriter(output: postingsOut, positions: positionsOut)
        var positions: [UInt8] = []
        positions.reserveCapacity(1 << 16)
        var values = [UInt32](repeating: 0, count: 1 << 12)
        var entries: [UInt8] = []
        entries.reserveCapacity(1 << 16)
        let termFreqs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.fieldCount)
        defer { termFreqs.deallocate() }
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)

        try norms.withUnsafeBufferPointer { normRows in
            guard let rows = normRows.baseAddress else { return }
            for t in table.sortedTermIDs() {
                let state = table.terms[Int(t)]
                var docStream = SliceReader(pool: table.pool, start: state.docStart, upto: state.docUpto)
                var positionStream = SliceReader(pool: table.pool, start: state.positionsStart, upto: state.positionsUpto)
                // Both streams into contiguous buffers, the position vints decoded into `values`.
                entries.removeAll(keepingCapacity: true)
                docStream.copyAll(into: &entries)
                positions.removeAll(keepingCapacity: true)
                positionStream.copyAll(into: &positions)
                entries.append(contentsOf: [0, 0, 0, 0, 0])
                if values.count < positions.count { values = [UInt32](repeating: 0, count: positions.count * 2) }
                var doc: Int32 = -1
                var mask: UInt16 = 0
                // Position values before the current entry, and before the current doc.
                var positionsBefore = 0
                var docPositionsStart = 0
                try entries.withUnsafeBufferPointer { e in
                    try values.withUnsafeMutableBufferPointer { v in
                        guard let entryBase = e.baseAddress, let valueBase = v.baseAddress else { return }
                        var valueCount = 0
                        positions.withUnsafeBufferPointer { p in
                            var position = 0
                            while position < p.count {
                                var b = p[position]
                                position += 1
                                var value = UInt32(b & 0x7F)
                                var shift: UInt32 = 7
                                while b >= 0x80 && position < p.count {
                                    b = p[position]
                                    position += 1
                                    value |= UInt32(b & 0x7F) << shift
                                    shift += 7
                                }
                                valueBase[valueCount] = value
                                valueCount += 1
                            }
                        }
                        var i = 0
                        let end = e.count - 5
                        @inline(__always) func vint() -> UInt32 {
                            var b = entryBase[i]
                            i += 1
                            var v = UInt32(b & 0x7F)
                            var shift: UInt32 = 7
                            while b >= 0x80 {
                                b = entryBase[i]
                                i += 1
                                v |= UInt32(b & 0x7F) << shift
                                shift += 7
                            }
                            return v
                        }
                        while i < end {
                            let code = vint()
                            let delta = Int32(code >> 5)
                            let field = Int((code >> 1) & 0xF)
                            let freq = code & 1 == 1 ? 1 : vint()
                            if delta != 0 {
                                if mask != 0 {
                                    postings.add(doc: doc, mask: mask, termFreqs: termFreqs,
                                                 norms: rows + Int(doc) * IndexFormat.fieldCount,
                                                 positions: valueBase + docPositionsStart)
                                }
                                doc += delta
                                mask = 0
                                docPositionsStart = positionsBefore
                            }
                            mask |= 1 << UInt16(field)
                            termFreqs[field] = freq
                            positionsBefore += Int(freq)
                        }
                        guard doc >= 0, positionsBefore == valueCount else {
                            throw IndexError.corrupt(file: path(.postings), reason: "in-memory term with \(positionsBefore) "
                                + "occurrences and \(valueCount) positions")
                        }
                        postings.add(doc: doc, mask: mask, termFreqs: termFreqs,
                                     norms: rows + Int(doc) * IndexFormat.fieldCount, positions: valueBase + docPositionsStart)
                    }
                }
                let info = try postings.finishTerm()
                try dictionary.add(table.termBytes(Int(t)), info)
            }
        }
        try dictionary.finish()
        try termsOut.finish()
        try postingsOut.finish()
        try positionsOut.finish()
        try norms.withUnsafeBytes { rows in
            _ = try NormsWriter.write(path: path(.norms), segmentID: id, docCount: docCount, rows: rows,
                                      lengthSums: lengthSums, docsWithField: docsWithField, durable: false)
        }
        _ = try docValues.write(path: path(.docValues), segmentID: id, durable: false)
    }
}
