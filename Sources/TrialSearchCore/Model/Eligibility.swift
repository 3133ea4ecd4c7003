/// Who may take part in a trial.
public struct Eligibility: Sendable, Hashable {
    /// The whole criteria text as published (markup noise removed, paragraphs kept).
    public var criteria: String
    /// Inclusion criteria, one element per criterion, when the text marks an inclusion section;
    /// list markers ("1.", "-", "•") removed.
    public var inclusion: [String]
    /// Exclusion criteria, one element per criterion, when the text marks an exclusion section.
    public var exclusion: [String]
    /// "All", "Female" or "Male" (ClinicalTrials.gov's words; ICTRP "Both" and API `ALL` become "All"),
    /// or "" when not given.
    public var sex: String
    /// The minimum age as published ("18 Years", "6 Months"), or "" when none.
    public var minimumAge: String
    /// The maximum age as published, or "" when none.
    public var maximumAge: String
    /// The minimum age in years (months, weeks, days, hours and minutes converted), nil when none.
    public var minimumAgeYears: Double?
    /// The maximum age in years, nil when none.
    public var maximumAgeYears: Double?
    /// Whether healthy volunteers are accepted, nil when not stated.
    public var healthyVolunteers: Bool?

    public init(
        criteria: String = "", inclusion: [String] = [], exclusion: [String] = [], sex: String = "",
        minimumAge: String = "", maximumAge: String = "", minimumAgeYears: Double? = nil,
        maximumAgeYears: Double? = nil, healthyVolunteers: Bool? = nil
    ) {
        self.criteria = criteria
        self.inclusion = inclusion
        self.exclusion = exclusion
        self.sex = sex
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.minimumAgeYears = minimumAgeYears
        self.maximumAgeYears = maximumAgeYears
        self.healthyVolunteers = healthyVolunteers
    }

    /// Whether a person of `years` is within the age limits (a missing limit admits every age).
    public func admits(ageYears years: Double) -> Bool {
        if let min = minimumAgeYears, years < min { return false }
        if let max = maximumAgeYears, years > max { return false }
        return true
    }
}
