import Synchronization

extension SegmentBuilder {
    /// Serializes the in-memory terms, postings, positions, norms and doc values of `builders` into one
    /// segment's files (the stored file is written by `StoredWriter` as docs arrive): the docs of
    /// `builders[0]`, then those of `builders[1]` shifted by its doc count, and so on. Their term
    /// tables are merged term by term in byte order, so the postings are those one builder holding
    /// every doc would write, and no merge has to decode and re-encode the blocks where the builders'
    /// docs meet (the commit joins the workers' last in-memory segments so). Every table must have had
    /// `finishPending()` called; `sorted[k]` is `builders[k].table.sortedTermIDs()`. The files are not
    /// fsynced (see `IndexOutput.durable`). `alongside` writes the rest of the segment (its stored
    /// file), with the norms and doc values; it must touch nothing that the terms' write reads.
    ///
    /// With `split` (the commit, when no other thread is indexing), the terms are cut in two ranges of
    /// about equal doc-stream bytes: the lower range is written on this thread straight into the
    /// files, the upper one at the same time on another thread into scratch files, then appended with
    /// its terms' offsets shifted, as `SegmentMerger` does; the files are byte for byte those of one pass.
    /// The norms, the doc values and `alongside` are written meanwhile on a third thread, so that the
    /// two cores stay busy until the longer range is done, whichever it is.
    /// - Complexity: O(terms · log terms + postings + positions) of all the builders.
    static func writeFiles(_ builders: [SegmentBuilder], sorted: [[Int32]], directory: String, name: String, id: UInt64,
                           split: Bool = false, alongside: @escaping () throws -> Void) throws {
        func path(_ kind: SegmentFile) -> String { FileSystem.join(directory, kind.fileName(segment: name)) }
        precondition(!builders.isEmpty, "a segment of no builder")
        let termsOut = try IndexOutput(path: path(.terms), formatName: SegmentFile.terms.formatName, segmentID: id,
                                       durable: false)
        let postingsOut = try IndexOutput(path: path(.postings), formatName: SegmentFile.postings.formatName, segmentID: id,
                                          durable: false)
        let positionsOut = try IndexOutput(path: path(.positions), formatName: SegmentFile.positions.formatName,
                                           segmentID: id, durable: false)
        var dictionary = TermDictionaryWriter(output: termsOut)

        // One norms array, doc values and field statistics over every builder's docs.
        var norms = builders[0].norms
        var lengthSums = builders[0].lengthSums
        var docsWithField = builders[0].docsWithField
        var docValues = builders[0].docValues
        var bases = [Int32(0)]
        var docCount = builders[0].docCount
        for b in builders.dropFirst() {
            bases.append(Int32(docCount))
            docCount += b.docCount
            norms.append(contentsOf: b.norms)
            for f in 0..<IndexFormat.fieldCount {
                lengthSums[f] += b.lengthSums[f]
                docsWithField[f] += b.docsWithField[f]
            }
            docValues.append(b.docValues)
        }
        precondition(sorted.count == builders.count, "\(sorted.count) sorted term lists for \(builders.count) builders")
        let maxima = TermMaximumFactors.current(lengthSums: lengthSums, docCount: docCount)
        try PostingsWriter.writeMaximaParameters(maxima, to: postingsOut)
        let tables = JoinedTables(tables: builders.map(\.table), bases: bases, sorted: sorted)
        // The columns and the rest of the segment, independent of the terms.
        let others = ColumnsJob(norms: norms, lengthSums: lengthSums, docsWithField: docsWithField, docValues: docValues,
                                docCount: docCount, normsPath: path(.norms), docValuesPath: path(.docValues), id: id,
                                alongside: alongside)
        let cut = split ? tables.splitPoint() : nil
        try norms.withUnsafeBufferPointer { normRows in
            guard let rows = normRows.baseAddress else { return }
            guard let cut else {
                try tables.write(from: nil, below: nil, rows: rows, maxima: maxima, postings: postingsOut, positions: positionsOut,
                                 file: path(.postings)) { try dictionary.add($0, $1) }
                try others.run()
                return
            }
            let upper = try UpperRange(postingsPath: path(.postings), positionsPath: path(.positions))
            let shared = SharedRows(rows)
            let postingsPath = path(.postings)
            try concurrently({
                try concurrently({
                    try tables.write(from: nil, below: cut, rows: rows, maxima: maxima, postings: postingsOut, positions: positionsOut,
                                     file: path(.postings)) { try dictionary.add($0, $1) }
                }, background: { try others.run() })
            }, background: {
                var terms = MergedTerms()
                try tables.write(from: cut, below: nil, rows: shared.rows, maxima: maxima, postings: upper.postings, positions: upper.positions,
                                 file: postingsPath) { terms.append($0, $1) }
                upper.result.withLock { $0 = terms }
            })
            try upper.append(to: postingsOut, positionsOut, dictionary: &dictionary, of: "the flush of \(name)")
        }
        try dictionary.finish()
        try termsOut.finish()
        try postingsOut.finish()
        try positionsOut.finish()
    }
}

/// The term tables of the builders a flush writes as one segment, each with its sorted term slots and
/// the DocID its docs start at. Only read (by both threads of a split flush), hence `@unchecked
/// Sendable`: the tables' memory is not freed or written until the flush returns.
private struct JoinedTables: @unchecked Sendable {
    let tables: [TermTable]
    let bases: [Int32]
    let sorted: [[Int32]]

    /// Where the upper range starts in each table's sorted slots: the first term of the largest table
    /// at or after which half of its doc-stream bytes lie (a proxy for its postings' size), and in the
    /// others the first term not below it. Nil when the largest table has too few terms to split.
    func splitPoint() -> [Int]? {
        guard let largest = tables.indices.max(by: { sorted[$0].count < sorted[$1].count }), sorted[largest].count >= 2 else {
            return nil
        }
        let table = tables[largest]
        func bytes(_ t: Int32) -> Int {
            let s = table.terms[Int(t)]
            return Int(s.docUpto - s.docStart) + Int(s.positionsUpto - s.positionsStart)
        }
        let total = sorted[largest].reduce(0) { $0 + bytes($1) }
        var sum = 0
        var cut = sorted[largest].count - 1
        for (i, t) in sorted[largest].enumerated() {
            if i > 0 && sum * 2 >= total {
                cut = i
                break
            }
            sum += bytes(t)
        }
        let pivot = table.termBytes(Int(sorted[largest][cut]))
        return tables.indices.map { k in
            // The first of table k's sorted terms not below the pivot.
            var low = 0, high = sorted[k].count
            while low < high {
                let mid = (low + high) >> 1
                if compareBytes(tables[k].termBytes(Int(sorted[k][mid])), pivot) < 0 { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    /// Writes the terms from position `from[k]` up to `below[k]` of each table's sorted slots (nil: from
    /// the start, to the end) in byte order into `postingsOut` and `positionsOut`, handing each term
    /// and its `TermInfo` to `add`.
    func write(from lower: [Int]?, below upper: [Int]?, rows: UnsafePointer<UInt8>, maxima: TermMaximumFactors,
               postings postingsOut: IndexOutput,
               positions positionsOut: IndexOutput, file: String,
               _ add: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        var postings = PostingsWriter(output: postingsOut, positions: positionsOut, maxima: maxima)
        var scratch = FlushScratch()
        defer { scratch.deallocate() }
        var next = lower ?? [Int](repeating: 0, count: tables.count)
        let end = upper ?? sorted.map(\.count)
        if tables.count == 1 {
            let table = tables[0]
            for i in next[0]..<end[0] {
                let t = Int(sorted[0][i])
                try scratch.addPostings(of: t, in: table, docBase: 0, rows: rows, to: &postings, file: file)
                try add(table.termBytes(t), postings.finishTerm())
            }
            return
        }
        // A k-way merge of the sorted tables: each term's postings from every table having it.
        var members: [Int] = []
        while true {
            members.removeAll(keepingCapacity: true)
            var smallest: UnsafeRawBufferPointer?
            for k in tables.indices where next[k] < end[k] {
                let term = tables[k].termBytes(Int(sorted[k][next[k]]))
                let c = smallest.map { compareBytes(term, $0) } ?? -1
                if c < 0 {
                    smallest = term
                    members.removeAll(keepingCapacity: true)
                    members.append(k)
                } else if c == 0 {
                    members.append(k)
                }
            }
            guard let term = smallest else { break }
            for k in members {
                try scratch.addPostings(of: Int(sorted[k][next[k]]), in: tables[k], docBase: bases[k], rows: rows,
                                        to: &postings, file: file)
                next[k] += 1
            }
            try add(term, postings.finishTerm())
        }
    }
}

/// The norms, doc values and field statistics of a flush's docs, and the rest of the segment
/// (`alongside`: its stored file), written on a thread of their own during a split flush. `@unchecked
/// Sendable` for `alongside`, which touches only the segment's stored writers, and nothing else touches
/// those until the flush returns.
private struct ColumnsJob: @unchecked Sendable {
    let norms: [UInt8]
    let lengthSums: [UInt64]
    let docsWithField: [UInt32]
    let docValues: DocValuesWriter
    let docCount: Int
    let normsPath: String
    let docValuesPath: String
    let id: UInt64
    let alongside: () throws -> Void

    func run() throws {
        try norms.withUnsafeBytes { rows in
            _ = try NormsWriter.write(path: normsPath, segmentID: id, docCount: docCount, rows: rows,
                                      lengthSums: lengthSums, docsWithField: docsWithField, durable: false)
        }
        _ = try docValues.write(path: docValuesPath, segmentID: id, durable: false)
        try alongside()
    }
}

/// The norms rows of a split flush, read by its second thread while the first holds them.
private struct SharedRows: @unchecked Sendable {
    let rows: UnsafePointer<UInt8>
    init(_ rows: UnsafePointer<UInt8>) { self.rows = rows }
}

/// The buffers a flush decodes each term's in-memory streams into, reused for every term; the owner
/// calls `deallocate()`.
private struct FlushScratch {
    var entries = ByteScratch(capacity: 1 << 16)
    var positions = ByteScratch(capacity: 1 << 16)
    var values = [UInt32](repeating: 0, count: 1 << 12)
    let termFreqs: UnsafeMutablePointer<UInt32>

    init() {
        termFreqs = .allocate(capacity: IndexFormat.fieldCount)
        termFreqs.initialize(repeating: 0, count: IndexFormat.fieldCount)
    }

    mutating func deallocate() {
        termFreqs.deallocate()
        entries.deallocate()
        positions.deallocate()
    }

    /// Adds the docs of term `t` of `table` (its doc stream of (docDelta, field, termFreq) entries and its
    /// position vints) to the current term of `postings`, each doc shifted by `docBase`; `rows` are the
    /// segment's norms rows (of the shifted docs).
    mutating func addPostings(of t: Int, in table: TermTable, docBase: Int32, rows: UnsafePointer<UInt8>,
                              to postings: inout PostingsWriter, file: @autoclosure () -> String) throws {
        let state = table.terms[t]
        var docStream = SliceReader(pool: table.pool, start: state.docStart, upto: state.docUpto)
        var positionStream = SliceReader(pool: table.pool, start: state.positionsStart, upto: state.positionsUpto)
        // Both streams into contiguous buffers, the position vints decoded into `values`.
        entries.removeAll()
        docStream.copyAll(into: &entries)
        positions.removeAll()
        positionStream.copyAll(into: &positions)
        // Five zero bytes after each stream: a vint cut short by the stream's end stops on them, so
        // the decoding loops test a byte's high bit, not the end, per byte.
        entries.appendZeros(5)
        positions.appendZeros(5)
        if values.count < positions.count { values = [UInt32](repeating: 0, count: positions.count * 2) }
        var doc: Int32 = -1
        var mask: UInt16 = 0
        // Position values before the current entry, and before the current doc.
        var positionsBefore = 0
        var docPositionsStart = 0
        let termFreqs = self.termFreqs
        try entries.withUnsafeBufferPointer { e in
            try values.withUnsafeMutableBufferPointer { v in
                guard let entryBase = e.baseAddress, let valueBase = v.baseAddress else { return }
                var valueCount = 0
                positions.withUnsafeBufferPointer { p in
                    guard let bytes = p.baseAddress else { return }
                    let end = p.count - 5
                    var position = 0
                    while position < end {
                        var b = bytes[position]
                        position &+= 1
                        var value = UInt32(b & 0x7F)
                        var shift: UInt32 = 7
                        while b >= 0x80 {
                            b = bytes[position]
                            position &+= 1
                            value |= UInt32(b & 0x7F) << shift
                            shift &+= 7
                        }
                        valueBase[valueCount] = value
                        valueCount &+= 1
                    }
                }
                var i = 0
                let end = e.count - 5
                @inline(__always) func vint() -> UInt32 {
                    var b = entryBase[i]
                    i &+= 1
                    var v = UInt32(b & 0x7F)
                    var shift: UInt32 = 7
                    while b >= 0x80 {
                        b = entryBase[i]
                        i &+= 1
                        v |= UInt32(b & 0x7F) << shift
                        shift &+= 7
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
                            postings.add(doc: docBase + doc, mask: mask, termFreqs: termFreqs,
                                         norms: rows + Int(docBase + doc) * IndexFormat.fieldCount,
                                         positions: valueBase + docPositionsStart)
                        }
                        doc &+= delta
                        mask = 0
                        docPositionsStart = positionsBefore
                    }
                    mask |= 1 &<< UInt16(field)
                    termFreqs[field] = freq
                    positionsBefore &+= Int(freq)
                }
                guard doc >= 0, positionsBefore == valueCount else {
                    throw IndexError.corrupt(file: file(), reason: "in-memory term with \(positionsBefore) "
                        + "occurrences and \(valueCount) positions")
                }
                postings.add(doc: docBase + doc, mask: mask, termFreqs: termFreqs,
                             norms: rows + Int(docBase + doc) * IndexFormat.fieldCount, positions: valueBase + docPositionsStart)
            }
        }
    }
}
