import Testing
@testable import TrialIngest
import TrialSearchCore

/// Field-level checks on real ClinicalTrials.gov API v2 studies.
@Suite struct StudyJSONTests {
    @Test func earlyPhaseStudyWithMaskingAndMarkdownEscapes() throws {
        let trial = try readOne("ctgov-json/NCT02691897.json")
        #expect(trial.id.rawValue == "NCT02691897")
        #expect(trial.registry == "ClinicalTrials.gov")
        #expect(trial.secondaryIds == ["CT-93-7817"])
        #expect(trial.briefTitle == "Melatonin's Effects on Treatment Of Diabetes Mellitus")
        #expect(trial.acronym == "METOD")
        #expect(trial.overallStatus == "Unknown status")
        #expect(trial.phases == ["Early Phase 1"])
        #expect(trial.studyType == "Interventional")
        #expect(trial.enrollment == 60)
        #expect(trial.design == StudyDesign(
            allocation: "Randomized", interventionModel: "Parallel Assignment", primaryPurpose: "Treatment",
            masking: "Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)"))
        #expect(trial.startDate == .iso("2019-07"))
        #expect(trial.completionDate == .iso("2020-07"))
        #expect(trial.firstPosted == .iso("2016-02-25"))
        #expect(trial.lastUpdated == .iso("2019-04-08"))
        #expect(trial.interventions == [
            Intervention(type: "Drug", name: "Melatonin", description: "Melatonin 3mg once daily at bedtime", armGroupLabels: ["Melatonin"]),
            Intervention(type: "Drug", name: "Placebo", description: "Placebo 1 tablet once daily at bedtime", armGroupLabels: ["Placebo"]),
        ])
        #expect(trial.conditionMeshTerms == ["Diabetes Mellitus"])
        #expect(trial.interventionMeshTerms == ["Melatonin"])
        #expect(trial.officials.map(\.role) == ["Study Chair", "Principal Investigator", "Principal Investigator"])
        #expect(trial.locations == [Location(facility: "Shahid Motahhari Clinic, Shiraz University of Medical Sciences",
                                             city: "Shiraz", state: "Fars", country: "Iran, Islamic Republic of")])
        #expect(trial.countries == ["Iran, Islamic Republic of"])
        let e = trial.eligibility
        #expect(e.sex == "All")
        #expect(e.minimumAgeYears == 20)
        #expect(e.maximumAgeYears == 65)
        #expect(e.healthyVolunteers == false)
        #expect(e.inclusion == ["Type 2 diabetes mellitus diagnosed by an endocrinologist for more than six months",
                                "FBS=120-160mg/dl", "HbA1C<8%"])
        #expect(e.exclusion.count == 13)
        #expect(e.exclusion.contains("Renal failure (Creatinin>1.5mg/dl)"))
        #expect(!e.criteria.contains("\\"))
        #expect(trial.source.format == .studyJSON)
    }

    @Test func combinedPhaseAndOpenLabel() throws {
        let trial = try readOne("ctgov-json/NCT02385136.json")
        #expect(trial.phases == ["Phase 1", "Phase 2"])
        #expect(trial.design.masking == "None (Open Label)")
        #expect(trial.design.primaryPurpose == "Prevention")
        #expect(trial.collaborators == ["Hangzhou Cancer Hospital"])
        #expect(trial.keywords == ["NSCLC", "Radiotherpy", "Temozolomide"])
        #expect(trial.armGroups.map(\.type) == ["Experimental", "No Intervention"])
        #expect(trial.conditionMeshTerms.isEmpty)
        #expect(trial.interventionMeshTerms == ["Temozolomide"])
        #expect(trial.locations.isEmpty)
        #expect(trial.eligibility.inclusion == [
            "histologically diagnosed as NSCLC, stage IVb [ (American Joint of Cancer Committee(AJCC), 2002) ], Brain metastasis",
            "no history of hypertension or diabetes.",
        ])
        #expect(trial.eligibility.exclusion == ["the brain tumor diameter >5cm; RPA class =3; pregnancy."])
    }

    @Test func otherNamesAndLocationsWithoutFacility() throws {
        let trial = try readOne("ctgov-json/NCT00693056.json")
        #expect(trial.eligibility.sex == "Male")
        #expect(trial.design.masking == "Double (Participant, Investigator)")
        #expect(trial.interventions.map(\.otherNames) == [[], ["Zoraxel"], ["Zoraxel"], ["Zoraxel"]])
        #expect(trial.armGroups.map(\.type) == ["Placebo Comparator", "Experimental", "Experimental", "Experimental"])
        #expect(trial.locations.first == Location(facility: "", city: "Greenbelt", state: "Maryland", country: "United States"))
        #expect(trial.countries == ["United States"])
    }

    @Test func patientRegistry() throws {
        let trial = try readOne("ctgov-json/NCT05584293.json")
        #expect(trial.studyType == "Observational [Patient Registry]")
        #expect(trial.overallStatus == "Recruiting")
        #expect(trial.secondaryIds == ["ZGT20-40", "W20.197"])
        #expect(trial.design == StudyDesign(observationalModel: "Cohort", timePerspective: "Other"))
        #expect(trial.startDate == .iso("2020-09-11"))
        #expect(trial.eligibility.maximumAgeYears == nil)
        #expect(trial.phases.isEmpty)
    }

    @Test func locationsAreTakenOnce() throws {
        let trial = try readOne("ctgov-json/NCT02663973.json")
        #expect(trial.locations.count == 24)
        #expect(trial.locations.first == Location(facility: "Clínica AMO", city: "Salvador", state: "Bahia", country: "Brazil"))
        #expect(trial.countries == ["Brazil"])
        #expect(trial.eligibility.sex == "Female")
        #expect(trial.collaborators == ["Ministry of Health, Brazil", "Avon Institute"])
        #expect(trial.design.observationalModel == "Case-Only")
    }

    @Test func ctgStudiesArrayIsOneRecordPerStudy() throws {
        let path = Fixtures.path("ctgov-json/ctg-studies.json")
        let (trials, errors, _) = try readAll([path], workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.map(\.id.rawValue) == ["NCT00205894", "NCT01165944", "NCT03651024"])
        #expect(trials.allSatisfy { $0.source == RecordSource(file: path, format: .studyJSON) })
    }

    @Test func brokenElementOfAnArrayIsOneErrorAndTheOthersAreRead() throws {
        var text = String(decoding: try Fixtures.bytes("ctgov-json/ctg-studies.json"), as: UTF8.self)
        // Break the second study: an unquoted value.
        let target = "\"nctId\": \"NCT01165944\""
        #expect(text.contains(target))
        text = text.replacingOccurrences(of: target, with: "\"nctId\": NCT01165944")
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array(text.utf8), to: folder + "/ctg-studies.json")
        let (trials, errors, results) = try readAll([folder])
        #expect(trials.map(\.id.rawValue) == ["NCT00205894", "NCT03651024"])
        #expect(errors.count == 1)
        guard case .failure(.malformedJSON(let location, _, let message)) = results[1] else {
            Issue.record("expected malformedJSON second, got \(results[1])")
            return
        }
        #expect(location.record == 2)
        #expect(message.contains("expected a value"))
    }

    @Test func missingCommaBetweenStudiesIsReportedAndReadingGoesOn() throws {
        let a = String(decoding: try Fixtures.bytes("ctgov-json/NCT02385136.json"), as: UTF8.self)
        let b = String(decoding: try Fixtures.bytes("ctgov-json/NCT05584293.json"), as: UTF8.self)
        let c = String(decoding: try Fixtures.bytes("ctgov-json/NCT00693056.json"), as: UTF8.self)
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array("[\(a),\n\(b)\n\(c)]".utf8), to: folder + "/studies.json")
        let (trials, errors, _) = try readAll([folder])
        #expect(trials.map(\.id.rawValue) == ["NCT02385136", "NCT05584293", "NCT00693056"])
        #expect(errors.count == 1)
        if case .malformedJSON(let location, _, let message) = errors.first {
            #expect(location.record == 3)
            #expect(message.contains("between records"))
        } else {
            Issue.record("expected malformedJSON, got \(errors)")
        }
    }

    @Test func jsonLinesOfStudies() throws {
        let lines = try ["NCT02385136", "NCT05584293"].map { name -> String in
            let bytes = try Fixtures.bytes("ctgov-json/\(name).json")
            // Re-serialize each study on one line through our own tape (values unchanged).
            return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        }
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: folder + "/studies.jsonl")
        let (trials, errors, _) = try readAll([folder])
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.map(\.id.rawValue) == ["NCT02385136", "NCT05584293"])
    }
}
