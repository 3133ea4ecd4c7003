/// A growable run of positions in manually managed memory, which a phrase check refills for every doc
/// and field it reads (`PostingsCursor.positions(in:into:)` returning a count).
///
/// An `[Int32]` refilled per read paid for emptying it, reserving and a uniqueness check per value
/// appended: most of the cost of reading the two or three positions a phrase part usually has in a
/// field. One owner (a `PhraseScorer`), freed in `deinit`, like `PostingsBuffers`.
final class PositionBuffer {
    private(set) var base: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int

    init(capacity: Int = 64) {
        precondition(capacity > 0, "capacity \(capacity)")
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit { base.deallocate() }

    /// Room for `count` positions from `base` (the contents are not kept when it grows).
    /// - Complexity: O(1), or O(count) to allocate when it grows.
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<Int32> {
        if count > capacity { grow(count) }
        return base
    }

    private func grow(_ count: Int) {
        let newCapacity = max(count, capacity * 2)
        base.deallocate()
        base = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }
}
