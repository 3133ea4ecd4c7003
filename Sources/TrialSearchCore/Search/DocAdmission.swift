/// Whether a doc of a segment may be collected as far as deletions, the filter and the skipped doc go
/// (`SegmentQuery.admits`): a few words, which a search copies once into a local before its loops.
///
/// Asked through the `SegmentQuery` (its `SegmentReader` and `SegmentFilter` inline) from inside a
/// search's loop, the optimizer copied the query or the filter (a `memcpy` call, about 100
/// instructions) for every doc it asked about in a segment with deletes or a filter: after an update
/// of 1,000 trials (a second segment, 1,000 deletes in the first), 50 related sources on the 16x
/// replica spent 77.4 M of 690.0 M instructions in `memcpy` (callgrind, BENCHMARKS.md).
struct DocAdmission {
    /// No doc of the segment is deleted.
    let allLive: Bool
    let liveDocs: LiveDocs
    /// A doc never collected (the source trial of a more-like-this query), or −1.
    let skippedDoc: DocID
    /// The filter behind a reference, nil when it admits every doc.
    let filter: FilterBox?

    @inline(__always)
    func admits(_ doc: DocID) -> Bool {
        if !allLive && !liveDocs.isLive(doc) { return false }
        if doc == skippedDoc { return false }
        guard let filter else { return true }
        return filter.filter.accepts(doc)
    }
}

/// A `SegmentFilter` behind a reference (`DocAdmission`): a pointer to test and pass, where the filter
/// inline (its `DocValues`, its code tables) was copied at each use.
final class FilterBox {
    let filter: SegmentFilter
    init(_ filter: SegmentFilter) { self.filter = filter }
}
