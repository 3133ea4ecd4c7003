/// Indexes records on one thread: analyzes them with its own `Analyzer` into its own in-memory
/// segment, flushed to disk whenever it reaches the worker's share of the RAM budget.
///
/// Not thread-safe: create one per thread with `IndexWriter.makeWorker()` and call `finish()` before
/// the writer's `commit()`. The segment in memory when the worker finishes is not flushed by it but
/// handed to the writer, whose commit flushes the last segments of all the workers as one.
public final class IndexWorker {
    private let writer: IndexWriter
    private let analyzer: Analyzer
    private let budget: Int
    private var segment: InMemorySegment?
    private var flushed: [SegmentInfo] = []
    private var candidates: [Candidate] = []
    /// The buffer each record is encoded into (`TrialCodec`), reused.
    private var codecScratch = TrialCodec.Scratch()
    private var finished = false

    init(writer: IndexWriter, budget: Int) {
        self.writer = writer
        self.budget = budget
        analyzer = Analyzer(configuration: writer.options.analyzer, sharedStems: writer.sharedStems)
    }

    /// Considers `trial`, the `sequence`-th record of the run (input order): indexes it unless the index
    /// already holds the same content or a more authoritative or newer record of the trial. Whether it
    /// is finally added, replaces, or loses to a duplicate of the same run is settled at commit.
    public func add(_ trial: Trial, sequence: Int) throws {
        precondition(!finished, "add after finish")
        let sourceStart = TrialCodec.encode(trial, scratch: &codecScratch)
        // The coding stays in `codecScratch` until the next record's.
        let record = codecScratch.record
        let hash = TrialCodec.contentHash(record, sourceStart: sourceStart)
        var candidate = Candidate(id: trial.id.rawValue, authority: UInt8(trial.source.format.authority),
                                  dateKey: UpdateKey.dateKey(trial.lastUpdated), hash: hash, sequence: sequence,
                                  segment: nil, doc: -1)
        var index = true
        if let e = writer.existingKeys(trial.id) {
            if e.hash == hash || (candidate.authority, candidate.dateKey) < (e.authority, e.dateKey) { index = false }
        }
        if index {
            if segment == nil {
                let (name, id) = writer.allocateSegment()
                segment = try InMemorySegment(directory: writer.directory, name: name, id: id)
            }
            if let segment {
                candidate.doc = try segment.add(trial, record: record, contentHash: hash, analyzer: analyzer)
                candidate.segment = segment.name
                if segment.memoryUsage >= budget { try flush() }
            }
        }
        candidates.append(candidate)
    }

    private func flush() throws {
        guard let segment, segment.docCount > 0 else { return }
        flushed.append(try segment.flush())
        self.segment = nil
        KillPoint.reach("flush.done")
    }

    /// Hands everything to the writer: the flushed segments, and the last segment still in memory,
    /// which the commit flushes together with the other workers' last segments (as one segment). That
    /// segment's terms are sorted here (`InMemorySegment.prepareForJoin()`), on this worker's thread,
    /// while the other workers may still be indexing.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        let last = segment.flatMap { $0.docCount > 0 ? FinishedSegment($0) : nil }
        try last?.segment.prepareForJoin()
        segment = nil
        writer.workerFinished(flushed: flushed, last: last, candidates: candidates)
        candidates = []
    }
}

/// A worker's last in-memory segment, handed to the writer by `IndexWorker.finish()`: from then on only
/// the committing thread uses it (the worker never touches it again), hence `@unchecked Sendable`.
final class FinishedSegment: @unchecked Sendable {
    let segment: InMemorySegment

    init(_ segment: InMemorySegment) { self.segment = segment }
}
