extension Trial {
    /// Calls `body` with each text value that feeds `field`, in a fixed order (see `Field` for the
    /// mapping). Indexing analyzes them one after another with a position gap between values; snippets
    /// and more-like-this use the same values.
    public func forEachValue(of field: Field, _ body: (String) -> Void) {
        forEachValue(of: field, { if !$0.isEmpty { body($0) } }, stored: { if !$0.pointee.isEmpty { body($0.pointee) } })
    }

    /// `forEachValue(of:_:)` as UTF-8 bytes, each value read where it is stored (`StringBytes`): the
    /// indexer's path, which analyzes bytes. A value in a list passed as a `String` was copied first (a
    /// retain and a release).
    func forEachValueBytes(of field: Field, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachValue(of: field, { value in
            if value.isEmpty { return }
            let done: Void? = value.utf8.withContiguousStorageIfAvailable { body($0) }
            if done == nil {
                var value = value
                value.withUTF8 { body($0) }
            }
        }, stored: { address in
            StringBytes.withUTF8(at: address) { if !$0.isEmpty { body($0) } }
        })
    }

    /// The mapping of `forEachValue`: the trial's own properties go to `one`, the strings inside its
    /// lists to `stored` by their address (empty values included: the callers skip them).
    @inline(__always)
    private func forEachValue(of field: Field, _ one: (String) -> Void, stored: (UnsafePointer<String>) -> Void) {
        func each(_ values: [String]) {
            values.withUnsafeBufferPointer { vs in for v in vs.addresses { stored(v) } }
        }
        func each<Element>(_ list: [Element], _ body: (UnsafePointer<Element>) -> Void) {
            list.withUnsafeBufferPointer { items in for item in items.addresses { body(item) } }
        }
        func value<Element>(_ item: UnsafePointer<Element>, _ path: KeyPath<Element, String>) {
            if let address = item.pointer(to: path) { stored(address) } else { one(item.pointee[keyPath: path]) }
        }
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
            each(interventions) { item in
                value(item, \.type)
                value(item, \.name)
                each(item.pointee.otherNames)
                value(item, \.description)
            }
            each(armGroups) { group in
                value(group, \.label)
                value(group, \.description)
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
            each(primaryOutcomes) { o in value(o, \.measure); value(o, \.description) }
            each(secondaryOutcomes) { o in value(o, \.measure); value(o, \.description) }
        case .sponsor:
            one(leadSponsor)
            each(collaborators)
        case .location:
            each(locations) { l in value(l, \.facility); value(l, \.city); value(l, \.state); value(l, \.country) }
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
