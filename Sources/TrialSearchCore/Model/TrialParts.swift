/// An intervention of a trial: a drug, device, procedure, behaviour, …
public struct Intervention: Sendable, Hashable {
    /// "Drug", "Device", "Procedure", "Biological", "Behavioral", … (ClinicalTrials.gov's display words;
    /// API v2 `DRUG` becomes "Drug"), or "" when not given.
    public var type: String
    public var name: String
    public var description: String
    /// Other names of the same intervention (brand names, codes).
    public var otherNames: [String]
    /// Labels of the arm groups that receive it.
    public var armGroupLabels: [String]

    public init(type: String = "", name: String = "", description: String = "", otherNames: [String] = [],
                armGroupLabels: [String] = []) {
        self.type = type
        self.name = name
        self.description = description
        self.otherNames = otherNames
        self.armGroupLabels = armGroupLabels
    }
}

/// An arm or group of a trial.
public struct ArmGroup: Sendable, Hashable {
    public var label: String
    /// "Experimental", "Active Comparator", "Placebo Comparator", … or "" when not given.
    public var type: String
    public var description: String

    public init(label: String = "", type: String = "", description: String = "") {
        self.label = label
        self.type = type
        self.description = description
    }
}

/// A primary or secondary outcome measure.
public struct Outcome: Sendable, Hashable {
    public var measure: String
    public var timeFrame: String
    public var description: String

    public init(measure: String = "", timeFrame: String = "", description: String = "") {
        self.measure = measure
        self.timeFrame = timeFrame
        self.description = description
    }
}

/// A site where a trial runs.
public struct Location: Sendable, Hashable {
    public var facility: String
    public var city: String
    public var state: String
    public var country: String

    public init(facility: String = "", city: String = "", state: String = "", country: String = "") {
        self.facility = facility
        self.city = city
        self.state = state
        self.country = country
    }
}
