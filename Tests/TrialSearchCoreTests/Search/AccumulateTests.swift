import Testing
@testable import TrialSearchCore

/// `TermScorer.accumulateCached` (MaxScore's essential clauses after the densest one of an inner
/// window) must add exactly what `accumulate` adds: the same docs, the same Double sums bit for bit,
/// the same marks, and leave the cursor at the same doc; and both what a walk doc by doc adds
/// (`nextDoc`, `matches`, `score()`: a probe's arithmetic), each doc of positive score once.
@Suite struct AccumulateTests {
    @Test(arguments: [Similarity.default, .bm25f(.related), .tfidf(TFIDFParameters())])
    func cachedAccumulationEqualsAccumulation(similarity: Similarity) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader, similarity: similarity)
        var queries = RandomQueries(seed: 47, trials: index.trials)
        let fields: [Field?] = [nil, nil, nil, .title, .eligibility]
        // A window of 256 docs from a doc of the term, indexed from the multiple of 64 at or below it
        // (`AccumulatorWindow`): 320 sums and 5 mark words.
        let window = 256, capacity = window + 64
        let sums = (UnsafeMutablePointer<Double>.allocate(capacity: capacity), UnsafeMutablePointer<Double>.allocate(capacity: capacity))
        let marks = (UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 64), UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 64))
        defer {
            sums.0.deallocate(); sums.1.deallocate()
            marks.0.deallocate(); marks.1.deallocate()
        }
        var expected = [Double](repeating: 0, count: capacity)
        var expectedMarks = [UInt64](repeating: 0, count: capacity / 64)
        var compared = 0
        for _ in 0..<30 {
            let query = WeightedQuery(clauses: (0..<(2 + queries.int(6))).map { _ in
                WeightedClause(occur: .should, field: fields[queries.int(fields.count)], match: .term(queries.word()), boost: 1)
            })
            let prepared = try PreparedQuery(query, reader: index.reader, model: searcher.model)
            for segment in index.reader.segments {
                let model = searcher.model
                guard let q = prepared.termScorerQuery(segment, model: model) else { continue }
                for scorer in q.optional {
                    guard var a = scorer.restarted(in: segment), var b = scorer.restarted(in: segment),
                          var c = scorer.restarted(in: segment) else { continue }
                    _ = a.nextDoc()
                    _ = b.nextDoc()
                    _ = c.nextDoc()
                    while a.doc != PostingsCursor.noMoreDocs {
                        let first = a.doc
                        let base = AccumulatorWindow.base(of: Int(first))
                        let last = DocID(Int(a.doc) + window - 1)
                        sums.0.initialize(repeating: 0, count: capacity); sums.1.initialize(repeating: 0, count: capacity)
                        marks.0.initialize(repeating: 0, count: capacity / 64); marks.1.initialize(repeating: 0, count: capacity / 64)
                        a.accumulate(through: last, base: base, into: sums.0, marks: marks.0)
                        b.accumulateCached(through: last, base: base, into: sums.1, marks: marks.1)
                        for i in expected.indices { expected[i] = 0 }
                        for i in expectedMarks.indices { expectedMarks[i] = 0 }
                        while c.doc <= last {
                            if c.matches() {
                                let score = c.score()
                                if score > 0 {
                                    let o = Int(c.doc) - base
                                    expected[o] += Double(score)
                                    expectedMarks[o >> 6] |= 1 << UInt64(o & 63)
                                }
                            }
                            _ = c.nextDoc()
                        }
                        #expect(a.doc == b.doc)
                        #expect(a.doc == c.doc)
                        #expect((0..<capacity).allSatisfy { sums.0[$0].bitPattern == expected[$0].bitPattern })
                        #expect((0..<(capacity / 64)).allSatisfy { marks.0[$0] == expectedMarks[$0] })
                        #expect((0..<capacity).allSatisfy { sums.0[$0].bitPattern == sums.1[$0].bitPattern })
                        #expect((0..<(capacity / 64)).allSatisfy { marks.0[$0] == marks.1[$0] })
                        #expect(sums.0[Int(first) - base] > 0, "a window starting at a doc of the term holds it")
                        #expect(marks.0[(Int(first) - base) >> 6] & (1 << UInt64(first & 63)) != 0, "its first doc is marked")
                        #expect((0..<(Int(first) - base)).allSatisfy { sums.0[$0] == 0 }, "nothing before the window's first doc")
                        compared += 1
                        if a.doc != b.doc { break }
                    }
                }
            }
        }
        #expect(compared > 100, "windows compared: \(compared)")
    }
}
