/// The searchable fields of a trial: which `Trial` properties feed each, its number on disk, its name
/// in the query language (`condition:…`) and its default BM25 weight.
///
/// The raw values are written into index files: never renumber a case, only append.
public enum Field: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `id` and `secondaryIds`, each indexed whole (lowercased) and by its parts.
    case id = 0
    /// `briefTitle`, `officialTitle`, `acronym`.
    case title = 1
    /// `conditions`.
    case condition = 2
    /// `keywords`.
    case keyword = 3
    /// `conditionMeshTerms` and `interventionMeshTerms`.
    case mesh = 4
    /// Intervention types, names, other names and descriptions; arm group labels and descriptions.
    case intervention = 5
    /// `briefSummary`.
    case summary = 6
    /// `detailedDescription`.
    case description = 7
    /// `eligibility.criteria` (inclusion and exclusion text).
    case eligibility = 8
    /// Primary and secondary outcome measures and their descriptions.
    case outcome = 9
    /// `leadSponsor` and `collaborators`.
    case sponsor = 10
    /// Facilities, cities, states and countries of `locations`, and `countries`.
    case location = 11

    /// The name used in queries (`title:`, `condition:`, …) and in explanations.
    public var name: String {
        switch self {
        case .id: return "id"
        case .title: return "title"
        case .condition: return "condition"
        case .keyword: return "keyword"
        case .mesh: return "mesh"
        case .intervention: return "intervention"
        case .summary: return "summary"
        case .description: return "description"
        case .eligibility: return "eligibility"
        case .outcome: return "outcome"
        case .sponsor: return "sponsor"
        case .location: return "location"
        }
    }

    public var description: String { name }

    /// The field named `name` in a query, or nil.
    public init?(name: some StringProtocol) {
        guard let field = Field.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = field
    }
}
