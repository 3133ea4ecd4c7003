/// What the workers found in the `JSONRange`s of one input, in range order: how many records each
/// held, whether it ended cleanly, and so the number of a range's first record, and where the serial
/// splitter must take over.
///
/// A range's records are numbered after all earlier ranges' records, and they are the splitter's own
/// only if every earlier range ended cleanly; so a worker publishes its range's cut, then waits until
/// every earlier range has been published (`settle`). The waits are short: a worker publishes right
/// after its scan, before it decodes anything, so a range waits at most for the scans of the few
/// ranges other workers took before it. The first range that did not end cleanly, once every earlier
/// one did, is the `takeover`: its records before the stop are kept, the later ranges' work is dropped
/// and the work queue hands the input from the stop on to a `RecordSplitter`.
///
/// Shares the work queue's lock: the queue hands out ranges and reads the ledger under it, and
/// waits on it (`WorkQueue.next`) for the ranges in flight to settle before it moves on.
final class RangeLedger: @unchecked Sendable {
    let file: InputFile
    private let lock: ConditionLock
    // Guarded by `lock`:
    /// Published outcomes by range number: the record count and, for a range that stopped early, the
    /// input offset of its stop.
    private var outcomes: [(records: Int, stop: Int?)?] = []
    /// `firstRecord[k]`: the records of ranges before `k`, known for every `k` up to the first range
    /// not yet known to be clean.
    private var firstRecord = [0]
    /// How many ranges have been handed out; the next one begins at input offset `next`.
    private(set) var handedOut = 0
    private(set) var next: Int
    /// Whether some published range stopped early (no range after it is worth handing out).
    private(set) var sawStop = false
    /// The first range that stopped early, every earlier one clean: where the splitter takes over
    /// (input offset) and after how many records.
    private(set) var takeover: (offset: Int, count: Int)? = nil
    private var takeoverRange = Int.max

    init(file: InputFile, lock: ConditionLock, from offset: Int) {
        self.file = file
        self.lock = lock
        next = offset
    }

    /// Whether every range handed out is known clean and the input is all handed out (lock held).
    var isComplete: Bool { takeover == nil && next == file.size && firstRecord.count == handedOut + 1 }

    /// Records the hand-out of the range `[next, end)` (lock held) and returns its number.
    func handOut(to end: Int) -> Int {
        precondition(end > next && end <= file.size && !sawStop, "range \(next)..<\(end) of \(file.size)")
        next = end
        outcomes.append(nil)
        handedOut += 1
        return handedOut - 1
    }

    /// Publishes range `number`'s cut (`stop`: the input offset where it stopped early, nil when it
    /// ended cleanly), then waits until every earlier range is published. Returns the 0-based number of
    /// the range's first record among the input's records, or nil when an earlier range stopped early
    /// (the serial splitter cuts this range's bytes again).
    func settle(_ number: Int, records: Int, stop: Int?) -> Int? {
        lock.withLock {
            precondition(outcomes[number] == nil, "range \(number) published twice")
            outcomes[number] = (records, stop)
            if stop != nil { sawStop = true }
            // Confirm ranges in order.
            while takeover == nil, firstRecord.count <= handedOut, let outcome = outcomes[firstRecord.count - 1] {
                let k = firstRecord.count - 1
                if let stop = outcome.stop {
                    takeover = (stop, firstRecord[k] + outcome.records)
                    takeoverRange = k
                } else {
                    firstRecord.append(firstRecord[k] + outcome.records)
                }
            }
            lock.broadcast()
            while true {
                if number > takeoverRange { return nil }
                if number < firstRecord.count { return firstRecord[number] }
                lock.wait()
            }
        }
    }
}
