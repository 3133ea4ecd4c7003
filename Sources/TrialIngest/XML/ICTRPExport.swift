import TrialSearchCore

/// Reads one `<Trial>` of a WHO ICTRP XML export (`<Trials_downloaded_from_ICTRP>`) into a `Trial`.
///
/// The export holds trials of every registry; `Source_Register` becomes `registry` (or, when empty,
/// the registry implied by the id). Its fields are padded with hundreds of spaces and carry HTML
/// (`<br>`, `&#32;`), which text normalization removes. Mapping:
/// `TrialID` → id; `Public_title`/`Scientific_title`/`Acronym` → titles; `Primary_sponsor` →
/// leadSponsor; `Secondary_Sponsor` → collaborators; `Secondary_ID`/`SecondaryIDs` → secondaryIds;
/// `Date_registration3` (YYYYMMDD, else `Date_registration`) → firstPosted; `Date_enrollement` →
/// startDate; `Recruitment_Status` → overallStatus; `Inclusion_agemin`/`agemax` (a bare number is
/// years) and `Inclusion_gender` ("Both" → "All") → eligibility; `Inclusion_Criteria` and
/// `Exclusion_Criteria` → criteria (each given a heading if it lacks one), split; `Target_size` →
/// enrollment (a number, or the sum of "group:number;" parts); `Study_type`, `Phase` → study type and
/// phases; `Study_design` "Key: value" pairs (ClinicalTrials.gov trials) → design; `Countries`,
/// `Condition`, `Intervention` ("Drug: name" → type and name), `Primary_outcome`,
/// `Secondary_outcome` → lists, split at ";". Placeholders ("N/A", "None", "-") are no value.
/// `Last_Refreshed_on` is when the WHO refreshed its copy,
/// not when the registry updated the trial, so `lastUpdated` stays nil; `Export_date`, `web_address`
/// and the flags are not kept.
final class ICTRPExport {
    private let parser: SAXParser
    private let handler = ICTRPTrialHandler()

    init(options: IngestOptions) {
        parser = SAXParser(maxDepth: options.maxXMLDepth)
    }

    /// Parses one `<Trial>` element (cut out of the export, so without its XML declaration).
    /// - Parameter encoding: the export's declared encoding.
    func read(_ bytes: UnsafeRawBufferPointer, encoding: String?, source: RecordSource, at location: IngestLocation,
              firstLine: Int) throws(IngestError) -> Trial {
        handler.reset()
        try parser.parse(bytes, delegate: handler, encoding: encoding, at: location, firstLine: firstLine)
        return try ICTRPExport.trial(from: handler.fields, source: source, at: location)
    }

    /// The encoding named in an XML declaration at the start of `head`, or nil.
    static func declaredEncoding(_ head: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: head.prefix(200), as: UTF8.self)
        guard text.hasPrefix("<?xml") || text.hasPrefix("\u{FEFF}<?xml"), let end = text.firstRange(of: "?>"),
              let key = text[..<end.lowerBound].firstRange(of: "encoding") else { return nil }
        let rest = text[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : String(value)
    }

    static func trial(from fields: [String: [UInt8]], source: RecordSource, at location: IngestLocation) throws(IngestError) -> Trial {
        func line(_ name: String) -> String {
            guard let raw = fields[name] else { return "" }
            let value = raw.withUnsafeBufferPointer { TextNormalizer.line($0, .htmlNoise) }
            // Placeholders are no value (Phase "N/A" is kept: it is a phase).
            return name != "Phase" && ICTRPExport.placeholders.contains(value) ? "" : value
        }
        func paragraphs(_ name: String) -> String {
            guard let raw = fields[name] else { return "" }
            return raw.withUnsafeBufferPointer { TextNormalizer.paragraphs($0, .htmlNoise) }
        }
        func list(_ name: String) -> [String] {
            line(name).split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
        }
        guard let id = TrialID(line("TrialID")) else {
            throw .missingField(location, format: .ictrp, field: "<TrialID>")
        }
        let register = line("Source_Register")
        var trial = Trial(id: id, registry: register.isEmpty ? (id.impliedRegistry ?? "") : register, source: source)
        trial.briefTitle = line("Public_title")
        trial.officialTitle = line("Scientific_title")
        trial.acronym = line("Acronym")
        trial.leadSponsor = line("Primary_sponsor")
        trial.collaborators = list("Secondary_Sponsor")
        trial.secondaryIds = list("Secondary_ID") + list("SecondaryIDs")
        trial.firstPosted = RegistryDate.parse(line("Date_registration3")) ?? RegistryDate.parse(line("Date_registration"))
        trial.startDate = RegistryDate.parse(line("Date_enrollement"))
        let status = line("Recruitment_Status")
        trial.overallStatus = status.isEmpty ? "" : Vocabulary.status(status)
        trial.studyType = Vocabulary.studyType(line("Study_type"))
        trial.phases = Vocabulary.phases(line("Phase"))
        trial.design = design(line("Study_design"))
        trial.enrollment = enrollment(line("Target_size"))
        trial.countries = uniqued(list("Countries"))
        trial.conditions = list("Condition")
        trial.interventions = list("Intervention").map(intervention)
        trial.primaryOutcomes = list("Primary_outcome").map { Outcome(measure: $0) }
        trial.secondaryOutcomes = list("Secondary_outcome").map { Outcome(measure: $0) }

        let inclusion = withHeading(paragraphs("Inclusion_Criteria"), "Inclusion Criteria:")
        let exclusion = withHeading(paragraphs("Exclusion_Criteria"), "Exclusion Criteria:")
        let criteria = [inclusion, exclusion].filter { !$0.isEmpty }.joined(separator: "\n\n")
        let split = CriteriaSplitter.split(criteria)
        let minimum = line("Inclusion_agemin")
        let maximum = line("Inclusion_agemax")
        let gender = line("Inclusion_gender")
        trial.eligibility = Eligibility(
            criteria: criteria, inclusion: split.inclusion, exclusion: split.exclusion,
            sex: gender.isEmpty ? "" : sex(gender),
            minimumAge: AgeLimit.published(minimum), maximumAge: AgeLimit.published(maximum),
            minimumAgeYears: AgeLimit.years(minimum), maximumAgeYears: AgeLimit.years(maximum))
        return trial
    }

    /// `text` starting with a criteria heading: `heading` is put in front when it has none.
    private static func withHeading(_ text: String, _ heading: String) -> String {
        guard !text.isEmpty else { return "" }
        var copy = text
        let hasHeading = copy.withUTF8 { bytes -> Bool in
            var end = 0
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            return CriteriaHeading.parse(UnsafeBufferPointer(rebasing: bytes[0..<end])) != nil
        }
        return hasHeading ? text : heading + "\n" + text
    }

    /// Values the export uses for "nothing here".
    static let placeholders: Set<String> = ["N/A", "NA", "n/a", "None", "none", "-", "Not applicable"]

    /// "Both", "All", "Male, Female" → "All"; others by `Vocabulary.sex`.
    private static func sex(_ text: String) -> String {
        let lower = text.lowercased()
        if lower.contains("female"), lower.replacing("female", with: "").contains("male") { return "All" }
        return Vocabulary.sex(text)
    }

    /// "500" → 500; "Experimental group:30;Control group:30;" → 60; nil when there is no number.
    private static func enrollment(_ text: String) -> Int? {
        if let whole = Int(text) { return whole }
        var total = 0
        var found = false
        for part in text.split(separator: ";") {
            guard let colon = part.lastIndex(of: ":"), let n = Int(String(part[part.index(after: colon)...]).trimmed) else { continue }
            total += n
            found = true
        }
        return found ? total : nil
    }

    private static let interventionTypes: Set<String> = [
        "Drug", "Device", "Biological", "Procedure", "Radiation", "Behavioral", "Genetic", "Dietary Supplement",
        "Combination Product", "Diagnostic Test", "Other",
    ]

    /// "Drug: Arbidol" → type "Drug", name "Arbidol"; anything else is the name.
    private static func intervention(_ item: String) -> Intervention {
        if let colon = item.firstIndex(of: ":") {
            let type = String(item[..<colon]).trimmed
            if interventionTypes.contains(type) {
                return Intervention(type: type, name: String(item[item.index(after: colon)...]).trimmed)
            }
        }
        return Intervention(name: item)
    }

    /// "Allocation: Randomized, Intervention model: Parallel Assignment, Masking: None (Open Label),
    /// Primary purpose: Treatment" (ClinicalTrials.gov trials in the export; "." separators too) → design; free text (ChiCTR's
    /// "Parallel") has no key and is not kept.
    private static func design(_ text: String) -> StudyDesign {
        let keys: [(String, WritableKeyPath<StudyDesign, String>)] = [
            ("allocation:", \.allocation), ("intervention model:", \.interventionModel),
            ("primary purpose:", \.primaryPurpose), ("masking:", \.masking),
            ("observational model:", \.observationalModel), ("time perspective:", \.timePerspective),
        ]
        // ASCII-only lowercasing keeps every byte offset, so indices of `lower` are valid in `text`.
        let lower = String(decoding: text.utf8.map(lowercased), as: UTF8.self)
        var found: [(start: String.Index, valueStart: String.Index, path: WritableKeyPath<StudyDesign, String>)] = []
        for (key, path) in keys {
            if let range = lower.firstRange(of: key) { found.append((range.lowerBound, range.upperBound, path)) }
        }
        found.sort { $0.start < $1.start }
        var design = StudyDesign()
        for (n, item) in found.enumerated() {
            let end = n + 1 < found.count ? found[n + 1].start : text.endIndex
            var value = String(text[item.valueStart..<end]).trimmed
            if value.hasSuffix(",") || value.hasSuffix(".") { value.removeLast() }
            design[keyPath: item.path] = value.trimmed
        }
        return design
    }
}

/// Collects the text of each child element of one `<Trial>` (the export is flat: `<Trial>` holds
/// only leaf elements).
final class ICTRPTrialHandler: SAXDelegate {
    private(set) var fields: [String: [UInt8]] = [:]
    private var depth = 0
    private var current: String? = nil
    private var text: [UInt8] = []

    func reset() {
        fields = [:]
        depth = 0
        current = nil
    }

    override func startElement(_ name: UnsafePointer<UInt8>) {
        depth += 1
        if depth == 2 {
            current = String(cString: name)
            text.removeAll(keepingCapacity: true)
        }
    }

    override func endElement() {
        if depth == 2, let current {
            fields[current] = text
            self.current = nil
        }
        depth -= 1
    }

    override func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if depth >= 2, current != nil { text.append(contentsOf: bytes) }
    }
}
