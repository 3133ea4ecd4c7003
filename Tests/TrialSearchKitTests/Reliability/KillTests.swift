import Foundation
import Testing
import TrialIngest
@testable import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch index` killed with SIGKILL at named points of its work (`KillPoint`), in three
/// scenarios on real records: a first build, an update (newer records replacing indexed ones, new
/// records, a forced merge) and a `--rebuild`. Each scenario is traced once to list the points it
/// reaches; the test kills a fresh copy of the starting index at a deterministic selection of them
/// (every commit-protocol point, and an even spread of the file-writing points) and checks that:
/// - the index opens and holds exactly the last completed commit: the starting state when killed
///   before the new manifest was renamed into place, the new one after (same stored records, same
///   answers to the probe queries: `ReliabilityIndex.Fingerprint`);
/// - `IndexCheck` finds it sound;
/// - the same `trialsearch index` run again succeeds (no stuck lock), reaches the new state, and leaves
///   no leftover file.
/// `TRIALSEARCH_KILL_TEST=all` kills at every point reached instead of the selection.
@Suite struct KillTests {
    /// One way of running `trialsearch index`: from which state, with which arguments, to which state.
    struct Scenario: Sendable {
        let name: String
        /// Builds the starting index in the folder given (nothing: a first build).
        let start: @Sendable (String, String) throws -> Void
        /// The `trialsearch index` arguments after `--index DIR`, given a scratch folder.
        let arguments: @Sendable (String) -> [String]
    }

    /// The new records of an update: four XML trials not yet indexed, and newer versions of three.
    static func updateInputs(_ scratch: String) throws -> [String] {
        let trials = try ReliabilityIndex.read([ConvertTests.fixture("ctgov-xml")])
        let updates = scratch + "/updates.jsonl"
        try ReliabilityIndex.jsonLines([trials[0], trials[4], trials[9]], to: updates) { ReliabilityIndex.newer(&$0, tag: "kill test") }
        return ["NCT00498862.xml", "NCT03033277.xml", "NCT04501796.xml", "NCT04502056.xml"]
            .map { ConvertTests.fixture("analysis/" + $0) } + [updates]
    }

    static let firstBuild = Scenario(name: "first build", start: { _, _ in }, arguments: { _ in ReliabilityIndex.formats })
    static let update = Scenario(name: "update", start: { directory, _ in try ReliabilityIndex.index(ReliabilityIndex.formats, into: directory) },
                                 arguments: { scratch in ["--max-segments", "1"] + ((try? updateInputs(scratch)) ?? []) })
    static let rebuild = Scenario(name: "rebuild", start: { directory, _ in try ReliabilityIndex.index(ReliabilityIndex.formats, into: directory) },
                                  arguments: { _ in ["--rebuild", ConvertTests.fixture("ctgov-xml"), ConvertTests.fixture("ictrp")] })

    /// A point to kill at: the `occurrence`-th time `name` is reached; `durable`: after the rename of
    /// the new manifest (so the new state is committed).
    struct Kill: CustomStringConvertible {
        let name: String
        let occurrence: Int
        let durable: Bool
        var description: String { "\(name):\(occurrence)" }
    }

    /// The kills for a traced run: every point of the commit protocol, and `spread` others evenly.
    static func selection(_ trace: [String], spread: Int) -> [Kill] {
        let renamed = trace.firstIndex(of: "commit.renamed") ?? trace.count
        var seen: [String: Int] = [:]
        var all: [(kill: Kill, protocolPoint: Bool)] = []
        for (index, name) in trace.enumerated() {
            seen[name, default: 0] += 1
            let kill = Kill(name: name, occurrence: seen[name] ?? 1, durable: index >= renamed)
            all.append((kill, name.hasPrefix("commit.") || name.hasPrefix("merge.") || name.hasPrefix("writer.") || name == "flush.done"))
        }
        if ProcessInfo.processInfo.environment["TRIALSEARCH_KILL_TEST"] == "all" { return all.map(\.kill) }
        let others = all.indices.filter { !all[$0].protocolPoint }
        let step = max(1, others.count / spread)
        let chosen = Set(all.indices.filter { all[$0].protocolPoint } + stride(from: 0, to: others.count, by: step).map { others[$0] })
        return chosen.sorted().map { all[$0].kill }
    }

    /// Copies the files of `source` into a new folder `destination`.
    static func copy(_ source: String, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: source)) ?? [] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: destination + "/" + name)
        }
    }

    /// The fingerprint of the index in `directory`, nil when there is none.
    static func state(_ directory: String) throws -> ReliabilityIndex.Fingerprint? {
        do {
            return try ReliabilityIndex.fingerprint(IndexReader.open(directory: directory))
        } catch IndexError.noIndex {
            return nil
        }
    }

    /// The files trialsearch owns in `directory` that no committed manifest references: what a killed
    /// writer left for the next one to remove.
    static func leftovers(_ directory: String) throws -> [String] {
        let referenced = (try? Manifest.read(directory: directory).referencedFiles) ?? []
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { SegmentName.isOwnedFile($0) && !referenced.contains($0) }
    }

    /// Runs `scenario` killed at each selected point; returns (kills, recovered).
    /// Runs a kill point is tried in, when a run completes without reaching it.
    static let attempts = 3

    static func run(_ scenario: Scenario, spread: Int) throws -> (kills: Int, recovered: Int) {
        let root = try ReliabilityIndex.folder("kill")
        defer { ReliabilityIndex.remove(root) }
        let start = root + "/start"
        try FileManager.default.createDirectory(atPath: start, withIntermediateDirectories: true)
        try scenario.start(start, root)
        let arguments = scenario.arguments(root)
        let before = try state(start)

        // The run without a kill, traced: the new state and the points reached.
        let reference = root + "/reference"
        try copy(start, to: reference)
        let tracePath = root + "/trace.txt"
        let traced = try ChildProcess.run(["index", "--index", reference] + arguments,
                                          environment: [KillPoint.traceVariable: tracePath])
        #expect(traced.status == 0, "\(scenario.name): \(traced.stderr)")
        let after = try state(reference)
        #expect(after != nil && after != before, "\(scenario.name) changes the index")
        let trace = try String(contentsOfFile: tracePath, encoding: .utf8).split(separator: "\n").map(String.init)
        let kills = selection(trace, spread: spread)

        var killed = 0
        var recovered = 0
        var leftBehind = 0
        for (k, kill) in kills.enumerated() {
            let directory = root + "/kill-\(k)"
            // A point the traced run reached may not be reached by another run (the worker threads split
            // the records differently, so a flush or merge count differs): such a run completes, and the
            // point is tried again from the starting index, up to `attempts` runs in all.
            var child: ChildProcess.Outcome?
            for _ in 0..<attempts where child?.signal != SIGKILL {
                ReliabilityIndex.remove(directory)
                try copy(start, to: directory)
                let attempt = try ChildProcess.run(["index", "--index", directory] + arguments,
                                                   environment: [KillPoint.killVariable: kill.description])
                if attempt.signal != SIGKILL { #expect(attempt.status == 0, "\(scenario.name) at \(kill): \(attempt.stderr)") }
                child = attempt
            }
            guard child?.signal == SIGKILL else { continue }
            killed += 1
            var ok = true
            let expected = kill.durable ? after : before
            let found = try state(directory)
            if found != expected {
                let holds = found.map { $0.description } ?? "no index"
                let wanted = expected.map { $0.description } ?? "no index"
                let when = kill.durable ? "after" : "before"
                Issue.record(Comment(rawValue: "\(scenario.name), killed at \(kill) (\(when) the rename): the index holds \(holds) instead of \(wanted)"))
                ok = false
            }
            if expected != nil {
                let report = try IndexCheck.run(directory: directory)
                if !report.isClean { Issue.record("\(scenario.name) at \(kill): check: \(report.problems)"); ok = false }
            }
            if try !leftovers(directory).isEmpty { leftBehind += 1 }
            let again = try ChildProcess.run(["index", "--index", directory] + arguments)
            if again.status != 0 { Issue.record("\(scenario.name) at \(kill): the next run: \(again.stderr)"); ok = false }
            if try state(directory) != after { Issue.record("\(scenario.name) at \(kill): the next run does not reach the new state"); ok = false }
            let report = try IndexCheck.run(directory: directory)
            if !report.isClean || !report.notes.isEmpty {
                Issue.record("\(scenario.name) at \(kill): after the next run: \(report.problems) \(report.notes)")
                ok = false
            }
            if try !leftovers(directory).isEmpty { Issue.record("\(scenario.name) at \(kill): leftovers after the next run"); ok = false }
            if ok { recovered += 1 }
            ReliabilityIndex.remove(directory)
        }
        print("kill test, \(scenario.name): \(trace.count) points reached, \(kills.count) selected, \(killed) killed, "
            + "\(leftBehind) left files behind, \(recovered) recovered")
        #expect(leftBehind > 0, "the kills exercise the removal of leftovers")
        return (killed, recovered)
    }

    @Test func killedDuringAFirstBuild() throws {
        let (kills, recovered) = try Self.run(Self.firstBuild, spread: 6)
        #expect(kills >= 12 && recovered == kills)
    }

    @Test func killedDuringAnUpdate() throws {
        let (kills, recovered) = try Self.run(Self.update, spread: 8)
        #expect(kills >= 20 && recovered == kills)
    }

    @Test func killedDuringARebuild() throws {
        let (kills, recovered) = try Self.run(Self.rebuild, spread: 6)
        #expect(kills >= 15 && recovered == kills)
    }
}
