import Testing
@testable import TrialSearchCore

/// The commit's joined flush (`InMemorySegment.flush(joining:split:)`: the workers' in-memory segments
/// written as one segment, their term tables merged term by term) writes the postings, positions,
/// terms and norms files one segment holding every doc writes, byte for byte, in one pass and split
/// over two threads: the flush's entries path (positions decoded with their bit lengths counted, docs
/// shifted by each table's base) across terms in one worker only, terms of one doc, terms of more than
/// 128 docs on both sides, terms sharing their first 8 bytes across the sides, a term more than 8 times
/// in a field (the checked positions loop) and gaps of several vint bytes.
@Suite struct JoinedFlushBytesTests {
    /// Trials with words of their own besides the synthetic vocabulary: `side` words (in one worker's
    /// docs only), a word of one doc, a word repeated 300 times in one field, a word far apart.
    static func trials() -> [Trial] {
        var trials = SyntheticTrials.make(count: 420, seed: 47, idPrefix: "NCT4")
        for i in trials.indices {
            let side = i < 230 ? "leftonly" : "rightonly"
            trials[i].briefTitle += " \(side) \(side)\(i % 3)"
            // Terms of more than 8 bytes sharing their first 8 across the two sides (the merge's
            // comparison past the prefix words) and shorter ones sharing theirs.
            if i % 5 == 0 {
                trials[i].keywords.append(i < 230 ? "pneumococcal chemotherapy tumours" : "pneumoconiosis chemotherapeutic tumour")
            }
        }
        trials[5].officialTitle += " singleton"
        trials[250].officialTitle += " loneword"
        trials[7].briefSummary = (0..<300).map { _ in "repeated" }.joined(separator: " ")
        trials[300].detailedDescription = "faraway " + (0..<3_000).map { "w\($0 % 7)" }.joined(separator: " ") + " faraway"
        trials[301].eligibility.criteria = (0..<12).map { "often w\($0)" }.joined(separator: " ")
        return trials
    }

    @Test func joinedSegmentsWriteTheFilesOfOneSegment() throws {
        let dirs = ["single", "joined", "split", "two", "twosplit"].map { TemporaryDirectory("joinedbytes-\($0)") }
        defer { for d in dirs { d.remove() } }
        let trials = Self.trials()
        let name = SegmentName.make(1)
        let single = dirs[0].path, joined = dirs[1].path, split = dirs[2].path, two = dirs[3].path, twoSplit = dirs[4].path
        _ = try SegmentMergerTests.segment(trials[...], name: name, id: 9, in: single).flush()
        let three: [ArraySlice<Trial>] = [trials[0..<230], trials[230..<231], trials[231...]]
        let pair: [ArraySlice<Trial>] = [trials[0..<230], trials[230...]]
        let layouts: [(String, Bool, [ArraySlice<Trial>])] = [(joined, false, three), (split, true, three), (two, false, pair),
                                                               (twoSplit, true, pair)]
        for (d, isSplit, parts) in layouts {
            // Two or three workers' segments of unequal sizes (the two-table merge and the k-way one); the
            // first two prepared as the workers do.
            var segments: [InMemorySegment] = []
            for (k, part) in parts.enumerated() {
                let partName = k == 0 ? name : SegmentName.make(k + 1)
                segments.append(try SegmentMergerTests.segment(part, name: partName, id: k == 0 ? 9 : UInt64(20 + k), in: d))
            }
            try segments[0].prepareForJoin()
            if segments.count > 2 { try segments[1].prepareForJoin() }
            _ = try segments[0].flush(joining: Array(segments.dropFirst()), split: isSplit)
        }
        for kind in [SegmentFile.postings, .positions, .terms, .norms] {
            let file = kind.fileName(segment: name)
            let reference = IndexIntegrityTests.readFile(FileSystem.join(single, file))
            #expect(!reference.isEmpty)
            for d in [joined, split, two, twoSplit] {
                #expect(IndexIntegrityTests.readFile(FileSystem.join(d, file)) == reference, "\(file) in \(d)")
            }
        }
        // And the split flush's segment reads like the naive model of its trials: every term's docs and
        // per-field positions (the repeated word's 300, the far word's gap of 3,001).
        let info = SegmentInfo(name: name, id: 9, docCount: trials.count, deletesGeneration: 0, deletedCount: 0)
        let segment = try SegmentReader(directory: split, info: info, ordinal: 0)
        let naive = NaiveIndex(trials)
        #expect(naive.postings.values.contains { docs in docs.values.contains { $0.values.contains { $0.count == 300 } } })
        #expect(naive.postings.values.contains { $0.count > 2 * IndexFormat.blockSize })
        var positions: [Int32] = []
        for (term, docs) in naive.postings {
            let termInfo = try #require(try segment.terms.lookup(term), "\(term)")
            #expect(termInfo.docFreq == docs.count, "\(term)")
            var cursor = segment.postings(termInfo)
            for doc in docs.keys.sorted() {
                #expect(cursor.next() == DocID(doc), "\(term)")
                for (f, expected) in docs[doc] ?? [:] {
                    let field = try #require(Field(rawValue: UInt8(f)))
                    cursor.positions(in: field, into: &positions)
                    #expect(positions == expected, "\(term) doc \(doc) \(field)")
                }
            }
            #expect(cursor.next() == PostingsCursor.noMoreDocs, "\(term)")
        }
    }
}
