import TrialSearchCore

/// Reads `Trial`s back from their own JSON form (`Trial+JSON.swift`): the lines `trialsearch convert`
/// prints, so its output can be indexed or compared without going back to the registry dumps.
///
/// The inverse of `Trial.writeJSON`: every key it writes is read back (`meshTerms`, a derived union,
/// is ignored), absent keys leave the property empty, unknown keys are ignored, and `source` is taken
/// from the record as written (the original dump), not from the JSON Lines file. A record without
/// `"id"` or with an unknown `source.format` is an error.
///
/// A generic record, `{"id": "…", "title": "…", "text": "…"}` (the shape many tools export free text
/// in), is read as a free-text record: when the object has none of `Trial`'s text keys, `title`
/// becomes the brief title and `text` the brief summary, as `PlainText` makes them, rather than being
/// dropped as unknown keys and leaving a record with nothing to search.
public enum TrialJSONReader {
    /// Whether `value` looks like a `Trial` JSON object: it has a string `id` and no `protocolSection`.
    static func isTrial(_ value: JSONValue) -> Bool {
        value["id"]?.kind == .string && value["protocolSection"] == nil
    }

    /// Parses one JSON object (one line of `convert`'s output).
    public static func read(_ bytes: UnsafeRawBufferPointer, options: IngestOptions = IngestOptions(),
                            at location: IngestLocation) throws(IngestError) -> Trial {
        if let trial = TrialJSONDecoder.decode(bytes, maxDepth: options.maxJSONDepth) { return trial }
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes, maxDepth: options.maxJSONDepth)
        } catch {
            throw IngestError(error, at: location)
        }
        return try read(tape.root, at: location)
    }

    static func read(_ object: JSONValue, at location: IngestLocation) throws(IngestError) -> Trial {
        guard let idText = object["id"]?.string, let id = TrialID(idText) else {
            throw .missingField(location, format: .plainText, field: "\"id\" (a Trial JSON object)")
        }
        var source = RecordSource()
        if let value = object["source"] {
            source.file = value["file"]?.string ?? ""
            source.entry = value["entry"]?.string ?? ""
            let formatName = value["format"]?.string ?? ""
            guard let format = RecordFormat(rawValue: formatName) else {
                throw .malformedJSON(location, offset: 0, message: "unknown source.format \"\(formatName)\"")
            }
            source.format = format
        }
        var trial = Trial(id: id, registry: string(object["registry"]), source: source)
        trial.secondaryIds = strings(object["secondaryIds"])
        trial.briefTitle = string(object["briefTitle"])
        trial.officialTitle = string(object["officialTitle"])
        trial.acronym = string(object["acronym"])
        trial.briefSummary = string(object["briefSummary"])
        trial.detailedDescription = string(object["detailedDescription"])
        trial.conditions = strings(object["conditions"])
        trial.keywords = strings(object["keywords"])
        trial.conditionMeshTerms = strings(object["conditionMeshTerms"])
        trial.interventionMeshTerms = strings(object["interventionMeshTerms"])
        trial.interventions = (object["interventions"]?.elements ?? []).map { v in
            Intervention(type: string(v["type"]), name: string(v["name"]), description: string(v["description"]),
                         otherNames: strings(v["otherNames"]), armGroupLabels: strings(v["armGroupLabels"]))
        }
        trial.armGroups = (object["armGroups"]?.elements ?? []).map { v in
            ArmGroup(label: string(v["label"]), type: string(v["type"]), description: string(v["description"]))
        }
        trial.primaryOutcomes = (object["primaryOutcomes"]?.elements ?? []).map(outcome)
        trial.secondaryOutcomes = (object["secondaryOutcomes"]?.elements ?? []).map(outcome)
        if let e = object["eligibility"] {
            trial.eligibility = Eligibility(
                criteria: string(e["criteria"]), inclusion: strings(e["inclusion"]), exclusion: strings(e["exclusion"]),
                sex: string(e["sex"]), minimumAge: string(e["minimumAge"]), maximumAge: string(e["maximumAge"]),
                minimumAgeYears: e["minimumAgeYears"]?.double, maximumAgeYears: e["maximumAgeYears"]?.double,
                healthyVolunteers: e["healthyVolunteers"]?.bool)
        }
        trial.overallStatus = string(object["overallStatus"])
        trial.phases = strings(object["phases"])
        trial.studyType = string(object["studyType"])
        if let d = object["design"] {
            trial.design = StudyDesign(
                allocation: string(d["allocation"]), interventionModel: string(d["interventionModel"]),
                primaryPurpose: string(d["primaryPurpose"]), masking: string(d["masking"]),
                observationalModel: string(d["observationalModel"]), timePerspective: string(d["timePerspective"]))
        }
        trial.enrollment = object["enrollment"]?.int
        trial.startDate = date(object["startDate"])
        trial.completionDate = date(object["completionDate"])
        trial.firstPosted = date(object["firstPosted"])
        trial.lastUpdated = date(object["lastUpdated"])
        trial.leadSponsor = string(object["leadSponsor"])
        trial.collaborators = strings(object["collaborators"])
        trial.officials = (object["officials"]?.elements ?? []).map { v in
            Official(name: string(v["name"]), role: string(v["role"]), affiliation: string(v["affiliation"]))
        }
        trial.countries = strings(object["countries"])
        trial.locations = (object["locations"]?.elements ?? []).map { v in
            Location(facility: string(v["facility"]), city: string(v["city"]), state: string(v["state"]),
                     country: string(v["country"]))
        }
        trial.relatedIds = strings(object["relatedIds"])
        if trial.briefTitle.isEmpty && trial.officialTitle.isEmpty && trial.briefSummary.isEmpty
            && trial.detailedDescription.isEmpty {
            let text = string(object["text"])
            let title = string(object["title"])
            if !text.isEmpty || !title.isEmpty { PlainText.fill(&trial, text: text, title: title) }
        }
        return trial
    }

    private static func string(_ value: JSONValue?) -> String { value?.string ?? "" }
    private static func strings(_ value: JSONValue?) -> [String] { value?.strings ?? [] }
    private static func date(_ value: JSONValue?) -> PartialDate? { value?.string.flatMap { PartialDate(iso: $0) } }
    private static func outcome(_ v: JSONValue) -> Outcome {
        Outcome(measure: string(v["measure"]), timeFrame: string(v["timeFrame"]), description: string(v["description"]))
    }
}

extension IngestError {
    /// The `IngestError` for a JSON parse failure at `location`.
    init(_ failure: JSONTape.Failure, at location: IngestLocation) {
        if failure.notUTF8 {
            self = .notUTF8(location, offset: failure.offset)
        } else if let limit = failure.depthLimit {
            self = .tooDeep(location, what: "JSON objects and arrays", limit: limit)
        } else {
            self = .malformedJSON(location, offset: failure.offset, message: failure.message)
        }
    }
}
