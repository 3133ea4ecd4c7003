/// Maps every registry's coded values to ClinicalTrials.gov's display words, the one vocabulary of
/// `Trial`: statuses, phases, sex, study types, intervention and arm types, design values, roles.
///
/// API v2 and trial pages publish enum codes (`ACTIVE_NOT_RECRUITING`, `PHASE2`, `DRUG`); the legacy
/// XML publishes the display words themselves; the ICTRP export has its own words ("Both", "Not
/// Recruiting", phase "4"). Values with no equivalent are kept as published.
enum Vocabulary {
    /// `RECRUITING` → "Recruiting", `UNKNOWN` → "Unknown status", `ACTIVE_NOT_RECRUITING` → "Active, not
    /// recruiting", ICTRP "Not Recruiting" → "Not recruiting"; display words unchanged.
    static func status(_ text: String) -> String {
        // The legacy XML's display words ("Completed", "Recruiting", …): a lowercase second letter is in no
        // code (`statuses`' keys, `isCode`), so the text is kept; the dictionary's hash cost about 500
        // instructions a value.
        var bytes = text.utf8.makeIterator()
        _ = bytes.next()
        if let second = bytes.next(), second >= 0x61, second <= 0x7A, text != "Not Recruiting" { return text }
        if let word = statuses[text] { return word }
        if text == "Not Recruiting" { return "Not recruiting" }
        return isCode(text) ? sentenceCase(text) : text
    }

    private static let statuses: [String: String] = [
        "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "COMPLETED": "Completed",
        "ENROLLING_BY_INVITATION": "Enrolling by invitation", "NOT_YET_RECRUITING": "Not yet recruiting",
        "RECRUITING": "Recruiting", "SUSPENDED": "Suspended", "TERMINATED": "Terminated",
        "WITHDRAWN": "Withdrawn", "AVAILABLE": "Available", "NO_LONGER_AVAILABLE": "No longer available",
        "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available", "APPROVED_FOR_MARKETING": "Approved for marketing",
        "WITHHELD": "Withheld", "UNKNOWN": "Unknown status",
    ]

    /// Phases in display words, a combined phase as two elements: "Phase 1/Phase 2", `PHASE1`+`PHASE2`,
    /// the trial page's `PHASE12` and ICTRP "1-2" → ["Phase 1", "Phase 2"]; `NA`, "N/A" → ["N/A"];
    /// `EARLY_PHASE1`, "Early Phase 1" and ICTRP (ChiCTR) "0" → ["Early Phase 1"] (ClinicalTrials.gov's
    /// name for what was Phase 0); ICTRP "4" → ["Phase 4"]. Other text is kept as one element.
    static func phases(_ text: String) -> [String] {
        // The values the registries publish almost always (the legacy XML's display words, API v2's
        // codes), answered without the general reading below (about 23,000 instructions a value);
        // `RegistryValueTests` checks that it gives these the same answer.
        switch text {
        case "Phase 2", "PHASE2": return Phases.two
        case "Phase 3", "PHASE3": return Phases.three
        case "Phase 1", "PHASE1": return Phases.one
        case "N/A", "NA": return Phases.notApplicable
        case "Phase 4", "PHASE4": return Phases.four
        case "Phase 1/Phase 2": return Phases.oneTwo
        case "Phase 2/Phase 3": return Phases.twoThree
        case "Early Phase 1", "EARLY_PHASE1": return Phases.early
        default: return parsedPhases(text)
        }
    }

    /// The arrays `phases` returns for the common values (shared storage: no allocation a record).
    private enum Phases {
        static let one = ["Phase 1"], two = ["Phase 2"], three = ["Phase 3"], four = ["Phase 4"]
        static let oneTwo = ["Phase 1", "Phase 2"], twoThree = ["Phase 2", "Phase 3"]
        static let early = ["Early Phase 1"], notApplicable = ["N/A"]
    }

    /// `phases` by the general reading: trimmed, uppercased, split into parts, each part read.
    static func parsedPhases(_ text: String) -> [String] {
        let trimmed = text.utf8.split { isSpace($0) || $0 == 0x0A || $0 == 0x0D }.map { Substring($0) }
            .joined(separator: " ")
        guard !trimmed.isEmpty else { return [] }
        let upper = trimmed.uppercased()
        if upper == "NA" || upper == "N/A" || upper == "NOT APPLICABLE" { return ["N/A"] }
        // Split on "/", ",", "|", "+", "-" and " AND ", then read each part.
        var result: [String] = []
        var parts: [Substring] = []
        for part in upper.split(whereSeparator: { "/,|+;".contains($0) }) {
            // "1-2" (ICTRP) splits further; "EARLY_PHASE1" does not contain "-".
            parts.append(contentsOf: part.split(separator: "-"))
        }
        for part in parts {
            guard let phase = phase(part.trimmingCharacters) else { return [trimmed] }
            for p in phase where !result.contains(p) { result.append(p) }
        }
        return result.isEmpty ? [trimmed] : result
    }

    /// One phase part, uppercased: "PHASE 2", "PHASE2", "PHASE12", "2", "0", "EARLY PHASE 1",
    /// "EARLY_PHASE1", "NA".
    private static func phase(_ part: Substring) -> [String]? {
        var compact = part.filter { $0 != " " && $0 != "_" }
        if compact == "NA" || compact == "N/A" { return ["N/A"] }
        if compact.hasPrefix("EARLYPHASE") {
            return compact.dropFirst(10) == "1" ? ["Early Phase 1"] : nil
        }
        if compact.hasPrefix("PHASE") { compact = String(compact.dropFirst(5)) }
        guard !compact.isEmpty, compact.allSatisfy({ ("0"..."4").contains($0) }) else { return nil }
        if compact == "0" { return ["Early Phase 1"] }
        return compact.map { "Phase \($0)" }
    }

    /// "All", "Female", "Male": API `ALL`/`FEMALE`/`MALE` and ICTRP "Both" mapped; other words kept.
    static func sex(_ text: String) -> String {
        // The legacy XML's words, which the general reading keeps as they are (without `uppercased()`).
        if text == "All" || text == "Female" || text == "Male" { return text }
        switch text.uppercased() {
        case "ALL", "BOTH": return "All"
        case "FEMALE", "F": return "Female"
        case "MALE", "M": return "Male"
        default: return text
        }
    }

    /// "Interventional", "Observational", "Observational [Patient Registry]", "Expanded Access": API
    /// codes and ICTRP "Interventional study"/"Observational study" mapped; "N/A" → ""; others kept.
    static func studyType(_ text: String, patientRegistry: Bool = false) -> String {
        // The legacy XML's usual words, which the general reading keeps as they are.
        if text == "Interventional" || (text == "Observational" && !patientRegistry) { return text }
        var word = text
        if isCode(text) { word = titleCase(text) }
        switch word.lowercased() {
        case "interventional study": word = "Interventional"
        case "observational study": word = "Observational"
        case "n/a", "na": return ""
        default: break
        }
        if patientRegistry, word == "Observational" { return "Observational [Patient Registry]" }
        return word
    }

    /// Intervention types, arm group types, official roles: codes in Title Case (`DIETARY_SUPPLEMENT` →
    /// "Dietary Supplement", `ACTIVE_COMPARATOR` → "Active Comparator"); display words unchanged.
    static func titleWords(_ text: String) -> String {
        isCode(text) ? titleCase(text) : text
    }

    /// Design values: API/page codes → the legacy XML's words (`PARALLEL` → "Parallel Assignment",
    /// `NON_RANDOMIZED` → "Non-Randomized", `NONE` → "None (Open Label)", `CASE_CONTROL` →
    /// "Case-Control"); display words unchanged.
    static func design(_ text: String) -> String {
        guard isCode(text) else { return text }
        return designWords[text] ?? titleCase(text)
    }

    private static let designWords: [String: String] = [
        "PARALLEL": "Parallel Assignment", "SINGLE_GROUP": "Single Group Assignment",
        "CROSSOVER": "Crossover Assignment", "FACTORIAL": "Factorial Assignment",
        "SEQUENTIAL": "Sequential Assignment", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A",
        "NONE": "None (Open Label)", "CASE_CONTROL": "Case-Control", "CASE_ONLY": "Case-Only",
        "CASE_CROSSOVER": "Case-Crossover", "ECOLOGIC_OR_COMMUNITY": "Ecologic or Community",
        "FAMILY_BASED": "Family-Based", "CROSS_SECTIONAL": "Cross-Sectional",
        "HEALTH_SERVICES_RESEARCH": "Health Services Research", "DEVICE_FEASIBILITY": "Device Feasibility",
        "OUTCOMES_ASSESSOR": "Outcomes Assessor", "CARE_PROVIDER": "Care Provider",
    ]

    /// Masking in the legacy XML's form: "Triple (Participant, Care Provider, Investigator)".
    static func masking(_ masking: String, whoMasked: [String]) -> String {
        let word = design(masking)
        guard !word.isEmpty, !whoMasked.isEmpty else { return word }
        return word + " (" + whoMasked.map(design).joined(separator: ", ") + ")"
    }

    /// "Yes"/"No" (any case), "true"/"false", "Accepts Healthy Volunteers" → true/false; else nil.
    static func yesNo(_ text: String) -> Bool? {
        // The legacy XML's words, without `lowercased()`.
        if text == "No" { return false }
        if text == "Yes" || text == "Accepts Healthy Volunteers" { return true }
        switch text.lowercased() {
        case "yes", "true", "accepts healthy volunteers": return true
        case "no", "false": return false
        default: return nil
        }
    }

    /// Whether `text` looks like an enum code: uppercase letters, digits and "_" only.
    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || isDigit($0) || $0 == 0x5F }
    }

    /// `NOT_YET_RECRUITING` → "Not yet recruiting".
    static func sentenceCase(_ code: String) -> String {
        let words = code.split(separator: "_").map { $0.lowercased() }
        guard let first = words.first else { return code }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + words.dropFirst()).joined(separator: " ")
    }

    /// `DIETARY_SUPPLEMENT` → "Dietary Supplement".
    static func titleCase(_ code: String) -> String {
        code.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
            .joined(separator: " ")
    }
}

extension Substring {
    /// Without leading and trailing spaces (Character-level; for short values only).
    var trimmingCharacters: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
