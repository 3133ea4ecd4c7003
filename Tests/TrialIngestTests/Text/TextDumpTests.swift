import Testing
@testable import TrialIngest
import TrialSearchCore

/// Every field of the trial-page dump of NCT05308342 (premature ovarian insufficiency, umbilical-cord
/// mesenchymal stem cells).
@Suite struct TextDumpTests {
    static let path = "text/NCT05308342.txt"

    @Test func identityTitlesAndDates() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.id.rawValue == "NCT05308342")
        #expect(trial.registry == "ClinicalTrials.gov")
        #expect(trial.briefTitle == "Clinical Study of Human Umbilical Cord Mesenchymal Stem Cells in the Treatment of Premature Ovarian Insufficiency")
        #expect(trial.officialTitle == "")
        #expect(trial.secondaryIds == ["SZ-POF-2019-4"])
        #expect(trial.lastUpdated == .iso("2022-04-04"))
        #expect(trial.startDate == .iso("2019-11-20"))
        #expect(trial.completionDate == .iso("2023-12-01"))
        #expect(trial.firstPosted == nil)
        #expect(trial.source == RecordSource(file: Fixtures.path(TextDumpTests.path), entry: "", format: .textDump))
    }

    @Test func basicInformationAndDesign() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.overallStatus == "Unknown status")
        #expect(trial.phases == ["N/A"])
        #expect(trial.enrollment == 66)
        #expect(trial.studyType == "Interventional")
        #expect(trial.design == StudyDesign(
            allocation: "Randomized", interventionModel: "Parallel Assignment", primaryPurpose: "Treatment",
            masking: "Triple (Participant, Care Provider, Investigator)"))
    }

    @Test func summariesAndConditions() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.briefSummary == "This study was a single-center, randomized, controlled prospective study. Those who had premature ovarian failure and who had fertility requirements were enrolled in the study. To determine the efficacy and safety of umbilical cord mesenchymal stem cells in the treatment of patients with POI.")
        #expect(trial.detailedDescription.hasPrefix("According to the enrollment and exclusion criteria, the patients were enrolled"))
        #expect(trial.detailedDescription.hasSuffix("Group B was the hormone replacement group (control group)."))
        #expect(trial.conditions == ["Premature Ovarian Insufficiency"])
        #expect(trial.keywords.isEmpty)
    }

    @Test func armsAndInterventions() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.armGroups == [
            ArmGroup(label: "UC-MSCs+hormone replacement group", type: "Experimental",
                     description: "Group A was the hormone replacement combined with transplantation of umbilical cord mesenchymal stem cells group(test group)."),
            ArmGroup(label: "hormone replacement group", type: "Active Comparator",
                     description: "Group B was the hormone replacement group (control group)."),
        ])
        #expect(trial.interventions.count == 2)
        let cells = trial.interventions[0]
        #expect(cells.type == "Procedure")
        #expect(cells.name == "transplantation of human UC-MSCs into ovaries of POI patients")
        #expect(cells.description.hasPrefix("UC-MSCs (GMP grade, from Clinical Center for Stem Cell Research"))
        #expect(cells.description.contains("A total number of 10×106 cells"))
        #expect(cells.armGroupLabels == ["UC-MSCs+hormone replacement group"])
        #expect(cells.otherNames.isEmpty)
        #expect(trial.interventions[1] == Intervention(
            type: "Drug", name: "hormone replacement treatment",
            description: "Routine estrogen progesterone replacement periodic therapy", otherNames: ["HRT"],
            armGroupLabels: ["UC-MSCs+hormone replacement group", "hormone replacement group"]))
    }

    @Test func eligibility() throws {
        let e = try readOne(TextDumpTests.path).eligibility
        #expect(e.sex == "Female")
        #expect(e.minimumAge == "20 Years")
        #expect(e.maximumAge == "39 Years")
        #expect(e.minimumAgeYears == 20)
        #expect(e.maximumAgeYears == 39)
        #expect(e.healthyVolunteers == false)
        #expect(e.inclusion == [
            "Those who meet the POF diagnostic criteria and have no spontaneous follicular activity;",
            "Married, 20 years old ≤ age < 40 years old;",
            "The average diameter of each ovary is > 10 mm;",
            "Have agreed to sign the informed consent form.",
        ])
        #expect(e.exclusion == [
            "Female and/or male chromosomal abnormalities;",
            "Endometriosis, adenomyosis;",
            "Postoperative ovarian borderline or malignant tumor;",
            "Uterine dysplasia;",
            "Associated with female autoimmune disease or other serious internal surgical diseases;",
            "hormone replacement contraindications;",
            "In the past 1 year, had received an experimental study of premature ovarian failure in the external hospital;",
            "Male azoospermia or severe oligozoospermia.",
        ])
        #expect(e.criteria.hasPrefix("Inclusion Criteria\n\n1. Those who meet the POF diagnostic criteria"))
        #expect(e.criteria.hasSuffix("8. Male azoospermia or severe oligozoospermia."))
        #expect(!e.criteria.contains("Minimum Eligible Age"))
    }

    @Test func sponsorsPeopleAndPlaces() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.leadSponsor == "Li-jun Ding")
        #expect(trial.collaborators.isEmpty)
        #expect(trial.officials == [Official(
            name: "Guangshu Han, phD", role: "Principal Investigator",
            affiliation: "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School")])
        #expect(trial.locations == [Location(
            facility: "Reproductive Medicine Center, The affiliated Drum Towel Hospital of Nanjing University Medical School",
            city: "Nanjing", state: "Jiangsu", country: "China")])
        #expect(trial.countries == ["China"])
        // Contact details are not kept.
        #expect(!trial.jsonString.contains("+862583107188"))
    }

    @Test func relatedTrials() throws {
        let trial = try readOne(TextDumpTests.path)
        #expect(trial.relatedIds == ["NCT06132542", "NCT06578039"])
    }

    @Test func aDumpWithoutItsIdLineIsAnError() throws {
        let text = String(decoding: try Fixtures.bytes(TextDumpTests.path), as: UTF8.self)
            .replacingOccurrences(of: "NCT ID: NCT05308342", with: "NCT ID:")
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in
            catching { () throws(IngestError) in try TextDump.read(raw, source: RecordSource(), at: IngestLocation(file: "x")) }
        }
        guard case .failure(.missingField(_, .textDump, _)) = result else {
            Issue.record("expected missingField, got \(result)")
            return
        }
    }
}

@Suite struct PlainTextTests {
    @Test func freeTextBecomesARecordNamedAfterItsFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let note = "Patient is a 32-year-old woman with premature ovarian\ninsufficiency, seeking stem cell therapy.\n\nNo other conditions.\n"
        try Fixtures.write(Array(note.utf8), to: folder + "/patient-12.txt")
        let (trials, errors, _) = try readAll([folder])
        #expect(errors.isEmpty)
        let trial = try #require(trials.first)
        #expect(trial.id.rawValue == "patient-12")
        #expect(trial.registry == "")
        #expect(trial.briefTitle == "Patient is a 32-year-old woman with premature ovarian insufficiency, seeking stem cell therapy.")
        #expect(trial.briefSummary == "Patient is a 32-year-old woman with premature ovarian insufficiency, seeking stem cell therapy.\n\nNo other conditions.")
        #expect(trial.source.format == .plainText)
    }

    @Test func latin1TextIsNotUTF8() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array("Ovarian insufficiency in a patient from Saint-".utf8) + [0xC9] + Array("tienne.\n".utf8), to: folder + "/note.txt")
        try Fixtures.write(Array("A second note.\n".utf8), to: folder + "/other.txt")
        let (trials, errors, _) = try readAll([folder])
        #expect(trials.map(\.id.rawValue) == ["other"])
        guard case .notUTF8(let location, let offset) = try #require(errors.first) else {
            Issue.record("expected notUTF8, got \(errors)")
            return
        }
        #expect(location.file == folder + "/note.txt")
        #expect(offset == "Ovarian insufficiency in a patient from Saint-".utf8.count)
    }

    @Test func idFromName() {
        #expect(PlainText.idFromName("notes/patient-12.txt") == "patient-12")
        #expect(PlainText.idFromName("archive.tar.gz") == "archive.tar")
        #expect(PlainText.idFromName(".hidden") == ".hidden")
        #expect(PlainText.idFromName("README") == "README")
    }
}
