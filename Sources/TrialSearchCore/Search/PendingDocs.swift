/// The storage of a deep list's docs collected since its last selection (`TopHitsCollector`): a
/// class, so that a collected doc is a store through its pointer rather than an `Array.append`, whose
/// uniqueness check is a runtime call per doc (callgrind, the middle third of the keyword queries at top
/// 1,000 on the 16x replica: 1,006.8 → 986.0 M instructions, of which the checks 5.6 M; BENCHMARKS.md,
/// `kw12`). The collector counts the docs and owns the storage alone: a collector is searched into in
/// place (`inout`), never copied while it collects, so no copy on write is needed.
///
/// `@unchecked Sendable`: only `none` (empty) is shared; any other belongs to one collector.
final class PendingDocs: @unchecked Sendable {
    /// Room for `capacity` docs (trivial values: never deinitialized).
    let base: UnsafeMutablePointer<ScoredDoc>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: max(capacity, 1))
    }

    deinit { base.deallocate() }

    /// No room: a heap's (which keeps its docs in `buffer`).
    static let none = PendingDocs(capacity: 0)
}
