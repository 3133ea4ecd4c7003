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

    /// An upper bound of the bytes of term `t`'s doc stream in `table`: the pool's span from its first slice
    /// to its write position (slices are allocated upward). Every doc takes at least one byte (its first
    /// entry's code), so a term of more than n docs spans more than n bytes: whether it may have a
    /// champion list (`PostingsWriter.prepareChampions`).
    @inline(__always)
    static func streamBytes(of t: Int, in table: TermTable) -> Int {
        let s = table.terms[t]
        return Int(s.docUpto) - Int(s.docStart)
    }

    /// Writes the terms from position `from[k]` up to `below[k]` of each table's sorted slots (nil: from
    /// the start, to the end) in byte order into `postingsOut` and `positionsOut`, handing each term
    /// and its `TermInfo` to `add`.
    func write(from lower: [Int]?, below upper: [Int]?, rows: UnsafePointer<UInt8>, maxima: TermMaximumFactors,
               postings postingsOut: IndexOutput,
               positions positionsOut: IndexOutput, file: String,
               _ add: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        var postings = PostingsWriter(output: postingsOut, positions: positionsOut, maxima: maxima)
        postings.countPositionLengths()
        var scratch = FlushScratch()
        defer { scratch.deallocate() }
        var next = lower ?? [Int](repeating: 0, count: tables.count)
        let end = upper ?? sorted.map(\.count)
        if tables.count == 1 {
            let table = tables[0]
            for i in next[0]..<end[0] {
                let t = Int(sorted[0][i])
                postings.prepareChampions(possible: Self.streamBytes(of: t, in: table) > IndexFormat.championMinimumDocs,
                                          deferred: true)
                try scratch.addPostings(of: t, in: table, docBase: 0, rows: rows, to: &postings, file: file)
                try add(table.termBytes(t), postings.finishTerm())
            }
            return
        }
        if tables.count == 2 {
            return try writeTwo(from: next, below: end, rows: rows, postings: &postings, scratch: &scratch, file: file, add)
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
            let bytes = members.reduce(0) { $0 + Self.streamBytes(of: Int(sorted[$1][next[$1]]), in: tables[$1]) }
            postings.prepareChampions(possible: bytes > IndexFormat.championMinimumDocs, deferred: true)
            for k in members {
                try scratch.addPostings(of: Int(sorted[k][next[k]]), in: tables[k], docBase: bases[k], rows: rows,
                                        to: &postings, file: file)
                next[k] += 1
            }
            try add(term, postings.finishTerm())
        }
    }
}

extension JoinedTables {
    /// The order of term `a` of `x` and term `b` of `y` (negative, 0, positive), as `compareBytes` of their
    /// bytes: their first 8 bytes as big-endian words (`TermState.prefix`, zero-padded) first, which
    /// order them exactly when they differ (`TermTable.sortedTermIDs`); equal words and a term of at
    /// most 8 bytes make it the other's prefix (or the same term), ordered by length; else the bytes.
    /// Most pairs of a join differ in their first 8 bytes: no `memcmp` call.
    @inline(__always)
    static func compareTerms(_ x: TermTable, _ a: Int, _ y: TermTable, _ b: Int) -> Int {
        let sa = x.terms + a, sb = y.terms + b
        let wa = sa.pointee.prefix.byteSwapped, wb = sb.pointee.prefix.byteSwapped
        if wa != wb { return wa < wb ? -1 : 1 }
        let la = Int(sa.pointee.textLength), lb = Int(sb.pointee.textLength)
        if la <= 8 || lb <= 8 { return la &- lb }
        return compareBytes(x.termBytes(a), y.termBytes(b))
    }

    /// `write`'s merge of two tables (the commit's join of two workers' segments): two cursors over the
    /// sorted slots, compared by `compareTerms`, instead of the k-way loop's member list.
    func writeTwo(from lower: [Int], below upper: [Int], rows: UnsafePointer<UInt8>, postings: inout PostingsWriter,
                  scratch: inout FlushScratch, file: String,
                  _ add: (UnsafeRawBufferPointer, TermInfo) throws -> Void) throws {
        let x = tables[0], y = tables[1]
        let xBase = bases[0], yBase = bases[1]
        try sorted[0].withUnsafeBufferPointer { xs in
            try sorted[1].withUnsafeBufferPointer { ys in
                var i = lower[0], j = lower[1]
                let xEnd = upper[0], yEnd = upper[1]
                while i < xEnd || j < yEnd {
                    let c = i == xEnd ? 1 : j == yEnd ? -1 : Self.compareTerms(x, Int(xs[i]), y, Int(ys[j]))
                    let a = c <= 0 ? Int(xs[i]) : -1
                    let b = c >= 0 ? Int(ys[j]) : -1
                    let bytes = (a >= 0 ? Self.streamBytes(of: a, in: x) : 0) + (b >= 0 ? Self.streamBytes(of: b, in: y) : 0)
                    postings.prepareChampions(possible: bytes > IndexFormat.championMinimumDocs, deferred: true)
                    if a >= 0 {
                        try scratch.addPostings(of: a, in: x, docBase: xBase, rows: rows, to: &postings, file: file)
                        i += 1
                    }
                    if b >= 0 {
                        try scratch.addPostings(of: b, in: y, docBase: yBase, rows: rows, to: &postings, file: file)
                        j += 1
                    }
                    try add(a >= 0 ? x.termBytes(a) : y.termBytes(b), postings.finishTerm())
                }
            }
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

/// The buffers a flush copies each term's in-memory streams into, reused for every term; the owner
/// calls `deallocate()`.
private struct FlushScratch {
    var entries = ByteScratch(capacity: 1 << 16)
    var positions = ByteScratch(capacity: 1 << 16)

    /// Zero bytes after a term's positions stream: the most values an entry reads without a test per value.
    static let positionsPadding = 8

    mutating func deallocate() {
        entries.deallocate()
        positions.deallocate()
    }

    /// The vint at `cursor`, `cursor` advanced past it: a stream followed by zero bytes (`addPostings`), so
    /// that a vint cut short stops on them and the loop tests a byte's high bit only. A byte below 0x80
    /// (most position gaps, most entry codes) is the value as it is, returned before the loop's set-up.
    /// A cursor rather than a base and an index: one register less in the flush's entries loop.
    @inline(__always)
    private static func zeroEndedVInt(_ cursor: inout UnsafePointer<UInt8>) -> UInt32 {
        var b = cursor.pointee
        cursor += 1
        if b < 0x80 { return UInt32(b) }
        var v = UInt32(b & 0x7F)
        var shift: UInt32 = 7
        repeat {
            b = cursor.pointee
            cursor += 1
            // A vint of the in-memory streams has at most 5 bytes (shifts up to 28): the masking shift is
            // the plain one (a corrupt longer run gives a wrong value, which the checks then reject).
            v |= UInt32(b & 0x7F) &<< shift
            shift &+= 7
        } while b >= 0x80
        return v
    }

    /// Adds the docs of term `t` of `table` (its doc stream of (docDelta, field, termFreq) entries and its
    /// position vints) to the current term of `postings`, each doc shifted by `docBase`; `rows` are the
    /// segment's norms rows (of the shifted docs).
    ///
    /// One pass over the doc stream: each entry's position vints are decoded straight into the
    /// writer's block (`reservedPositionSlots`, their bit lengths counted for the block's k), then the
    /// entry is added (`addEntry`), and a doc ends where the next doc's first entry starts
    /// (`finishCheckedDoc`).
    mutating func addPostings(of t: Int, in table: TermTable, docBase: Int32, rows: UnsafePointer<UInt8>,
                              to postings: inout PostingsWriter, file: @autoclosure () -> String) throws {
        let state = table.terms[t]
        var docStream = SliceReader(pool: table.pool, start: state.docStart, upto: state.docUpto)
        var positionStream = SliceReader(pool: table.pool, start: state.positionsStart, upto: state.positionsUpto)
        // Both streams into contiguous buffers.
        entries.removeAll()
        docStream.copyAll(into: &entries)
        positions.removeAll()
        positionStream.copyAll(into: &positions)
        // Zero bytes after each stream: a vint cut short by the stream's end stops on them, so the
        // decoding loops test a byte's high bit, not the end, per byte. The positions have
        // `Self.positionsPadding` of them: an entry of at most that many values reads no further even
        // if a value runs to the end, so its loop does not test each value's start (see below).
        entries.appendZeros(5)
        positions.appendZeros(Self.positionsPadding)
        var entry = UnsafePointer(entries.base)
        let entriesEnd = entry + (entries.count - 5)
        let positionsStart = UnsafePointer(positions.base)
        let positionsEnd = positionsStart + (positions.count - Self.positionsPadding)
        var position = positionsStart
        // Each value takes at least a byte: room for the term's values, whatever its entries say (an
        // entry of more values than bytes left is refused before its slots are taken).
        postings.reservePositions(positionsStart.distance(to: positionsEnd))
        // Each value's bit length counted for the block's k (`PostingsWriter.countPositionLengths`).
        precondition(postings.countsPositionLengths, "a flush's writer not counting position lengths")
        let lengths = postings.positionLengths
        let slots = postings.reservedPositions
        @inline(__always) func vint() -> UInt32 { Self.zeroEndedVInt(&entry) }
        var doc: Int32 = -1
        var row = rows
        var pending = postings.entryDoc
        while entry < entriesEnd {
            let code = vint()
            let delta = Int32(code >> 5)
            let field = Int((code >> 1) & 0xF)
            var freq: UInt32 = 1
            if code & 1 == 0 {
                freq = vint()
                guard freq > 0 else { throw IndexError.corrupt(file: file(), reason: "in-memory entry of termFreq 0") }
            }
            if delta != 0 {
                // The first doc of this table's term must follow the term's docs so far (`finishDoc`'s
                // precondition, here once: the later docs follow by positive gaps, and the last one is
                // checked not to pass Int32.max with the base, so that none wrapped). The norms row
                // moves with the gaps.
                if doc >= 0 {
                    postings.finishCheckedDoc(&pending, as: docBase &+ doc)
                    row += Int(delta) &* IndexFormat.fieldCount
                } else {
                    precondition(Int64(docBase) + Int64(delta) - 1 > postings.lastAddedDoc,
                                 "doc \(Int64(docBase) + Int64(delta) - 1) after \(postings.lastAddedDoc)")
                    row = rows + (Int(docBase) &+ Int(delta) &- 1) &* IndexFormat.fieldCount
                }
                doc &+= delta
            }
            // Each position takes at least a byte: a count past the stream's end is not read.
            guard doc >= 0, field < IndexFormat.fieldCount, Int(freq) <= position.distance(to: positionsEnd) else {
                throw IndexError.corrupt(file: file(), reason: "in-memory entry of doc \(doc), field \(field), termFreq "
                    + "\(freq) with \(position.distance(to: positionsEnd)) position bytes left")
            }
            let target = postings.reservedPositionSlots(Int(freq), in: slots)
            if freq <= Self.positionsPadding {
                // The entry starts at least `freq` bytes before the end: a value that runs to the end
                // stops on the first zero byte after it, and each value after it reads one zero byte,
                // within the padding. A value read past the end leaves `position` past it, which the
                // next entry's check or the term's last check rejects.
                // A `while` on `&+=`: `for j in 0..<n` kept a trap test per value.
                let n = Int(freq)
                var j = 0
                while j < n {
                    let v = Self.zeroEndedVInt(&position)
                    target[j] = v
                    lengths[BitPacking.bitsRequired(v)] &+= 1
                    j &+= 1
                }
            } else {
                for j in 0..<Int(freq) {
                    // A value starts inside the stream (so a long vint stops on the zeros after it).
                    guard position < positionsEnd else {
                        throw IndexError.corrupt(file: file(), reason: "in-memory positions end inside an entry")
                    }
                    let v = Self.zeroEndedVInt(&position)
                    target[j] = v
                    lengths[BitPacking.bitsRequired(v)] &+= 1
                }
            }
            postings.addEntry(field: field, termFreq: freq, norms: row, to: &pending)
        }
        guard doc >= 0, position == positionsEnd else {
            throw IndexError.corrupt(file: file(), reason: "in-memory term of \(positionsStart.distance(to: positionsEnd)) "
                + "position bytes, \(positionsStart.distance(to: position)) read by its entries")
        }
        precondition(Int64(docBase) + Int64(doc) <= Int64(Int32.max), "doc \(doc) past DocID's range after base \(docBase)")
        postings.finishCheckedDoc(&pending, as: docBase &+ doc)
    }
}
