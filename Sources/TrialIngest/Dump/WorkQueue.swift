/// One unit of work: what a worker takes from the queue, numbered in input order.
struct WorkUnit: Sendable {
    enum Kind: Sendable {
        /// A single-record file of a known kind.
        case file(InputFile, FormatSniffer.Kind)
        /// Entry `index` of a zip archive given directly.
        case entry(ZipArchive, Int)
        /// A record cut out of a multi-record file.
        case record(SplitRecord, RecordSplitter.Grammar, encoding: String?, file: String)
        /// A range of a JSON input, for the worker to cut into records itself.
        case range(JSONRange)
        /// An input that could not be opened or understood.
        case failure(IngestError)
    }

    var sequence: Int
    var kind: Kind
    /// The input bytes this unit accounts for (progress).
    var bytes: Int
    /// The bytes of record content it holds (an entry's uncompressed size).
    var contentBytes: Int
}

/// Hands out the units of work in input order, expanding inputs as it reaches them: a zip archive
/// into its entries (central directory order), a multi-record file (ICTRP export, JSON) into its
/// records (cut out by `RecordSplitter` as they are asked for, so a large file is never in memory
/// whole), any other file into one unit. The files themselves were listed, in order, by `DumpReader`.
///
/// A JSON input that is a sequence of top-level values (JSON Lines) is handed out in ranges of about
/// `rangeBytes` cut after a line end, which the workers cut into records themselves (`JSONRange`,
/// `RangeLedger`); the input moves on to a `RecordSplitter` where a range did not end between values,
/// and is always cut by one when it is a top-level array. The queue waits (in `next(worker:)`) for the
/// ranges in flight to settle before it hands out what follows the input, so that units stay numbered
/// in input order. With `regions` (`RangeLedger.Mode.regions`) each worker takes consecutive ranges
/// from its own part of the input, and a range's unit number is its ledger's `unitBase` plus its start
/// offset (the input reserves one unit number per byte), still input order; once the ledger's
/// speculation has failed the queue hands out nothing more (`speculationFailed`). A zip archive's
/// entries are handed out the same way with `regions` (worker `w` takes consecutive entries from the
/// `w`-th part of the central directory, then the back half of the largest part left), numbered as the
/// archive's first unit plus the entry's index: no speculation is needed, an entry is always a whole
/// unit. Measured on the 16x replica's zip (BENCHMARKS.md, "a zip archive's entries in worker-affine
/// regions"): the index 4.3 MB smaller and its queries 5–16 % faster on the clock (at the same
/// instructions) than with the entries taken in turn.
///
/// Thread-safe: workers call `next(worker:)` concurrently; the cheap, sequential part (sniffing a file's
/// first 8 KiB, reading a central directory, cutting the next ICTRP record or JSON array element,
/// finding a JSON range's line end) happens under the lock, the expensive part (inflating, scanning
/// JSON Lines, parsing) in the workers.
final class WorkQueue: @unchecked Sendable {
    private struct State {
        var fileIndex = 0
        var sequence = 0
        var archive: Entries? = nil
        var splitter: Splitting? = nil
        var ranges: RangeLedger? = nil
        var exhausted = false
        var speculationFailed = false
    }

    /// A zip archive's entries being handed out: one run in turn (`regions` empty: `next`, numbered as
    /// handed out), or worker-affine regions of consecutive entries (numbered `unitBase` + entry index).
    private struct Entries {
        var archive: ZipArchive
        var next = 0
        var regions: [Range<Int>] = []
        var unitBase = 0
    }

    /// A multi-record file being cut into records.
    private struct Splitting: Sendable {
        var splitter: RecordSplitter
        var grammar: RecordSplitter.Grammar
        var encoding: String?
        /// Input bytes already accounted to units.
        var consumed = 0
    }

    private let files: [String]
    private let options: IngestOptions
    /// The size of a JSON range; 0 cuts every JSON input with one `RecordSplitter`.
    private let rangeBytes: Int
    /// Worker-affine regions of JSON ranges, one per worker (`RangeLedger.Mode.regions`); 0: the
    /// workers take one run of ranges in turn.
    private let regions: Int
    /// Fewest entries a zip archive's region holds by default (`regions`): a smaller archive's entries
    /// go to the workers in turn.
    static let defaultRegionEntries = 64
    /// Fewest entries a zip archive's region holds (`regions`).
    private let regionEntries: Int
    private let lock = ConditionLock()
    /// Guarded by `lock`.
    private var state = State()

    init(files: [String], options: IngestOptions, rangeBytes: Int = JSONRange.defaultBytes, regions: Int = 0,
         regionEntries: Int = WorkQueue.defaultRegionEntries) {
        precondition(rangeBytes >= 0 && regions >= 0 && regionEntries >= 1,
                     "range bytes \(rangeBytes), regions \(regions), region entries \(regionEntries)")
        self.regionEntries = regionEntries
        self.files = files
        self.options = options
        self.rangeBytes = rangeBytes
        self.regions = regions
    }

    /// The number of units handed out once `next(worker:)` has returned nil (not with `regions`, whose
    /// unit numbers leave gaps).
    var unitCount: Int? {
        lock.withLock { state.exhausted ? state.sequence : nil }
    }

    /// Whether a ledger found a range emitted speculatively after its takeover (`RangeLedger`): the read
    /// must be discarded and done again without `regions`.
    var speculationFailed: Bool {
        lock.withLock { state.speculationFailed }
    }

    /// The next unit for worker `worker`, or nil when every input has been handed out. May wait for
    /// the JSON ranges other workers hold to be scanned (`RangeLedger.settle`).
    func next(worker: Int) -> WorkUnit? {
        lock.withLock {
            while true {
                if state.speculationFailed { return nil }
                if let ranges = state.ranges {
                    if ranges.speculationFailed {
                        state.speculationFailed = true
                        state.exhausted = true
                        lock.broadcast()
                        return nil
                    } else if let takeover = ranges.takeover {
                        // A range stopped early: the splitter cuts the rest.
                        state.ranges = nil
                        state.splitter = Splitting(
                            splitter: RecordSplitter(.file(ranges.file), location: IngestLocation(file: ranges.file.path),
                                                     maxRecordBytes: options.maxRecordBytes,
                                                     resumingAt: takeover.offset, count: takeover.count),
                            grammar: .json, encoding: nil, consumed: takeover.offset)
                    } else if let range = cutRange(ranges, worker: worker) {
                        if ranges.mode == .inOrder {
                            return unit(&state, .range(range), bytes: range.end - range.start)
                        }
                        return WorkUnit(sequence: ranges.unitBase + range.start, kind: .range(range),
                                        bytes: range.end - range.start, contentBytes: 0)
                    } else if ranges.isComplete {
                        state.ranges = nil
                    } else {
                        lock.wait()
                        continue
                    }
                }
                if var entries = state.archive {
                    let archive = entries.archive
                    if entries.regions.isEmpty {
                        var i = entries.next
                        while i < archive.entries.count, ZipArchive.isJunk(archive.entries[i].name) { i += 1 }
                        if i < archive.entries.count {
                            entries.next = i + 1
                            state.archive = entries
                            return unit(&state, .entry(archive, i), bytes: archive.entries[i].compressedSize,
                                        content: archive.entries[i].uncompressedSize)
                        }
                    } else if let i = Self.nextEntry(&entries, worker: worker) {
                        state.archive = entries
                        return WorkUnit(sequence: entries.unitBase + i, kind: .entry(archive, i),
                                        bytes: archive.entries[i].compressedSize,
                                        contentBytes: archive.entries[i].uncompressedSize)
                    }
                    state.archive = nil
                }
                if var current = state.splitter {
                    // Moved out and back so its window buffer is never shared (no copy on write).
                    state.splitter = nil
                    let next = current.splitter.next()
                    let bytes = current.splitter.consumed - current.consumed
                    current.consumed = current.splitter.consumed
                    switch next {
                    case .success(let record):
                        state.splitter = current
                        return unit(&state, .record(record, current.grammar, encoding: current.encoding,
                                                    file: current.splitter.location.file), bytes: bytes,
                                    content: record.bytes.count)
                    case .failure(let error):
                        state.splitter = current
                        return unit(&state, .failure(error), bytes: bytes)
                    case nil:
                        break
                    }
                }
                guard state.fileIndex < files.count else {
                    state.exhausted = true
                    return nil
                }
                let path = files[state.fileIndex]
                state.fileIndex += 1
                if let unit = open(path, &state) { return unit }
            }
        }
    }

    /// The index of the next entry (not junk) for `worker` from `entries`' regions (lock held), or nil
    /// when none is left: from the worker's own region, else from the back half of the largest other
    /// region (which becomes the worker's own when it holds more than two entries; otherwise the
    /// worker takes that region's next entry), as `cutRange` does with JSON ranges.
    private static func nextEntry(_ entries: inout Entries, worker: Int) -> Int? {
        let count = entries.regions.count
        let own = worker % count
        while true {
            var index = own
            if entries.regions[own].isEmpty {
                guard let largest = entries.regions.indices.max(by: { entries.regions[$0].count < entries.regions[$1].count }),
                      !entries.regions[largest].isEmpty else { return nil }
                index = largest
                let region = entries.regions[largest]
                if region.count > 2 {
                    let half = region.lowerBound + region.count / 2
                    entries.regions[largest] = region.lowerBound..<half
                    entries.regions[own] = half..<region.upperBound
                    index = own
                }
            }
            let i = entries.regions[index].lowerBound
            entries.regions[index] = (i + 1)..<entries.regions[index].upperBound
            if !ZipArchive.isJunk(entries.archive.entries[i].name) { return i }
        }
    }

    /// The next range for `worker` (lock held), or nil when none is left to hand out: the input's first
    /// range while it is not handed out, else from the worker's own region, else from another's: the
    /// back half of the largest remainder becomes the worker's region when it holds more than two ranges,
    /// otherwise the worker takes that region's next range.
    private func cutRange(_ ranges: RangeLedger, worker: Int) -> JSONRange? {
        let own = ranges.mode == .inOrder ? 0 : worker % ranges.regions.count
        var index = own
        if !ranges.firstHandedOut, let first = ranges.regions.firstIndex(where: { $0.next == ranges.firstOffset }) {
            index = first
        } else if ranges.regions[own].remaining <= 0 {
            guard let largest = ranges.regions.indices.max(by: { ranges.regions[$0].remaining < ranges.regions[$1].remaining }),
                  ranges.regions[largest].remaining > 0 else { return nil }
            index = largest
            let region = ranges.regions[largest]
            if region.remaining > 2 * rangeBytes,
               let half = lineEnd(in: ranges.file, from: region.next + region.remaining / 2), half < region.end {
                ranges.regions[largest].end = half
                ranges.regions[own] = RangeLedger.Region(next: half, end: region.end)
                index = own
            }
        }
        let region = ranges.regions[index]
        let start = region.next
        var end = start + rangeBytes
        if region.end - start <= rangeBytes + rangeBytes / 4 {
            end = region.end
        } else if let lineEnd = lineEnd(in: ranges.file, from: end) {
            // Before the region's end: that is just past a line end, or the input's end.
            end = lineEnd
        }
        return JSONRange(ledger: ranges, start: ranges.handOut(from: index, to: end), end: end)
    }

    /// The offset just past the first line end (LF or CR) at or after `offset`, looked for up to
    /// `JSONRange.lineEndSearch` bytes on; nil when there is none (lock held).
    private func lineEnd(in file: InputFile, from offset: Int) -> Int? {
        let location = IngestLocation(file: file.path)
        var at = offset
        while at < min(file.size, offset + JSONRange.lineEndSearch) {
            // A read error here only cuts the range without a line end; the scan then stops and the
            // splitter reads (and reports) it.
            guard let piece = try? file.read(at: at, count: 8 << 10, location: location), !piece.isEmpty else { return nil }
            if let i = piece.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) { return at + i + 1 }
            at += piece.count
        }
        return nil
    }

    private func unit(_ state: inout State, _ kind: WorkUnit.Kind, bytes: Int, content: Int = 0) -> WorkUnit {
        defer { state.sequence += 1 }
        return WorkUnit(sequence: state.sequence, kind: kind, bytes: bytes, contentBytes: content)
    }

    /// Opens a listed file and decides how it is read; returns its unit, or nil after setting up an
    /// archive or a splitter whose units follow.
    private func open(_ path: String, _ state: inout State) -> WorkUnit? {
        let location = IngestLocation(file: path)
        let file: InputFile
        let head: [UInt8]
        do {
            file = try InputFile(path: path)
            head = try file.read(at: 0, count: FormatSniffer.headLength, location: location)
        } catch {
            return unit(&state, .failure(error), bytes: 0)
        }
        let kind = head.withUnsafeBytes { FormatSniffer.sniff($0) }
        switch kind {
        case .zip:
            guard options.maxArchiveDepth >= 1 else {
                return unit(&state, .failure(.tooDeep(location, what: "zip archives", limit: options.maxArchiveDepth)),
                            bytes: file.size)
            }
            do {
                let archive = try ZipArchive(storage: .file(file), location: location, options: options)
                var entries = Entries(archive: archive)
                let n = archive.entries.count
                // Regions of at least `regionEntries` entries each: a worker's segment then holds long
                // runs of consecutive entries (input order) rather than every other one.
                if regions > 1, n >= regions * regionEntries {
                    entries.regions = (0..<regions).map { w in (n * w / regions)..<(n * (w + 1) / regions) }
                    entries.unitBase = state.sequence
                    state.sequence += n
                }
                state.archive = entries
                return nil
            } catch {
                return unit(&state, .failure(error), bytes: file.size)
            }
        case .json where rangeBytes > 0:
            let first = head.withUnsafeBufferPointer { JSONRange.firstOffset($0) }
            if let first, file.size > first {
                // Regions of at least a range each: a smaller input is the ranges of one run. Unit numbers
                // by byte stay within `RecordOrder.sequence`'s 2³⁹ units (inputs of hundreds of GB).
                guard regions > 1, file.size - first >= regions * rangeBytes, state.sequence + file.size < 1 << 38 else {
                    state.ranges = RangeLedger(file: file, lock: lock, from: first)
                    return nil
                }
                var boundaries: [Int] = []
                for w in 1..<regions {
                    // Each region starts just past a line end, after the previous one; a region without
                    // one is left out (its worker starts by taking from another's).
                    let previous = boundaries.last ?? first
                    let nominal = max(first + (file.size - first) / regions * w, previous)
                    if let start = lineEnd(in: file, from: nominal), start > previous, start < file.size {
                        boundaries.append(start)
                    }
                }
                state.ranges = RangeLedger(file: file, lock: lock, from: first, mode: .regions(regions),
                                           boundaries: boundaries, unitBase: state.sequence)
                state.sequence += file.size
                return nil
            }
            state.splitter = Splitting(
                splitter: RecordSplitter(.file(file), grammar: .json, location: location,
                                         maxRecordBytes: options.maxRecordBytes),
                grammar: .json, encoding: nil)
            return nil
        case .ictrpExport, .json:
            let grammar: RecordSplitter.Grammar = kind == .json ? .json : .ictrp
            let encoding = kind == .json ? nil : head.withUnsafeBytes { ICTRPExport.declaredEncoding($0) }
            state.splitter = Splitting(
                splitter: RecordSplitter(.file(file), grammar: grammar, location: location,
                                         maxRecordBytes: options.maxRecordBytes),
                grammar: grammar, encoding: encoding)
            return nil
        case .unrecognized(let found):
            return unit(&state, .failure(.unrecognizedFormat(location, found: found)), bytes: file.size)
        default:
            return unit(&state, .file(file, kind), bytes: file.size, content: file.size)
        }
    }
}
