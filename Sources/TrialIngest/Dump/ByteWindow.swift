/// A sliding window over an input, for cutting records out of a multi-record file without reading
/// the whole file into memory: the window holds the bytes from the current record on, reading more
/// in 1 MiB steps as a scanner asks for them and dropping what has been consumed.
///
/// Also counts lines as XML does (LF, CRLF and a lone CR each end one line), on demand, so a
/// record's errors can name the line of the file.
struct ByteWindow {
    enum Source {
        case file(InputFile)
        /// A whole input already in memory (an archive entry).
        case bytes([UInt8])
    }

    private let source: Source
    private(set) var buffer: [UInt8]
    /// The input offset of `buffer[0]`.
    private(set) var base = 0
    /// The total size of the input.
    let size: Int
    let location: IngestLocation
    static let step = 1 << 20

    /// Line counting: the line at `countedTo`.
    private var countedTo = 0
    private var line = 1
    private var lastWasCR = false

    init(_ source: Source, location: IngestLocation) {
        self.source = source
        self.location = location
        switch source {
        case .file(let file):
            size = file.size
            buffer = []
        case .bytes(let bytes):
            size = bytes.count
            buffer = bytes
        }
    }

    /// The input offset just past the bytes in the window.
    var end: Int { base + buffer.count }

    /// Makes the window reach at least to input offset `offset` (or the end of the input); returns
    /// false when the input ends before it.
    mutating func fill(to offset: Int) throws(IngestError) -> Bool {
        guard offset > end else { return true }
        guard case .file(let file) = source else { return false }
        guard end < size else { return false }
        let want = min(size, max(offset, end + ByteWindow.step)) - end
        let more = try file.read(at: end, count: want, location: location)
        buffer.append(contentsOf: more)
        return offset <= end
    }

    /// The byte at input offset `offset` (which the window must hold).
    subscript(offset: Int) -> UInt8 { buffer[offset - base] }

    /// The bytes `[from, to)` (which the window must hold), copied out.
    func bytes(_ from: Int, _ to: Int) -> [UInt8] { Array(buffer[(from - base)..<(to - base)]) }

    /// Forgets the bytes before input offset `offset`. Their lines are not counted here: a later
    /// `lineNumber` query reads them again from the source (see there).
    mutating func discard(before offset: Int) {
        let drop = offset - base
        guard drop > 0 else { return }
        if drop >= buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if drop >= buffer.count / 2 || drop >= ByteWindow.step {
            buffer.removeFirst(drop)
        } else {
            return
        }
        base += drop
    }

    /// The 1-based line of input offset `offset` (which must not precede earlier queries).
    ///
    /// Lines are counted lazily, from the previous query on: a JSON splitter asks only when it
    /// reports an error, so the records between errors are never counted (their errors name the
    /// record, not the line), while the ICTRP splitter asks at every record start. Bytes already
    /// dropped from the window since the previous query are read again from the source, in `step`
    /// pieces: over a whole input at most one extra read, and only when errors ask for lines.
    mutating func lineNumber(at offset: Int) throws(IngestError) -> Int {
        precondition(offset >= countedTo, "line queries go forward: \(offset) < \(countedTo)")
        var counter = LineCounter(line: line, lastWasCR: lastWasCR)
        // Dropped bytes: read them again.
        while countedTo < min(base, offset) {
            let stop = min(base, offset, countedTo + ByteWindow.step)
            switch source {
            case .file(let file):
                let bytes = try file.read(at: countedTo, count: stop - countedTo, location: location)
                bytes.withUnsafeBufferPointer { counter.count($0) }
            case .bytes(let all):
                all.withUnsafeBufferPointer { counter.count(UnsafeBufferPointer(rebasing: $0[countedTo..<stop])) }
            }
            countedTo = stop
        }
        // The window's part.
        let first = max(countedTo, base)
        let stop = min(offset, end)
        if first < stop {
            buffer.withUnsafeBufferPointer { counter.count(UnsafeBufferPointer(rebasing: $0[(first - base)..<(stop - base)])) }
        }
        line = counter.line
        lastWasCR = counter.lastWasCR
        countedTo = max(countedTo, stop)
        return line
    }
}

/// Counts lines as XML does: LF, CRLF and a lone CR each end one line. Eight bytes at a time through
/// text without line ends (a JSON Lines record is one line).
struct LineCounter {
    var line: Int
    var lastWasCR: Bool

    mutating func count(_ b: UnsafeBufferPointer<UInt8>) {
        guard let p = b.baseAddress else { return }
        var line = line
        var lastWasCR = lastWasCR
        var i = 0
        let limit = b.count
        while i < limit {
            if i + 8 <= limit {
                let word = ByteWord.load(p + i)
                if ByteWord.equal(word, 0x0A) | ByteWord.equal(word, 0x0D) == 0 {
                    lastWasCR = false
                    i += 8
                    continue
                }
            }
            let byte = b[i]
            if byte == 0x0A {
                if !lastWasCR { line += 1 }
                lastWasCR = false
            } else if byte == 0x0D {
                line += 1
                lastWasCR = true
            } else {
                lastWasCR = false
            }
            i += 1
        }
        self.line = line
        self.lastWasCR = lastWasCR
    }
}
