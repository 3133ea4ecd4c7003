import Foundation
import Testing
import TrialSearchCore
@testable import TrialSearchKit

/// Ranking scenarios as data (bleve's way): each folder of `Scenarios/` names its documents and holds a
/// `searches.json` of queries, each with its expectations and a comment saying why. A new regression
/// case is one JSON entry.
///
/// Entry keys: `query` (or `related`: a trial id), `mode`, `filters` (`status`, `phase`, `type`,
/// `registry`, `country`: arrays; `sex`; `age`; `updatedAfter`), `limit` (default 10), and
/// expectations: `expectFirst` (rank 1), `expectTop` (all within the first `within` hits, by default
/// their own number), `expectAbsent` (none in the results), `expectAtMost` (hit count), `expectAll`
/// (every hit: `registry` in a list, `sex` in a list, `phaseContains`, `admitsAge`).
@Suite struct RankingScenarioTests {
    static let scenarios: String = ConvertTests.root + "/Tests/TrialSearchKitTests/Scenarios"

    struct Scenario {
        let comment: String
        let entry: [String: Any]
    }

    static func load(_ folder: String) throws -> [Scenario] {
        let data = try Data(contentsOf: URL(fileURLWithPath: scenarios + "/" + folder + "/searches.json"))
        let list = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.map { Scenario(comment: $0["comment"] as? String ?? "(no comment)", entry: $0) }
    }

    static func filter(_ f: [String: Any]?) -> SearchFilter {
        guard let f else { return SearchFilter() }
        var filter = SearchFilter()
        filter.statuses = f["status"] as? [String] ?? []
        for phase in f["phase"] as? [String] ?? [] { filter.phases.insert(PhaseSet(phase: phase)) }
        filter.studyTypes = f["type"] as? [String] ?? []
        filter.registries = f["registry"] as? [String] ?? []
        filter.countries = f["country"] as? [String] ?? []
        filter.sex = (f["sex"] as? String).flatMap(SearchFilter.Sex.init(rawValue:))
        filter.age = f["age"] as? Double
        filter.updatedAfter = (f["updatedAfter"] as? String).flatMap { PartialDate(iso: $0) }
        return filter
    }

    @Test func shippedCorpusScenarios() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let scenarios = try Self.load("shipped-corpus")
        #expect(scenarios.count >= 12)
        for scenario in scenarios {
            let e = scenario.entry
            let options = SearchOptions(limit: e["limit"] as? Int ?? 10, filter: Self.filter(e["filters"] as? [String: Any]))
            let hits: [Hit]
            if let related = e["related"] as? String, let id = TrialID(related) {
                hits = try engine.related(to: id, options: options).hits
            } else {
                let mode = (e["mode"] as? String).flatMap(QueryMode.init(rawValue:)) ?? .automatic
                hits = try engine.search(try #require(e["query"] as? String), mode: mode, options: options).hits
            }
            let ids = hits.map(\.id.rawValue)
            let why = Comment(rawValue: scenario.comment + "\n  got: " + ids.joined(separator: " "))
            #expect(!hits.isEmpty, why)
            if let first = e["expectFirst"] as? String { #expect(ids.first == first, why) }
            if let top = e["expectTop"] as? [String] {
                let within = Set(ids.prefix(e["within"] as? Int ?? top.count))
                #expect(Set(top).isSubset(of: within), why)
            }
            if let absent = e["expectAbsent"] as? [String] { #expect(Set(absent).isDisjoint(with: ids), why) }
            if let atMost = e["expectAtMost"] as? Int { #expect(ids.count <= atMost, why) }
            if let all = e["expectAll"] as? [String: Any] {
                for hit in hits {
                    let trial = try engine.trial(for: hit)
                    if let registries = all["registry"] as? [String] { #expect(registries.contains(trial.registry), why) }
                    if let sexes = all["sex"] as? [String] { #expect(sexes.contains(trial.eligibility.sex), why) }
                    if let phase = all["phaseContains"] as? String { #expect(trial.phases.contains(phase), why) }
                    if let age = all["admitsAge"] as? Double { #expect(trial.eligibility.admits(ageYears: age), why) }
                }
            }
        }
    }
}
