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

/// A person responsible for the scientific conduct of a trial: an overall official or principal
/// investigator (legacy XML `overall_official`, API v2 `overallOfficials`, a trial page's "Principal
/// Investigators").
public struct Official: Sendable, Hashable {
    /// The name as published, degrees included ("Guangshu Han, phD").
    public var name: String
    /// "Principal Investigator", "Study Director", "Study Chair", … (ClinicalTrials.gov's display words;
    /// API v2 `PRINCIPAL_INVESTIGATOR` becomes "Principal Investigator"), or "".
    public var role: String
    public var affiliation: String

    public init(name: String = "", role: String = "", affiliation: String = "") {
        self.name = name
        self.role = role
        self.affiliation = affiliation
    }
}

/// How a study is designed, in ClinicalTrials.gov's legacy-XML display words (API v2 and trial-page
/// codes such as `PARALLEL` become "Parallel Assignment"). Every property is "" when not given.
public struct StudyDesign: Sendable, Hashable {
    /// "Randomized", "Non-Randomized", "N/A".
    public var allocation: String
    /// "Parallel Assignment", "Single Group Assignment", "Crossover Assignment", "Factorial Assignment",
    /// "Sequential Assignment".
    public var interventionModel: String
    /// "Treatment", "Prevention", "Diagnostic", "Supportive Care", "Basic Science", …
    public var primaryPurpose: String
    /// "None (Open Label)", "Single", "Double", "Triple", "Quadruple", followed by who is masked in
    /// parentheses when given: "Triple (Participant, Care Provider, Investigator)".
    public var masking: String
    /// Observational studies: "Cohort", "Case-Control", "Case-Only", …
    public var observationalModel: String
    /// Observational studies: "Prospective", "Retrospective", "Cross-Sectional", "Other".
    public var timePerspective: String

    public init(allocation: String = "", interventionModel: String = "", primaryPurpose: String = "",
                masking: String = "", observationalModel: String = "", timePerspective: String = "") {
        self.allocation = allocation
        self.interventionModel = interventionModel
        self.primaryPurpose = primaryPurpose
        self.masking = masking
        self.observationalModel = observationalModel
        self.timePerspective = timePerspective
    }

    /// Whether no property is given.
    public var isEmpty: Bool {
        allocation.isEmpty && interventionModel.isEmpty && primaryPurpose.isEmpty && masking.isEmpty
            && observationalModel.isEmpty && timePerspective.isEmpty
    }
}
