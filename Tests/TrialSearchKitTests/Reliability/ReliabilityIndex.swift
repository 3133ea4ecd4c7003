import Foundation
import Testing
import TrialIngest
import TrialSearchCore
@testable import TrialSearchKit

/// Small indexes of real records (Tests/Fixtures) for the reliability tests, and a fingerprint of
/// what a snapshot answers, to compare snapshots exactly.
enum ReliabilityIndex {
    /// The fixtures of every format: 30 trials (13 XML, 8 JSON, 8 ICTRP, 1 text dump).
    static let formats = ["ctgov-xml", "ctgov-json", "ictrp", "text"].map { ConvertTests.fixture($0) }

    /// A fresh folder under the temporary folder; `remove(_:)` deletes it.
    static func folder(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "trialsearch-\(label)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// The trials `DumpReader` reads from `paths`, in input order.
    static func read(_ paths: [String]) throws -> [Trial] {
        var trials: [Trial] = []
        try DumpReader(paths: paths).readInOrder(workers: 2) { if case .success(let t) = $0 { trials.append(t) } }
        return trials
    }

    /// `trials` as a JSON Lines file (`convert`'s form, which `index` reads), each changed by `edit`.
    static func jsonLines(_ trials: [Trial], to path: String, _ edit: (inout Trial) -> Void = { _ in }) throws {
        let lines = trials.map { trial -> String in
            var copy = trial
            edit(&copy)
            return copy.jsonString
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A newer version of a trial: a later last-update date and a changed title, so it replaces the
    /// indexed one.
    static func newer(_ trial: inout Trial, tag: String) {
        trial.lastUpdated = PartialDate(year: 2031, month: 1, day: 1)
        trial.briefTitle = "Updated \(tag): " + trial.briefTitle
    }

    /// Indexes `paths` into `directory` in-process; the run must commit without failures.
    @discardableResult
    static func index(_ paths: [String], into directory: String, rebuild: Bool = false, deleting: [TrialID] = [],
                      maxSegments: Int? = nil) throws -> Indexing.Report {
        let request = Indexing.Request(paths: paths, directory: directory, rebuild: rebuild, deletions: deleting,
                                       maxSegments: maxSegments)
        let report = try Indexing.run(request)
        #expect(report.failures.isEmpty, "\(report.failures)")
        return report
    }

    /// An index of every file kind from real records: the 30 fixture trials in one segment, then a
    /// second commit with a newer version of the smallest of them, NCT00001070 (a second segment of one
    /// doc, and a deletes file on the first), and NCT00461812 deleted (`trialsearch index --delete`).
    static func buildTwoSegments(in directory: String, scratch: String) throws {
        try index(formats, into: directory)
        let trial = try read([ConvertTests.fixture("ctgov-xml/NCT00001070.xml")])
        let updates = scratch + "/updates.jsonl"
        try jsonLines(trial, to: updates) { newer(&$0, tag: "second commit") }
        try index([updates], into: directory, deleting: [TrialID("NCT00461812")].compactMap { $0 })
    }

    /// What a snapshot holds and answers, exactly: its live trials (id and stored JSON), the live
    /// ids that contain each term of `probeQueries` (term-level queries over postings), and the ranked
    /// hits (id and score, as `trialsearch search` ranks them) of each of `probeQueries`. Equal
    /// fingerprints mean equal answers to every query the engine can ask of those terms.
    struct Fingerprint: Equatable, CustomStringConvertible {
        var trials: [String: String] = [:]
        var postings: [String: [String]] = [:]
        var searches: [String: [String]] = [:]

        var description: String { "\(trials.count) trials, \(postings.values.map(\.count)) matches" }
    }

    /// Analyzed terms of real queries over the fixtures.
    static let probeQueries = ["mesenchymal ovarian insufficiency", "covid-19 oxygen", "melatonin diabetes",
                               "coronavirus pneumonia plasma", "stem cells", "hyperbaric", "randomized placebo"]

    static func fingerprint(_ reader: IndexReader) throws -> Fingerprint {
        var print = Fingerprint()
        for segment in reader.segments {
            for d in 0..<segment.docCount where segment.isLive(DocID(d)) {
                let trial = try segment.trial(DocID(d))
                print.trials[trial.id.rawValue] = trial.jsonString
            }
        }
        let analyzer = Analyzer()
        for query in probeQueries {
            for term in analyzer.terms(query, field: .summary) {
                var ids: [String] = []
                for segment in reader.segments {
                    guard var postings = try segment.postings(term: term) else { continue }
                    while true {
                        let doc = postings.next()
                        if doc == PostingsCursor.noMoreDocs { break }
                        if segment.isLive(doc) { ids.append(segment.trialID(doc).rawValue) }
                    }
                }
                print.postings[term] = ids.sorted()
            }
        }
        let engine = try SearchEngine(reader: reader)
        for query in probeQueries {
            print.searches[query] = try engine.search(query, options: SearchOptions(limit: 50)).hits.map { "\($0.id.rawValue) \($0.score)" }
        }
        return print
    }
}
