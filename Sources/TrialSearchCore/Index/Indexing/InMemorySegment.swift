#if canImport(Glibc)
import Glibc
#endif

/// The mutable part of an in-memory segment, as a value type so that the per-token path (called from
/// the analyzer's closure) has only statically checked accesses.
struct SegmentBuilder {
    var table = TermTable()
    /// `FieldNorm` bytes, doc-major (`fieldCount` per doc).
    var norms: [UInt8] = []
    var lengthSums = [UInt64](repeating: 0, count: IndexFormat.fieldCount)
    var docsWithField = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
    var docValues = DocValuesWriter()
    var docCount = 0

    /// Inverts `trial` as the next doc: analyzes every field's values and records each token. A field's
    /// length counts its tokens except derived ones (`Token.isDerived`). Tokens go to the term table
    /// in batches (`TokenBatch`, over the caller's `buffers`), which prefetch their slots.
    mutating func add(_ trial: Trial, analyzer: Analyzer, contentHash: UInt64, buffers: TokenBatch.Buffers) -> DocID {
        let doc = Int32(docCount)
        withUnsafeMutablePointer(to: &table) { table in
            var sink = IndexingSink(batch: TokenBatch(bytes: buffers.bytes, entries: buffers.entries), table: table, doc: doc)
            for field in Field.allCases {
                var position: Int32 = 0
                sink.field = field.rawValue
                sink.length = 0
                trial.forEachValueBytes(of: field) { value in
                    position = analyzer.analyze(bytes: value, field: field, firstPosition: position, into: &sink)
                }
                sink.flush()
                let length = sink.length
                norms.append(FieldNorm.encode(length))
                lengthSums[Int(field.rawValue)] += UInt64(length)
                if length > 0 { docsWithField[Int(field.rawValue)] += 1 }
            }
        }
        docValues.add(DocValuesRecord(trial: trial, contentHash: contentHash))
        docCount += 1
        return doc
    }

    var memoryUsage: Int { table.memoryUsage + norms.capacity + docValues.memoryUsage }
}

/// The indexer's `TokenSink`: counts a field's length and queues each token in a `TokenBatch`, which
/// goes to the term table when full (and at the end of each field, `flush()`). Inlined into the
/// tokenizer's emit paths.
struct IndexingSink: TokenSink {
    var batch: TokenBatch
    let table: UnsafeMutablePointer<TermTable>
    let doc: Int32
    var field: UInt8 = 0
    /// Tokens of the current field, derived ones excepted.
    var length = 0

    init(batch: TokenBatch, table: UnsafeMutablePointer<TermTable>, doc: Int32) {
        self.batch = batch
        self.table = table
        self.doc = doc
    }

    @inline(__always)
    mutating func consume(_ token: Token) {
        // Too long (or empty): dropped, not counted.
        guard token.term.count > 0 && token.term.count <= TermTable.maxTermLength else { return }
        // A derived token (a compound's joined form) shares its first part's position and does not count
        // in the field's length. At most one per byte of the field's text: no overflow to check.
        if !token.isDerived { length &+= 1 }
        // A full batch is flushed right after the append that filled it, so `batch` always has room
        // here (`TokenBatch.append`'s requirement).
        batch.append(token, table: table.pointee)
        if batch.isFull { flush() }
    }

    /// Records the queued tokens in the term table.
    mutating func flush() {
        table.pointee.add(batch, doc: doc, field: field)
        batch.removeAll()
    }
}

/// One worker's segment under construction: terms, postings and positions in memory, stored records
/// already streaming to the segment's `.sto` file. Flushed to a complete segment when the worker's
/// share of the RAM budget is reached or the run ends.
///
/// Owner of the builder's manual memory (freed in `deinit`). Not thread-safe: one per worker thread.
final class InMemorySegment {
    let directory: String
    let name: String
    let id: UInt64
    private var builder = SegmentBuilder()
    private let stored: StoredWriter
    /// The term table's slots in term order, once `prepareForJoin()` has sorted them.
    private var sortedTerms: [Int32]?
    /// The token batch's buffers, reused by every doc (8 KB: a temporary allocation of that size per doc
    /// was a heap block, `malloc` and `free` per record).
    private let batchBuffers = TokenBatch.Buffers()

    init(directory: String, name: String, id: UInt64) throws {
        self.directory = directory
        self.name = name
        self.id = id
        stored = try StoredWriter(path: FileSystem.join(directory, SegmentFile.stored.fileName(segment: name)), segmentID: id,
                                  durable: false)
    }

    deinit {
        builder.table.deallocate()
        batchBuffers.deallocate()
    }

    var docCount: Int { builder.docCount }

    /// Bytes held in memory.
    var memoryUsage: Int { builder.memoryUsage + stored.memoryUsage }

    /// Adds `trial`, whose `TrialCodec` coding is `record`; returns its DocID.
    func add(_ trial: Trial, record: UnsafeRawBufferPointer, contentHash: UInt64, analyzer: Analyzer) throws -> DocID {
        try stored.add(record)
        return builder.add(trial, analyzer: analyzer, contentHash: contentHash, buffers: batchBuffers)
    }

    /// The trial id of a doc added so far.
    func trialID(_ doc: Int) -> String { builder.docValues.id(doc) }

    /// Readies the segment for the commit's joined flush, on the worker's thread when its input ends
    /// (the other worker may still be parsing): writes the term table's pending entries, sorts its
    /// terms and compresses the last stored block, so that the commit's single thread does none of
    /// it. No doc may be added after it.
    /// - Complexity: O(terms · log terms) plus one stored block.
    func prepareForJoin() throws {
        precondition(sortedTerms == nil, "segment \(name) prepared twice")
        builder.table.finishPending()
        sortedTerms = builder.table.sortedTermIDs()
        try stored.finishBlock()
    }

    /// Writes every file of the segment (not fsynced: `IndexWriter.commit()` syncs it if a manifest is
    /// to name it) and returns its manifest entry. With `others`, the segment also holds their docs,
    /// after its own (in the order given, each shifted by the docs before it): the commit writes the
    /// workers' last in-memory segments as one segment instead of flushing each and merging them. Their
    /// stored records are copied (compressed blocks as they are) from their `.sto` files, which are then
    /// removed; they are left empty. The copy runs beside the terms' write (`SegmentBuilder.writeFiles`'s
    /// `alongside`).
    /// - Complexity: O(terms · log terms + postings + positions) of all of them, plus the bytes of the
    ///   others' stored records.
    /// `split`: write the terms on two threads (see `SegmentBuilder.writeFiles`), for a flush that no
    /// indexing thread waits for.
    func flush(joining others: [InMemorySegment] = [], split: Bool = false) throws -> SegmentInfo {
        let segments = [self] + others
        // Pending entries written before the builders are copied (writing may grow their pools).
        for segment in segments where segment.sortedTerms == nil { segment.builder.table.finishPending() }
        let builders = segments.map(\.builder)
        let sorted = segments.map { $0.sortedTerms ?? $0.builder.table.sortedTermIDs() }
        let docCount = builders.reduce(0) { $0 + $1.docCount }
        try SegmentBuilder.writeFiles(builders, sorted: sorted, directory: directory, name: name, id: id, split: split) {
            try self.appendStored(of: others)
        }
        for segment in segments {
            segment.builder.table.deallocate()
            segment.builder = SegmentBuilder(table: TermTable(slots: 1, textCapacity: 0))
            segment.sortedTerms = nil
        }
        return SegmentInfo(name: name, id: id, docCount: docCount, deletesGeneration: 0, deletedCount: 0)
    }

    /// Copies the stored records of `others` after this segment's own (their compressed blocks as they
    /// are, from their `.sto` files, which are then removed) and finishes the stored file.
    private func appendStored(of others: [InMemorySegment]) throws {
        for other in others {
            let otherPath = FileSystem.join(directory, SegmentFile.stored.fileName(segment: other.name))
            _ = try other.stored.finish()
            let file = try IndexFile(path: otherPath, formatName: SegmentFile.stored.formatName, segmentID: other.id,
                                     releasePages: true)
            let records = try StoredRecords(file: file, expectedDocCount: other.builder.docCount)
            for b in 0..<records.blockCount {
                let block = records.compressedBlock(b)
                try stored.addCompressedBlock(block.bytes, docs: block.docs, uncompressedLength: block.uncompressedLength)
                // Copied pages leave the resident set as the copy advances (as in a merge).
                if (b & 63) == 63 || b == records.blockCount - 1 {
                    file.file.dropPages(0..<(records.entry(b).offset + block.bytes.count))
                }
            }
            unlink(otherPath)
        }
        _ = try stored.finish()
    }
}
