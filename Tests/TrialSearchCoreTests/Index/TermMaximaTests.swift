import Foundation
import Testing
@testable import TrialSearchCore

/// The exact per-term maxima of BM25F's pseudo-frequency stored in format-6 postings (`TermMaxima`):
/// stored, exact, a valid and tighter score bound, kept exact by merges, verified by `check`, and
/// absent (impact bounds only) in format-5 indexes.
@Suite struct TermMaximaTests {
    /// The scorer of `info` in `segment` under `model`, as a query's clause without a field prefix.
    static func scorer(_ term: String, _ info: TermInfo, _ segment: SegmentReader, _ model: ScoringModel,
                       docFreq: Int, docCount: Int) -> TermScorer {
        let idf = model.similarity.idf(docFreq: docFreq, docCount: docCount)
        let weight = TermWeight(term: term, field: nil, fields: model.fields(for: nil), idf: idf,
                                idfSources: [(term, docFreq, idf)], docCount: docCount, boost: 1,
                                weight: Float(model.weight(idf: idf, boost: 1)))
        return TermScorer(weight: weight, info: info, segment: segment, model: model)
    }

    /// Every term of several blocks of every segment of `reader`: its scorer's bound under the related and
    /// patient-note scoring is at least every doc's score, at most the impacts' bound, and, when the
    /// segment is the whole index, within 10⁻⁵ of the largest score. Returns (terms, terms the maxima
    /// tightened).
    @discardableResult
    static func expectBoundsHold(_ reader: IndexReader, exact: Bool) throws -> (terms: Int, tighter: Int) {
        let statistics = CollectionStatistics(reader: reader)
        var terms = 0, tighter = 0
        for similarity in [Similarity.bm25f(.related), .bm25f(.longQuery)] {
            let model = ScoringModel(similarity: similarity, statistics: statistics)
            for segment in reader.segments {
                #expect(segment.termMaxima != nil, "a format-6 segment states its maxima's parameters")
                var e = segment.terms.makeTermsEnum()
                while e.next() {
                    let info = e.info
                    // A scorer's set-up reads the impacts and the maximum at once: the same as apart.
                    let header = segment.postings(info).termImpactsAndMaximum
                    #expect(header.impacts == segment.postings(info).termImpacts)
                    #expect(header.maximum == segment.postings(info).termMaximum)
                    guard info.docFreq > IndexFormat.blockSize else { continue }
                    let term = String(decoding: e.term, as: UTF8.self)
                    let docFreq = try reader.docFreq(term)
                    var s = scorer(term, info, segment, model, docFreq: docFreq, docCount: reader.docCount)
                    // A search's scorers take the segment's scale computed once (`IndexSearcher.search`).
                    let scale = segment.termMaxima.flatMap { model.termMaximumScale($0) }
                    let blockScale = segment.blockMaxima.flatMap { model.termMaximumScale($0) }
                    #expect(TermScorer(weight: s.weight, info: info, segment: segment, model: model,
                                       maximumScale: scale, blockMaximumScale: blockScale).maxScore == s.maxScore)
                    #expect(segment.postings(info).termMaximum != nil, "\(term): no stored maximum")
                    let impacts = model.bound(weight: s.weight.weight, impacts: segment.postings(info).termImpacts,
                                              fields: s.weight.fields)
                    var best: Float = 0
                    while s.nextDoc() != PostingsCursor.noMoreDocs {
                        let score = s.score()
                        #expect(score <= s.maxScore, "\(term) doc \(s.doc): score \(score) above the bound \(s.maxScore)")
                        best = max(best, score)
                    }
                    #expect(s.maxScore <= impacts, "\(term)")
                    if exact { #expect(s.maxScore <= best * (1 + 1e-5), "\(term): bound \(s.maxScore) vs exact \(best)") }
                    terms += 1
                    if s.maxScore < impacts { tighter += 1 }
                }
            }
        }
        return (terms, tighter)
    }

    @Test func storedMaximaAreExactAndBoundEveryScore() throws {
        let dir = TemporaryDirectory("maxima")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 700, seed: 61), into: dir.path)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.segments.count == 1)
        let (terms, tighter) = try Self.expectBoundsHold(reader, exact: true)
        #expect(terms > 50, "multi-block terms: \(terms)")
        #expect(tighter * 2 > terms, "the maxima should tighten most bounds: \(tighter) of \(terms)")

        // Keyword queries (other weights and b) do not use these maxima: the impacts' bound, or the
        // keyword maximum of the format-7 block maxima (`BlockMaxima`) where it is lower.
        let model = ScoringModel(similarity: .default, statistics: CollectionStatistics(reader: reader))
        let segment = reader.segments[0]
        var e = segment.terms.makeTermsEnum()
        var checked = 0
        while e.next() && checked < 20 {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            let s = Self.scorer("t", e.info, segment, model, docFreq: e.info.docFreq, docCount: reader.docCount)
            let keyword = try #require(segment.postings(e.info).keywordTermMaximum)
            #expect(s.maxScore == min(model.bound(weight: s.weight.weight, impacts: segment.postings(e.info).termImpacts,
                                                  fields: s.weight.fields),
                                      model.bound(weight: s.weight.weight, maximum: keyword, scale: 1)))
            checked += 1
        }
        #expect(checked == 20)
        #expect(try IndexCheck.run(directory: dir.path).isClean)
    }

    /// Segments flushed apart (different field averages), with deletes, merged twice: the merged
    /// segment's maxima are its own exact ones (`check` recomputes them), and before the merge the
    /// bounds of the several segments hold with the averages' scale.
    @Test func mergesStoreTheMergedSegmentsExactMaxima() throws {
        let dir = TemporaryDirectory("maxima-merge")
        defer { dir.remove() }
        let noMerges = IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000))
        let a = SyntheticTrials.make(count: 300, seed: 71, idPrefix: "NCTA")
        let b = SyntheticTrials.make(count: 260, seed: 72, idPrefix: "NCTB")
        let c = SyntheticTrials.make(count: 140, seed: 73, idPrefix: "NCTC")
        try indexTrials(a, into: dir.path, options: noMerges)
        try indexTrials(b, into: dir.path, options: noMerges, deleting: [a[3].id, a[200].id])
        try indexTrials(c, into: dir.path, options: noMerges, deleting: [b[7].id])
        let several = try IndexReader.open(directory: dir.path)
        #expect(several.segments.count == 3)
        try Self.expectBoundsHold(several, exact: false)
        #expect(try IndexCheck.run(directory: dir.path).isClean)

        let infos = several.manifest.segments
        let first = try #require(try SegmentMerger.merge(Array(infos[0..<2]), directory: dir.path,
                                                         into: SegmentName.make(50), id: 500))
        let merged = try #require(try SegmentMerger.merge([first, infos[2]], directory: dir.path,
                                                          into: SegmentName.make(51), id: 501))
        let segment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        let maxima = try #require(segment.termMaxima)
        let factors = TermMaximumFactors(maxima)
        var e = segment.terms.makeTermsEnum()
        var compared = 0
        // The merge's walk of a source without deletes (the second merge's) takes a doc of one field
        // and a doc of several by different paths: both kinds must be among the docs compared.
        var oneField = 0, severalFields = 0
        while e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            // The largest x recomputed doc by doc from the merged segment's own norms.
            var cursor = segment.postings(e.info)
            var best: Float = 0
            while true {
                let doc = cursor.next()
                if doc == PostingsCursor.noMoreDocs { break }
                var x: Float = 0
                var fields = 0
                cursor.forEachTermFreq { field, tf in
                    x += Float(tf) * factors.factor(Int(field.rawValue), segment.norms.normByte(doc, field))
                    fields += 1
                }
                if fields == 1 { oneField += 1 } else { severalFields += 1 }
                best = max(best, x)
            }
            #expect(segment.postings(e.info).termMaximum == best, "\(String(decoding: e.term, as: UTF8.self))")
            compared += 1
        }
        #expect(compared > 50)
        #expect(oneField > 1_000 && severalFields > 1_000, "docs of one field \(oneField), of several \(severalFields)")
        #expect(maxima.averages.enumerated().allSatisfy { f, avg in
            avg == Double(segment.norms.lengthSums[f]) / Double(segment.docCount)
        })
    }

    @Test func checkReportsAWrongStoredMaximum() throws {
        let dir = TemporaryDirectory("maxima-check")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 300, seed: 81), into: dir.path)
        let reader = try IndexReader.open(directory: dir.path)
        let segment = reader.segments[0]
        var e = segment.terms.makeTermsEnum()
        var target: TermInfo?
        while target == nil && e.next() {
            if e.info.docFreq > IndexFormat.blockSize { target = e.info }
        }
        let info = try #require(target)
        let stored = try #require(segment.postings(info).termMaximum)
        // The term's maxX lowered by a fifth, the file and the manifest resealed (valid checksums).
        let name = SegmentFile.postings.fileName(segment: segment.info.name)
        let path = dir.file(name)
        var bytes = IndexIntegrityTests.readFile(path)
        var offset = 0
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, position: info.postingsOffset)
            Impacts.skip(&r)
            offset = r.position
        }
        let wrong = (stored * 0.8).bitPattern
        for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: wrong >> (8 * k)) }
        try IndexFixtures.resealPostings(bytes, of: segment, in: dir)

        let report = try IndexCheck.run(directory: dir.path)
        #expect(report.problems.contains { $0.file.hasSuffix(name) && $0.message.contains("stored maximum x") },
                "\(report.problems)")
    }

    /// An index written by trialsearch at format 5 (main `0bf260c`: the first 150 trials of the
    /// 10,614-trial corpus's JSON Lines) opens, checks clean, and searches with the impacts' bounds:
    /// pruned results equal exhaustive ones.
    @Test func formatFiveIndexesOpenAndSearchWithImpactBounds() throws {
        let fixture = IndexFixtures.path("format5-index")
        let reader = try IndexReader.open(directory: fixture)
        #expect(reader.docCount == 150)
        let segment = try #require(reader.segments.first)
        #expect(segment.postingsFile.version == 5 && segment.termMaxima == nil)
        #expect(try IndexCheck.run(directory: fixture).isClean)
        let model = ScoringModel(similarity: .bm25f(.related), statistics: CollectionStatistics(reader: reader))
        var e = segment.terms.makeTermsEnum()
        var multiBlock: [String] = []
        while e.next() {
            guard e.info.docFreq > IndexFormat.blockSize else { continue }
            let term = String(decoding: e.term, as: UTF8.self)
            var s = Self.scorer(term, e.info, segment, model, docFreq: e.info.docFreq, docCount: reader.docCount)
            #expect(segment.postings(e.info).termMaximum == nil)
            #expect(s.maxScore == model.bound(weight: s.weight.weight, impacts: segment.postings(e.info).termImpacts,
                                              fields: s.weight.fields))
            while s.nextDoc() != PostingsCursor.noMoreDocs { #expect(s.score() <= s.maxScore) }
            multiBlock.append(term)
        }
        #expect(!multiBlock.isEmpty, "the fixture has terms of several blocks")
        let searcher = try IndexSearcher(reader: reader, similarity: .bm25f(.related))
        let words = ["cancer", "patient", "treatment", "study", "placebo", "dose", "children", "breast"]
        let query = WeightedQuery(clauses: (words + multiBlock.prefix(4)).map { WeightedClause(match: .term($0)) })
        let pruned = try searcher.search(query, options: SearchOptions(limit: 10))
        let exhaustive = try searcher.search(query, options: SearchOptions(limit: 10, exhaustive: true))
        #expect(!pruned.hits.isEmpty)
        #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id) && pruned.hits.map(\.score) == exhaustive.hits.map(\.score))
    }
}
