import Testing
@testable import TrialSearchCore

/// The collector against a full sort: whatever the depth (heap up to `heapLimit`, buffer and selections
/// beyond), the kept docs are the first `limit` by score then trial id, in that order, and the
/// threshold never exceeds the score of the `limit`-th best doc seen so far (pruning stays safe).
@Suite struct TopHitsCollectorTests {
    @Test(arguments: [1, 3, 10, 64, 65, 100, 999, 2_000])
    func keepsTheBestByScoreThenTrialID(limit: Int) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let segments = index.reader.segments
        var rng = SeededRandom(seed: UInt64(limit))
        // Every doc of every segment, with scores from a small set: many ties, broken by id.
        var docs: [ScoredDoc] = []
        for (s, segment) in segments.enumerated() {
            for d in 0..<segment.docCount {
                docs.append(ScoredDoc(score: Float(rng.next() % 40) / 8, segment: Int32(s), doc: DocID(d)))
            }
        }
        docs.shuffle(using: &rng)
        var collector = TopHitsCollector(limit: limit, segments: segments)
        var seen: [Float] = []
        for (i, doc) in docs.enumerated() {
            collector.collect(doc)
            seen.append(doc.score)
            if i % 97 == 0 && seen.count >= limit {
                let kth = seen.sorted(by: >)[limit - 1]
                #expect(collector.threshold <= kth, "threshold \(collector.threshold) above the \(limit)-th best \(kth)")
            }
        }
        let expected = docs.sorted { TopHitsCollector.ranksAbove($0, $1, segments) }.prefix(limit)
        let got = collector.sorted()
        #expect(got.map(\.score) == expected.map(\.score))
        #expect(got.map { "\($0.segment):\($0.doc)" } == expected.map { "\($0.segment):\($0.doc)" })
        let ids = got.map { segments[Int($0.segment)].docValues.trialID($0.doc).rawValue }
        for (a, (b, (sa, sb))) in zip(ids, zip(ids.dropFirst(), zip(got, got.dropFirst()))) {
            #expect(sa.score > sb.score || (sa.score == sb.score && Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))), "\(a) before \(b)")
        }
        let hits = collector.hits()
        #expect(hits.map(\.id.rawValue) == ids)
        #expect(hits.map { "\($0.score) \($0.segment):\($0.doc)" } == got.map { "\($0.score) \($0.segment):\($0.doc)" })
        #expect(collector.scoredCount == docs.count)
    }

    /// A limit so deep that the pending docs' first storage (`firstPendingCapacity`, 2¹⁷ docs) is too
    /// small: it grows, and the kept docs are still the first `limit` by score then trial id (every doc
    /// offered several times).
    @Test func aVeryDeepListGrowsItsPendingStorage() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let segments = index.reader.segments
        var rng = SeededRandom(seed: 5)
        var docs: [ScoredDoc] = []
        while docs.count < 270_000 {
            for (s, segment) in segments.enumerated() {
                for d in 0..<segment.docCount {
                    docs.append(ScoredDoc(score: Float(rng.next() % 1_000) / 16, segment: Int32(s), doc: DocID(d)))
                }
            }
        }
        let limit = 200_000
        #expect(limit > TopHitsCollector.firstPendingCapacity && limit + limit * TopHitsCollector.bufferSlackPercent / 100
            - TopHitsCollector.firstPendingCapacity > TopHitsCollector.firstPendingCapacity)
        var collector = TopHitsCollector(limit: limit, segments: segments)
        for doc in docs { collector.collect(doc) }
        let expected = docs.sorted { TopHitsCollector.ranksAbove($0, $1, segments) }.prefix(limit)
        let got = collector.sorted()
        #expect(got.count == limit)
        #expect(got.map(\.score) == expected.map(\.score))
        #expect(got.map { "\($0.segment):\($0.doc)" } == expected.map { "\($0.segment):\($0.doc)" })
    }

    /// The ties' id prefixes from loads are the zero-padded first 16 bytes, as the copy gives them, for
    /// every length (and so order as the bytes do).
    @Test func idPrefixFromLoadsMatchesTheCopy() {
        var rng = SeededRandom(seed: 11)
        for length in 0...24 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                bytes.withUnsafeBytes { id in
                    let loaded = TopHitsCollector.idPrefix(id), copied = TopHitsCollector.copiedIDPrefix(id)
                    #expect(loaded.high == copied.high && loaded.low == copied.low, "\(bytes)")
                }
            }
        }
    }

    /// `selectBest` (a selection of the docs' integer keys, then by trial id among the docs tied with the
    /// k-th score) keeps the same docs as the first `count` of a full sort by `ranksAbove`, for every
    /// count, with scores drawn from few values (ties across the cut) or all distinct.
    @Test func selectionByScoreThenTiesKeepsTheFirstByRank() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let segments = index.reader.segments
        let bases = TopHitsCollector.bases(of: segments)
        var rng = SeededRandom(seed: 5)
        var all: [ScoredDoc] = []
        for (s, segment) in segments.enumerated() {
            for d in 0..<segment.docCount { all.append(ScoredDoc(score: 0, segment: Int32(s), doc: DocID(d))) }
        }
        for distinct in [1, 3, 12, 1_000_000] {
            for n in [2, 17, 200, min(all.count, 900)] {
                var docs = Array(all.shuffled(using: &rng).prefix(n))
                for i in docs.indices { docs[i].score = Float(rng.next() % UInt64(distinct)) / 4 }
                let expected = docs.sorted { TopHitsCollector.ranksAbove($0, $1, segments) }
                for count in Set([1, n / 3, n / 2, n - 1, 1 + Int(rng.next() % UInt64(n - 1))]) where count > 0 {
                    var buffer = docs.map { TopHitsCollector.deepKey($0, base: bases[Int($0.segment)]) }
                    let kth = buffer.withUnsafeMutableBufferPointer { TopHitsCollector.selectBest($0, count: count, segments, bases) }
                    let key = { (d: ScoredDoc) in "\(d.segment):\(d.doc)" }
                    let kept = buffer.map { TopHitsCollector.scoredDoc($0, bases: bases) }
                    #expect(Set(kept.prefix(count).map(key)) == Set(expected.prefix(count).map(key)),
                            "\(distinct) scores, \(n) docs, count \(count)")
                    #expect(Set(kept.map(key)) == Set(docs.map(key)), "a permutation")
                    #expect(kth == TopHitsCollector.descendingKey(expected[count - 1].score), "the k-th score")
                }
            }
        }
    }

    /// `sorted()`'s integer keys order scores as `ranksAbove` does, negative, zero (−0 ties with +0),
    /// subnormal and infinite ones included, and the radix sort and the bucket sort (`sortByScore`) are
    /// stable sorts by score.
    @Test func scoreKeysAndTheRadixSortOrderAsTheScores() throws {
        let values: [Float] = [-.infinity, -3.5, -1, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 1e-30, 0.25, 1,
                               1.0000001, 7.75, 3e38, .infinity]
        for a in values {
            for b in values {
                let ka = TopHitsCollector.descendingKey(a), kb = TopHitsCollector.descendingKey(b)
                #expect((ka < kb) == (a > b), "\(a) vs \(b)")
                #expect((ka == kb) == (a == b), "\(a) vs \(b)")
            }
        }
        var rng = SeededRandom(seed: 17)
        for n in [2, 3, 10, TopHitsCollector.smallSort, TopHitsCollector.smallSort + 1, 1_000, 2_000] {
            for spread in [1, 4, 1_000_000] {
                let scores = (0..<n).map { _ in values[Int(rng.next() % UInt64(values.count))] * Float(1 + rng.next() % UInt64(spread)) }
                let keys = scores.enumerated().map { UInt64(TopHitsCollector.descendingKey($0.element)) << 32 | UInt64($0.offset) }
                let expected = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
                var radix = keys, bucketed = keys
                radix.withUnsafeMutableBufferPointer { TopHitsCollector.radixSortByScore($0) }
                bucketed.withUnsafeMutableBufferPointer { TopHitsCollector.sortByScore($0) }
                #expect(radix.map { Int($0 & 0xffff_ffff) } == expected, "\(n) keys, spread \(spread)")
                #expect(bucketed == radix, "\(n) keys, spread \(spread)")
            }
        }
        // The bucket sort on a top 1,000's kind of scores (a narrow range, runs of equal scores), with and
        // without an outlier that crowds them into a few buckets (the insertion sort's budget runs out).
        for outlier in [Float?.none, 1e30, -1e30] {
            for n in [TopHitsCollector.smallSort + 1, 1_000, 1_600, 5_000] {
                var scores = (0..<n).map { _ in 5 + Float(rng.next() % 4_000) / 400 }
                scores = scores.flatMap { score in Array(repeating: score, count: 1 + Int(rng.next() % 4)) }
                if let outlier { scores[Int(rng.next() % UInt64(scores.count))] = outlier }
                let keys = scores.enumerated().map { UInt64(TopHitsCollector.descendingKey($0.element)) << 32 | UInt64($0.offset) }
                var bucketed = keys
                bucketed.withUnsafeMutableBufferPointer { TopHitsCollector.sortByScore($0) }
                #expect(bucketed == keys.sorted(), "\(scores.count) keys, outlier \(String(describing: outlier))")
            }
        }
        // Through the collector: negative and zero scores with ties, at a buffer's depth.
        let index = try #require(SyntheticSearchIndex.shared)
        let segments = index.reader.segments
        var docs: [ScoredDoc] = []
        for (s, segment) in segments.enumerated() {
            for d in 0..<segment.docCount {
                docs.append(ScoredDoc(score: values[Int(rng.next() % UInt64(values.count - 2)) + 1], segment: Int32(s), doc: DocID(d)))
            }
        }
        var collector = TopHitsCollector(limit: 100, segments: segments)
        for doc in docs { collector.collect(doc) }
        let expected = docs.sorted { TopHitsCollector.ranksAbove($0, $1, segments) }.prefix(100)
        #expect(collector.sorted().map { "\($0.segment):\($0.doc)" } == expected.map { "\($0.segment):\($0.doc)" })
    }

    /// A deep list's integer key gives back the doc and its score, −0 included, and orders as the
    /// scores descending.
    @Test func deepKeysRoundTrip() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let segments = index.reader.segments
        let bases = TopHitsCollector.bases(of: segments)
        let scores: [Float] = [-.infinity, -3.5, -0.0, 0, .leastNonzeroMagnitude, 0.25, 7.75, .infinity]
        for (s, segment) in segments.enumerated() {
            for d in [0, segment.docCount / 2, segment.docCount - 1] where d >= 0 {
                for score in scores {
                    let doc = ScoredDoc(score: score, segment: Int32(s), doc: DocID(d))
                    let back = TopHitsCollector.scoredDoc(TopHitsCollector.deepKey(doc, base: bases[s]), bases: bases)
                    #expect(back.score.bitPattern == score.bitPattern && back.segment == doc.segment && back.doc == doc.doc,
                            "\(score) \(s):\(d)")
                }
            }
        }
        for a in scores {
            for b in scores where a > b {
                let ka = TopHitsCollector.deepKey(ScoredDoc(score: a, segment: 0, doc: 5), base: 0)
                let kb = TopHitsCollector.deepKey(ScoredDoc(score: b, segment: 0, doc: 0), base: 0)
                #expect(ka < kb, "\(a) vs \(b)")
            }
        }
    }

    /// The integer selection leaves the `count`-th smallest key at `count - 1`, none larger before it and
    /// none smaller after it, on random, sorted, reversed and few-valued keys.
    @Test func integerSelectionIsAnNthElement() {
        var rng = SeededRandom(seed: 23)
        for n in [2, 3, 17, 18, 100, 1_000, 1_600] {
            for shape in 0..<4 {
                var keys = (0..<n).map { _ in shape == 3 ? rng.next() % 5 : rng.next() }
                if shape == 1 { keys.sort() }
                if shape == 2 { keys.sort(by: >) }
                for count in Set([1, n / 2, n - 1, 1 + Int(rng.next() % UInt64(n - 1))]) where count > 0 && count < n {
                    var b = keys
                    b.withUnsafeMutableBufferPointer { TopSelection.selectSmallest($0, count: count) }
                    #expect(b[count - 1] == keys.sorted()[count - 1], "n \(n) shape \(shape) count \(count)")
                    #expect(b.prefix(count).allSatisfy { $0 <= b[count - 1] } && b.dropFirst(count).allSatisfy { $0 >= b[count - 1] },
                            "n \(n) shape \(shape) count \(count)")
                    #expect(b.sorted() == keys.sorted(), "a permutation")
                }
            }
        }
    }

    @Test func selectionPutsTheFirstElementsInFront() {
        var rng = SeededRandom(seed: 11)
        for n in [2, 3, 10, 100, 1_000] {
            for _ in 0..<20 {
                // Few distinct values (ties) and sorted runs (a degenerate pivot's case).
                var values = (0..<n).map { _ in Int(rng.next() % UInt64(1 + n / 4)) }
                if rng.next() % 3 == 0 { values.sort() }
                let count = 1 + Int(rng.next() % UInt64(n))
                values.withUnsafeMutableBufferPointer { TopSelection.select($0, count: count, by: <) }
                let front = values.prefix(count).sorted(), rest = values.dropFirst(count)
                #expect(front.last.map { last in rest.allSatisfy { $0 >= last } } ?? true, "n \(n) count \(count)")
            }
        }
    }
}
