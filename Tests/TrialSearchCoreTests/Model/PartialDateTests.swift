import Testing
@testable import TrialSearchCore

@Suite struct PartialDateTests {
    @Test func parsesAndPrintsISO() throws {
        let month = try #require(PartialDate(iso: "2020-08"))
        #expect(month.description == "2020-08")
        #expect(month.day == nil)
        let day = try #require(PartialDate(iso: "2019-11-20"))
        #expect(day.description == "2019-11-20")
    }

    @Test(arguments: ["2020-13", "2021-02-29", "20-01-01", "2020-1-01", "", "2020"])
    func rejectsInvalid(_ text: String) {
        #expect(PartialDate(iso: text) == nil)
    }

    @Test func ordersMonthBeforeItsDays() throws {
        let month = try #require(PartialDate(year: 2020, month: 2))
        let first = try #require(PartialDate(year: 2020, month: 2, day: 1))
        let later = try #require(PartialDate(year: 2020, month: 3, day: 1))
        #expect(month < first)
        #expect(first < later)
        #expect(month.ordinal == first.ordinal)
        #expect(later.ordinal - first.ordinal == 29)
    }
}

@Suite struct TrialIDTests {
    @Test func trimsAndOrdersByBytes() throws {
        let a = try #require(TrialID("  NCT05308342\n"))
        #expect(a.rawValue == "NCT05308342")
        let b = try #require(TrialID("ChiCTR2000029953"))
        #expect(b < a)  // "C" < "N"
        #expect(TrialID("   ") == nil)
        #expect(a.impliedRegistry == "ClinicalTrials.gov")
        #expect(b.impliedRegistry == "ChiCTR")
    }
}
