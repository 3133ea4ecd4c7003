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

    /// The fast path (printable ASCII at both ends, nothing to trim) and the scalar walk agree: ids
    /// with inner spaces, non-ASCII letters, and white space (ASCII or not) at one end only.
    @Test func trimsOnlyTheEnds() throws {
        #expect(TrialID("NCT 0530 8342")?.rawValue == "NCT 0530 8342")
        #expect(TrialID("ÄRZTE-1")?.rawValue == "ÄRZTE-1")
        #expect(TrialID("ID-é")?.rawValue == "ID-é")
        #expect(TrialID("\u{A0}JPRN-123")?.rawValue == "JPRN-123")
        #expect(TrialID("JPRN-123\u{2003}")?.rawValue == "JPRN-123")
        #expect(TrialID("\tX")?.rawValue == "X")
        #expect(TrialID("X")?.rawValue == "X")
        #expect(TrialID("NCT05308342"[...])?.rawValue == "NCT05308342")
        #expect(TrialID("") == nil)
    }
}
