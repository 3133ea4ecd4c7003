import TrialSearchCore

/// The reorder step of an in-order read: workers finish units in any order, the reading thread takes
/// their results in unit order.
///
/// Workers `append` each result under its unit's number and `finish` the unit; the consumer `drain`s
/// the results of the oldest unfinished unit as they arrive (a unit such as an archive inside an
/// archive streams many), moving on when it is finished. A worker that took a unit more than `window`
/// units ahead of the oldest unfinished one waits (`waitForRoom`) before parsing it, so memory holds
/// at most about `window` units' results.
final class ReorderBuffer: @unchecked Sendable {
    private let lock = ConditionLock()
    private let window: Int
    // Guarded by `lock`:
    private var pending: [Int: [Result<Trial, IngestError>]] = [:]
    private var finished = Set<Int>()
    private var head = 0
    private var workersDone = 0
    private var unitCount: Int? = nil

    init(window: Int) {
        self.window = window
    }

    /// Blocks until unit `sequence` is within `window` of the oldest unfinished unit.
    func waitForRoom(_ sequence: Int) {
        lock.withLock {
            while sequence - head >= window { lock.wait() }
        }
    }

    func append(_ sequence: Int, _ result: Result<Trial, IngestError>) {
        lock.withLock {
            pending[sequence, default: []].append(result)
            if sequence == head { lock.broadcast() }
        }
    }

    func finish(_ sequence: Int) {
        lock.withLock {
            finished.insert(sequence)
            if sequence == head { lock.broadcast() }
        }
    }

    /// A worker has no more units; `unitCount` is the total number handed out.
    func workerDone(unitCount: Int?) {
        lock.withLock {
            workersDone += 1
            if let unitCount { self.unitCount = unitCount }
            lock.broadcast()
        }
    }

    /// Calls `body` with every result in unit order, on the calling thread, until all units are
    /// finished and all `workers` are done.
    func drain(workers: Int, _ body: (Result<Trial, IngestError>) -> Void) {
        while true {
            let batch: [Result<Trial, IngestError>]? = lock.withLock {
                while true {
                    if let results = pending.removeValue(forKey: head), !results.isEmpty { return results }
                    if finished.remove(head) != nil {
                        head += 1
                        lock.broadcast()
                        continue
                    }
                    if workersDone == workers, let count = unitCount, head >= count { return nil }
                    if workersDone == workers, unitCount == nil { return nil }
                    lock.wait()
                }
            }
            guard let batch else { return }
            for result in batch { body(result) }
        }
    }
}
