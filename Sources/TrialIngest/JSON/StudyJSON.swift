import TrialSearchCore

/// Reads one ClinicalTrials.gov API v2 study (`{"protocolSection": …, "derivedSection": …}`) into a
/// `Trial`.
///
/// The API's enum codes become the legacy XML's display words (`Vocabulary`), its Markdown text loses
/// its backslash escapes and character references (`&#39;` → "'"), `derivedSection`'s `meshes` (not their ancestors) become the MeSH terms, and
/// `countries` is derived from the locations, in order without repeats. Used for single-study files,
/// each element of a `ctg-studies.json` array, each study of an API response's `studies` array, and
/// each line of a JSON Lines file of studies.
enum StudyJSON {
    /// Whether `value` is an API v2 study.
    static func isStudy(_ value: JSONValue) -> Bool {
        value["protocolSection"] != nil
    }

    /// - Throws: `IngestError.missingField` when the study has no `nctId`.
    static func read(_ study: JSONValue, source: RecordSource, at location: IngestLocation) throws(IngestError) -> Trial {
        guard let protocolSection = study["protocolSection"] else {
            throw .missingField(location, format: .studyJSON, field: "protocolSection")
        }
        let identification = protocolSection["identificationModule"]
        guard let nctId = identification?["nctId"]?.string, let id = TrialID(nctId) else {
            throw .missingField(location, format: .studyJSON, field: "protocolSection.identificationModule.nctId")
        }
        var trial = Trial(id: id, registry: "ClinicalTrials.gov", source: source)

        if let identification {
            if let org = identification["orgStudyIdInfo", "id"]?.string.map(line), !org.isEmpty {
                trial.secondaryIds.append(org)
            }
            for info in identification["secondaryIdInfos"]?.elements ?? [] {
                if let value = info["id"]?.string.map(line), !value.isEmpty { trial.secondaryIds.append(value) }
            }
            trial.secondaryIds += lines(identification["nctIdAliases"])
            trial.briefTitle = text(identification["briefTitle"])
            trial.officialTitle = text(identification["officialTitle"])
            trial.acronym = text(identification["acronym"])
        }
        if let status = protocolSection["statusModule"] {
            trial.overallStatus = Vocabulary.status(text(status["overallStatus"]))
            trial.startDate = date(status["startDateStruct"])
            trial.completionDate = date(status["completionDateStruct"])
            trial.firstPosted = date(status["studyFirstPostDateStruct"])
            trial.lastUpdated = date(status["lastUpdatePostDateStruct"])
        }
        if let sponsors = protocolSection["sponsorCollaboratorsModule"] {
            trial.leadSponsor = text(sponsors["leadSponsor", "name"])
            trial.collaborators = (sponsors["collaborators"]?.elements ?? []).map { text($0["name"]) }.filter { !$0.isEmpty }
        }
        if let description = protocolSection["descriptionModule"] {
            trial.briefSummary = paragraphs(description["briefSummary"])
            trial.detailedDescription = paragraphs(description["detailedDescription"])
        }
        if let conditions = protocolSection["conditionsModule"] {
            trial.conditions = lines(conditions["conditions"])
            trial.keywords = lines(conditions["keywords"])
        }
        if let design = protocolSection["designModule"] {
            trial.studyType = Vocabulary.studyType(text(design["studyType"]),
                                                   patientRegistry: design["patientRegistry"]?.bool ?? false)
            for phase in lines(design["phases"]) {
                for word in Vocabulary.phases(phase) where !trial.phases.contains(word) { trial.phases.append(word) }
            }
            trial.enrollment = design["enrollmentInfo", "count"]?.int
            if let info = design["designInfo"] {
                trial.design.allocation = Vocabulary.design(text(info["allocation"]))
                trial.design.interventionModel = Vocabulary.design(text(info["interventionModel"]))
                trial.design.primaryPurpose = Vocabulary.design(text(info["primaryPurpose"]))
                trial.design.masking = Vocabulary.masking(text(info["maskingInfo", "masking"]),
                                                          whoMasked: lines(info["maskingInfo", "whoMasked"]))
                trial.design.observationalModel = Vocabulary.design(text(info["observationalModel"]))
                trial.design.timePerspective = Vocabulary.design(text(info["timePerspective"]))
            }
        }
        if let arms = protocolSection["armsInterventionsModule"] {
            trial.armGroups = (arms["armGroups"]?.elements ?? []).map { group in
                ArmGroup(label: text(group["label"]), type: Vocabulary.titleWords(text(group["type"])),
                         description: paragraphs(group["description"]))
            }
            trial.interventions = (arms["interventions"]?.elements ?? []).map { item in
                Intervention(type: Vocabulary.titleWords(text(item["type"])), name: text(item["name"]),
                             description: paragraphs(item["description"]), otherNames: lines(item["otherNames"]),
                             armGroupLabels: lines(item["armGroupLabels"]))
            }
        }
        if let outcomes = protocolSection["outcomesModule"] {
            trial.primaryOutcomes = (outcomes["primaryOutcomes"]?.elements ?? []).map(outcome)
            trial.secondaryOutcomes = (outcomes["secondaryOutcomes"]?.elements ?? []).map(outcome)
        }
        if let eligibility = protocolSection["eligibilityModule"] {
            let criteria = paragraphs(eligibility["eligibilityCriteria"])
            let split = CriteriaSplitter.split(criteria)
            let minimum = text(eligibility["minimumAge"])
            let maximum = text(eligibility["maximumAge"])
            let sex = text(eligibility["sex"])
            trial.eligibility = Eligibility(
                criteria: criteria, inclusion: split.inclusion, exclusion: split.exclusion,
                sex: sex.isEmpty ? "" : Vocabulary.sex(sex),
                minimumAge: AgeLimit.published(minimum), maximumAge: AgeLimit.published(maximum),
                minimumAgeYears: AgeLimit.years(minimum), maximumAgeYears: AgeLimit.years(maximum),
                healthyVolunteers: eligibility["healthyVolunteers"]?.bool)
        }
        if let contacts = protocolSection["contactsLocationsModule"] {
            trial.officials = (contacts["overallOfficials"]?.elements ?? []).map { official in
                Official(name: text(official["name"]), role: Vocabulary.titleWords(text(official["role"])),
                         affiliation: text(official["affiliation"]))
            }
            trial.locations = (contacts["locations"]?.elements ?? []).map { site in
                Location(facility: text(site["facility"]), city: text(site["city"]), state: text(site["state"]),
                         country: text(site["country"]))
            }
            trial.countries = uniqued(trial.locations.map(\.country).filter { !$0.isEmpty })
        }
        if let derived = study["derivedSection"] {
            trial.conditionMeshTerms = (derived["conditionBrowseModule", "meshes"]?.elements ?? []).map { text($0["term"]) }
                .filter { !$0.isEmpty }
            trial.interventionMeshTerms = (derived["interventionBrowseModule", "meshes"]?.elements ?? [])
                .map { text($0["term"]) }.filter { !$0.isEmpty }
        }
        return trial
    }

    private static func outcome(_ value: JSONValue) -> Outcome {
        Outcome(measure: text(value["measure"]), timeFrame: text(value["timeFrame"]),
                description: paragraphs(value["description"]))
    }

    /// A one-line value, Markdown escapes removed; "" when absent or not a string.
    static func text(_ value: JSONValue?) -> String {
        guard let raw = value?.string else { return "" }
        return line(raw)
    }

    private static func line(_ raw: String) -> String {
        TextNormalizer.line(raw, .markdown)
    }

    /// Multi-paragraph text, normalized; "" when absent.
    static func paragraphs(_ value: JSONValue?) -> String {
        guard let raw = value?.string else { return "" }
        return TextNormalizer.paragraphs(raw, .markdown)
    }

    /// An array of one-line strings, empty ones dropped.
    static func lines(_ value: JSONValue?) -> [String] {
        (value?.elements ?? []).compactMap { $0.string.map(line) }.filter { !$0.isEmpty }
    }

    /// `{"date": "2020-08-07", "type": …}` → the date.
    private static func date(_ value: JSONValue?) -> PartialDate? {
        guard let text = value?["date"]?.string else { return nil }
        return RegistryDate.parse(text)
    }
}
