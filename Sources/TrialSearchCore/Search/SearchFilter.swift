/// Restrictions on which trials a search returns, checked against doc values (never scored).
///
/// Each filter that is set must hold (they combine with AND); a filter with several values admits a
/// trial that has any of them (OR). Values match case-insensitively, ignoring spaces and punctuation
/// (`not yet recruiting` = "Not yet recruiting"). Vocabularies, as the registries publish them:
/// - `statuses`: Recruiting, Not yet recruiting, Enrolling by invitation, Active, not recruiting,
///   Suspended, Terminated, Completed, Withdrawn, Unknown status, Available, No longer available,
///   Approved for marketing, Temporarily not available (and other registries' words as published). A
///   value also admits the statuses it begins: `active` admits "Active, not recruiting", `unknown`
///   admits "Unknown status".
/// - `phases`: "Early Phase 1" (also `0`), `1`…`4`, `N/A`; "Phase 2", `phase2`, `2` and `II` are the
///   same. A combined "Phase 1/Phase 2" trial has both phases.
/// - `studyTypes`: Interventional, Observational, Expanded Access (a prefix suffices: `observ`).
/// - `sex`: `female` admits trials open to "Female" and "All" participants (and trials that state no
///   sex); `male` likewise; `all` admits only trials open to all.
/// - `age`: trials whose minimum age ≤ age ≤ maximum age (a missing limit admits every age).
/// - `countries`: country names as published ("United States", "China", "France", …).
/// - `registries`: ClinicalTrials.gov (also `ctgov`), ChiCTR, ISRCTN, EU-CTR, ANZCTR, … as published.
/// - `updatedAfter`: trials whose last update is on or after the date (`YYYY-MM` or `YYYY-MM-DD`);
///   trials without a last-update date are left out.
public struct SearchFilter: Sendable, Hashable, CustomStringConvertible {
    public var statuses: [String]
    public var phases: PhaseSet
    public var studyTypes: [String]
    public var sex: Sex?
    public var age: Double?
    public var countries: [String]
    public var registries: [String]
    public var updatedAfter: PartialDate?

    /// Who a trial must admit (`--sex`).
    public enum Sex: String, Sendable, Hashable, CaseIterable {
        case female, male, all
    }

    public init(statuses: [String] = [], phases: PhaseSet = [], studyTypes: [String] = [], sex: Sex? = nil,
                age: Double? = nil, countries: [String] = [], registries: [String] = [],
                updatedAfter: PartialDate? = nil) {
        self.statuses = statuses
        self.phases = phases
        self.studyTypes = studyTypes
        self.sex = sex
        self.age = age
        self.countries = countries
        self.registries = registries
        self.updatedAfter = updatedAfter
    }

    /// No restriction at all.
    public var isEmpty: Bool {
        statuses.isEmpty && phases.isEmpty && studyTypes.isEmpty && sex == nil && age == nil && countries.isEmpty
            && registries.isEmpty && updatedAfter == nil
    }

    /// `status ∈ {recruiting}, phase ∈ {2}, age 45`: the filters that are set.
    public var description: String {
        var parts: [String] = []
        func list(_ name: String, _ values: [String]) {
            if !values.isEmpty { parts.append("\(name) ∈ {\(values.joined(separator: ", "))}") }
        }
        list("status", statuses)
        if !phases.isEmpty { parts.append("phase ∈ {\(phases.names.joined(separator: ", "))}") }
        list("type", studyTypes)
        if let sex { parts.append("sex admits \(sex.rawValue)") }
        if let age { parts.append("age \(Explanation.format(Float(age))) admitted") }
        list("country", countries)
        list("registry", registries)
        if let updatedAfter { parts.append("updated on or after \(updatedAfter)") }
        return parts.joined(separator: ", ")
    }

    /// Lowercase letters and digits only: how filter values are compared.
    static func normalize(_ value: String) -> String {
        String(String.UnicodeScalarView(value.lowercased().unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }))
    }

    /// Registry names users write for the registries' own names.
    static let registryAliases: [String: String] = [
        "ctgov": "clinicaltrialsgov", "clinicaltrials": "clinicaltrialsgov", "nct": "clinicaltrialsgov",
        "euctr": "euctr", "eudract": "euctr",
    ]

    /// Country names users write for the names registries publish.
    static let countryAliases: [String: String] = [
        "usa": "unitedstates", "us": "unitedstates", "uk": "unitedkingdom", "korea": "korearepublicof",
        "southkorea": "korearepublicof",
    ]
}

extension PhaseSet {
    /// The display names of the phases in the set.
    public var names: [String] {
        var names: [String] = []
        if contains(.earlyPhase1) { names.append("Early Phase 1") }
        if contains(.phase1) { names.append("Phase 1") }
        if contains(.phase2) { names.append("Phase 2") }
        if contains(.phase3) { names.append("Phase 3") }
        if contains(.phase4) { names.append("Phase 4") }
        if contains(.notApplicable) { names.append("N/A") }
        if contains(.other) { names.append("other") }
        return names
    }
}

/// A `SearchFilter` compiled for one segment: the admitted codes of its dictionary-coded doc values.
struct SegmentFilter {
    private let docValues: DocValues
    private let filter: SearchFilter
    private let statusCodes: [Bool]?
    private let studyTypeCodes: [Bool]?
    private let sexCodes: [Bool]?
    private let countryCodes: [Bool]?
    private let registryCodes: [Bool]?
    private let updatedAfter: Int?
    let isEmpty: Bool

    init(_ filter: SearchFilter, segment: SegmentReader) {
        self.filter = filter
        let dv = segment.docValues
        docValues = dv
        isEmpty = filter.isEmpty
        // No filter (every keyword query of the benchmark): nothing to match against the vocabularies,
        // whose arguments (the country and registry aliases, the doc values' lists) cost about 1,300
        // instructions a query and segment to pass (BENCHMARKS.md, `kw13`).
        guard !isEmpty else {
            statusCodes = nil
            studyTypeCodes = nil
            sexCodes = nil
            countryCodes = nil
            registryCodes = nil
            updatedAfter = nil
            return
        }
        func codes(_ vocabulary: [String], _ wanted: [String], prefix: Bool,
                   aliases: [String: String] = [:]) -> [Bool]? {
            guard !wanted.isEmpty else { return nil }
            let keys = wanted.map { key -> String in
                let k = SearchFilter.normalize(key)
                return aliases[k] ?? k
            }
            return vocabulary.map { value in
                let v = SearchFilter.normalize(value)
                return keys.contains { !$0.isEmpty && (prefix ? v.hasPrefix($0) : v == $0) }
            }
        }
        statusCodes = codes(dv.statuses, filter.statuses, prefix: true)
        studyTypeCodes = codes(dv.studyTypes, filter.studyTypes, prefix: true)
        countryCodes = codes(dv.countryNames, filter.countries, prefix: false, aliases: SearchFilter.countryAliases)
        registryCodes = codes(dv.registries, filter.registries, prefix: false, aliases: SearchFilter.registryAliases)
        if let sex = filter.sex {
            sexCodes = dv.sexes.map { value in
                let v = SearchFilter.normalize(value)
                switch sex {
                case .female: return v == "female" || v == "all" || v == "both" || v.isEmpty
                case .male: return v == "male" || v == "all" || v == "both" || v.isEmpty
                case .all: return v == "all" || v == "both" || v.isEmpty
                }
            }
        } else {
            sexCodes = nil
        }
        updatedAfter = filter.updatedAfter?.ordinal
    }

    @inline(__always)
    private static func admits(_ codes: [Bool]?, _ code: Int) -> Bool {
        guard let codes else { return true }
        return code < codes.count && codes[code]
    }

    /// Whether `doc` passes every filter.
    /// - Complexity: O(1) doc-value reads per filter set (O(countries) for the country filter).
    func accepts(_ doc: DocID) -> Bool {
        if isEmpty { return true }
        if !Self.admits(statusCodes, docValues.statusCode(doc)) { return false }
        if !filter.phases.isEmpty && docValues.phases(doc).isDisjoint(with: filter.phases) { return false }
        if !Self.admits(studyTypeCodes, docValues.studyTypeCode(doc)) { return false }
        if !Self.admits(sexCodes, docValues.sexCode(doc)) { return false }
        if !Self.admits(registryCodes, docValues.registryCode(doc)) { return false }
        if let age = filter.age {
            if let min = docValues.minimumAgeYears(doc), age < min { return false }
            if let max = docValues.maximumAgeYears(doc), age > max { return false }
        }
        if let countryCodes, !docValues.countryCodes(doc).contains(where: { $0 < countryCodes.count && countryCodes[$0] }) {
            return false
        }
        if let updatedAfter {
            guard let ordinal = docValues.lastUpdatedOrdinal(doc), ordinal >= updatedAfter else { return false }
        }
        return true
    }
}
