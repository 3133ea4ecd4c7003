import Testing
@testable import TrialIngest
import TrialSearchCore

/// Field-level checks on a real part of the WHO ICTRP export (8 of its 578 trials, bytes unchanged:
/// root element on the declaration's line, mixed CR/CRLF line ends, padded fields).
@Suite struct ICTRPExportTests {
    static let part = "ictrp/ICTRP-Results_18Mar2020-part.xml"

    private func trials() throws -> [Trial] {
        let (trials, errors, _) = try readAll([Fixtures.path(ICTRPExportTests.part)], workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        return trials
    }

    @Test func readsEveryTrialInOrder() throws {
        #expect(try trials().map(\.id.rawValue) == [
            "ChiCTR2000029953", "ChiCTR2000029935", "ChiCTR2000029868", "ChiCTR2000029850",
            "NCT00523276", "NCT04246242", "NCT00173563", "ChiCTR2000030005",
        ])
    }

    @Test func chiCTRTrial() throws {
        let trial = try #require(try trials().first { $0.id.rawValue == "ChiCTR2000029850" })
        #expect(trial.registry == "ChiCTR")
        #expect(trial.briefTitle == "Study on convalescent plasma treatment for severe patients with novel coronavirus pneumonia (COVID-19)")
        #expect(trial.officialTitle.hasPrefix("Effecacy and safty of convalescent plasma treatment"))
        #expect(trial.overallStatus == "Recruiting")
        // ChiCTR's phase "0" is ClinicalTrials.gov's Early Phase 1 (formerly Phase 0).
        #expect(trial.phases == ["Early Phase 1"])
        #expect(trial.studyType == "Interventional")
        #expect(trial.enrollment == 20)
        #expect(trial.firstPosted == .iso("2020-02-15"))
        #expect(trial.startDate == .iso("2020-02-15"))
        // Last_Refreshed_on is the WHO's refresh date, not an update of the trial.
        #expect(trial.lastUpdated == nil)
        #expect(trial.eligibility.sex == "Male")
        #expect(trial.eligibility.minimumAge == "16")
        #expect(trial.eligibility.minimumAgeYears == 16)
        #expect(trial.eligibility.maximumAgeYears == 99)
        #expect(trial.eligibility.inclusion == [
            "Laboratory confirmed diagnosis of COVID19 infection by RT-PCR;", "Aged > 18 years;",
            "Written informed consent given by the patient or next-of-kin;",
            "Clinical deterioration despite conventional treatment that required intensive care.",
        ])
        #expect(trial.eligibility.exclusion == ["Hypersensitive to immunoglobulin;", "Have immunoglobulin A deficiency."])
        // Padding gone, the doubled space inside the value collapsed.
        #expect(trial.conditions == ["Novel Coronavirus Pneumonia (COVID-19)"])
        #expect(trial.countries == ["China"])
        #expect(trial.interventions.map(\.name) == [
            "experimental group:standardized comprehensive treatment combined with convalescent plasma treatment",
            "control group:standardized comprehensive treatment",
        ])
        #expect(trial.source.format == .ictrp)
    }

    @Test func clinicalTrialsGovTrialInTheExport() throws {
        let trial = try #require(try trials().first { $0.id.rawValue == "NCT04246242" })
        #expect(trial.registry == "ClinicalTrials.gov")
        #expect(trial.firstPosted == .iso("2020-01-27"))  // Date_registration3, not the day-first 27/01/2020
        #expect(trial.startDate == .iso("2020-01-25"))
        #expect(trial.phases == ["Phase 4"])
        #expect(trial.overallStatus == "Not recruiting")
        #expect(trial.enrollment == 500)
        #expect(trial.interventions == [
            Intervention(type: "Drug", name: "Conventional treatment group"),
            Intervention(type: "Drug", name: "arbidol,200mg,tid"),
            Intervention(type: "Drug", name: "arbidol,400mg,tid"),
        ])
        #expect(trial.design == StudyDesign(allocation: "Randomized", interventionModel: "Parallel Assignment",
                                            primaryPurpose: "Treatment", masking: "Single (Participant)"))
        // The export's <br> line breaks and indentation are gone; both parts are in Inclusion_Criteria.
        #expect(trial.eligibility.criteria == "Inclusion Criteria:\n\nPatients diagnosed with RT-PCR for 2019 Novel Coronavirus (2019-nCoV)\n\nExclusion Criteria:\n\nPatients infected with other viruses")
        #expect(trial.eligibility.inclusion == ["Patients diagnosed with RT-PCR for 2019 Novel Coronavirus (2019-nCoV)"])
        #expect(trial.eligibility.exclusion == ["Patients infected with other viruses"])
        #expect(trial.eligibility.minimumAgeYears == nil)
        #expect(trial.eligibility.minimumAge == "")
    }

    @Test func htmlCharacterReferencesAreText() throws {
        let trial = try #require(try trials().first { $0.id.rawValue == "ChiCTR2000030005" })
        #expect(trial.interventions.contains { $0.name == "Index test:SARS-Cov-2 nucleic acid test: 1.morning sputum samples" })
        #expect(trial.studyType == "Diagnostic test")
        #expect(trial.enrollment == 200)
        #expect(!trial.eligibility.criteria.contains("<br>"))
    }

    @Test func aMalformedTrialIsOneErrorAndTheNextIsRead() throws {
        var text = String(decoding: try Fixtures.bytes(ICTRPExportTests.part), as: UTF8.self)
        // Break the third trial: drop a closing tag.
        let target = "<Public_title>Hydroxychloroquine treating"
        #expect(text.contains(target))
        text = text.replacingOccurrences(of: "</Public_title>\r\n    <Scientific_title>Hydroxychloroquine", with: "\r\n    <Scientific_title>Hydroxychloroquine")
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array(text.utf8), to: folder + "/export.xml")
        let (trials, errors, results) = try readAll([folder])
        #expect(trials.count == 7)
        #expect(!trials.contains { $0.id.rawValue == "ChiCTR2000029868" })
        #expect(errors.count == 1)
        guard case .failure(.malformedXML(let location, _)) = results[2] else {
            Issue.record("expected the third record to fail, got \(results[2])")
            return
        }
        #expect(location.record == 3)
        // The line is the file's, not the record's.
        let line = try #require(location.line)
        #expect(line > 20)
    }

    @Test func aTruncatedExportReportsItsLastTrial() throws {
        let bytes = try Fixtures.bytes(ICTRPExportTests.part)
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        try Fixtures.write(Array(bytes.prefix(bytes.count - 500)), to: folder + "/export.xml")
        let (trials, errors, _) = try readAll([folder])
        #expect(trials.count == 7)
        #expect(errors.count == 1)
        if case .malformedXML(let location, let message) = errors.first {
            #expect(location.record == 8)
            #expect(message.contains("not closed"))
        } else {
            Issue.record("expected malformedXML, got \(errors)")
        }
    }

    @Test func recordLimitSkipsOnlyTheLargeTrial() throws {
        var options = IngestOptions()
        options.maxRecordBytes = 4000
        let (trials, errors, _) = try readAll([Fixtures.path(ICTRPExportTests.part)], options: options)
        #expect(trials.count + errors.count == 8, "\(errors)")
        #expect(!errors.isEmpty)
        for error in errors {
            guard case .tooLarge(_, "record", _, 4000) = error else {
                Issue.record("expected tooLarge, got \(error)")
                continue
            }
        }
    }

    @Test func placeholdersAreNoValue() throws {
        // ChiCTR2000030223 publishes Primary_sponsor "N/A"; ChiCTR2000030012 a primary outcome "N/A".
        let fields: [String: [UInt8]] = [
            "TrialID": Array("ChiCTR2000030223".utf8), "Primary_sponsor": Array("N/A     ".utf8),
            "Primary_outcome": Array("N/A".utf8), "Phase": Array("N/A".utf8), "Inclusion_agemin": Array("N/A".utf8),
        ]
        let trial = try ICTRPExport.trial(from: fields, source: RecordSource(format: .ictrp), at: IngestLocation(file: "x"))
        #expect(trial.registry == "ChiCTR")  // from the id when Source_Register is missing
        #expect(trial.leadSponsor == "")
        #expect(trial.primaryOutcomes.isEmpty)
        #expect(trial.phases == ["N/A"])
        #expect(trial.eligibility.minimumAge == "")
    }

    @Test func declaredEncoding() {
        let head = Array("<?xml version='1.0' encoding='UTF-8' ?><Trials_downloaded_from_ICTRP>".utf8)
        #expect(head.withUnsafeBytes { ICTRPExport.declaredEncoding($0) } == "UTF-8")
        let none = Array("<Trials_downloaded_from_ICTRP>".utf8)
        #expect(none.withUnsafeBytes { ICTRPExport.declaredEncoding($0) } == nil)
    }

    /// libxml2 counts no line at a lone CR: an error in a `<Trial>` after lone-CR line ends was on a
    /// line too early (with lone CRs only, on the record's first line). Trial 2 of the export as
    /// published has 11 lone CRs in `Exclusion_Criteria` (CR LF elsewhere); a tag opened in its
    /// `<Condition>` is an error on that line as published, with LF, CR LF and lone-CR line ends.
    @Test func anErrorAfterLoneCRsIsOnItsLine() throws {
        let published = try Fixtures.bytes(ICTRPExportTests.part)
        let second = try #require(indexOf(Array("<TrialID>ChiCTR2000029935".utf8), in: published))
        let condition = try #require(indexOf(Array("<Condition>".utf8), in: Array(published[second...]))) + second
        let lineEnds = { (bytes: [UInt8], end: Int) in
            (0..<end).filter { bytes[$0] == 0x0A || (bytes[$0] == 0x0D && bytes[$0 + 1] != 0x0A) }.count
        }
        let loneCRs = (second..<condition).filter { published[$0] == 0x0D && published[$0 + 1] != 0x0A }.count
        #expect(loneCRs == 11)
        var broken = published
        broken.insert(contentsOf: Array("<x>".utf8), at: condition + "<Condition>".utf8.count)
        let line = lineEnds(broken, condition) + 1
        #expect(line == 81)
        let lf = LineEndTwinTests.unitTwin(broken)
        let variants = [("published", broken), ("lf", lf), ("crlf", LineEndTwinTests.unitTwin(lf)),
                        ("cr", lf.map { $0 == 0x0A ? 0x0D : $0 })]
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        for (name, bytes) in variants {
            let path = folder + "/\(name).xml"
            try Fixtures.write(bytes, to: path)
            let (trials, errors, _) = try readAll([path])
            #expect(trials.count == 7, "\(name)")
            #expect(errors == [.malformedXML(IngestLocation(file: path, record: 2, line: line),
                                             message: "Opening and ending tag mismatch: x line 42 and Condition")], "\(name)")
        }
    }
}
