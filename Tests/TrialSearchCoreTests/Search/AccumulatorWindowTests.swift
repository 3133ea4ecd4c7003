import Testing
@testable import TrialSearchCore

/// `AccumulatorWindow.take` / `recycle`: the walks share a few cleared windows across searches, so
/// every window a walk takes must be cleared, whoever used it before (a debug build's `recycle` also
/// checks it, so every search of the other suites checks its walks too).
@Suite struct AccumulatorWindowTests {
    /// Windows taken after searches of every kind (keyword-like, many terms, small inner windows) are
    /// cleared, and a search run again on reused windows returns the same hits.
    @Test func searchesGiveBackClearedWindows() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        var queries = RandomQueries(seed: 23, trials: index.trials)
        for round in 0..<60 {
            let query = queries.query()
            var options = SearchOptions(limit: [1, 10, 1_000][round % 3], filter: queries.filter())
            if round % 2 == 1 { options.windows = (minimum: 1 + queries.int(300), inner: 64 * (1 + queries.int(4)), perClause: 16) }
            let first = try searcher.search(query, options: options).hits
            let again = try searcher.search(query, options: options).hits
            #expect(first.map(\.id) == again.map(\.id), "round \(round): \(query)")
            #expect(first.map(\.score) == again.map(\.score), "round \(round): \(query)")
            let window = AccumulatorWindow.take(window: options.windows.inner)
            #expect(window.isCleared, "round \(round): a dirty window after \(query)")
            // A many-clause query's MaxScore walk takes a larger window of its own.
            let long = AccumulatorWindow.take(window: MaxScoreSearch.innerWindow(options.windows.inner, clauses: MaxScoreSearch.smallQuery + 1))
            #expect(long.window == options.windows.inner * MaxScoreSearch.longWindowFactor && long.isCleared,
                    "round \(round): a dirty long window after \(query)")
            long.recycle()
            window.recycle()
        }
    }

    /// A window of a size no spare has is new and zeroed; one given back cleared is taken again as it is.
    @Test func takeAndRecycle() {
        let window = AccumulatorWindow.take(window: 192)
        #expect(window.window == 192 && window.isCleared)
        window.accumulator[5] = 1.5
        window.marks[0] = 1 << 5
        #expect(!window.isCleared)
        window.accumulator[5] = 0
        window.marks[0] = 0
        window.recycle()
        let again = AccumulatorWindow.take(window: 192)
        #expect(again.window == 192 && again.isCleared)
        again.recycle()
    }
}
