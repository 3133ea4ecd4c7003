import Testing
@testable import TrialSearchCore

@Suite struct SegmentMergerTests {
    /// Adds `trials` to a new in-memory segment `name` (id `id`) of `dir`.
    static func segment(_ trials: ArraySlice<Trial>, name: String, id: UInt64, in dir: String) throws -> InMemorySegment {
        let segment = try InMemorySegment(directory: dir, name: name, id: id)
        let analyzer = Analyzer()
        var record: [UInt8] = []
        for t in trials {
            let sourceStart = TrialCodec.encode(t, into: &record)
            let hash = record.withUnsafeBytes { TrialCodec.contentHash($0, sourceStart: sourceStart) }
            _ = try record.withUnsafeBytes { try segment.add(t, record: $0, contentHash: hash, analyzer: analyzer) }
        }
        return segment
    }

    /// Flushes `trials` as segment `name` of `dir`.
    static func flush(_ trials: [Trial], name: String, id: UInt64, in dir: TemporaryDirectory) throws -> SegmentInfo {
        try segment(trials[...], name: name, id: id, in: dir.path).flush()
    }

    /// Segments that end in partial blocks, single-block terms next to multi-block ones, and a second
    /// merge that copies the first merge's blocks of more than 128 docs: the merged segment must read
    /// exactly like the naive model of all the trials in order (docs, per-field termFreqs, positions,
    /// advancing, block bounds, stored records, norms).
    @Test func mergedSegmentsReadLikeTheNaiveModel() throws {
        let dir = TemporaryDirectory("merger")
        defer { dir.remove() }
        let sizes = [150, 77, 300, 1, 211]
        var all: [Trial] = []
        var sources: [SegmentInfo] = []
        for (i, n) in sizes.enumerated() {
            let trials = SyntheticTrials.make(count: n, seed: UInt64(10 + i), idPrefix: "NCT\(i)")
            all += trials
            sources.append(try Self.flush(trials, name: SegmentName.make(i + 1), id: UInt64(100 + i), in: dir))
        }
        let first = try #require(try SegmentMerger.merge(Array(sources[0..<3]), directory: dir.path,
                                                         into: SegmentName.make(10), id: 200))
        let second = try #require(try SegmentMerger.merge(Array(sources[3...]), directory: dir.path,
                                                          into: SegmentName.make(11), id: 201))
        let merged = try #require(try SegmentMerger.merge([first, second], directory: dir.path,
                                                          into: SegmentName.make(12), id: 202))
        let segment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        let naive = NaiveIndex(all)
        #expect(segment.docCount == all.count)
        #expect(segment.terms.termCount == naive.postings.count)
        #expect(naive.postings.values.contains { $0.count > 3 * IndexFormat.blockSize }, "multi-block terms")

        var positions: [Int32] = []
        var rng = SeededRandom(seed: 99)
        for (term, docs) in naive.postings.sorted(by: { $0.key < $1.key }) {
            let info = try #require(try segment.terms.lookup(term))
            let expectedDocs = docs.keys.sorted()
            #expect(info.docFreq == docs.count, "\(term)")
            #expect(info.totalTermFreq == docs.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }, "\(term)")
            for f in 0..<IndexFormat.fieldCount {
                #expect(Int(info.fieldDocFreqs[f]) == docs.values.filter { $0[f] != nil }.count, "\(term) field \(f)")
            }
            // Every doc, its termFreqs and positions; every block's bound covers its docs.
            var cursor = segment.postings(info)
            var blockEnd: DocID = -1
            var bound = Impacts()
            for doc in expectedDocs {
                #expect(cursor.next() == DocID(doc), "\(term)")
                if DocID(doc) > blockEnd {
                    blockEnd = cursor.advanceShallow(to: DocID(doc))
                    bound = cursor.blockImpacts
                    #expect(blockEnd >= DocID(doc))
                    #expect(info.docFreq > IndexFormat.blockSize || blockEnd == PostingsCursor.noMoreDocs - 1,
                            "a term of at most 128 docs is one block")
                }
                for (f, expected) in docs[doc] ?? [:] {
                    let field = try #require(Field(rawValue: UInt8(f)))
                    #expect(cursor.termFreq(in: field) == expected.count)
                    #expect(UInt32(expected.count) <= bound.maxTermFreq[f], "\(term) doc \(doc): bound")
                    #expect(bound.minNorm[f] <= UInt32(segment.norms.normByte(DocID(doc), field)))
                    cursor.positions(in: field, into: &positions)
                    #expect(positions == expected, "\(term) doc \(doc) \(field)")
                }
            }
            #expect(cursor.next() == PostingsCursor.noMoreDocs)
            #expect(!cursor.isCorrupt)
            // The search's block scan (MaxScore) over the same postings, blocks of up to 255 docs
            // included: every doc once, in order, with its field mask and termFreqs (stored minus one).
            var scan = segment.postings(info)
            var scanned: [Int] = []
            var doc = scan.next()
            while doc != PostingsCursor.noMoreDocs {
                let before = scanned.count
                doc = scan.scanBlock(through: PostingsCursor.noMoreDocs - 1) { d, mask, freqs in
                    scanned.append(Int(d))
                    let fields = docs[Int(d)] ?? [:]
                    var k = 0
                    for f in 0..<IndexFormat.fieldCount where mask & (1 << UInt16(f)) != 0 {
                        #expect(Int(freqs[k]) + 1 == fields[f]?.count, "\(term) doc \(d) field \(f): scanned termFreq")
                        k += 1
                    }
                    #expect(k == fields.count, "\(term) doc \(d): scanned field mask")
                }
                #expect(scanned.count > before, "\(term): scanBlock advances")
                if scanned.count == before { break }
            }
            #expect(scanned == expectedDocs, "\(term): scanned docs")
            #expect(!scan.isCorrupt)
            // Advancing to random targets lands on the first doc at or after each.
            if expectedDocs.count > 50 {
                var c = segment.postings(info)
                var target = 0
                while target < all.count {
                    let expected = expectedDocs.first { $0 >= target }.map { DocID($0) } ?? PostingsCursor.noMoreDocs
                    #expect(c.advance(to: DocID(target)) == expected, "\(term) advance to \(target)")
                    target = max(target + 1, Int(c.doc)) + Int(rng.next() % 90)
                    if c.doc == PostingsCursor.noMoreDocs { break }
                }
            }
        }
        for doc in stride(from: 0, to: all.count, by: 23) {
            #expect(try segment.trial(DocID(doc)) == all[doc])
            #expect(segment.trialID(DocID(doc)) == all[doc].id)
        }
        for f in Field.allCases {
            #expect(segment.norms.lengthSums[Int(f.rawValue)] == UInt64(naive.lengths.reduce(0) { $0 + $1[Int(f.rawValue)] }))
        }
    }

    /// A merge whose terms are cut in two ranges (the upper one merged on another thread into memory,
    /// then appended with shifted offsets) writes exactly the files of one sequential pass, over sources
    /// without deletes (blocks copied) and with deletes (postings re-encoded), and reads back whole.
    @Test func mergeSplitInTwoTermRangesWritesTheFilesOfOnePass() throws {
        let dir = TemporaryDirectory("split-merge")
        defer { dir.remove() }
        var sources: [SegmentInfo] = []
        var trialCount = 0
        for (i, n) in [400, 250, 333].enumerated() {
            let trials = SyntheticTrials.make(count: n, seed: UInt64(30 + i), idPrefix: "NCT\(i)")
            sources.append(try Self.flush(trials, name: SegmentName.make(i + 1), id: UInt64(300 + i), in: dir))
            trialCount += n
        }
        var deleted = DeletedDocs(docCount: sources[1].docCount)
        for d in stride(from: 0, to: sources[1].docCount, by: 7) { deleted.insert(DocID(d)) }
        sources[1].deletesGeneration = 1
        sources[1].deletedCount = deleted.count
        _ = try LiveDocsWriter.write(path: FileSystem.join(dir.path, SegmentFile.deletes.fileName(segment: sources[1].name, generation: 1)),
                                     segmentID: sources[1].id, deleted: deleted)

        let readers = try sources.enumerated().map { try SegmentReader(directory: dir.path, info: $0.element, ordinal: $0.offset) }
        let pivot = try #require(SegmentMerger.splitTerm(readers, minimumBlocks: 2))
        var terms = readers[0].terms.makeTermsEnum()
        let hasFirst = terms.next()
        #expect(hasFirst && terms.term.lexicographicallyPrecedes(pivot), "the lower range is not empty")
        let hasUpper = terms.seek(ceiling: pivot)
        #expect(hasUpper, "the upper range is not empty")
        #expect(SegmentMerger.splitTerm(readers, minimumBlocks: Int.max) == nil)

        let onePass = try #require(try SegmentMerger.merge(sources, directory: dir.path, into: SegmentName.make(20), id: 900,
                                                           splitMinimumBlocks: Int.max))
        let split = try #require(try SegmentMerger.merge(sources, directory: dir.path, into: SegmentName.make(21), id: 900,
                                                         splitMinimumBlocks: 2))
        #expect(split == SegmentInfo(name: SegmentName.make(21), id: 900, docCount: onePass.docCount, deletesGeneration: 0, deletedCount: 0))
        #expect(split.docCount == trialCount - deleted.count)
        for kind in SegmentFile.immutable {
            let a = IndexIntegrityTests.readFile(FileSystem.join(dir.path, kind.fileName(segment: onePass.name)))
            let b = IndexIntegrityTests.readFile(FileSystem.join(dir.path, kind.fileName(segment: split.name)))
            #expect(!a.isEmpty && a == b, "\(kind): \(a.count) vs \(b.count) bytes")
        }
        var report = IndexCheckReport(directory: dir.path)
        SegmentCheck(segment: try SegmentReader(directory: dir.path, info: split, ordinal: 0), directory: dir.path).run(into: &report)
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    /// Positions through a merge whose source has deletes (every live doc re-encoded, its positions
    /// decoded and coded again in its new block), read the way a phrase check reads them: docs skipped
    /// at random, and each doc's fields in descending order (so that a read goes back before the last
    /// one and restarts from the block's start). Every (doc, field) reads the naive model's positions.
    @Test func positionsSurviveAMergeWithDeletesReadInAnyOrder() throws {
        let dir = TemporaryDirectory("positions-merge")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 700, seed: 21, idPrefix: "NCT7")
        try indexTrials(Array(trials.dropLast()), into: dir.path)
        // A second segment of the last trial, merged with the first (which has the deletes).
        let deleted = Set(stride(from: 3, to: trials.count - 1, by: 7))
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        try indexTrials(Array(trials.suffix(1)), into: dir.path, options: options, deleting: deleted.map { trials[$0].id })
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.segments.count == 1 && reader.docCount == trials.count - deleted.count, "merged without the deleted docs")
        let segment = reader.segments[0]
        // Old doc (index in `trials`) → new doc.
        var newDoc: [Int: DocID] = [:]
        for (i, t) in trials.enumerated() where !deleted.contains(i) { newDoc[i] = try #require(reader.lookup(t.id)).doc }
        let naive = NaiveIndex(trials)
        var rng = SeededRandom(seed: 7)
        var positions: [Int32] = []
        var read = 0
        for (term, docs) in naive.postings {
            let live = docs.filter { newDoc[$0.key] != nil }.map { (newDoc[$0.key] ?? -1, $0.value) }.sorted { $0.0 < $1.0 }
            guard !live.isEmpty else { continue }
            let info = try #require(try segment.terms.lookup(term))
            #expect(info.docFreq == live.count, "\(term)")
            var cursor = segment.postings(info)
            for (doc, fields) in live where rng.next() % 3 != 0 {
                #expect(cursor.advance(to: doc) == doc, "\(term)")
                for f in fields.keys.sorted(by: >) {
                    cursor.positions(in: Field(rawValue: UInt8(f)) ?? .id, into: &positions)
                    #expect(positions == fields[f], "\(term) doc \(doc) field \(f)")
                    read += 1
                }
            }
            #expect(!cursor.isCorrupt, "\(term)")
        }
        #expect(read > 10_000)
    }

    /// Stored records through a merge whose source has deletes in one block (its live records copied
    /// one by one out of the block's parts) and none in the others (copied whole), over several
    /// stored blocks: every live trial reads back exactly, the deleted ones are gone.
    @Test func storedRecordsSurviveAMergeWithDeletes() throws {
        let dir = TemporaryDirectory("stored-merge")
        defer { dir.remove() }
        var trials = SyntheticTrials.make(count: 1_500, seed: 5, idPrefix: "NCT5")
        try indexTrials(trials, into: dir.path)
        let before = try IndexReader.open(directory: dir.path)
        #expect(before.segments.count == 1)
        #expect(before.segments[0].stored.blockCount >= 3, "the records span several stored blocks")
        var updates: [Trial] = []
        for i in stride(from: 0, to: 40, by: 3) {
            trials[i].briefTitle = "updated \(i)"
            trials[i].lastUpdated = PartialDate(year: 2030, month: 1)
            updates.append(trials[i])
        }
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        let summary = try indexTrials(updates, into: dir.path, options: options, deleting: [trials[1_400].id])
        #expect(summary.replaced == updates.count && summary.deleted == 1)
        let after = try IndexReader.open(directory: dir.path)
        #expect(after.segments.count == 1)
        for (i, t) in trials.enumerated() where i != 1_400 {
            #expect(try after.trial(t.id) == t)
        }
        #expect(try after.trial(trials[1_400].id) == nil)
    }
}

