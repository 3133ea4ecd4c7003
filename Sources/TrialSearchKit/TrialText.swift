import TrialSearchCore

/// The whole stored record for people (`trialsearch show ID`): every property the record has, labeled,
/// in the order of the `Trial` model; long texts indented, lists one item per line. Empty properties
/// are left out.
public enum TrialText {
    public static func format(_ t: Trial) -> String {
        var lines: [String] = []
        func line(_ label: String, _ value: String) {
            if !value.isEmpty { lines.append("\(label): \(value)") }
        }
        func list(_ label: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            lines.append("\(label):")
            for v in values { lines.append("  - " + v.replacingLineBreaks()) }
        }
        func text(_ label: String, _ value: String) {
            guard !value.isEmpty else { return }
            lines.append("\(label):")
            for paragraph in value.split(separator: "\n", omittingEmptySubsequences: true) {
                lines.append("  " + paragraph)
            }
        }
        lines.append("\(t.id)  \(t.registry)")
        line("Title", t.briefTitle)
        line("Official title", t.officialTitle)
        line("Acronym", t.acronym)
        list("Secondary ids", t.secondaryIds)
        line("Status", t.overallStatus)
        line("Phase", t.phases.joined(separator: "/"))
        line("Study type", t.studyType)
        line("Enrollment", t.enrollment.map(String.init) ?? "")
        let d = t.design
        let design = [("allocation", d.allocation), ("model", d.interventionModel), ("purpose", d.primaryPurpose),
                      ("masking", d.masking), ("observational model", d.observationalModel),
                      ("time perspective", d.timePerspective)].filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }
        line("Design", design.joined(separator: "; "))
        line("Start", t.startDate?.description ?? "")
        line("Completion", t.completionDate?.description ?? "")
        line("First posted", t.firstPosted?.description ?? "")
        line("Last updated", t.lastUpdated?.description ?? "")
        list("Conditions", t.conditions)
        list("Keywords", t.keywords)
        list("Condition MeSH terms", t.conditionMeshTerms)
        list("Intervention MeSH terms", t.interventionMeshTerms)
        text("Summary", t.briefSummary)
        text("Description", t.detailedDescription)
        if !t.interventions.isEmpty {
            lines.append("Interventions:")
            for i in t.interventions {
                let head = [i.type, i.name].filter { !$0.isEmpty }.joined(separator: ": ")
                lines.append("  - " + head + (i.otherNames.isEmpty ? "" : " (also: \(i.otherNames.joined(separator: ", ")))"))
                if !i.description.isEmpty { lines.append("    " + i.description.replacingLineBreaks()) }
            }
        }
        if !t.armGroups.isEmpty {
            lines.append("Arms:")
            for a in t.armGroups {
                lines.append("  - " + a.label + (a.type.isEmpty ? "" : " (\(a.type))"))
                if !a.description.isEmpty { lines.append("    " + a.description.replacingLineBreaks()) }
            }
        }
        let e = t.eligibility
        let ages = [e.minimumAge.isEmpty ? nil : "from \(e.minimumAge)", e.maximumAge.isEmpty ? nil : "to \(e.maximumAge)"]
            .compactMap { $0 }.joined(separator: " ")
        let who = [e.sex.isEmpty ? nil : "sex \(e.sex)", ages.isEmpty ? nil : "ages \(ages)",
                   e.healthyVolunteers.map { "healthy volunteers \($0 ? "accepted" : "not accepted")" }]
        line("Eligibility", who.compactMap { $0 }.joined(separator: ", "))
        if !e.inclusion.isEmpty || !e.exclusion.isEmpty {
            list("Inclusion criteria", e.inclusion)
            list("Exclusion criteria", e.exclusion)
        } else {
            text("Criteria", e.criteria)
        }
        for (label, outcomes) in [("Primary outcomes", t.primaryOutcomes), ("Secondary outcomes", t.secondaryOutcomes)]
            where !outcomes.isEmpty {
            lines.append("\(label):")
            for o in outcomes {
                lines.append("  - " + o.measure.replacingLineBreaks() + (o.timeFrame.isEmpty ? "" : " [\(o.timeFrame)]"))
                if !o.description.isEmpty { lines.append("    " + o.description.replacingLineBreaks()) }
            }
        }
        line("Sponsor", t.leadSponsor)
        list("Collaborators", t.collaborators)
        list("Officials", t.officials.map { o in
            [o.name, o.role, o.affiliation].filter { !$0.isEmpty }.joined(separator: ", ")
        })
        list("Countries", t.countries)
        if !t.locations.isEmpty {
            lines.append("Locations:")
            for l in t.locations {
                lines.append("  - " + [l.facility, l.city, l.state, l.country].filter { !$0.isEmpty }.joined(separator: ", "))
            }
        }
        list("Related trials (from the record)", t.relatedIds)
        if let url = HitDisplay.url(for: t) { line("URL", url) }
        let source = [t.source.file, t.source.entry].filter { !$0.isEmpty }.joined(separator: " : ")
        line("Source", source + " (\(t.source.format.rawValue))")
        return lines.joined(separator: "\n")
    }
}
