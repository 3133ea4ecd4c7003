extension Trial {
    /// Calls `body` with each text value that feeds `field`, in a fixed order (see `Field` for the
    /// mapping). Indexing analyzes them one after another with a position gap between values; snippets
    /// and more-like-this use the same values.
    public func forEachValue(of field: Field, _ body: (String) -> Void) {
        // Lists are read through their buffers, in place: `for v in array` copied each element (a retain
        // and a release of each string, and of each string of a struct element).
        func each(_ values: [String]) {
            values.withUnsafeBufferPointer { vs in for k in vs.indices where !vs[k].isEmpty { body(vs[k]) } }
        }
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
            interventions.withUnsafeBufferPointer { items in
                for k in items.indices {
                    one(items[k].type)
                    one(items[k].name)
                    each(items[k].otherNames)
                    one(items[k].description)
                }
            }
            armGroups.withUnsafeBufferPointer { groups in
                for k in groups.indices {
                    one(groups[k].label)
                    one(groups[k].description)
                }
            }
        case .summary:
            one(briefSummary)
        case .description:
            one(detailedDescription)
        case .eligibility:
            one(eligibility.criteria)
        case .outcome:
            // Each list on its own, not `primaryOutcomes + secondaryOutcomes`: the sum was a new array per
            // record (an allocation, a retain and a release of each outcome's strings).
            func outcomes(_ list: [Outcome]) {
                list.withUnsafeBufferPointer { os in
                    for k in os.indices {
                        one(os[k].measure)
                        one(os[k].description)
                    }
                }
            }
            outcomes(primaryOutcomes)
            outcomes(secondaryOutcomes)
        case .sponsor:
            one(leadSponsor)
            each(collaborators)
        case .location:
            locations.withUnsafeBufferPointer { ls in
                for k in ls.indices {
                    one(ls[k].facility)
                    one(ls[k].city)
                    one(ls[k].state)
                    one(ls[k].country)
                }
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
