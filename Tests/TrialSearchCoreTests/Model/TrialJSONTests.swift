import Testing
@testable import TrialSearchCore

@Suite struct TrialJSONTests {
    private func sample() throws -> Trial {
        var trial = Trial(id: try #require(TrialID("NCT05308342")), registry: "ClinicalTrials.gov",
                          source: RecordSource(file: "dump.zip", entry: "NCT0530xxxx/NCT05308342.xml", format: .clinicalStudyXML))
        trial.briefTitle = "Stem \"Cells\"\tfor\nPOI \\ ≥ 18"
        trial.conditions = ["Premature Ovarian Insufficiency"]
        trial.conditionMeshTerms = ["Primary Ovarian Insufficiency", "Menopause, Premature"]
        trial.interventionMeshTerms = ["Menopause, Premature", "Hormones"]
        trial.interventions = [Intervention(type: "Procedure", name: "UC-MSC transplantation")]
        trial.eligibility = Eligibility(sex: "Female", minimumAge: "6 Months", minimumAgeYears: 0.5, maximumAgeYears: 39,
                                        healthyVolunteers: false)
        trial.phases = ["N/A"]
        trial.enrollment = 66
        trial.startDate = PartialDate(year: 2019, month: 11, day: 20)
        trial.lastUpdated = PartialDate(year: 2022, month: 4)
        trial.relatedIds = ["NCT06132542", "NCT06578039"]
        return trial
    }

    @Test func keysInFixedOrderAbsentValuesOmitted() throws {
        #expect(try sample().jsonString == #"{"id":"NCT05308342","registry":"ClinicalTrials.gov","briefTitle":"Stem \"Cells\"\tfor\nPOI \\ ≥ 18","conditions":["Premature Ovarian Insufficiency"],"meshTerms":["Primary Ovarian Insufficiency","Menopause, Premature","Hormones"],"conditionMeshTerms":["Primary Ovarian Insufficiency","Menopause, Premature"],"interventionMeshTerms":["Menopause, Premature","Hormones"],"interventions":[{"type":"Procedure","name":"UC-MSC transplantation"}],"eligibility":{"sex":"Female","minimumAge":"6 Months","minimumAgeYears":0.5,"maximumAgeYears":39,"healthyVolunteers":false},"phases":["N/A"],"enrollment":66,"startDate":"2019-11-20","lastUpdated":"2022-04","relatedIds":["NCT06132542","NCT06578039"],"source":{"file":"dump.zip","entry":"NCT0530xxxx/NCT05308342.xml","format":"ctgov-xml"}}"#)
    }

    @Test func minimalTrial() throws {
        let trial = Trial(id: try #require(TrialID("patient-12")))
        #expect(trial.jsonString == #"{"id":"patient-12","source":{"format":"plain-text"}}"#)
    }

    @Test func controlCharactersAreEscaped() {
        var writer = JSONWriter()
        writer.string("a\u{0}b\u{1F}c\u{7F}\r\u{8}\u{C}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\u0000b\u001fc\#u{7F}\r\b\f""#)
        writer.reset()
        writer.beginArray()
        writer.number(1e-5)
        writer.number(-3)
        writer.integer(Int.min)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[1e-05,-3,\(Int.min)]")
    }
}
