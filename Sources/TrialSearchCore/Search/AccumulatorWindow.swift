import Synchronization

/// The scratch of a window-at-a-time walk over postings (`MaxScoreSearch`, `ThresholdSeed`): one
/// `Double` score sum per doc of the window and one bit per doc marking the docs a clause touched. The
/// walks leave both cleared after each window, so that the next window starts from zero without
/// clearing the whole window again; and so that the next walk, of this query or the next one of a
/// batch, can take it over as it is (`take(window:)`, `recycle()`) instead of allocating and zeroing
/// 36 KB again (two walks a keyword query: 10.9 M instructions of 1,029 M for the middle third of the
/// keyword queries at top 1,000 on the 16x replica, plus the allocations; BENCHMARKS.md, `kw12`).
///
/// A walk's window of docs is indexed from the multiple of 64 at or below its first doc (`base`, so
/// that a doc's mark bit is its own low six bits): it spans up to `window + 63` docs, and the buffers
/// hold `window + 64` sums and `window / 64 + 1` mark words (`capacity`).
///
/// `@unchecked Sendable`: the buffers belong to one walk at a time, the one that took the window,
/// until it recycles it; between walks they sit in `spares`, behind its lock.
struct AccumulatorWindow: @unchecked Sendable {
    /// Docs of the window: a positive multiple of 64 (one mark word per 64 docs).
    let window: Int
    /// `capacity` score sums, all 0 outside a window's walk.
    let accumulator: UnsafeMutablePointer<Double>
    /// `capacity / 64` words of marks, all 0 outside a window's walk.
    let marks: UnsafeMutablePointer<UInt64>

    /// A new window, zeroed.
    init(window: Int) {
        precondition(window >= 64 && window % 64 == 0, "window \(window)")
        self.window = window
        let capacity = window + 64
        accumulator = .allocate(capacity: capacity)
        accumulator.initialize(repeating: 0, count: capacity)
        marks = .allocate(capacity: capacity / 64)
        marks.initialize(repeating: 0, count: capacity / 64)
    }

    /// Docs the buffers hold: a window of `window` docs from any first doc, indexed from the multiple of
    /// 64 at or below it.
    var capacity: Int { window + 64 }

    /// The base a window starting at doc `first` is indexed from: the multiple of 64 at or below it.
    @inline(__always)
    static func base(of first: Int) -> Int { first & ~63 }

    /// The most cleared windows kept for later walks: a search holds one (`IndexSearcher` takes it for
    /// the seed's walk and every segment's MaxScore walk, which leave it cleared), and a many-clause
    /// query's MaxScore walk a second, larger one while it runs (`MaxScoreSearch.longWindowFactor`), so
    /// this is twice the number of searches that can run concurrently without allocating.
    static let maxSpares = 8

    /// Cleared windows that walks gave back (`recycle()`).
    private static let spares = Mutex<[AccumulatorWindow]>([])

    /// A cleared window of `window` docs, for one walk: a spare one of that size, or a new one. The
    /// walk gives it back with `recycle()` (in a `defer`).
    static func take(window: Int) -> AccumulatorWindow {
        let spare = spares.withLock { list -> AccumulatorWindow? in
            guard let i = list.lastIndex(where: { $0.window == window }) else { return nil }
            return list.remove(at: i)
        }
        return spare ?? AccumulatorWindow(window: window)
    }

    /// Gives the window back for a later walk, or frees it when `maxSpares` are kept already. The
    /// walk must leave it cleared (checked in debug builds).
    func recycle() {
        assert(isCleared, "an accumulator window recycled with nonzero sums or marks")
        let kept = Self.spares.withLock { list -> Bool in
            guard list.count < Self.maxSpares else { return false }
            list.append(self)
            return true
        }
        if !kept { deallocate() }
    }

    /// Whether every sum and mark is 0 (what a walk leaves).
    var isCleared: Bool {
        (0..<capacity).allSatisfy { accumulator[$0] == 0 } && (0..<capacity / 64).allSatisfy { marks[$0] == 0 }
    }

    /// Frees both buffers (once, by the walk that allocated them).
    func deallocate() {
        accumulator.deallocate()
        marks.deallocate()
    }
}
