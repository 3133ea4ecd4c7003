import TrialSearchCore

/// Reads a text dump of a trial's public web page (the format of `NCT05308342.txt`) into a `Trial`.
///
/// The page is a title line, "NCT ID: …" and "Last Updated: …" lines, then sections: a heading line
/// ("Basic Information", "Brief Summary", …), a one-sentence blurb that the site puts under every
/// heading (dropped), and the section's lines. Values are API v2 codes (`UNKNOWN`, `PHASE12`,
/// `FEMALE`, `EXPERIMENTAL`) and become display words (`Vocabulary`); text is Markdown (escapes
/// removed). Sections read: Basic Information (status, phase, enrollment, study type, start and
/// completion dates), Brief Summary, Detailed Description, Conditions, Keywords, Study Design, Study
/// Groups (arms, and which interventions each receives), Interventions, Other Intervention Names,
/// Eligibility Criteria (criteria, ages, sex, healthy volunteers), Sponsors (lead and collaborators),
/// Principal Investigators, Locations, Countries, Other Identifiers and More Related Trials (the ids
/// of its entries → `relatedIds`). Not kept: Study Results, Responsible Party, Central Contacts and
/// Facility Contacts (contact details). The page does not say which intervention an "Other
/// Intervention Name" belongs to: it is given to the intervention whose name contains it or whose
/// initials spell it, else to the only or first intervention.
enum TextDump {
    /// - Throws: `IngestError.missingField` when there is no "NCT ID:" line.
    static func read(_ bytes: UnsafeRawBufferPointer, source: RecordSource, at location: IngestLocation) throws(IngestError) -> Trial {
        let text = UTF8Validation.droppingByteOrderMark(bytes)
        if let bad = UTF8Validation.firstInvalidOffset(text) { throw .notUTF8(location, offset: bad + bytes.count - text.count) }
        let bytes = text
        let page = TextDumpPage(String(decoding: bytes, as: UTF8.self))
        guard let id = TrialID(page.header("NCT ID:")) else {
            throw .missingField(location, format: .textDump, field: "\"NCT ID:\" line")
        }
        var trial = Trial(id: id, registry: id.impliedRegistry ?? "ClinicalTrials.gov", source: source)
        trial.briefTitle = page.lines.first.map(clean) ?? ""
        trial.lastUpdated = RegistryDate.parse(page.header("Last Updated:"))
        readBasicInformation(page.section("Basic Information"), into: &trial)
        trial.briefSummary = page.text(of: "Brief Summary")
        trial.detailedDescription = page.text(of: "Detailed Description")
        trial.conditions = page.section("Conditions").map(clean)
        trial.keywords = page.section("Keywords").map(clean)
        trial.design = design(page.section("Study Design"))
        trial.interventions = interventions(page.section("Interventions"))
        readGroups(page.section("Study Groups"), into: &trial)
        assignOtherNames(page.section("Other Intervention Names").map(clean), to: &trial.interventions)
        readEligibility(page, into: &trial)
        readSponsors(page.section("Sponsors"), into: &trial)
        trial.officials = officials(page.section("Principal Investigators"))
        trial.locations = locations(page.section("Locations"))
        trial.countries = uniqued(page.section("Countries").map(clean) + trial.locations.map { $0.country }.filter { !$0.isEmpty })
        trial.secondaryIds = page.section("Other Identifiers").filter { !$0.hasPrefix("Identifier ") }.map(clean)
        trial.relatedIds = page.section("More Related Trials").compactMap(relatedId)
        return trial
    }

    private static func clean(_ line: String) -> String { TextNormalizer.line(line, .markdown) }

    /// The value after `label` in a list of label, value, label, value … lines.
    private static func value(after label: String, in lines: [String]) -> String? {
        guard let k = lines.firstIndex(of: label), k + 1 < lines.count else { return nil }
        return clean(lines[k + 1])
    }

    private static func readBasicInformation(_ lines: [String], into trial: inout Trial) {
        if let status = value(after: "Recruitment Status", in: lines) { trial.overallStatus = Vocabulary.status(status) }
        if let phase = value(after: "Clinical Phase", in: lines) { trial.phases = Vocabulary.phases(phase) }
        if let enrollment = value(after: "Total Enrollment", in: lines) {
            trial.enrollment = Int(enrollment.prefix { $0.isASCII && $0.isNumber })
        }
        if let type = value(after: "Study Classification", in: lines) { trial.studyType = Vocabulary.studyType(type) }
        trial.startDate = value(after: "Study Start Date", in: lines).flatMap(RegistryDate.parse)
        trial.completionDate = value(after: "Study Completion Date", in: lines).flatMap(RegistryDate.parse)
        if let posted = value(after: "First Posted", in: lines) { trial.firstPosted = RegistryDate.parse(posted) }
    }

    private static func design(_ lines: [String]) -> StudyDesign {
        var design = StudyDesign()
        design.allocation = value(after: "Allocation Method", in: lines).map(Vocabulary.design) ?? ""
        design.interventionModel = value(after: "Intervention Model", in: lines).map(Vocabulary.design) ?? ""
        design.primaryPurpose = value(after: "Primary Study Purpose", in: lines).map(Vocabulary.design) ?? ""
        design.observationalModel = value(after: "Observational Model", in: lines).map(Vocabulary.design) ?? ""
        design.timePerspective = value(after: "Time Perspective", in: lines).map(Vocabulary.design) ?? ""
        if let k = lines.firstIndex(of: "Blinding Strategy"), k + 1 < lines.count {
            let labels: Set<String> = ["Allocation Method", "Intervention Model", "Primary Study Purpose",
                                       "Observational Model", "Time Perspective"]
            let who = k + 2 < lines.count && !labels.contains(lines[k + 2]) ? maskedRoles(lines[k + 2]) : []
            design.masking = Vocabulary.masking(clean(lines[k + 1]), whoMasked: who)
        }
        return design
    }

    /// "Participants Caregivers Investigators" → the API's `whoMasked` codes.
    private static func maskedRoles(_ line: String) -> [String] {
        let phrases: [(String, String)] = [
            ("Participant", "PARTICIPANT"), ("Caregiver", "CARE_PROVIDER"), ("Care Provider", "CARE_PROVIDER"),
            ("Investigator", "INVESTIGATOR"), ("Outcomes Assessor", "OUTCOMES_ASSESSOR"),
            ("Outcome Assessor", "OUTCOMES_ASSESSOR"),
        ]
        let found = phrases.compactMap { phrase, code in line.firstRange(of: phrase).map { ($0.lowerBound, code) } }
        return uniqued(found.sorted { $0.0 < $1.0 }.map(\.1))
    }

    /// Interventions section: each "Intervention Type X" line closes an intervention whose first line
    /// is its name and whose other lines are its description.
    private static func interventions(_ lines: [String]) -> [Intervention] {
        var result: [Intervention] = []
        var pending: [String] = []
        for line in lines {
            if line.hasPrefix("Intervention Type ") {
                guard let name = pending.first else { continue }
                result.append(Intervention(
                    type: Vocabulary.titleWords(String(line.dropFirst("Intervention Type ".count))),
                    name: clean(name), description: pending.dropFirst().map(clean).joined(separator: "\n\n")))
                pending = []
            } else {
                pending.append(line)
            }
        }
        return result
    }

    /// Study Groups: each "Group Type X" line closes an arm: its label and description are the lines
    /// before it (after the previous arm's interventions: name, "Intervention Type", description).
    /// - Complexity: O(lines + interventions): names are looked up in a dictionary and each
    ///   intervention's labels kept in a set, so a crafted page with thousands of arms and
    ///   interventions costs no more than a real one per line.
    private static func readGroups(_ lines: [String], into trial: inout Trial) {
        let descriptions = Set(trial.interventions.map(\.description))
        var byName: [String: [Int]] = [:]
        for (index, item) in trial.interventions.enumerated() { byName[item.name, default: []].append(index) }
        var given = trial.interventions.map { Set($0.armGroupLabels) }
        var groupStart = 0
        for (k, line) in lines.enumerated() where line.hasPrefix("Group Type ") {
            // The lines of this arm before "Group Type": label and optional description; earlier lines
            // in the region belong to the previous arm's interventions.
            var first = max(groupStart, k - 2)
            if first < k - 1 {
                let candidate = clean(lines[first])
                if lines[first].hasPrefix("Intervention Type ") || descriptions.contains(candidate) { first = k - 1 }
            }
            let label = clean(lines[first])
            let description = first < k - 1 ? clean(lines[k - 1]) : ""
            trial.armGroups.append(ArmGroup(label: label, type: Vocabulary.titleWords(String(line.dropFirst("Group Type ".count))),
                                            description: description))
            // The interventions listed after this arm (up to the next arm's label) are given to it.
            var j = k + 1
            while j + 1 < lines.count, lines[j + 1].hasPrefix("Intervention Type ") {
                let name = clean(lines[j])
                for index in byName[name] ?? [] where given[index].insert(label).inserted {
                    trial.interventions[index].armGroupLabels.append(label)
                }
                j += 2
                if j < lines.count, descriptions.contains(clean(lines[j])) { j += 1 }
            }
            groupStart = j
        }
    }

    /// - Complexity: O(names × interventions) substring searches up to `otherNameSearchLimit` pairs
    ///   (real pages have a handful of each); past it, on a crafted page, only whole names and
    ///   initials are matched, through dictionaries.
    private static func assignOtherNames(_ names: [String], to interventions: inout [Intervention]) {
        guard !interventions.isEmpty else { return }
        let lowered = interventions.map { $0.name.lowercased() }
        let initials = interventions.map { String($0.name.split(separator: " ").compactMap(\.first)).lowercased() }
        let search = names.count * interventions.count <= otherNameSearchLimit
        var exact: [String: Int] = [:]
        if !search {
            for k in interventions.indices.reversed() {
                exact[lowered[k]] = k  // descending: the first intervention wins
                exact[initials[k]] = k
            }
        }
        for other in names {
            let lower = other.lowercased()
            let index = search ? interventions.indices.first { lowered[$0].contains(lower) || initials[$0] == lower } : exact[lower]
            interventions[index ?? 0].otherNames.append(other)
        }
    }

    /// Most (other name, intervention) pairs searched by substring; see `assignOtherNames`.
    static let otherNameSearchLimit = 100_000

    private static func readEligibility(_ page: TextDumpPage, into trial: inout Trial) {
        let labels = ["Minimum Eligible Age", "Maximum Eligible Age", "Eligible Sex", "Accepts Healthy Volunteers"]
        let criteria = page.text(of: "Eligibility Criteria", stoppingAt: Set(labels))
        let split = CriteriaSplitter.split(criteria)
        let lines = page.section("Eligibility Criteria")
        let minimum = value(after: labels[0], in: lines) ?? ""
        let maximum = value(after: labels[1], in: lines) ?? ""
        trial.eligibility = Eligibility(
            criteria: criteria, inclusion: split.inclusion, exclusion: split.exclusion,
            sex: value(after: labels[2], in: lines).map(Vocabulary.sex) ?? "",
            minimumAge: AgeLimit.published(minimum), maximumAge: AgeLimit.published(maximum),
            minimumAgeYears: AgeLimit.years(minimum), maximumAgeYears: AgeLimit.years(maximum),
            healthyVolunteers: value(after: labels[3], in: lines).flatMap(Vocabulary.yesNo))
    }

    /// Sponsors: name, class code (`OTHER`, `INDUSTRY`, …), "Sponsor Role lead|collaborator".
    private static func readSponsors(_ lines: [String], into trial: inout Trial) {
        for (k, line) in lines.enumerated() where line.hasPrefix("Sponsor Role ") {
            var n = k - 1
            if n > 0, Vocabulary.isCode(lines[n]) { n -= 1 }
            guard n >= 0, !lines[n].hasPrefix("Sponsor Role ") else { continue }
            let name = clean(lines[n])
            if line.hasSuffix("lead") { trial.leadSponsor = name } else { trial.collaborators.append(name) }
        }
    }

    /// Principal Investigators: name, "Role: X", affiliation.
    private static func officials(_ lines: [String]) -> [Official] {
        var result: [Official] = []
        for (k, line) in lines.enumerated() where line.hasPrefix("Role: ") && k > 0 {
            let hasAffiliation = k + 1 < lines.count && !(k + 2 < lines.count && lines[k + 2].hasPrefix("Role: "))
            result.append(Official(name: clean(lines[k - 1]),
                                   role: Vocabulary.titleWords(String(line.dropFirst("Role: ".count))),
                                   affiliation: hasAffiliation ? clean(lines[k + 1]) : ""))
        }
        return result
    }

    /// Locations: facility, "City, State, Country", "Site Status X".
    private static func locations(_ lines: [String]) -> [Location] {
        var result: [Location] = []
        for (k, line) in lines.enumerated() where line.hasPrefix("Site Status") && k > 0 {
            let parts = lines[k - 1].split(separator: ",").map { clean(String($0)) }
            var location = Location()
            location.country = parts.last ?? ""
            location.city = parts.count > 1 ? parts[0] : ""
            location.state = parts.count > 2 ? parts[1..<(parts.count - 1)].joined(separator: ", ") : ""
            if k >= 2, !lines[k - 2].hasPrefix("Site Status") { location.facility = clean(lines[k - 2]) }
            result.append(location)
        }
        return result
    }

    /// "NCT06132542 NOT_YET_RECRUITING PHASE1" → "NCT06132542".
    private static func relatedId(_ line: String) -> String? {
        guard let first = line.split(separator: " ").first, let id = TrialID(first), id.impliedRegistry != nil,
              first.contains(where: \.isNumber) else { return nil }
        return id.rawValue
    }
}
