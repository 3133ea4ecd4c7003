/// The elements of ClinicalTrials.gov's legacy XML (`public.xsd`) that `Trial` is filled from; every
/// other element is `.other` and its subtree is skipped.
enum ClinicalStudyTag: UInt8, CaseIterable {
    case other
    case clinicalStudy, idInfo, orgStudyId, secondaryId, nctId, nctAlias
    case briefTitle, acronym, officialTitle
    case sponsors, leadSponsor, collaborator, agency
    case briefSummary, detailedDescription, textblock
    case overallStatus, startDate, completionDate, phase, studyType
    case studyDesignInfo, allocation, interventionModel, primaryPurpose, masking, observationalModel
    case timePerspective
    case primaryOutcome, secondaryOutcome, measure, timeFrame, description
    case enrollment, condition, keyword
    case armGroup, armGroupLabel, armGroupType
    case intervention, interventionType, interventionName, otherName
    case eligibility, criteria, gender, minimumAge, maximumAge, healthyVolunteers
    case overallOfficial, lastName, role, affiliation
    case location, facility, name, address, city, state, country, locationCountries
    case studyFirstPosted, firstreceivedDate, lastUpdatePosted, lastchangedDate
    case conditionBrowse, interventionBrowse, meshTerm

    /// The element name in the XML.
    var xmlName: String {
        switch self {
        case .other: return ""
        case .clinicalStudy: return "clinical_study"
        case .idInfo: return "id_info"
        case .orgStudyId: return "org_study_id"
        case .secondaryId: return "secondary_id"
        case .nctId: return "nct_id"
        case .nctAlias: return "nct_alias"
        case .briefTitle: return "brief_title"
        case .acronym: return "acronym"
        case .officialTitle: return "official_title"
        case .sponsors: return "sponsors"
        case .leadSponsor: return "lead_sponsor"
        case .collaborator: return "collaborator"
        case .agency: return "agency"
        case .briefSummary: return "brief_summary"
        case .detailedDescription: return "detailed_description"
        case .textblock: return "textblock"
        case .overallStatus: return "overall_status"
        case .startDate: return "start_date"
        case .completionDate: return "completion_date"
        case .phase: return "phase"
        case .studyType: return "study_type"
        case .studyDesignInfo: return "study_design_info"
        case .allocation: return "allocation"
        case .interventionModel: return "intervention_model"
        case .primaryPurpose: return "primary_purpose"
        case .masking: return "masking"
        case .observationalModel: return "observational_model"
        case .timePerspective: return "time_perspective"
        case .primaryOutcome: return "primary_outcome"
        case .secondaryOutcome: return "secondary_outcome"
        case .measure: return "measure"
        case .timeFrame: return "time_frame"
        case .description: return "description"
        case .enrollment: return "enrollment"
        case .condition: return "condition"
        case .keyword: return "keyword"
        case .armGroup: return "arm_group"
        case .armGroupLabel: return "arm_group_label"
        case .armGroupType: return "arm_group_type"
        case .intervention: return "intervention"
        case .interventionType: return "intervention_type"
        case .interventionName: return "intervention_name"
        case .otherName: return "other_name"
        case .eligibility: return "eligibility"
        case .criteria: return "criteria"
        case .gender: return "gender"
        case .minimumAge: return "minimum_age"
        case .maximumAge: return "maximum_age"
        case .healthyVolunteers: return "healthy_volunteers"
        case .overallOfficial: return "overall_official"
        case .lastName: return "last_name"
        case .role: return "role"
        case .affiliation: return "affiliation"
        case .location: return "location"
        case .facility: return "facility"
        case .name: return "name"
        case .address: return "address"
        case .city: return "city"
        case .state: return "state"
        case .country: return "country"
        case .locationCountries: return "location_countries"
        case .studyFirstPosted: return "study_first_posted"
        case .firstreceivedDate: return "firstreceived_date"
        case .lastUpdatePosted: return "last_update_posted"
        case .lastchangedDate: return "lastchanged_date"
        case .conditionBrowse: return "condition_browse"
        case .interventionBrowse: return "intervention_browse"
        case .meshTerm: return "mesh_term"
        }
    }

    private static let byName: [String: ClinicalStudyTag] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .other }.map { ($0.xmlName, $0) })

    /// The tag named by the NUL-terminated `name`.
    static func named(_ name: UnsafePointer<UInt8>) -> ClinicalStudyTag {
        byName[String(cString: name)] ?? .other
    }
}

/// Maps libxml2's interned element-name pointers to tags without looking at the bytes again: an
/// open-addressing table keyed by address, valid while one parser context (and its dictionary) lives.
struct TagCache {
    private var keys = [UInt](repeating: 0, count: 512)
    private var values = [ClinicalStudyTag](repeating: .other, count: 512)
    private var filled = 0

    mutating func tag(_ name: UnsafePointer<UInt8>) -> ClinicalStudyTag {
        let key = UInt(bitPattern: name)
        var slot = Int(truncatingIfNeeded: (key >> 3) &* 0x9E37_79B9) & 511
        for _ in 0..<8 {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 {
                let tag = ClinicalStudyTag.named(name)
                if filled < 384 {
                    keys[slot] = key
                    values[slot] = tag
                    filled += 1
                }
                return tag
            }
            slot = (slot + 1) & 511
        }
        return ClinicalStudyTag.named(name)
    }

    /// Forgets every pointer (the parser context, hence its dictionary, was replaced).
    mutating func reset() {
        for i in keys.indices { keys[i] = 0 }
        filled = 0
    }
}
