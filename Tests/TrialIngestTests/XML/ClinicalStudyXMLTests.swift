import Testing
@testable import TrialIngest
import TrialSearchCore

/// Field-level checks on real ClinicalTrials.gov XML records, one per variant of the registry's dumps
/// (see Tests/Fixtures/README.md).
@Suite struct ClinicalStudyXMLTests {
    @Test func searchResult2020WithRankPhasesLocationsAndCriteria() throws {
        let trial = try readOne("ctgov-xml/NCT04500626.xml")
        #expect(trial.id.rawValue == "NCT04500626")
        #expect(trial.registry == "ClinicalTrials.gov")
        #expect(trial.secondaryIds == ["OHRI-HBOT-001"])
        #expect(trial.briefTitle == "Hyperbaric Versus Normobaric Oxygen Therapy for COVID-19 Patients")
        #expect(trial.officialTitle.hasPrefix("Multicentre Randomized Controlled Trial of Hyperbaric"))
        #expect(trial.overallStatus == "Not yet recruiting")
        #expect(trial.phases == ["Phase 2", "Phase 3"])
        #expect(trial.studyType == "Interventional")
        #expect(trial.enrollment == 234)
        #expect(trial.startDate == .iso("2020-10"))
        #expect(trial.completionDate == .iso("2022-08"))
        #expect(trial.firstPosted == .iso("2020-08-05"))
        #expect(trial.lastUpdated == .iso("2020-09-16"))
        #expect(trial.conditions == ["Covid19"])
        #expect(trial.keywords == ["Hyperbaric oxygen therapy"])
        #expect(trial.leadSponsor == "Ottawa Hospital Research Institute")
        #expect(trial.collaborators == ["Climate Foundation"])
        #expect(trial.interventions == [Intervention(
            type: "Drug", name: "Oxygen",
            description: "Hyperbaric oxygen therapy delivered in a monoplace or multi-place chamber. Supervised by a hyperbaric oxygen therapy physician and a chamber operator.",
            armGroupLabels: ["HBOT"])])
        #expect(trial.armGroups.map(\.label) == ["HBOT", "Control"])
        #expect(trial.armGroups.map(\.type) == ["Experimental", "No Intervention"])
        #expect(trial.primaryOutcomes == [Outcome(
            measure: "7-level COVID Ordinal Outcome Scale", timeFrame: "Measured on Day 7",
            description: "7-level scale based on patient's current status and need for oxygenation, also ability to resume normal activities (at higher levels). Range is 1-7. Higher number indicates better clinical outcome.")])
        #expect(trial.secondaryOutcomes.count == 12)
        #expect(trial.secondaryOutcomes[2].measure == "Daily oxygen flow values required to obtain saturation values ≥90%,")
        #expect(trial.design == StudyDesign(allocation: "Randomized", interventionModel: "Parallel Assignment",
                                            primaryPurpose: "Treatment", masking: "Single (Outcomes Assessor)"))
        #expect(trial.officials == [Official(name: "Sylvain Boet, MD, PhD", role: "Principal Investigator",
                                             affiliation: "The Ottawa Hospital")])
        #expect(trial.locations == [Location(facility: "The Ottawa Hospital", city: "Ottawa", state: "Ontario", country: "Canada")])
        #expect(trial.countries == ["Canada"])
        let e = trial.eligibility
        #expect(e.sex == "All")
        #expect(e.minimumAge == "18 Years")
        #expect(e.minimumAgeYears == 18)
        #expect(e.maximumAge == "")
        #expect(e.maximumAgeYears == nil)
        #expect(e.healthyVolunteers == false)
        #expect(e.inclusion == [
            "Male or non-pregnant female patients",
            "Age ≥18 years",
            "Confirmed COVID-19 positive by RT-PCR",
            "Diagnosed with pneumonia requiring 21%<FIO2≤100% to maintain saturation by pulse oximetry (SpO2) ≥90%",
            "Able and willing to comply with study procedures and follow-up examinations contained within the written consent form",
        ])
        #expect(e.exclusion.count == 7)
        #expect(e.exclusion.first == "Patient clinical status felt to be incompatible with HBOT, e.g. respiratory failure requiring mechanical ventilation")
        #expect(e.exclusion.last == "Contraindications to HBOT (e.g. pneumothorax)")
        // Paragraphs kept, wrapped lines joined, quotes (&quot;) decoded.
        #expect(trial.briefSummary.hasPrefix("At least 1 in 6 COVID-19 patients admitted to hospital to receive extra oxygen will die of complications. In patients"))
        #expect(trial.briefSummary.components(separatedBy: "\n\n").count == 4)
        #expect(trial.briefSummary.contains("(also called a \"cytokine storm\")"))
        #expect(!trial.briefSummary.contains("  "))
        #expect(trial.source == RecordSource(file: Fixtures.path("ctgov-xml/NCT04500626.xml"), entry: "", format: .clinicalStudyXML))
    }

    @Test func dump2013WithDTDReference() throws {
        let trial = try readOne("ctgov-xml/NCT01101477.xml")
        #expect(trial.id.rawValue == "NCT01101477")
        #expect(trial.briefTitle == "Target-Controlled Infusion of Propofol for Flexible Bronchoscopy Sedation")
        #expect(trial.overallStatus == "Terminated")
        #expect(trial.startDate == .iso("2010-02"))
        #expect(trial.firstPosted == .iso("2010-04-07"))
        #expect(trial.lastUpdated == .iso("2011-11-05"))
        #expect(trial.eligibility.maximumAgeYears == 95)
        #expect(trial.interventionMeshTerms == ["Propofol"])
        #expect(trial.interventions.first?.type == "Procedure")
        // Non-ASCII text ("μg") comes through intact.
        #expect(trial.armGroups.first?.label == "Titration by target effect site concentration (Cet) 0.5μg/ml")
    }

    @Test func dump2016WithheldDeviceTrial() throws {
        let trial = try readOne("ctgov-xml/NCT01827488.xml")
        #expect(trial.briefTitle == "[Trial of device that is not approved or cleared by the U.S. FDA]")
        #expect(trial.overallStatus == "Withheld")
        #expect(trial.leadSponsor == "[Redacted]")
        #expect(trial.startDate == .iso("2013-04"))
    }

    @Test func dump2017OldDateTags() throws {
        let trial = try readOne("ctgov-xml/NCT00501553.xml")
        #expect(trial.secondaryIds == ["2005-41-5263", "(KF)01 264904"])
        #expect(trial.acronym == "KarViD")
        // firstreceived_date and lastchanged_date, the pre-2017 names.
        #expect(trial.firstPosted == .iso("2007-07-13"))
        #expect(trial.lastUpdated == .iso("2011-06-23"))
        #expect(trial.startDate == .iso("2005-06"))
        #expect(trial.completionDate == .iso("2007-05"))
        #expect(trial.studyType == "Observational")
        #expect(trial.design == StudyDesign(observationalModel: "Cohort", timePerspective: "Prospective"))
        #expect(trial.briefSummary == "To investigate the prevalence of vitamin D deficiency in patients with Heart Failure.\n\nTo investigate if vitamin D levels are correlated to the degree of Heart Failure.")
        #expect(trial.conditionMeshTerms == ["Heart Failure"])
        #expect(trial.interventionMeshTerms == ["Vitamin D"])
        #expect(trial.eligibility.inclusion == ["Patient in the Heart Failure Clinic, Hvidovre Hospital",
                                                "Willing to participate and sign informed consent over 18 years of age"])
        #expect(trial.eligibility.exclusion.isEmpty)
        #expect(trial.officials.map(\.role) == ["Principal Investigator", "Study Chair"])
        #expect(trial.locations == [Location(facility: "Hvidovre University Hospital", city: "Hvidovre", country: "Denmark")])
    }

    @Test func dump2018NewDateTagsAndRenamingComment() throws {
        let trial = try readOne("ctgov-xml/NCT03723057.xml")
        #expect(trial.firstPosted == .iso("2018-10-29"))
        #expect(trial.lastUpdated == .iso("2018-10-29"))
        #expect(trial.eligibility.minimumAgeYears == nil)
        #expect(trial.eligibility.minimumAge == "")
    }

    @Test func dump2020WithCRLFLineEnds() throws {
        let trial = try readOne("ctgov-xml/NCT04556630.xml")
        #expect(trial.briefTitle == "Experience of Lock Down Related to the Covid-19 Epidemic and Its Impact on the Project of Parenthood")
        #expect(trial.overallStatus == "Not yet recruiting")
        #expect(trial.enrollment == 360)
        #expect(trial.firstPosted == .iso("2020-09-21"))
        #expect(trial.eligibility.inclusion == [
            "couples followed up in Assisted Reproduction and CECOS Nord",
            "the cessation of assistance reproduction protocols related to the Covid-19 outbreak on March 13, 2020.",
            "acceptance of teleconsultation",
        ])
        #expect(trial.officials.first?.name == "Bérengère DUCROCQ, MD")
        for text in [trial.briefSummary, trial.detailedDescription, trial.eligibility.criteria] {
            #expect(!text.contains("\r"))
        }
    }

    @Test func dump2022WithCarriageReturnReferences() throws {
        let trial = try readOne("ctgov-xml/NCT04422561.xml")
        #expect(trial.phases == ["Phase 2", "Phase 3"])
        #expect(trial.startDate == .iso("2020-05-31"))
        #expect(trial.eligibility.healthyVolunteers == true)
        #expect(trial.eligibility.minimumAgeYears == 16)
        #expect(trial.eligibility.maximumAgeYears == 70)
        #expect(trial.eligibility.inclusion == ["family contact of confirmed COVID-19 case"])
        #expect(trial.eligibility.exclusion == ["refuse to participate and receive the drug pregnancy or lactation known hypersensitivity to ivermectin"])
        #expect(trial.locations == [Location(facility: "Zagazig University", city: "Zagazig", state: "Sharkia", country: "Egypt")])
        #expect(!trial.eligibility.criteria.contains("\r"))
    }

    @Test func dump2023WithoutDeclaration() throws {
        let trial = try readOne("ctgov-xml/NCT00001070.xml")
        #expect(trial.briefSummary == "This is a study to evaluate the tolerance and antiviral effect of oral vitamin C in HIV-infected.")
        #expect(trial.overallStatus == "Withdrawn")
        #expect(trial.phases == ["N/A"])
        #expect(trial.enrollment == 0)
        #expect(trial.design.primaryPurpose == "Treatment")
        #expect(trial.interventions == [Intervention(type: "Drug", name: "Oral Vitamin C")])
        #expect(trial.conditionMeshTerms == ["HIV Infections"])
        #expect(trial.interventionMeshTerms == ["Ascorbic Acid"])
        #expect(trial.eligibility.criteria.isEmpty)
        #expect(trial.firstPosted == .iso("2001-08-31"))
        #expect(trial.lastUpdated == .iso("2021-11-01"))
    }

    @Test func recordWithClinicalResults() throws {
        let trial = try readOne("ctgov-xml/NCT00461812.xml")
        #expect(trial.briefTitle == "A Comparison of Mometasone to Advair in Patients With Milder Persistent Asthma")
        #expect(trial.phases == ["Phase 4"])
        #expect(trial.interventions.map(\.name) == ["Mometasone", "Advair"])
        #expect(trial.conditionMeshTerms == ["Asthma"])
        // Results measures and groups are not outcomes or arms of the protocol.
        #expect(trial.armGroups.count == 2)
        #expect(trial.primaryOutcomes.allSatisfy { !$0.measure.isEmpty })
    }

    @Test func doubleEscapeIsKeptAsPublished() throws {
        let trial = try readOne("ctgov-xml/NCT00001981.xml")
        #expect(trial.primaryOutcomes.contains { $0.timeFrame == "every 6 months &amp; at end of study" }
                || trial.secondaryOutcomes.contains { $0.timeFrame == "every 6 months &amp; at end of study" })
        #expect(trial.startDate == .iso("1991-10-02"))
        // "-  INCLUSION CRITERIA:" (a heading written as a list item).
        #expect(trial.eligibility.inclusion == ["Patients will be enrolled who are 18 years of age or over who are referred for care."])
    }

    @Test func replacementCharacterIsKeptAsPublished() throws {
        let trial = try readOne("ctgov-xml/NCT00495404.xml")
        #expect(trial.detailedDescription.contains("patients\u{FFFD} reports") || trial.briefSummary.contains("patients\u{FFFD} reports"))
        #expect(trial.eligibility.inclusion == ["Veteran within Greater Los Angeles Healthcare System; Presence of chronic non-malignant pain for at least 6 months"])
    }

    @Test func prematureOvarianInsufficiencyTrials() throws {
        let a = try readOne("ctgov-xml/NCT01742533.xml")
        #expect(a.phases == ["Phase 1", "Phase 2"])
        #expect(a.eligibility.sex == "Female")
        #expect(a.eligibility.minimumAgeYears == 18)
        #expect(a.eligibility.maximumAgeYears == 39)
        #expect(a.startDate == .iso("2012-03"))
        let b = try readOne("ctgov-xml/NCT03816852.xml")
        #expect(b.phases == ["Phase 2"])
        #expect(b.startDate == .iso("2018-10-01"))
        #expect(b.eligibility.minimumAgeYears == 19)
        #expect(b.eligibility.maximumAgeYears == 40)
    }
}
