/// The scratch of a window-at-a-time walk over postings (`MaxScoreSearch`, `ThresholdSeed`): one
/// `Double` score sum per doc of the window and one bit per doc marking the docs a clause touched,
/// allocated zeroed once per walk and freed by the walk's owner (`deallocate()`, in a `defer`). The
/// walks leave both cleared after each window, so that the next window starts from zero without
/// clearing the whole window again.
struct AccumulatorWindow {
    /// Docs of the window: a positive multiple of 64 (one mark word per 64 docs).
    let window: Int
    /// `window` score sums, all 0 outside a window's walk.
    let accumulator: UnsafeMutablePointer<Double>
    /// `window / 64` words of marks, all 0 outside a window's walk.
    let marks: UnsafeMutablePointer<UInt64>

    init(window: Int) {
        precondition(window >= 64 && window % 64 == 0, "window \(window)")
        self.window = window
        accumulator = .allocate(capacity: window)
        accumulator.initialize(repeating: 0, count: window)
        marks = .allocate(capacity: window / 64)
        marks.initialize(repeating: 0, count: window / 64)
    }

    /// Frees both buffers (once, by the walk that allocated them).
    func deallocate() {
        accumulator.deallocate()
        marks.deallocate()
    }
}
