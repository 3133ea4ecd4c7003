extension Trial {
    /// Calls `body` with each text value that feeds `field`, in a fixed order (see `Field` for the
    /// mapping). Indexing analyzes them one after another with a position gap between values; snippets
    /// and more-like-this use the same values.
    public func forEachValue(of field: Field, _ body: (String) -> Void) {
        func each(_ values: [String]) { for v in values where !v.isEmpty { body(v) } }
        func one(_ value: String) { if !value.isEmpty { body(value) } }
        switch field {
        case .id:
            one(id.rawValue)
            each(secondaryIds)
        case .title:
            one(briefTitle)
            one(officialTitle)
            one(acronym)
        case .condition:
            each(conditions)
        case .keyword:
            each(keywords)
        case .mesh:
            each(conditionMeshTerms)
            each(interventionMeshTerms)
        case .intervention:
            for i in interventions {
                one(i.type)
                one(i.name)
                each(i.otherNames)
                one(i.description)
            }
            for a in armGroups {
                one(a.label)
                one(a.description)
            }
        case .summary:
            one(briefSummary)
        case .description:
            one(detailedDescription)
        case .eligibility:
            one(eligibility.criteria)
        case .outcome:
            // Two loops, not one over `primaryOutcomes + secondaryOutcomes`: the sum was a new array per
            // record (an allocation, a retain and a release of each outcome's strings).
            for o in primaryOutcomes {
                one(o.measure)
                one(o.description)
            }
            for o in secondaryOutcomes {
                one(o.measure)
                one(o.description)
            }
        case .sponsor:
            one(leadSponsor)
            each(collaborators)
        case .location:
            for l in locations {
                one(l.facility)
                one(l.city)
                one(l.state)
                one(l.country)
            }
            each(countries)
        }
    }

    /// The values of `field` (see `forEachValue(of:_:)`).
    public func values(of field: Field) -> [String] {
        var values: [String] = []
        forEachValue(of: field) { values.append($0) }
        return values
    }
}
