import Foundation
import TrialSearchCore
import TrialSearchKit

/// `trialsearch-bench latency`: per-query latency of a query set with the pruning's effect beside it,
/// so that a change to the query engine can be judged by the work it saves, not only by noisy time.
///
///     trialsearch-bench latency --index DIR (--topics TSV | --related IDS) [--limit N] [--passes P]
///
/// Each query runs once per pass (the first pass is cold, as in `--timings`), then once exhaustively.
/// Prints, per pass, the median and mean microseconds of the pruned search (rewrite + retrieve, as
/// `--timings` measures), and once the median and total of the docs whose full score was computed
/// (`scoredDocs`) by the pruned and by the exhaustive search: their ratio is the share of matching
/// docs that pruning still had to score. The exhaustive hits must equal the pruned ones; a difference
/// is reported as an error (exit status 1).
enum LatencyBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        let parsed = BenchArguments(arguments, options: ["--index", "--topics", "--related", "--limit", "--passes"])
        if let unknown = parsed.others.first {
            print("latency: unknown argument \(unknown)")
            return 2
        }
        let index = parsed["--index"] ?? "", topics = parsed["--topics"] ?? "", related = parsed["--related"] ?? ""
        let limit = max(1, parsed["--limit"].flatMap { Int($0) } ?? 10)
        let passes = max(1, parsed["--passes"].flatMap { Int($0) } ?? 1)
        guard !index.isEmpty, topics.isEmpty != related.isEmpty else {
            print("usage: trialsearch-bench latency --index DIR (--topics TSV | --related IDS) [--limit N] [--passes P]")
            return 2
        }
        do {
            let engine = try SearchEngine(directory: index)
            let pruned = SearchOptions(limit: limit)
            let exhaustive = SearchOptions(limit: limit, exhaustive: true)
            let queries: [String] = topics.isEmpty ? try BatchInput.ids(path: related)
                : try BatchInput.topics(path: topics).map(\.text)
            func search(_ q: String, _ options: SearchOptions) throws -> (ids: [String], scores: [Float], scored: Int) {
                if topics.isEmpty {
                    guard let id = TrialID(q) else { return ([], [], 0) }
                    let r = try engine.related(to: id, options: options)
                    return (r.hits.map(\.id.rawValue), r.hits.map(\.score), r.scoredDocs)
                }
                let r = try engine.search(q, options: options)
                return (r.hits.map(\.id.rawValue), r.hits.map(\.score), r.scoredDocs)
            }
            var scored: [Int] = [], matched: [Int] = []
            var mismatches = 0
            for pass in 1...passes {
                var micros: [Double] = []
                for q in queries {
                    let start = WallClock.now
                    let result = try search(q, pruned)
                    micros.append((WallClock.now - start) * 1e6)
                    if pass == 1 {
                        let reference = try search(q, exhaustive)
                        scored.append(result.scored)
                        matched.append(reference.scored)
                        if reference.ids != result.ids {
                            mismatches += 1
                            let n = min(reference.ids.count, result.ids.count)
                            let rank = (0..<n).first { reference.ids[$0] != result.ids[$0] } ?? n
                            let detail = rank < n
                                ? "rank \(rank + 1): pruned \(result.ids[rank]) \(result.scores[rank]), exhaustive \(reference.ids[rank]) \(reference.scores[rank])"
                                : "pruned \(result.ids.count) hits, exhaustive \(reference.ids.count)"
                            print("differs: \(q): \(detail)")
                        }
                    }
                }
                let sorted = micros.sorted()
                let mean = micros.reduce(0, +) / Double(max(1, micros.count))
                print(String(format: "pass %d: %d queries, median %.1f us, mean %.1f us", pass, micros.count,
                             sorted.isEmpty ? 0 : sorted[sorted.count / 2], mean))
            }
            let s = scored.sorted(), m = matched.sorted()
            let total = scored.reduce(0, +), all = matched.reduce(0, +)
            print("scored docs: median \(s.isEmpty ? 0 : s[s.count / 2]), total \(total)")
            print("matching docs (exhaustive): median \(m.isEmpty ? 0 : m[m.count / 2]), total \(all)")
            print(String(format: "scored / matching: %.4f", Double(total) / Double(max(1, all))))
            if mismatches > 0 {
                print("ERROR: \(mismatches) queries whose pruned hits differ from the exhaustive ones")
                return 1
            }
            return 0
        } catch {
            print("latency: \(error)")
            return 1
        }
    }
}
