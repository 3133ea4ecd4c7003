import Foundation
import Testing
@testable import TrialSearchCore

/// The per-block maxima of format-7 postings (`BlockMaxima`): a byte per block quantized upward against
/// the term's keyword maximum, exact after flushes and merges, verified by `check`, used by keyword
/// queries' block bounds with the same hits and scores as an exhaustive search, and absent (impacts and
/// term maxima only) in format-6 indexes.
@Suite struct BlockMaximaTests {
    /// The stored keyword maximum and every block's byte of every term of several blocks of `segment`
    /// against those recomputed doc by doc from its own norms. Returns the terms compared.
    @discardableResult
    static func expectExact(_ segment: SegmentReader) throws -> Int {
        let factors = TermMaximumFactors(try #require(segment.blockMaxima))
        var e = segment.terms.makeTermsEnum()
        var compared = 0
        while e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            var cursor = segment.postings(e.info)
            var blocks: [Float] = []
            while true {
                let doc = cursor.next()
                if doc == PostingsCursor.noMoreDocs { break }
                var y: Float = 0
                cursor.forEachTermFreq { field, tf in
                    y += Float(tf) * factors.factor(Int(field.rawValue), segment.norms.normByte(doc, field))
                }
                while blocks.count <= cursor.block { blocks.append(0) }
                blocks[cursor.block] = max(blocks[cursor.block], y)
            }
            let term = String(decoding: e.term, as: UTF8.self)
            let largest = blocks.max() ?? 0
            #expect(blocks.count == cursor.blockCount, "\(term)")
            #expect(cursor.keywordTermMaximum == largest, "\(term)")
            for b in blocks.indices {
                let q = cursor.blockMaximumCode(b)
                #expect(q == BlockMaxima.encode(blocks[b], termMaximum: largest), "\(term) block \(b)")
                #expect(BlockMaxima.decode(q, termMaximum: largest) >= blocks[b], "\(term) block \(b)")
            }
            compared += 1
        }
        return compared
    }

    @Test func quantizationIsUpwardAndTight() {
        var rng = SeededRandom(seed: 91)
        for _ in 0..<20_000 {
            let t = Float(rng.next() % 100_000 + 1) / 997
            let x = t * Float(rng.next() % 10_001) / 10_000
            let q = BlockMaxima.encode(x, termMaximum: t)
            #expect(BlockMaxima.decode(q, termMaximum: t) >= x, "x \(x) t \(t) q \(q)")
            if q > 0 { #expect(BlockMaxima.decode(q - 1, termMaximum: t) < x, "x \(x) t \(t) q \(q) not the smallest") }
        }
        #expect(BlockMaxima.encode(2.5, termMaximum: 2.5) == 255 && BlockMaxima.decode(255, termMaximum: 2.5) == 2.5)
        #expect(BlockMaxima.encode(0, termMaximum: 2.5) == 0)
        #expect(BlockMaxima.encode(1, termMaximum: .infinity) == 255)
    }

    /// Flushed and merged segments (different field averages, deletes) store the exact block maxima of
    /// their own docs, and `check` agrees.
    @Test func storedBlockMaximaAreExactAfterFlushAndMerge() throws {
        let dir = TemporaryDirectory("block-maxima")
        defer { dir.remove() }
        let noMerges = IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000))
        let a = SyntheticTrials.make(count: 500, seed: 171, idPrefix: "NCTA")
        let b = SyntheticTrials.make(count: 300, seed: 172, idPrefix: "NCTB")
        try indexTrials(a, into: dir.path, options: noMerges)
        try indexTrials(b, into: dir.path, options: noMerges, deleting: [a[3].id, a[300].id])
        let several = try IndexReader.open(directory: dir.path)
        #expect(several.segments.count == 2)
        for segment in several.segments {
            #expect(segment.postingsFile.version == IndexFormat.version)
            #expect(try Self.expectExact(segment) > 20)
        }
        #expect(try IndexCheck.run(directory: dir.path).isClean)
        let merged = try #require(try SegmentMerger.merge(several.manifest.segments, directory: dir.path,
                                                          into: SegmentName.make(60), id: 600))
        let segment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        #expect(try Self.expectExact(segment) > 50)
        let maxima = try #require(segment.blockMaxima)
        #expect(maxima.b == BlockMaxima.currentB && maxima.weights == BlockMaxima.currentWeights)
    }

    @Test func checkReportsAWrongBlockMaximum() throws {
        let dir = TemporaryDirectory("block-maxima-check")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 400, seed: 181), into: dir.path)
        let reader = try IndexReader.open(directory: dir.path)
        let segment = reader.segments[0]
        var e = segment.terms.makeTermsEnum()
        var found: (info: TermInfo, block: Int)?
        while found == nil && e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            let cursor = segment.postings(e.info)
            if let b = (0..<cursor.blockCount).first(where: { cursor.blockMaximumCode($0) > 0 }) { found = (e.info, b) }
        }
        let (info, block) = try #require(found)
        let cursor = segment.postings(info)
        // The block's byte lowered by one (a bound below its best doc), the file and manifest resealed.
        let name = SegmentFile.postings.fileName(segment: segment.info.name)
        let path = dir.file(name)
        var bytes = IndexIntegrityTests.readFile(path)
        let offset = cursor.skipStart + PostingsCursor.skipEntryLength * cursor.blockCount + block
        #expect(bytes[offset] == cursor.blockMaximumCode(block))
        bytes[offset] -= 1
        try IndexFixtures.resealPostings(bytes, of: segment, in: dir)

        let report = try IndexCheck.run(directory: dir.path)
        #expect(report.problems.contains { $0.file.hasSuffix(name) && $0.message.contains("stored block maximum") },
                "\(report.problems)")
    }

    /// Keyword queries of one, two and three frequent words at limits 1, 3 and 10: the pruned hits and
    /// scores are the exhaustive ones, on one segment (the block maxima at scale 1) and on the shared
    /// index of four segments with deletes (widened by the averages' scale); the block bounds do skip.
    @Test func keywordQueriesPrunedEqualExhaustive() throws {
        let words = Array(SyntheticTrials.vocabulary.prefix(12))
        try withSingleAndSharedReaders("block-maxima-search", count: 1_500, seed: 191) { reader in
            let searcher = try IndexSearcher(reader: reader)
            var prunedWork = 0, exhaustiveWork = 0
            for length in 1...3 {
                for start in 0..<(words.count - length + 1) {
                    let query = WeightedQuery(clauses: words[start..<(start + length)].map { WeightedClause(match: .term($0)) })
                    for limit in [1, 3, 10] {
                        let pruned = try searcher.search(query, options: SearchOptions(limit: limit))
                        let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true))
                        #expect(!pruned.hits.isEmpty)
                        #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "\(query) limit \(limit)")
                        #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(query) limit \(limit)")
                        prunedWork += pruned.scoredDocs
                        exhaustiveWork += exhaustive.scoredDocs
                    }
                }
            }
            #expect(prunedWork * 2 < exhaustiveWork, "pruned \(prunedWork) vs exhaustive \(exhaustiveWork) scored docs")
        }
    }

    /// A cursor exhausted by an advance past its last doc, then shallow-advanced to an earlier target (as
    /// an `AlternativesScorer` does to an exhausted member): no block, not a "last doc" read past the
    /// skip table (which, in front of format 7's block maxima bytes, stalled a keyword query's search).
    @Test func anExhaustedCursorsShallowAdvanceFindsNoBlock() throws {
        let dir = TemporaryDirectory("block-maxima-shallow")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 400, seed: 201), into: dir.path)
        let segment = try IndexReader.open(directory: dir.path).segments[0]
        var e = segment.terms.makeTermsEnum()
        var checked = 0
        while e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            var cursor = segment.postings(e.info)
            var last: DocID = -1
            while cursor.next() != PostingsCursor.noMoreDocs { last = cursor.doc }
            #expect(cursor.advanceShallow(to: PostingsCursor.noMoreDocs - 1) == PostingsCursor.noMoreDocs)
            #expect(cursor.advanceShallow(to: last) == PostingsCursor.noMoreDocs)
            #expect(cursor.advanceShallow(to: 0) == PostingsCursor.noMoreDocs)
            // Not exhausted: a shallow advance past the end, then an earlier target, finds its block again.
            var fresh = segment.postings(e.info)
            _ = fresh.next()
            #expect(fresh.advanceShallow(to: PostingsCursor.noMoreDocs - 1) == PostingsCursor.noMoreDocs)
            #expect(fresh.advanceShallow(to: last) == last)
            checked += 1
        }
        #expect(checked > 10)
    }

    /// An index written by trialsearch at format 6 (main `8912700`: the first 150 trials of the
    /// 10,614-trial corpus's JSON Lines) opens, checks clean, has term maxima but no block maxima, and
    /// its keyword queries' pruned results equal the exhaustive ones.
    @Test func formatSixIndexesOpenAndSearchWithoutBlockMaxima() throws {
        let fixture = IndexFixtures.path("format6-index")
        let reader = try IndexReader.open(directory: fixture)
        #expect(reader.docCount == 150)
        let segment = try #require(reader.segments.first)
        #expect(segment.postingsFile.version == 6 && segment.termMaxima != nil && segment.blockMaxima == nil)
        #expect(try IndexCheck.run(directory: fixture).isClean)
        var e = segment.terms.makeTermsEnum()
        var multiBlock: [String] = []
        while e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            #expect(segment.postings(e.info).termMaximum != nil && segment.postings(e.info).keywordTermMaximum == nil)
            multiBlock.append(String(decoding: e.term, as: UTF8.self))
        }
        #expect(!multiBlock.isEmpty, "the fixture has terms of several blocks")
        let searcher = try IndexSearcher(reader: reader)
        let words = ["cancer", "patient", "treatment", "study", "placebo", "dose", "children", "breast"]
        for query in words.map({ [$0] }) + [multiBlock.prefix(2).map { $0 }, ["cancer", "breast", "study"]] {
            let weighted = WeightedQuery(clauses: query.map { WeightedClause(match: .term($0)) })
            for limit in [1, 3, 10] {
                let pruned = try searcher.search(weighted, options: SearchOptions(limit: limit))
                let exhaustive = try searcher.search(weighted, options: SearchOptions(limit: limit, exhaustive: true))
                #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id) && pruned.hits.map(\.score) == exhaustive.hits.map(\.score),
                        "\(query) limit \(limit)")
            }
        }
    }
}

/// The keyword block maxima converted to the patient-note and related-trials scoring
/// (`TermMaxima.blockScale(for:)`): a block's converted bound is at least every doc's score in it.
@Suite struct BlockMaximaConversionTests {
    /// On one segment and on the shared index of four segments with deletes, for `.longQuery` and
    /// `.related`: the scale is the eligibility field's factor 2 (weight 1 against 0.5, b 0.75 both) on one
    /// segment; every doc of the first 40 terms of several blocks of each segment scores at most its block's
    /// converted bound, which is below the clause's impacts bound in some blocks; TF-IDF gets no scale.
    @Test func convertedBlockBoundsBoundEveryScore() throws {
        try withSingleAndSharedReaders("block-maxima-conversion", count: 800, seed: 197) { reader in
            for parameters in [BM25FParameters.longQuery, .related] {
                let model = try IndexSearcher(reader: reader, similarity: .bm25f(parameters)).model
                var blocks = 0, tighter = 0
                for segment in reader.segments {
                    let maxima = try #require(segment.blockMaxima)
                    #expect(model.termMaximumScale(maxima) == nil, "the keyword parameters are not these")
                    let scale = try #require(maxima.blockScale(for: model))
                    if reader.segments.count == 1 { #expect(abs(scale - 2) < 1e-3, "scale \(scale)") }
                    var e = segment.terms.makeTermsEnum()
                    var terms = 0
                    while terms < 40 && e.next() {
                        let info = e.info
                        guard info.docFreq > IndexFormat.blockSize else { continue }
                        terms += 1
                        let term = String(decoding: e.term, as: UTF8.self)
                        var s = TermMaximaTests.scorer(term, info, segment, model, docFreq: try reader.docFreq(term),
                                                       docCount: reader.docCount)
                        let keywordMaximum = try #require(segment.postings(info).termImpactsAndMaxima.2)
                        let bound = BlockMaximumBound(weight: s.weight.weight, termMaximum: keywordMaximum, scale: scale)
                        var blockCursor = segment.postings(info)
                        var block = -1, blockBound: Float = 0
                        while s.nextDoc() != PostingsCursor.noMoreDocs {
                            _ = blockCursor.advanceShallow(to: s.doc)
                            if blockCursor.shallowBlock != block {
                                block = blockCursor.shallowBlock
                                blockBound = bound.bound(blockCursor.blockMaximumCode(block), model: model)
                                let impacts = model.blockBound(weight: s.weight.weight, cursor: &blockCursor, fields: s.weight.fields)
                                blocks += 1
                                if blockBound < impacts { tighter += 1 }
                            }
                            let score = s.score()
                            #expect(score <= blockBound, "\(term) doc \(s.doc) block \(block): \(score) above \(blockBound)")
                        }
                    }
                }
                #expect(blocks > 50 && tighter > 0, "blocks \(blocks), tighter than the impacts \(tighter)")
            }
            if reader.segments.count == 1 {
                let tfidf = try IndexSearcher(reader: reader, similarity: .tfidf(TFIDFParameters())).model
                #expect(try #require(reader.segments[0].blockMaxima).blockScale(for: tfidf) == nil)
            }
        }
    }
}

/// Calls `body` with a fresh one-segment index of `count` synthetic trials (`seed`), then with the shared
/// index of four segments with deletes (`SyntheticSearchIndex`).
func withSingleAndSharedReaders(_ label: String, count: Int, seed: UInt64, _ body: (IndexReader) throws -> Void) throws {
    let dir = TemporaryDirectory(label)
    defer { dir.remove() }
    try indexTrials(SyntheticTrials.make(count: count, seed: seed), into: dir.path)
    let shared = try #require(SyntheticSearchIndex.shared)
    for reader in [try IndexReader.open(directory: dir.path), shared.reader] { try body(reader) }
}
