/// The `JSONRange`s of one input: where the next ones are cut (`regions`), what the workers found in
/// those handed out (how many records each held, whether it ended cleanly), and so the number of a
/// range's first record, and where the serial splitter must take over.
///
/// A range's records are numbered after all earlier ranges' records, and they are the splitter's own
/// only if every earlier range ended cleanly. Ranges are confirmed in input order as they are
/// published (`settle`); the first range that did not end cleanly, once every earlier one did, is the
/// `takeover`: its records before the stop are kept, the later ranges' work is dropped and the work
/// queue hands the input from the stop on to a `RecordSplitter`.
///
/// Two ways to hand out and settle ranges (`Mode`):
/// - `.inOrder`: one run of consecutive ranges that all workers take in turn. A worker publishes its
///   range's cut, then waits until every earlier range has been published (it waits at most for the
///   scans of the few ranges other workers took before it: a range is published right after its scan,
///   before anything is decoded). Its records are emitted knowing their numbers and that they are the
///   splitter's. Each worker's segment then holds ranges about 132 records apart: a seam every range.
/// - `.regions(W)`: worker `w` starts at `w/W` of the input (at a line end) and takes consecutive ranges
///   from its own region; a worker whose region is empty takes the back half of the largest remainder
///   of another's (`WorkQueue.cutRange`), so the seams are `W − 1` plus one per such steal, and the
///   workers end within a range of each other. A range after another worker's unconfirmed ones cannot
///   wait for them (that would serialize the read), so it is emitted *speculatively*: `settle` returns
///   `.unconfirmed` (its first record number comes later, `firstRecord(at:)`, for its errors only). The
///   speculation is right whenever the input's ranges all end between values, as a JSON Lines input's
///   do (a JSON value holds no raw line end inside a string: a range cut after a line end starts
///   mid-value only inside a value spread over lines). When a takeover is found before a range that was
///   emitted speculatively, the read was wrong (`speculationFailed`): the consumer discards it and the
///   input is read again `.inOrder` (`DumpReader.read(…restart:)`). Speculation starts only once the
///   input's first range is known clean (it is handed out first), so a pretty-printed input stops there
///   and goes to the splitter without a second read.
///
/// Ranges are known by their start offset. Shares the work queue's lock: the queue hands out ranges and
/// reads the ledger under it, and waits on it (`WorkQueue.next`) for the ranges in flight to settle
/// before it moves on.
final class RangeLedger: @unchecked Sendable {
    enum Mode: Equatable {
        case inOrder
        case regions(Int)
    }

    /// What a worker does with its range's records once it has published its cut.
    enum Settlement: Equatable {
        /// Drop them: an earlier range stopped early (the serial splitter cuts this range's bytes again).
        case drop
        /// Emit them: they are the input's records from this 0-based record number on.
        case first(Int)
        /// Emit them: they are the input's records if the earlier ranges, not all published yet, end
        /// cleanly (`.regions` only); their first record number is known later (`firstRecord(at:)`).
        case unconfirmed
    }

    /// Input bytes `[next, end)` not handed out yet, taken in order by one worker.
    struct Region {
        var next: Int
        var end: Int
        var remaining: Int { end - next }
    }

    private struct Outcome {
        var end: Int
        /// Published: the record count and, for a range that stopped early, the input offset of its stop.
        var records: Int? = nil
        var stop: Int? = nil
        /// The records of the ranges before this one, once every earlier range is known clean.
        var first: Int? = nil
    }

    let file: InputFile
    let mode: Mode
    /// Where the first range begins.
    let firstOffset: Int
    /// `.regions`: the unit number of input offset 0; a range's records are numbered (`RecordOrder`) as
    /// unit `unitBase + start`, so in input order whoever takes the range and when.
    let unitBase: Int
    private let lock: ConditionLock
    // Guarded by `lock`:
    /// The bytes not handed out: one region (`.inOrder`) or one per worker (`.regions`), in input order.
    var regions: [Region]
    private var outcomes: [Int: Outcome] = [:]
    /// Every range before this offset is known clean; `confirmedRecords` records lie before it.
    private var frontier: Int
    private var confirmedRecords = 0
    /// The first range that stopped early, every earlier one clean: where the splitter takes over
    /// (input offset) and after how many records.
    private(set) var takeover: (offset: Int, count: Int)? = nil
    private var takeoverStart = Int.max
    /// The start of the last range emitted `.unconfirmed`.
    private var lastSpeculative = -1
    /// A range emitted `.unconfirmed` lies after the takeover: its records were not the input's.
    private(set) var speculationFailed = false

    /// `regions`: the regions' starts after the first (each just past a line end, in increasing order,
    /// `.regions` only).
    init(file: InputFile, lock: ConditionLock, from offset: Int, mode: Mode = .inOrder, boundaries: [Int] = [],
         unitBase: Int = 0) {
        self.file = file
        self.lock = lock
        self.mode = mode
        self.unitBase = unitBase
        firstOffset = offset
        frontier = offset
        let starts = [offset] + boundaries
        let ends = boundaries + [file.size]
        regions = zip(starts, ends).map { Region(next: $0, end: $1) }
    }

    /// Whether every range is handed out and known clean (lock held).
    var isComplete: Bool { takeover == nil && frontier == file.size }

    /// Whether the input's first range has been handed out (lock held): it goes first.
    var firstHandedOut: Bool { outcomes[firstOffset] != nil }

    /// Records the hand-out of the range `[region.next, end)` of region `index` (lock held) and
    /// returns its start.
    func handOut(from index: Int, to end: Int) -> Int {
        let start = regions[index].next
        precondition(end > start && end <= regions[index].end, "range \(start)..<\(end) of \(regions[index])")
        regions[index].next = end
        outcomes[start] = Outcome(end: end)
        return start
    }

    /// Publishes the cut of the range at `start` (`stop`: the input offset where it stopped early, nil
    /// when it ended cleanly) and says what to do with its records; `.inOrder` waits until every
    /// earlier range is published, `.regions` only until the input's first one is.
    func settle(_ start: Int, records: Int, stop: Int?) -> Settlement {
        lock.withLock {
            precondition(outcomes[start]?.records == nil, "range at \(start) published twice")
            outcomes[start]?.records = records
            outcomes[start]?.stop = stop
            if let stop {
                // Nothing after the stop is worth handing out.
                for i in regions.indices where regions[i].next > stop { regions[i].end = regions[i].next }
            }
            confirm()
            lock.broadcast()
            if mode != .inOrder {
                while frontier == firstOffset && takeover == nil { lock.wait() }
            }
            while true {
                if start > takeoverStart { return .drop }
                if let first = outcomes[start]?.first { return .first(first) }
                if mode != .inOrder {
                    lastSpeculative = max(lastSpeculative, start)
                    return .unconfirmed
                }
                lock.wait()
            }
        }
    }

    /// The 0-based number of the first record of the range at `start`, once every earlier range is
    /// published (waits for them: they never wait for a later one); nil after a failed speculation.
    func firstRecord(at start: Int) -> Int? {
        lock.withLock {
            while true {
                if let first = outcomes[start]?.first { return first }
                if speculationFailed { return nil }
                lock.wait()
            }
        }
    }

    /// Confirms the published ranges at the frontier, in input order (lock held).
    private func confirm() {
        while takeover == nil, let outcome = outcomes[frontier], let records = outcome.records {
            outcomes[frontier]?.first = confirmedRecords
            if let stop = outcome.stop {
                takeover = (stop, confirmedRecords + records)
                takeoverStart = frontier
                if lastSpeculative > frontier { speculationFailed = true }
                return
            }
            confirmedRecords += records
            frontier = outcome.end
        }
    }
}
