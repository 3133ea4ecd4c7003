/// The JSON form of a `Trial`: one compact object, the line that `trialsearch convert` prints and that
/// `show --json` prints for a stored trial.
///
/// Keys are camelCase, always in this order (absent values are omitted: empty strings, empty arrays,
/// nil numbers and dates, an eligibility or design object with nothing in it):
///
///     id registry secondaryIds briefTitle officialTitle acronym briefSummary detailedDescription
///     conditions keywords meshTerms conditionMeshTerms interventionMeshTerms
///     interventions[{type name description otherNames armGroupLabels}]
///     armGroups[{label type description}]
///     primaryOutcomes[{measure timeFrame description}] secondaryOutcomes[…]
///     eligibility{sex minimumAge maximumAge minimumAgeYears maximumAgeYears healthyVolunteers
///                 criteria inclusion exclusion}
///     overallStatus phases studyType
///     design{allocation interventionModel primaryPurpose masking observationalModel timePerspective}
///     enrollment startDate completionDate firstPosted lastUpdated
///     leadSponsor collaborators officials[{name role affiliation}] countries
///     locations[{facility city state country}] relatedIds source{file entry format}
///
/// `id` and `source.format` are always present. `meshTerms` is the union of `conditionMeshTerms` and
/// `interventionMeshTerms` (condition terms first, repeats dropped): a convenience for readers of the
/// JSON, not a `Trial` property, so decoders ignore it. Dates are ISO 8601 `YYYY-MM` or `YYYY-MM-DD` as
/// precise as the registry gave them; ages are numbers of years. Example (abridged):
///
///     {"id":"NCT05308342","registry":"ClinicalTrials.gov","briefTitle":"Clinical Study of …",
///      "conditions":["Premature Ovarian Insufficiency"],"eligibility":{"sex":"Female",
///      "minimumAge":"20 Years","maximumAge":"39 Years","minimumAgeYears":20,"maximumAgeYears":39,
///      "healthyVolunteers":false,…},"phases":["N/A"],"enrollment":66,"startDate":"2019-11-20",
///      …,"relatedIds":["NCT06132542","NCT06578039"],"source":{"file":"NCT05308342.txt",
///      "format":"text-dump"}}
extension Trial {
    /// The JSON object on one line, without a trailing newline.
    public var jsonString: String {
        var writer = JSONWriter(capacity: 4096)
        writeJSON(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends the JSON object (no trailing newline) to `writer`.
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(id.rawValue)
        writer.field("registry", registry)
        writer.field("secondaryIds", secondaryIds)
        writer.field("briefTitle", briefTitle)
        writer.field("officialTitle", officialTitle)
        writer.field("acronym", acronym)
        writer.field("briefSummary", briefSummary)
        writer.field("detailedDescription", detailedDescription)
        writer.field("conditions", conditions)
        writer.field("keywords", keywords)
        writer.field("meshTerms", meshTerms)
        writer.field("conditionMeshTerms", conditionMeshTerms)
        writer.field("interventionMeshTerms", interventionMeshTerms)
        if !interventions.isEmpty {
            writer.key("interventions")
            writer.beginArray()
            for item in interventions {
                writer.beginObject()
                writer.field("type", item.type)
                writer.field("name", item.name)
                writer.field("description", item.description)
                writer.field("otherNames", item.otherNames)
                writer.field("armGroupLabels", item.armGroupLabels)
                writer.endObject()
            }
            writer.endArray()
        }
        if !armGroups.isEmpty {
            writer.key("armGroups")
            writer.beginArray()
            for group in armGroups {
                writer.beginObject()
                writer.field("label", group.label)
                writer.field("type", group.type)
                writer.field("description", group.description)
                writer.endObject()
            }
            writer.endArray()
        }
        Trial.write(outcomes: primaryOutcomes, key: "primaryOutcomes", to: &writer)
        Trial.write(outcomes: secondaryOutcomes, key: "secondaryOutcomes", to: &writer)
        if eligibility != Eligibility() {
            writer.key("eligibility")
            writer.beginObject()
            writer.field("sex", eligibility.sex)
            writer.field("minimumAge", eligibility.minimumAge)
            writer.field("maximumAge", eligibility.maximumAge)
            writer.field("minimumAgeYears", eligibility.minimumAgeYears)
            writer.field("maximumAgeYears", eligibility.maximumAgeYears)
            writer.field("healthyVolunteers", eligibility.healthyVolunteers)
            writer.field("criteria", eligibility.criteria)
            writer.field("inclusion", eligibility.inclusion)
            writer.field("exclusion", eligibility.exclusion)
            writer.endObject()
        }
        writer.field("overallStatus", overallStatus)
        writer.field("phases", phases)
        writer.field("studyType", studyType)
        if !design.isEmpty {
            writer.key("design")
            writer.beginObject()
            writer.field("allocation", design.allocation)
            writer.field("interventionModel", design.interventionModel)
            writer.field("primaryPurpose", design.primaryPurpose)
            writer.field("masking", design.masking)
            writer.field("observationalModel", design.observationalModel)
            writer.field("timePerspective", design.timePerspective)
            writer.endObject()
        }
        writer.field("enrollment", enrollment)
        writer.field("startDate", startDate?.description ?? "")
        writer.field("completionDate", completionDate?.description ?? "")
        writer.field("firstPosted", firstPosted?.description ?? "")
        writer.field("lastUpdated", lastUpdated?.description ?? "")
        writer.field("leadSponsor", leadSponsor)
        writer.field("collaborators", collaborators)
        if !officials.isEmpty {
            writer.key("officials")
            writer.beginArray()
            for official in officials {
                writer.beginObject()
                writer.field("name", official.name)
                writer.field("role", official.role)
                writer.field("affiliation", official.affiliation)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.field("countries", countries)
        if !locations.isEmpty {
            writer.key("locations")
            writer.beginArray()
            for location in locations {
                writer.beginObject()
                writer.field("facility", location.facility)
                writer.field("city", location.city)
                writer.field("state", location.state)
                writer.field("country", location.country)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.field("relatedIds", relatedIds)
        writer.key("source")
        writer.beginObject()
        writer.field("file", source.file)
        writer.field("entry", source.entry)
        writer.key("format")
        writer.string(source.format.rawValue)
        writer.endObject()
        writer.endObject()
    }

    /// The condition MeSH terms then the intervention MeSH terms, without repeats: the `meshTerms` key.
    public var meshTerms: [String] {
        guard !interventionMeshTerms.isEmpty else { return conditionMeshTerms }
        var seen = Set(conditionMeshTerms)
        var terms = conditionMeshTerms
        for term in interventionMeshTerms where seen.insert(term).inserted { terms.append(term) }
        return terms
    }

    private static func write(outcomes: [Outcome], key: StaticString, to writer: inout JSONWriter) {
        guard !outcomes.isEmpty else { return }
        writer.key(key)
        writer.beginArray()
        for outcome in outcomes {
            writer.beginObject()
            writer.field("measure", outcome.measure)
            writer.field("timeFrame", outcome.timeFrame)
            writer.field("description", outcome.description)
            writer.endObject()
        }
        writer.endArray()
    }
}
