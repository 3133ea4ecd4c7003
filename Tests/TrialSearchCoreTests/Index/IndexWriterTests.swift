import Synchronization
import Testing
@testable import TrialSearchCore

@Suite struct IndexWriterTests {
    static func trial(_ id: String, title: String, updated: PartialDate?, format: RecordFormat = .clinicalStudyXML) -> Trial {
        var t = Trial(id: TrialID(id)!, registry: "ClinicalTrials.gov", source: RecordSource(file: "f-\(title)", format: format))
        t.briefTitle = title
        t.lastUpdated = updated
        return t
    }

    static let d2020 = PartialDate(year: 2020, month: 5, day: 1)
    static let d2021 = PartialDate(year: 2021, month: 5, day: 1)

    @Test func buildsAndReopens() throws {
        let dir = TemporaryDirectory("writer")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 300, seed: 7)
        let summary = try indexTrials(trials, into: dir.path, workers: 2)
        #expect(summary.added == 300 && summary.committed && summary.generation == 1)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == 300)
        #expect(reader.segments.count == 1, "a small run's per-worker segments are merged into one")
        for t in trials.prefix(20) { #expect(try reader.trial(t.id) == t) }
        // Re-indexing the same records changes nothing and commits nothing.
        let again = try indexTrials(trials, into: dir.path, workers: 2)
        #expect(again.unchanged == 300 && !again.committed && again.generation == 1)
    }

    @Test func newerReplacesOlderIsSkipped() throws {
        let dir = TemporaryDirectory("updates")
        defer { dir.remove() }
        try indexTrials([Self.trial("NCT1", title: "alpha", updated: Self.d2020)], into: dir.path)
        // Older: skipped.
        var s = try indexTrials([Self.trial("NCT1", title: "beta", updated: PartialDate(year: 2019, month: 1))], into: dir.path)
        #expect(s.older == 1 && !s.committed)
        // Newer: replaces.
        s = try indexTrials([Self.trial("NCT1", title: "gamma", updated: Self.d2021)], into: dir.path)
        #expect(s.replaced == 1 && s.committed)
        var reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == 1)
        #expect(try reader.trial(TrialID("NCT1")!)?.briefTitle == "gamma")
        #expect(try reader.docFreq("alpha") == 0, "a segment whose docs are all deleted is dropped")
        // Missing date is older than any date.
        s = try indexTrials([Self.trial("NCT1", title: "delta", updated: nil)], into: dir.path)
        #expect(s.older == 1)
        // Authority beats date: an ICTRP re-export with a later date loses to the registry's own record.
        s = try indexTrials([Self.trial("NCT1", title: "ictrp", updated: PartialDate(year: 2025, month: 1), format: .ictrp)], into: dir.path)
        #expect(s.older == 1)
        // Same date, different content: the later arrival wins.
        s = try indexTrials([Self.trial("NCT1", title: "epsilon", updated: Self.d2021)], into: dir.path)
        #expect(s.replaced == 1)
        // Same content from another file: unchanged.
        var same = Self.trial("NCT1", title: "epsilon", updated: Self.d2021)
        same.source.file = "another-file"
        s = try indexTrials([same], into: dir.path)
        #expect(s.unchanged == 1 && !s.committed)
        reader = try IndexReader.open(directory: dir.path)
        #expect(try reader.trial(TrialID("NCT1")!)?.briefTitle == "epsilon")
    }

    @Test func duplicatesWithinARunDoNotDependOnScheduling() throws {
        let records = [
            Self.trial("NCT7", title: "old", updated: Self.d2020),
            Self.trial("NCT7", title: "new", updated: Self.d2021),
            Self.trial("NCT7", title: "tie-first", updated: PartialDate(year: 2021, month: 6)),
            Self.trial("NCT7", title: "tie-second", updated: PartialDate(year: 2021, month: 6)),
            Self.trial("NCT7", title: "ictrp", updated: PartialDate(year: 2030, month: 1), format: .ictrp),
            Self.trial("NCT8", title: "other", updated: nil),
        ]
        var titles: [String] = []
        for (workers, reversed) in [(1, false), (2, false), (2, true), (3, true)] {
            let dir = TemporaryDirectory("dups")
            defer { dir.remove() }
            let s = try indexTrials(records, into: dir.path, workers: workers, reversedFeeding: reversed)
            #expect(s.added == 2 && s.older == 4)
            let reader = try IndexReader.open(directory: dir.path)
            #expect(reader.liveDocCount == 2)
            titles.append(try reader.trial(TrialID("NCT7")!)?.briefTitle ?? "")
        }
        #expect(titles == Array(repeating: "tie-second", count: 4))
    }

    @Test func deletesByID() throws {
        let dir = TemporaryDirectory("deletes")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 50, seed: 3)
        try indexTrials(trials, into: dir.path)
        let s = try indexTrials([], into: dir.path, deleting: [trials[3].id, trials[9].id, TrialID("NCT-NONE")!])
        #expect(s.deleted == 2 && s.notFound == [TrialID("NCT-NONE")!] && s.committed)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == 48)
        #expect(reader.lookup(trials[3].id) == nil)
        #expect(reader.lookup(trials[4].id) != nil)
        #expect(reader.segments[0].info.deletesGeneration == 1)
    }

    @Test func rebuildReplacesEverything() throws {
        let dir = TemporaryDirectory("rebuild")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 40, seed: 1, idPrefix: "NCTA"), into: dir.path)
        let fresh = SyntheticTrials.make(count: 30, seed: 2, idPrefix: "NCTB")
        let s = try indexTrials(fresh, into: dir.path, options: IndexWriterOptions(rebuild: true))
        #expect(s.added == 30 && s.committed)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == 30 && reader.lookup(fresh[0].id) != nil)
        // Only the new segment's files remain.
        let owned = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        #expect(Set(owned) == reader.manifest.referencedFiles)
    }

    /// `FileSystem.removeFiles` (the commit's removal of unreferenced files, on several threads) removes
    /// every path it is given, passes over one already gone, and reports each file once.
    @Test func removeFilesRemovesEveryPathOnce() throws {
        let dir = TemporaryDirectory("remove-files")
        defer { dir.remove() }
        for count in [0, 1, 2, 7] {
            let paths = (0..<count).map { FileSystem.join(dir.path, "f\(count)-\($0)") }
            for path in paths { IndexIntegrityTests.writeFile(path, Array("x\(path)".utf8)) }
            let missing = FileSystem.join(dir.path, "gone\(count)")
            let reported = Mutex(0)
            FileSystem.removeFiles(paths + (count > 0 ? [missing] : [])) { reported.withLock { $0 += 1 } }
            #expect(paths.allSatisfy { !FileSystem.exists($0) })
            #expect(reported.withLock { $0 } == count + (count > 0 ? 1 : 0))
        }
        #expect(try FileSystem.list(dir.path).isEmpty)
    }

    /// A run discarded after its workers finished (a read done again from the start,
    /// `IndexWriter.discardRun()`): its flushed segments' files and its last segments' stored files are
    /// removed, the previous index stays as it was, and the same writer indexes the input again.
    @Test func aDiscardedRunLeavesThePreviousIndexAndStartsAgain() throws {
        let dir = TemporaryDirectory("discard")
        defer { dir.remove() }
        let previous = SyntheticTrials.make(count: 40, seed: 1, idPrefix: "NCTA")
        try indexTrials(previous, into: dir.path)
        let before = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        let writer = try IndexWriter(directory: dir.path, options: IndexWriterOptions(ramBudgetBytes: 64 << 10, workerCount: 2))
        let pool = [writer.makeWorker(), writer.makeWorker()]
        let run = SyntheticTrials.make(count: 200, seed: 2, idPrefix: "NCTB")
        for (i, trial) in run.enumerated() { try pool[i % 2].add(trial, sequence: i) }
        for worker in pool { try worker.finish() }
        let during = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        #expect(during.count > before.count + 2 * 6, "budget flushes and the last segments' stored files")
        try writer.discardRun()
        #expect(Set(try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }) == Set(before))
        let unchanged = try IndexReader.open(directory: dir.path)
        #expect(unchanged.liveDocCount == 40 && unchanged.lookup(previous[0].id) != nil && unchanged.lookup(run[0].id) == nil)
        // The run again, from the start: only its second reading is committed.
        let again = [writer.makeWorker(), writer.makeWorker()]
        for (i, trial) in run.prefix(30).enumerated() { try again[i % 2].add(trial, sequence: i) }
        for worker in again { try worker.finish() }
        let s = try writer.commit()
        #expect(s.added == 30 && s.committed)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == 70 && reader.lookup(run[29].id) != nil && reader.lookup(run[30].id) == nil)
        let owned = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        #expect(Set(owned) == reader.manifest.referencedFiles)
    }

    @Test func forceMergeOfAnUnchangedIndex() throws {
        let dir = TemporaryDirectory("force")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 30, seed: 1, idPrefix: "NCTA"), into: dir.path)
        try indexTrials(SyntheticTrials.make(count: 30, seed: 2, idPrefix: "NCTB"), into: dir.path, deleting: [TrialID("NCTA0000003")!])
        #expect(try IndexReader.open(directory: dir.path).segments.count == 2)
        let s = try indexTrials([], into: dir.path, options: IndexWriterOptions(mergePolicy: MergePolicy(maxSegments: 1)))
        #expect(s.committed && s.mergesDone == 1 && s.segmentCount == 1 && s.liveDocCount == 59)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.segments.count == 1 && reader.docCount == 59 && reader.lookup(TrialID("NCTB0000007")!) != nil)
    }

    @Test func mergesKeepEveryLiveDoc() throws {
        let dir = TemporaryDirectory("merge")
        defer { dir.remove() }
        let policy = MergePolicy(mergeFactor: 3, minDocs: 10)
        let options = IndexWriterOptions(mergePolicy: policy)
        var all: [Trial] = []
        for run in 0..<3 {
            let trials = SyntheticTrials.make(count: 100, seed: UInt64(run), idPrefix: "NCT\(run)")
            all += trials
            try indexTrials(trials, into: dir.path, options: options, deleting: run == 1 ? [all[5].id] : [])
        }
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.segments.count == 1, "three level-0 segments merge at factor 3")
        #expect(reader.liveDocCount == 299 && reader.docCount == 299)
        #expect(reader.lookup(all[5].id) == nil)
        let live = all.enumerated().filter { $0.offset != 5 }.map(\.element)
        try Self.expectSegment(reader, holds: live, terms: 300)
        for t in live.prefix(10) { #expect(try reader.trial(t.id) == t) }
    }

    /// The commit writes the workers' last in-memory segments as one segment (no merge): its docs are
    /// the first worker's, then the second's, …, with every term's docs, freqs and positions, the field
    /// lengths, stored records and doc values of each; a duplicate across workers is resolved in it.
    @Test func workersLastSegmentsFlushAsOne() throws {
        let dir = TemporaryDirectory("joined")
        defer { dir.remove() }
        var trials = SyntheticTrials.make(count: 600, seed: 11)
        // A newer record of trials[4] (worker 1 of 3) read last, by worker 0: it replaces the first.
        var newer = trials[4]
        newer.briefTitle = "joined replacement title"
        newer.lastUpdated = PartialDate(year: 2031, month: 1)
        trials.append(newer)
        let workers = 3
        let s = try indexTrials(trials, into: dir.path, workers: workers)
        #expect(s.added == 600 && s.older == 1 && s.committed && s.mergesDone == 0 && s.segmentCount == 1)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.segments.count == 1 && reader.docCount == 601 && reader.liveDocCount == 600)
        // Doc order: worker by worker, each in its input order.
        let docOrder = trials.indices.sorted { ($0 % workers, $0) < ($1 % workers, $1) }.map { trials[$0] }
        try Self.expectSegment(reader, holds: docOrder, terms: 2_000)
        #expect(try reader.trial(newer.id) == newer)
        let (segment, doc) = try #require(reader.lookup(newer.id))
        #expect(reader.segments[segment].docValues.lastUpdatedKey(doc) == UpdateKey.dateKey(newer.lastUpdated))
        for t in trials.prefix(40) where t.id != newer.id { #expect(try reader.trial(t.id) == t) }
        let owned = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        #expect(Set(owned) == reader.manifest.referencedFiles, "the joined segments' stored files are removed")
    }

    /// Checks that the single segment of `reader` holds `trials` as docs 0, 1, … (deleted ones included):
    /// for the first `terms` terms, each doc, its per-field positions; the summary's length sum.
    static func expectSegment(_ reader: IndexReader, holds trials: [Trial], terms: Int) throws {
        let naive = NaiveIndex(trials)
        let segment = reader.segments[0]
        var positions: [Int32] = []
        #expect(naive.postings.values.contains { $0.count > 2 * IndexFormat.blockSize }, "multi-block terms")
        for (term, docs) in naive.postings.sorted(by: { $0.key < $1.key }).prefix(terms) {
            let info = try #require(try segment.terms.lookup(term))
            #expect(info.docFreq == docs.count)
            // Doc ids, per-field freqs and positions survive the merge (docs renumbered in order).
            var cursor = segment.postings(info)
            for doc in docs.keys.sorted() {
                #expect(cursor.next() == DocID(doc))
                for (f, expected) in docs[doc] ?? [:] {
                    let field = try #require(Field(rawValue: UInt8(f)))
                    cursor.positions(in: field, into: &positions)
                    #expect(positions == expected, "\(term) doc \(doc) \(field)")
                }
            }
            #expect(cursor.next() == PostingsCursor.noMoreDocs)
        }
        #expect(reader.fieldLengthSums[Int(Field.summary.rawValue)]
                == UInt64(naive.lengths.reduce(0) { $0 + $1[Int(Field.summary.rawValue)] }))
    }
}
