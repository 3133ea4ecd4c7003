/// A phrase's per-part state for checking positions (`PhraseScorer.matchPositions()`): each part's
/// offset in the phrase, its position buffer and how many positions were read into it, in memory of
/// its own, reached through plain pointers. `PhraseScorer` held them as three arrays, and each check
/// copied two of them (a retain and a release each) and checked the third's uniqueness (BENCHMARKS.md,
/// `kw16`). The copies of a scorer share it, as they shared the position buffers.
final class PhraseParts {
    /// The number of parts.
    let count: Int
    /// Each part's position relative to the phrase's first.
    let offsets: UnsafeMutablePointer<Int32>
    /// Each part's positions in the field being checked (the first `counts[i]` of them), unretained:
    /// `buffers` holds them.
    let positions: UnsafeMutablePointer<Unmanaged<PositionBuffer>>
    /// How many positions of each part `positions` holds.
    let counts: UnsafeMutablePointer<Int>
    private let buffers: [PositionBuffer]

    /// - Parameter offsets: each part's position relative to the phrase's first, in phrase order.
    init(offsets: [Int32]) {
        count = offsets.count
        buffers = offsets.map { _ in PositionBuffer() }
        self.offsets = .allocate(capacity: max(count, 1))
        self.offsets.initialize(from: offsets, count: count)
        positions = .allocate(capacity: max(count, 1))
        for i in 0..<count { (positions + i).initialize(to: .passUnretained(buffers[i])) }
        counts = .allocate(capacity: max(count, 1))
        counts.initialize(repeating: 0, count: count)
    }

    deinit {
        offsets.deallocate()
        positions.deallocate()
        counts.deallocate()
    }
}
