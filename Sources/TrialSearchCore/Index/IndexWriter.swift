#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One record of a run that may end up in the index: its update keys, and where it was indexed.
struct Candidate: Sendable {
    var id: String
    var authority: UInt8
    var dateKey: Int32
    var hash: UInt64
    /// Input order of the record in the run (the reader's order, independent of thread scheduling).
    var sequence: Int
    /// The new segment holding it, nil when it was not indexed (identical to or older than the index).
    var segment: String?
    var doc: DocID
}

/// Builds, updates and commits an index: the single writer of an index folder.
///
/// Usage: `init` takes the folder's lock, removes files a crashed writer left, and opens the current
/// snapshot (for updates). Each indexing thread calls `makeWorker()` and feeds its `IndexWorker`;
/// `delete(_:)` marks ids for deletion; `commit()` flushes the workers' last in-memory segments as one
/// segment, resolves updates and duplicates, writes deletes, merges per the `MergePolicy`, and
/// atomically replaces the manifest. The lock is released when the
/// writer is released.
///
/// Commit protocol (crash safety): every file is written under a new name and fsynced (a flushed
/// segment only once the commit knows the manifest will name it, since most are merged away before);
/// then the manifest is written to a temporary name, fsynced, renamed over `trialsearch.manifest`, and
/// the folder fsynced. A process killed at any point leaves the previous manifest and all its files;
/// files no manifest references are removed by the next writer (only names trialsearch owns). The
/// segments of the run that a merge consumed are named by no manifest: they are removed as soon as
/// the merge is done (beside its fsyncs), the files of the previous manifest only after the new one.
public final class IndexWriter: Sendable {
    public let directory: String
    let options: IndexWriterOptions
    private let lock: IndexLock
    /// The committed manifest when the writer opened (nil for a new index).
    let base: Manifest?
    /// The snapshot that updates compare with (nil for a new index or a rebuild).
    let existing: IndexReader?
    private let state: Mutex<State>
    /// Segments numbered from here on are this writer's (named by no manifest until its commit).
    private let firstRunSegmentNumber: Int
    /// The stems the workers' analyzers share (`SharedStems`), when there is more than one worker.
    let sharedStems: SharedStems?

    struct State: Sendable {
        var nextSegmentNumber: Int
        var flushed: [SegmentInfo] = []
        /// The workers' last segments, still in memory: the commit flushes them as one.
        var last: [FinishedSegment] = []
        var candidates: [Candidate] = []
        var deletions: [TrialID] = []
        var activeWorkers = 0
        var committed = false
    }

    /// Opens `directory` (created when missing) for writing.
    public init(directory: String, options: IndexWriterOptions = IndexWriterOptions()) throws {
        self.directory = directory
        self.options = options
        try FileSystem.makeDirectory(directory)
        lock = try IndexLock(directory: directory, wait: options.waitForLock)
        KillPoint.reach("writer.locked")
        var manifest: Manifest?
        do {
            manifest = try Manifest.read(directory: directory)
        } catch IndexError.noIndex {
            manifest = nil
        } catch {
            // A damaged manifest can only be replaced by a rebuild.
            guard options.rebuild else { throw error }
            manifest = nil
        }
        if let manifest, !options.rebuild, manifest.analyzerFingerprint != options.analyzer.fingerprint {
            throw IndexError.analyzerMismatch(directory: directory, indexed: manifest.analyzerFingerprint,
                                              current: options.analyzer.fingerprint)
        }
        base = manifest
        let names = try FileSystem.list(directory)
        // Never reuse a name, even one a crashed writer left behind.
        var next = manifest?.nextSegmentNumber ?? 1
        for name in names where SegmentName.isOwnedFile(name) && !name.hasPrefix(IndexFormat.manifestTempPrefix) {
            if let n = Int(SegmentName.segment(ofFile: name).dropFirst(), radix: 36) { next = max(next, n + 1) }
        }
        state = Mutex(State(nextSegmentNumber: next))
        firstRunSegmentNumber = next
        sharedStems = options.workerCount > 1 ? options.analyzer.stemmer.map { SharedStems(algorithm: $0.libstemmerName) } : nil
        if manifest != nil || !FileSystem.exists(FileSystem.join(directory, IndexFormat.manifestName)) {
            try Self.removeUnreferenced(directory: directory, keeping: manifest?.referencedFiles ?? [])
        }
        if let manifest, !options.rebuild {
            existing = try IndexReader(directory: directory, manifest: manifest, releasePages: true)
        } else {
            existing = nil
        }
        KillPoint.reach("writer.opened")
    }

    /// Whether the folder held a committed index when the writer took the lock (a writer that waited
    /// for another can see that the index it meant to build now exists).
    public var foundCommittedIndex: Bool { base != nil }

    /// A worker for the calling thread (each thread needs its own).
    public func makeWorker() -> IndexWorker {
        state.withLock { $0.activeWorkers += 1 }
        return IndexWorker(writer: self, budget: options.ramBudgetBytes / options.workerCount)
    }

    /// Marks trials for deletion at commit.
    public func delete(_ ids: [TrialID]) {
        state.withLock { $0.deletions.append(contentsOf: ids) }
    }

    func allocateSegment() -> (name: String, id: UInt64) {
        let number = state.withLock { s in
            defer { s.nextSegmentNumber += 1 }
            return s.nextSegmentNumber
        }
        var rng = SystemRandomNumberGenerator()
        return (SegmentName.make(number), rng.next())
    }

    func workerFinished(flushed: [SegmentInfo], last: FinishedSegment?, candidates: [Candidate]) {
        state.withLock { s in
            s.flushed.append(contentsOf: flushed)
            if let last { s.last.append(last) }
            s.candidates.append(contentsOf: candidates)
            s.activeWorkers -= 1
        }
    }

    /// Forgets everything the workers handed in: their flushed segments and last in-memory segments,
    /// whose files (this writer's segment numbers, named by no manifest) are removed, and the run's
    /// candidates; the opened snapshot, the deletions and the lock stay. For a read that must be done
    /// again (`DumpReader.read(…restart:)`): new workers then index it from the start. Every worker must
    /// have finished; the previous index is untouched.
    public func discardRun() throws {
        state.withLock { s in
            precondition(s.activeWorkers == 0 && !s.committed, "discard with \(s.activeWorkers) workers, committed \(s.committed)")
            s.flushed = []
            s.last = []  // closes the last segments' stored files
            s.candidates = []
        }
        for name in try FileSystem.list(directory) where SegmentName.isOwnedFile(name)
            && !name.hasPrefix(IndexFormat.manifestTempPrefix) {
            if let n = Int(SegmentName.segment(ofFile: name).dropFirst(), radix: 36), n >= firstRunSegmentNumber {
                unlink(FileSystem.join(directory, name))
            }
        }
    }

    /// The run's candidates as the commit's joined flush will place them: the docs of the workers'
    /// last segments (`last`, in the flush's order) move to the first one, each shifted by the docs before its
    /// segment, since that flush writes them all under the first one's name in that order.
    static func joinedCandidates(_ candidates: [Candidate], last: [(name: String, docCount: Int)]) -> [Candidate] {
        guard let first = last.first, last.count > 1 else { return candidates }
        var base: [String: Int32] = [:]
        var docs: Int32 = 0
        for segment in last {
            base[segment.name] = docs
            docs += Int32(segment.docCount)
        }
        var joined = candidates
        for i in joined.indices {
            guard let name = joined[i].segment, let shift = base[name] else { continue }
            joined[i].segment = first.name
            joined[i].doc += shift
        }
        return joined
    }

    /// The run's segments by the input order of the first record each holds (`Candidate.sequence`),
    /// then by name: the order of their docs in the joined flush and the merges, so that a worker's runs
    /// of consecutive records (`DumpReader.read(…restart:)`'s regions) follow each other as in the input
    /// where they can. Names come in the order the workers start their segments, which depends on timing.
    static func inputOrder(_ candidates: [Candidate]) -> (String, String) -> Bool {
        var first: [String: Int] = [:]
        for candidate in candidates {
            guard let name = candidate.segment else { continue }
            first[name] = min(first[name] ?? Int.max, candidate.sequence)
        }
        return { a, b in (first[a] ?? Int.max, a) < (first[b] ?? Int.max, b) }
    }

    /// Flushes the workers' last in-memory segments as one segment, under the first one's name (in input
    /// order, `inputOrder`, so the result does not depend on which worker finished first), and meanwhile, on another
    /// thread, resolves updates, duplicates and deletions over the run's candidates as placed by that
    /// flush (`joinedCandidates`): the resolution reads only the candidates and the opened snapshot, and
    /// writes nothing, so it fills the core the flush's single-thread parts leave idle. Returns the
    /// run's segments with the joined one. One flush of the joined term tables writes what flushing each
    /// and merging them would (a merge that decoded and re-encoded the blocks where they meet).
    private func flushAndResolve(_ snapshot: State, order: (String, String) -> Bool) throws
        -> (flushed: [SegmentInfo], resolution: UpdateResolution, summary: IndexSummary) {
        let last = snapshot.last.map(\.segment).sorted { order($0.name, $1.name) }
        let candidates = Self.joinedCandidates(snapshot.candidates, last: last.map { ($0.name, $0.docCount) })
        let existing = self.existing, deletions = snapshot.deletions
        @Sendable func resolve() -> (UpdateResolution, IndexSummary) {
            var summary = IndexSummary()
            var resolution = UpdateResolution(existing: existing)
            resolution.resolve(candidates, summary: &summary)
            resolution.delete(deletions, summary: &summary)
            return (resolution, summary)
        }
        guard let first = last.first else {
            let (resolution, summary) = resolve()
            return (snapshot.flushed, resolution, summary)
        }
        final class Outcome: Sendable {
            let value = Mutex<(UpdateResolution, IndexSummary)?>(nil)
        }
        let outcome = Outcome()
        var info: SegmentInfo?
        try concurrently({
            info = try first.flush(joining: Array(last.dropFirst()), split: true)
            KillPoint.reach("flush.done")
        }, background: {
            let resolved = resolve()
            outcome.value.withLock { $0 = resolved }
        })
        guard let info, let (resolution, summary) = outcome.value.withLock({ $0 }) else {
            preconditionFailure("the joined flush or the resolution returned nothing")
        }
        return (snapshot.flushed + [info], resolution, summary)
    }

    /// Syncs the term dictionary, postings and positions files of `merged` (a merge's, written without
    /// `fsync`: `SegmentMerger.merge(syncTerms: false)`), and meanwhile, on other threads
    /// (`FileSystem.removeFiles`), removes the files of `removing`, merged-away segments that no manifest
    /// names (this run's): a crash leaves the previous manifest and all its files either way. Their removal (freeing hundreds of MB of page
    /// cache for a replica build's sources, 0.10–0.12 s) then waits on no fsync and no fsync on it, where
    /// it came after the manifest.
    private func syncTerms(of merged: SegmentInfo?, removing: [SegmentInfo]) throws {
        let directory = self.directory
        let synced = merged.map { m in
            [SegmentFile.terms, .postings, .positions].map { FileSystem.join(directory, $0.fileName(segment: m.name)) }
        } ?? []
        let removed = removing.flatMap(\.fileNames).map { FileSystem.join(directory, $0) }
        try concurrently({ try FileSystem.syncFiles(synced) }, background: {
            FileSystem.removeFiles(removed) { KillPoint.reach("files.removed") }
        })
    }

    /// Removes the files trialsearch owns in `directory` that `keeping` does not list (on two or more
    /// threads: `FileSystem.removeFiles`).
    static func removeUnreferenced(directory: String, keeping: Set<String>) throws {
        let names = try FileSystem.list(directory).filter { SegmentName.isOwnedFile($0) && !keeping.contains($0) }
        FileSystem.removeFiles(names.sorted().map { FileSystem.join(directory, $0) }) { KillPoint.reach("files.removed") }
    }

    /// The update keys of the live indexed record of `id`, if any.
    func existingKeys(_ id: TrialID) -> (segment: Int, doc: DocID, authority: UInt8, dateKey: Int32, hash: UInt64)? {
        guard let existing, let (s, d) = existing.lookup(id) else { return nil }
        let dv = existing.segments[s].docValues
        return (s, d, UInt8(dv.authority(d)), dv.lastUpdatedKey(d), dv.contentHash(d))
    }

    /// Resolves updates and duplicates, writes deletes, merges, and atomically replaces the manifest.
    /// Every worker must have called `finish()`. Does nothing (and commits nothing) when the run
    /// changed nothing and no merge is due.
    /// - Complexity: O(records · log records) for the resolution plus the merges' cost.
    public func commit() throws -> IndexSummary {
        var snapshot = state.withLock { s -> State in
            defer { s.last = [] }
            precondition(s.activeWorkers == 0, "commit with \(s.activeWorkers) workers not finished")
            precondition(!s.committed, "commit called twice")
            s.committed = true
            return s
        }
        KillPoint.reach("commit.begin")
        let order = Self.inputOrder(snapshot.candidates)
        let (flushed, resolution, resolvedSummary) = try flushAndResolve(snapshot, order: order)
        snapshot.last = []  // frees the in-memory segments before the merges
        var summary = resolvedSummary

        // The segment list: existing ones (unless rebuilding) with their new deletes, then new ones.
        var segments: [SegmentInfo] = []
        var changed = false
        if let existing {
            for s in existing.segments {
                var info = s.info
                if let deleted = resolution.existingDeletes[s.ordinal], deleted.count > info.deletedCount {
                    info.deletesGeneration += 1
                    info.deletedCount = deleted.count
                    let name = SegmentFile.deletes.fileName(segment: info.name, generation: info.deletesGeneration)
                    _ = try LiveDocsWriter.write(path: FileSystem.join(directory, name), segmentID: info.id, deleted: deleted)
                    KillPoint.reach("commit.deletesWritten")
                    changed = true
                }
                if info.liveCount > 0 { segments.append(info) } else { changed = true }
            }
        }
        for var info in flushed.sorted(by: { order($0.name, $1.name) }) {
            if let deleted = resolution.newDeletes[info.name], deleted.count > 0 {
                guard deleted.count < info.docCount else { continue }
                info.deletesGeneration = 1
                info.deletedCount = deleted.count
                let name = SegmentFile.deletes.fileName(segment: info.name, generation: 1)
                _ = try LiveDocsWriter.write(path: FileSystem.join(directory, name), segmentID: info.id, deleted: deleted)
                KillPoint.reach("commit.deletesWritten")
            }
            segments.append(info)
            changed = true
        }
        let isRebuild = options.rebuild
        if isRebuild && segments.isEmpty { changed = false }
        if isRebuild && !segments.isEmpty { changed = true }
        // An unchanged index is committed again only when the policy wants a merge (a force merge).
        let mergeDue = !segments.isEmpty && options.mergePolicy.nextMerge(segments) != nil
        guard changed || mergeDue else {
            summary.generation = base?.generation ?? 0
            summary.segmentCount = base?.segments.count ?? 0
            summary.liveDocCount = existing?.liveDocCount ?? 0
            return summary
        }

        // Merges: the run's small segments into one, then whatever the policy asks for.
        var policy = options.mergePolicy
        if policy.singleSegmentForNewIndex && (existing == nil || isRebuild) { policy.maxSegments = 1 }
        let newNames = Set(flushed.map(\.name))
        // Segments of this run (flushed or merged), which no manifest names.
        var unnamed = newNames
        var pending = policy.runMerge(segments, new: newNames)
        while let group = pending ?? policy.nextMerge(segments) {
            pending = nil
            let (name, id) = allocateSegment()
            KillPoint.reach("merge.begin")
            let sources = group.map { segments[$0] }
            let merged = try SegmentMerger.merge(sources, directory: directory, into: name, id: id, syncTerms: false)
            unnamed.insert(name)
            try syncTerms(of: merged, removing: sources.filter { unnamed.contains($0.name) })
            KillPoint.reach("merge.done")
            var next: [SegmentInfo] = []
            for (i, s) in segments.enumerated() {
                if i == group[0], let merged { next.append(merged) }
                if !group.contains(i) { next.append(s) }
            }
            segments = next
            summary.mergesDone += 1
        }

        // This run's flushed segments were written without fsync (most are merged away first): sync
        // those the manifest will name.
        // On their own threads: ext4 joins concurrent fsyncs in one journal commit (the 10,614-trial
        // segment's six files: about 20 ms together, 60–80 ms one after another).
        try FileSystem.syncFiles(segments.filter { newNames.contains($0.name) }.flatMap { info in
            SegmentFile.immutable.map { FileSystem.join(directory, $0.fileName(segment: info.name)) }
        })
        let manifest = Manifest(
            generation: (base?.generation ?? 0) + 1, commitTime: Int64(time(nil)),
            analyzerFingerprint: options.analyzer.fingerprint,
            nextSegmentNumber: state.withLock { $0.nextSegmentNumber }, segments: segments)
        try manifest.commit(directory: directory)
        try Self.removeUnreferenced(directory: directory, keeping: manifest.referencedFiles)
        KillPoint.reach("commit.done")
        summary.committed = true
        summary.generation = manifest.generation
        summary.segmentCount = segments.count
        summary.liveDocCount = segments.reduce(0) { $0 + $1.liveCount }
        return summary
    }
}
