/// One record cut out of a multi-record input.
struct SplitRecord {
    var bytes: [UInt8]
    /// 1-based position among the input's records.
    var index: Int
    /// The line of the input where the record starts: counted for ICTRP records (their XML errors
    /// name lines), nil for JSON records, whose errors name the record (counting would be a second
    /// pass over every byte, in the serial part of the read; `ByteWindow.lineNumber`).
    var line: Int?
}

/// Cuts the records out of a multi-record input one at a time, in order, holding only the current
/// record in memory: the `<Trial>` elements of an ICTRP export, or the values of a JSON input (the
/// elements of a top-level array such as `ctg-studies.json`, or a sequence of top-level values such
/// as JSON Lines).
///
/// Errors are per record: a record larger than `IngestOptions.maxRecordBytes` is skipped with
/// `.tooLarge`; in a JSON array, a missing comma is reported and reading resumes at the next value;
/// an unterminated record (the input ends inside it) is reported and ends the input. XML records are
/// found by their tags (`<Trial>` … `</Trial>`), so the tags must not appear inside comments or CDATA.
struct RecordSplitter {
    enum Grammar {
        case ictrp
        case json
    }

    private var window: ByteWindow
    private let grammar: Grammar
    private let maxRecordBytes: Int
    private var position = 0
    private var count = 0
    private var finished = false
    /// JSON: whether the input is one top-level array whose elements are the records, decided at the
    /// first value; and whether its closing bracket was seen.
    private var inArray: Bool? = nil
    /// JSON arrays: a missing comma was just reported; read the value found in its place next.
    private var commaReported = false

    init(_ source: ByteWindow.Source, grammar: Grammar, location: IngestLocation, maxRecordBytes: Int) {
        window = ByteWindow(source, location: location)
        self.grammar = grammar
        self.maxRecordBytes = maxRecordBytes
    }

    /// A JSON splitter that takes over a sequence of top-level values (not an array of records) at
    /// input offset `offset`, between values, after `count` records: where a `JSONRange` stopped. It
    /// goes on exactly as a splitter that had cut those `count` records itself (record numbers; lines,
    /// counted from the input's start when an error asks).
    init(_ source: ByteWindow.Source, location: IngestLocation, maxRecordBytes: Int, resumingAt offset: Int,
         count: Int) {
        window = ByteWindow(source, location: location, from: offset)
        grammar = .json
        self.maxRecordBytes = maxRecordBytes
        position = offset
        self.count = count
        inArray = false
    }

    var location: IngestLocation { window.location }

    /// How far into the input the splitter has read (for progress).
    var consumed: Int { position }

    /// The next record, an error for a record that could not be cut out, or nil at the end.
    mutating func next() -> Result<SplitRecord, IngestError>? {
        guard !finished else { return nil }
        let start = position
        do {
            let record: SplitRecord?
            switch grammar {
            case .ictrp: record = try nextXML()
            case .json: record = try nextJSON()
            }
            guard let record else {
                finished = true
                return nil
            }
            return .success(record)
        } catch {
            // Progress guard: two errors in a row at the same place end the input instead of
            // repeating the error forever.
            if position == start, stalledAt == start { finished = true }
            stalledAt = position == start ? start : nil
            return .failure(error)
        }
    }

    /// Where the previous call failed without moving, if it did.
    private var stalledAt: Int? = nil

    // MARK: - ICTRP

    private static let open = Array("<Trial".utf8)
    private static let close = Array("</Trial>".utf8)

    private mutating func nextXML() throws(IngestError) -> SplitRecord? {
        guard let start = try find(RecordSplitter.open, from: position, limit: .max, openingTag: true) else {
            position = window.size
            return nil
        }
        count += 1
        let line = try window.lineNumber(at: start)
        window.discard(before: start)
        if let close = try find(RecordSplitter.close, from: start, limit: start + maxRecordBytes) {
            let end = close + RecordSplitter.close.count
            position = end
            return SplitRecord(bytes: window.bytes(start, end), index: count, line: line)
        }
        // Not closed within the limit: too large, or not closed at all. Skip to its end without keeping it.
        guard let close = try find(RecordSplitter.close, from: start + maxRecordBytes, limit: .max, keep: false) else {
            finished = true
            throw .malformedXML(recordLocation(line), message: "<Trial> is not closed before the end of the input")
        }
        position = close + RecordSplitter.close.count
        throw .tooLarge(recordLocation(line), what: "record", size: position - start, limit: maxRecordBytes)
    }

    /// The first occurrence of `pattern` at or after `from` and before `limit`, or nil when the input
    /// ends first. `openingTag`: the pattern must be followed by ">" or white space ("<Trial>", not
    /// "<TrialID>"). `keep: false` drops scanned bytes from the window as it goes.
    private mutating func find(_ pattern: [UInt8], from: Int, limit: Int, openingTag: Bool = false,
                               keep: Bool = true) throws(IngestError) -> Int? {
        var i = from
        let first = pattern[0]
        let length = pattern.count
        while i < limit {
            if i + length + 1 > window.end {
                _ = try window.fill(to: i + length + 1)
                if i + length > window.end { return nil }
                if !keep { window.discard(before: i) }
            }
            if window[i] == first {
                var match = true
                for k in 1..<length where window[i + k] != pattern[k] { match = false; break }
                if match, !openingTag || i + length == window.end || isTagEnd(window[i + length]) { return i }
            }
            i += 1
        }
        return nil
    }

    private func isTagEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ">") || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: - JSON

    private mutating func nextJSON() throws(IngestError) -> SplitRecord? {
        if inArray == nil, position == 0, try window.fill(to: 3), window[0] == 0xEF, window[1] == 0xBB, window[2] == 0xBF {
            position = 3  // a UTF-8 byte-order mark (Windows tools write one); RFC 8259 lets readers skip it
        }
        var i = try skipSpace(position)
        if inArray == nil {
            let available = try window.fill(to: i + 1)
            guard available else { return nil }
            inArray = window[i] == UInt8(ascii: "[")
            if inArray == true { i = try skipSpace(i + 1) }
        }
        if inArray == true {
            guard try window.fill(to: i + 1) else {
                finished = true
                throw .malformedJSON(recordLocation(try window.lineNumber(at: i), record: count + 1), offset: i,
                                     message: "the input ends inside the array of records (no \"]\")")
            }
            if window[i] == UInt8(ascii: "]") {
                position = window.size
                return nil
            }
            if count > 0 && !commaReported {
                if window[i] == UInt8(ascii: ",") {
                    i = try skipSpace(i + 1)
                } else {
                    // Report the missing comma; the next call reads the value found here.
                    position = i
                    commaReported = true
                    let found = describe(window[i])
                    throw .malformedJSON(recordLocation(try window.lineNumber(at: i), record: count + 1), offset: i,
                                         message: "expected \",\" or \"]\" between records, found \(found)")
                }
            }
            commaReported = false
        } else {
            let available = try window.fill(to: i + 1)
            if !available {
                position = i
                return nil
            }
        }
        count += 1
        window.discard(before: i)
        let end = try valueEnd(i)
        position = end
        guard end - i <= maxRecordBytes else {
            throw .tooLarge(recordLocation(try window.lineNumber(at: i)), what: "record", size: end - i,
                            limit: maxRecordBytes)
        }
        return SplitRecord(bytes: window.bytes(i, end), index: count, line: nil)
    }

    /// The offset just past the JSON value starting at `start`: brackets and strings are tracked, the
    /// value itself is validated later by `JSONTape`. Skips (without keeping) bytes past
    /// `maxRecordBytes`.
    private mutating func valueEnd(_ start: Int) throws(IngestError) -> Int {
        // A stray separator at the top level is a record of its own (rejected by the parser), so the
        // splitter always moves forward.
        if try window.fill(to: start + 1), RecordSplitter.isStraySeparator(window[start]) {
            return start + 1
        }
        var i = start
        var depth = 0
        var inString = false
        while true {
            guard try window.fill(to: i + 1) else {
                finished = true
                if depth == 0 && !inString { return i }
                throw .malformedJSON(recordLocation(try window.lineNumber(at: start)), offset: start,
                                     message: "the input ends inside this record")
            }
            // Through what the window holds, in one pass over its buffer.
            let base = window.base
            let scan = window.withBytes { b in
                RecordSplitter.scanValue(b, from: i - base, depth: &depth, inString: &inString)
            }
            if scan.ended { return base + scan.offset }
            i = base + scan.offset
            // A record too large to keep: drop what the window holds and keep scanning.
            if i - start > maxRecordBytes, i - window.base > ByteWindow.step {
                window.discard(before: i)
            }
        }
    }

    /// Steps through the JSON value text `b[from...]` until the value ends: `(true, offset)` just past
    /// its last byte, or `(false, offset)` where the buffer ran out (it may be one past the buffer,
    /// after a backslash that ends it). `depth` and `inString` carry the state across buffers.
    /// Strings are crossed a word, then sixteen bytes at a time to their next quote or backslash.
    static func scanValue(_ b: UnsafeBufferPointer<UInt8>, from: Int, depth: inout Int,
                                  inString: inout Bool) -> (ended: Bool, offset: Int) {
        var j = from
        let count = b.count
        guard let p = b.baseAddress else { return (false, j) }
        let quoteBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
        let backslashBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        while j < count {
            if inString {
                while j + 8 <= count {
                    let word = ByteWord.load(p + j)
                    let marks = ByteWord.equal(word, UInt8(ascii: "\"")) | ByteWord.equal(word, UInt8(ascii: "\\"))
                    if marks != 0 {
                        j += ByteWord.firstIndex(marks)
                        break
                    }
                    j += 8
                    // Past a first word without one (most strings end within it), sixteen bytes at a
                    // time (`SIMD16` compares) up to the block that has one; the words then find it.
                    while j &+ 16 <= count {
                        let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<UInt8>.self)
                        if any((v .== quoteBytes) .| (v .== backslashBytes)) { break }
                        j &+= 16
                    }
                }
                guard j < count else { break }
                switch b[j] {
                case UInt8(ascii: "\\"): j += 2
                case UInt8(ascii: "\""): inString = false; j += 1
                default: j += 1
                }
                continue
            }
            switch b[j] {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                // At depth 0 it closes the enclosing array of records, after this value.
                if depth == 0 { return (true, j) }
                depth -= 1
                if depth == 0 { return (true, j + 1) }
            case UInt8(ascii: ","), 0x0A, 0x0D, 0x20, 0x09:
                if depth == 0 { return (true, j) }
            default: break
            }
            j += 1
        }
        return (false, j)
    }

    private mutating func skipSpace(_ from: Int) throws(IngestError) -> Int {
        var i = from
        while try window.fill(to: i + 1) {
            guard RecordSplitter.isJSONSpace(window[i]) else { break }
            i += 1
        }
        return i
    }

    /// JSON's white space between values (RFC 8259: space, LF, CR, tab). `JSONRange` cuts by the same
    /// rule.
    @inline(__always)
    static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// A separator where a value should start (`,`, `]`, `}` at the top level): a record of its own, one
    /// byte long, which the parser rejects, so that the splitter always moves forward. `JSONRange` cuts
    /// by the same rule.
    @inline(__always)
    static func isStraySeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
    }

    private func recordLocation(_ line: Int, record: Int? = nil) -> IngestLocation {
        var location = window.location
        location.record = record ?? count
        location.line = line
        return location
    }
}
