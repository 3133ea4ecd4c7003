import Testing
@testable import TrialSearchCore

/// `Trial.forEachValue(of:)` (read by indexing, snippets and more-like-this): each field's values in
/// their fixed order, list elements in list order, empty values skipped.
@Suite struct TrialFieldValuesTests {
    static func trial() throws -> Trial {
        var t = Trial(id: try #require(TrialID("NCT00000007")))
        t.secondaryIds = ["S-1", "", "S-2"]
        t.interventions = [
            Intervention(type: "Drug", name: "aspirin", description: "low dose", otherNames: ["ASA", "", "acetylsalicylic acid"]),
            Intervention(type: "", name: "placebo", description: ""),
        ]
        t.armGroups = [ArmGroup(label: "A", type: "Experimental", description: "aspirin daily"), ArmGroup(label: "B")]
        t.primaryOutcomes = [Outcome(measure: "death", timeFrame: "1 year", description: "all causes")]
        t.secondaryOutcomes = [Outcome(measure: "stroke"), Outcome(measure: "", description: "bleeding")]
        t.locations = (0..<20).map { Location(facility: "site \($0)", city: $0 % 2 == 0 ? "Oslo" : "", country: "Norway") }
        t.countries = ["Norway"]
        return t
    }

    @Test func listValuesComeInOrderWithoutEmptyOnes() throws {
        let t = try Self.trial()
        #expect(t.values(of: .id) == ["NCT00000007", "S-1", "S-2"])
        #expect(t.values(of: .intervention) == [
            "Drug", "aspirin", "ASA", "acetylsalicylic acid", "low dose", "placebo", "A", "aspirin daily", "B",
        ])
        #expect(t.values(of: .outcome) == ["death", "all causes", "stroke", "bleeding"])
        let sites = (0..<20).flatMap { $0 % 2 == 0 ? ["site \($0)", "Oslo", "Norway"] : ["site \($0)", "Norway"] }
        #expect(t.values(of: .location) == sites + ["Norway"])
    }

    /// The indexer's path (`forEachValueBytes`, each value read where it is stored) gives every field's
    /// values as `forEachValue` does, byte for byte: short (inline) and long strings, non-ASCII ones,
    /// literals and strings built at run time, in lists and in struct lists.
    @Test func valueBytesAreTheValues() throws {
        var t = try Self.trial()
        t.briefTitle = "Aspirin à faible dose: a long title, built at run time \(t.locations.count)"
        t.conditions = ["", "Stroke", "accident vasculaire cérébral", String(repeating: "long ", count: 40), "é"]
        t.keywords = t.conditions.reversed()
        t.collaborators = ["Université d'Oslo", "NIH"]
        t.locations[3].state = "Østfold"
        t.primaryOutcomes[0].description = String("xx" + t.briefTitle).dropFirst(2).uppercased()
        for field in Field.allCases {
            var bytes: [[UInt8]] = []
            t.forEachValueBytes(of: field) { bytes.append(Array($0)) }
            #expect(bytes == t.values(of: field).map { Array($0.utf8) }, "\(field)")
        }
    }
}
