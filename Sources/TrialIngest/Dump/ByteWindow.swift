/// A sliding window over an input, for cutting records out of a multi-record file without reading
/// the whole file into memory: the window holds the bytes from the current record on, reading more
/// in 1 MiB steps as a scanner asks for them and dropping what has been consumed.
///
/// Dropping is lazy: `discard` only marks the bytes that may go; the next read moves the bytes still
/// wanted (the record being cut, a few KB) to the front of the buffer and reads the file straight
/// into the space after them. So each input byte is copied out of the kernel once, not once into a
/// temporary array, once appended and about once more each time the window slides.
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
    /// The window's bytes are `buffer[0..<filled]`; the rest is room for the next read.
    private var buffer: [UInt8]
    private var filled: Int
    /// The input offset of `buffer[0]`.
    private(set) var base = 0
    /// The bytes before this input offset may be dropped at the next read.
    private var keepFrom = 0
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
        filled = buffer.count
    }

    /// A window whose first byte will be input offset `offset` (the bytes before it are never
    /// wanted, but still counted when a line is asked for).
    init(_ source: Source, location: IngestLocation, from offset: Int) {
        self.init(source, location: location)
        precondition(offset >= 0 && offset <= size, "offset \(offset) of \(size)")
        if case .file = source {
            base = offset
        }
        keepFrom = offset
    }

    /// The input offset just past the bytes in the window.
    var end: Int { base + filled }

    /// Makes the window reach at least to input offset `offset` (or the end of the input); returns
    /// false when the input ends before it.
    mutating func fill(to offset: Int) throws(IngestError) -> Bool {
        guard offset > end else { return true }
        guard case .file(let file) = source else { return false }
        guard end < size else { return false }
        let want = min(size, max(offset, end + ByteWindow.step)) - end
        // Drop what was discarded: move the bytes still wanted to the front.
        let drop = min(keepFrom, end) - base
        if drop > 0 {
            let kept = filled - drop
            buffer.withUnsafeMutableBufferPointer { b in
                guard let p = b.baseAddress, kept > 0 else { return }
                p.update(from: p + drop, count: kept)
            }
            filled = kept
            base += drop
        }
        if filled + want > buffer.count {
            var larger = [UInt8](repeating: 0, count: max(filled + want, 2 * buffer.count))
            let filled = filled
            larger.withUnsafeMutableBufferPointer { to in
                buffer.withUnsafeBufferPointer { from in
                    guard let t = to.baseAddress, let f = from.baseAddress, filled > 0 else { return }
                    t.update(from: f, count: filled)
                }
            }
            buffer = larger
        }
        let at = end, start = filled
        let location = location
        let read = buffer.withUnsafeMutableBytes { b in
            catching { () throws(IngestError) in
                try file.read(at: at, into: UnsafeMutableRawBufferPointer(rebasing: b[start..<(start + want)]),
                              location: location)
            }
        }
        if case .failure(let error) = read { throw error }
        filled += want
        return offset <= end
    }

    /// The byte at input offset `offset` (which the window must hold).
    subscript(offset: Int) -> UInt8 { buffer[offset - base] }

    /// The bytes `[from, to)` (which the window must hold), copied out.
    func bytes(_ from: Int, _ to: Int) -> [UInt8] { Array(buffer[(from - base)..<(to - base)]) }

    /// Calls `body` with the window's bytes (`[base, end)` of the input).
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<filled])) }
    }

    /// Lets the bytes before input offset `offset` go (at the next read). Their lines are not counted
    /// here: a later `lineNumber` query reads them again from the source if they are gone (see there).
    mutating func discard(before offset: Int) {
        keepFrom = max(keepFrom, offset)
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
