import Foundation
import Synchronization
import Testing
@testable import TrialSearchCore
@testable import TrialSearchKit

/// Searches running while `trialsearch index` commits, on real records: each search sees one committed
/// snapshot whole, the old or the new, never a mix and never an error.
///
/// The index alternates between two states: "old" (the 13 XML trials) and "new" (the 30 trials of every
/// format). A writer thread runs `trialsearch index` (an update adding the 17 other trials: old → new)
/// and `trialsearch index --rebuild` of the XML trials (new → old, which removes every file of the new
/// state) four times each. Meanwhile two threads open the index in-process and search it, and a third
/// runs `trialsearch search --topics … --format trec` processes. Each view (live trial ids and the ids
/// every probe query matches) must equal the old or the new one; the snapshot opened before the first
/// commit must still answer as the old one after all of them.
@Suite struct ConcurrentReaderTests {
    /// What a snapshot answers: its live trial ids (nil for a child process's view, which only has
    /// hits) and, for each probe query, the ids of its hits, sorted (the limit exceeds every count).
    struct View: Equatable, CustomStringConvertible {
        var trials: [String]?
        var hits: [String: [String]]

        var description: String { "\(trials?.count ?? -1) trials, hits \(hits.keys.sorted().map { hits[$0]?.count ?? 0 })" }

        /// The same view without the trial list.
        var hitsOnly: View { View(trials: nil, hits: hits) }
    }

    static let queries = [("q1", "mesenchymal stem cells"), ("q2", "covid-19 oxygen"), ("q3", "randomized placebo"),
                          ("q4", "\"ovarian insufficiency\"")]

    static func view(_ engine: SearchEngine) throws -> View {
        var trials: [String] = []
        for segment in engine.reader.segments {
            for d in 0..<segment.docCount where segment.isLive(DocID(d)) { trials.append(segment.trialID(DocID(d)).rawValue) }
        }
        var hits: [String: [String]] = [:]
        for (qid, text) in queries {
            hits[qid] = try engine.search(text, options: SearchOptions(limit: 100)).hits.map(\.id.rawValue).sorted()
        }
        return View(trials: trials.sorted(), hits: hits)
    }

    /// The view in `trialsearch search --format trec` output ("qid Q0 id rank score tag" lines).
    static func view(trec: String) -> View {
        var hits: [String: [String]] = [:]
        for (qid, _) in queries { hits[qid] = [] }
        for line in trec.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 6 { hits[String(parts[0]), default: []].append(String(parts[2])) }
        }
        return View(trials: nil, hits: hits.mapValues { $0.sorted() })
    }

    /// What the threads saw.
    struct Tally: Sendable {
        var old = 0
        var new = 0
        var childOld = 0
        var childNew = 0
        var problems: [String] = []
    }

    /// What the threads share.
    final class Shared: Sendable {
        let tally = Mutex(Tally())
        let done = Atomic(false)
    }

    @Test func searchesDuringCommitsSeeTheOldOrTheNewSnapshotWhole() throws {
        let root = try ReliabilityIndex.folder("readers")
        defer { ReliabilityIndex.remove(root) }
        let xml = [ConvertTests.fixture("ctgov-xml")]
        let directory = root + "/Index"
        let reference = root + "/Reference"
        try ReliabilityIndex.index(xml, into: directory)
        try ReliabilityIndex.index(ReliabilityIndex.formats, into: reference)
        let first = try SearchEngine(directory: directory)
        let old = try Self.view(first)
        let new = try Self.view(SearchEngine(directory: reference))
        #expect(old.trials?.count == 13 && new.trials?.count == 30)
        #expect(old.hits != new.hits && old.hits.values.allSatisfy { !$0.isEmpty }, "\(old) \(new)")
        let topics = root + "/topics.tsv"
        try Self.queries.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n").write(toFile: topics, atomically: true, encoding: .utf8)

        let shared = Shared()
        let group = DispatchGroup()
        func start(_ body: @escaping @Sendable () -> Void) {
            group.enter()
            Thread {
                body()
                group.leave()
            }.start()
        }
        start {
            defer { shared.done.store(true, ordering: .releasing) }
            for round in 0..<4 {
                for arguments in [ReliabilityIndex.formats, ["--rebuild"] + xml] {
                    do {
                        let run = try ChildProcess.run(["index", "--index", directory] + arguments)
                        if run.status != 0 { shared.tally.withLock { $0.problems.append("round \(round): index \(arguments): \(run.stderr)") } }
                    } catch {
                        shared.tally.withLock { $0.problems.append("round \(round): \(error)") }
                    }
                }
            }
        }
        for _ in 0..<2 {
            start {
                while !shared.done.load(ordering: .acquiring) {
                    do {
                        let seen = try Self.view(SearchEngine(directory: directory))
                        shared.tally.withLock { t in
                            if seen == old { t.old += 1 } else if seen == new { t.new += 1 } else { t.problems.append("a mixed view: \(seen)") }
                        }
                    } catch {
                        shared.tally.withLock { $0.problems.append("in-process search: \(error)") }
                    }
                }
            }
        }
        start {
            while !shared.done.load(ordering: .acquiring) {
                do {
                    let run = try ChildProcess.run(["search", "--index", directory, "--topics", topics, "--format", "trec", "--limit", "100"])
                    let seen = Self.view(trec: run.stdout)
                    shared.tally.withLock { t in
                        if run.status != 0 { t.problems.append("search process: status \(String(describing: run.status)): \(run.stderr)") }
                        else if seen == old.hitsOnly { t.childOld += 1 } else if seen == new.hitsOnly { t.childNew += 1 }
                        else { t.problems.append("a mixed view from a search process: \(seen)") }
                    }
                } catch {
                    shared.tally.withLock { $0.problems.append("search process: \(error)") }
                }
            }
        }
        group.wait()

        let result = shared.tally.withLock { $0 }
        #expect(result.problems.isEmpty, "\(result.problems.prefix(10))")
        // Each state lasts a whole `index` run (tenths of a second), while a view takes milliseconds.
        #expect(result.old > 0 && result.new > 0 && result.childOld + result.childNew > 0, "\(result)")
        print("concurrent readers: \(result.old + result.new) in-process views (\(result.old) old, \(result.new) new) and "
            + "\(result.childOld + result.childNew) search processes (\(result.childOld) old, \(result.childNew) new) during 8 commits, none mixed or failed")
        // The first snapshot outlived the removal of its files (mapped, not reopened).
        #expect(try Self.view(first) == old)
        #expect(try Self.view(SearchEngine(directory: directory)) == old)
        #expect(try IndexCheck.run(directory: directory).isClean)
    }
}
