import TrialSearchCore

/// One `IndexWorker` per reading thread of `DumpReader.read`, made on the thread's first record and
/// finished (its last segment flushed) on the same thread when the thread has no more input.
///
/// `@unchecked Sendable`: slot `i` is only ever touched by reading thread `i` (`DumpReader.read` calls
/// its body and `workerDone` for worker `i` on thread `i` alone), so no two threads share a slot; the
/// slots live in manually allocated memory, not in an array that every thread would mutate.
final class WorkerSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<IndexWorker?>
    private let count: Int

    init(count: Int) {
        precondition(count >= 1, "worker slots \(count)")
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// The worker of thread `thread`, made by `writer` on first use.
    func worker(_ thread: Int, _ writer: IndexWriter) -> IndexWorker {
        precondition(thread >= 0 && thread < count, "thread \(thread) of \(count)")
        if let worker = slots[thread] { return worker }
        let worker = writer.makeWorker()
        slots[thread] = worker
        return worker
    }

    /// Flushes the last segment of thread `thread`'s worker, if it made one, and hands it to the writer.
    func finish(_ thread: Int) throws {
        precondition(thread >= 0 && thread < count, "thread \(thread) of \(count)")
        guard let worker = slots[thread] else { return }
        slots[thread] = nil
        try worker.finish()
    }
}
