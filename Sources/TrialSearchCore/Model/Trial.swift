/// One clinical trial, normalized from whichever registry format it was read from.
///
/// Every reader in `TrialIngest` produces this one value; the index stores it, search displays it and
/// `trialsearch convert` prints it as JSON (see `Trial+JSON.swift` for the key of each property).
/// Text properties keep the registry's paragraphs (separated by `"\n\n"`, lines joined by `"\n"`) but not
/// its markup noise: no `&#xD;` carriage returns, no indentation or padding spaces, no trailing blanks.
/// A property the record does not have is empty (`""`, `[]`) or `nil`, never a placeholder such as "N/A".
public struct Trial: Sendable, Hashable {
    /// The trial's id exactly as its registry publishes it: `NCT05308342`, `ChiCTR2000029953`,
    /// `ISRCTN12345678`, `EUCTR2020-001234-56-DE`, …
    public var id: TrialID
    /// The registry that published `id`: `ClinicalTrials.gov`, `ChiCTR`, `ISRCTN`, `EU-CTR`, … (for ICTRP
    /// records, the export's `Source_Register`).
    public var registry: String
    /// Other ids of the same trial: org study ids, secondary ids, ids in other registries, as published.
    public var secondaryIds: [String]

    /// The short, lay title (`brief_title`, `briefTitle`, ICTRP `Public_title`).
    public var briefTitle: String
    /// The scientific title (`official_title`, `officialTitle`, ICTRP `Scientific_title`).
    public var officialTitle: String
    /// The study's acronym, if it has one.
    public var acronym: String

    /// The registry's brief summary.
    public var briefSummary: String
    /// The registry's detailed description.
    public var detailedDescription: String

    /// Conditions or diseases studied, as the sponsor wrote them.
    public var conditions: [String]
    /// Keywords the sponsor supplied.
    public var keywords: [String]
    /// MeSH terms the registry derived for the conditions (`condition_browse`).
    public var conditionMeshTerms: [String]
    /// MeSH terms the registry derived for the interventions (`intervention_browse`).
    public var interventionMeshTerms: [String]

    /// Interventions, in the registry's order.
    public var interventions: [Intervention]
    /// Arms or groups, in the registry's order.
    public var armGroups: [ArmGroup]
    /// Primary outcome measures.
    public var primaryOutcomes: [Outcome]
    /// Secondary outcome measures.
    public var secondaryOutcomes: [Outcome]

    /// Who may take part.
    public var eligibility: Eligibility

    /// Recruitment status in ClinicalTrials.gov's display vocabulary ("Recruiting", "Completed",
    /// "Unknown status", …); other registries' words are kept as published when they have no equivalent.
    public var overallStatus: String
    /// Phases in ClinicalTrials.gov's display vocabulary: "Early Phase 1", "Phase 1" … "Phase 4", "N/A".
    /// A combined phase ("Phase 1/Phase 2", `PHASE1`+`PHASE2`) is two elements.
    public var phases: [String]
    /// "Interventional", "Observational", "Expanded Access", … as published (normalized capitalization).
    public var studyType: String
    /// Number of participants (actual or anticipated), if given.
    public var enrollment: Int?
    /// Allocation, intervention model, purpose, masking (observational model and time perspective for
    /// observational studies). Added with the readers (issue 2): every CT.gov format and trial pages
    /// publish it.
    public var design: StudyDesign

    /// When the study started (actual or anticipated).
    public var startDate: PartialDate?
    /// When the study completed (actual or anticipated).
    public var completionDate: PartialDate?
    /// When the registry first posted the record.
    public var firstPosted: PartialDate?
    /// When the registry last updated the record. Drives index updates: a newer record replaces an older
    /// one. An aggregator's refresh date (ICTRP `Last_Refreshed_on`) is not an update and is not kept here.
    public var lastUpdated: PartialDate?

    /// The lead sponsor.
    public var leadSponsor: String
    /// Collaborating organizations.
    public var collaborators: [String]
    /// Countries with at least one site, as published, in the registry's order without repeats.
    public var countries: [String]
    /// Sites.
    public var locations: [Location]
    /// Overall officials / principal investigators, in the registry's order. Added with the readers
    /// (issue 2): every CT.gov format and trial pages publish them.
    public var officials: [Official]

    /// Trials that the source itself lists as related (a trial page's "More Related Trials").
    public var relatedIds: [String]

    /// Where this record was read from.
    public var source: RecordSource

    /// A trial with only an id; every other property empty.
    public init(id: TrialID, registry: String = "", source: RecordSource = RecordSource()) {
        self.id = id
        self.registry = registry
        self.secondaryIds = []
        self.briefTitle = ""
        self.officialTitle = ""
        self.acronym = ""
        self.briefSummary = ""
        self.detailedDescription = ""
        self.conditions = []
        self.keywords = []
        self.conditionMeshTerms = []
        self.interventionMeshTerms = []
        self.interventions = []
        self.armGroups = []
        self.primaryOutcomes = []
        self.secondaryOutcomes = []
        self.eligibility = Eligibility()
        self.overallStatus = ""
        self.phases = []
        self.studyType = ""
        self.enrollment = nil
        self.design = StudyDesign()
        self.startDate = nil
        self.completionDate = nil
        self.firstPosted = nil
        self.lastUpdated = nil
        self.leadSponsor = ""
        self.collaborators = []
        self.countries = []
        self.locations = []
        self.officials = []
        self.relatedIds = []
        self.source = source
    }

    /// The title to display: the brief title, else the official title, else the id.
    public var displayTitle: String {
        if !briefTitle.isEmpty { return briefTitle }
        if !officialTitle.isEmpty { return officialTitle }
        return id.rawValue
    }
}
