/// A byte range of a JSON input (JSON Lines, or any sequence of top-level values) that one worker
/// cuts into records by itself, off the work queue's lock.
///
/// Why: cutting records is a scan of every byte (brackets, strings); done by one `RecordSplitter`
/// under the queue's lock it is serial across the workers. The queue instead hands out ranges cut
/// after a line end (`WorkQueue.cutRange`); each worker scans its own range from "between values:
/// depth 0, outside a string", as `RecordSplitter` does after a value, and says whether the range
/// ended there (`Cut.clean`). The scan is exactly `RecordSplitter`'s (`scanValue`, the stray-separator
/// and end-of-input rules), so when every earlier range ended cleanly the records are the splitter's
/// own. A range that stops early (a value spanning its end: pretty-printed JSON, or malformed input;
/// a record the splitter would report, too large or cut off by the end of the input) keeps the records
/// before that value and the rest of the input goes back to the serial splitter from the value's
/// start (`RecordSplitter.init(resumingAt:count:)`), which then reports exactly what it reports now.
struct JSONRange: Sendable {
    /// The input's ranges so far.
    let ledger: RangeLedger
    /// `[start, end)` of the input; `end` is just past a line end, or the end of the input.
    let start: Int
    let end: Int

    var file: InputFile { ledger.file }

    /// The default size of a range (it ends at the first line end after this many bytes): about 140
    /// records of `convert`'s JSON Lines, a scan of a few milliseconds.
    static let defaultBytes = 1 << 20
    /// The size of a range when records are delivered in input order (`DumpReader.readInOrder`): the
    /// reorder window counts units of work, and a range of about 2 records keeps its memory near what
    /// it was with a unit per record (`IngestOptions.reorderWindow`).
    static let inOrderBytes = 16 << 10
    /// How far past its nominal end a range looks for a line end before it is cut without one (the
    /// scan then stops at its last value and the serial splitter takes over).
    static let lineEndSearch = 1 << 20

    /// The range reaches the end of the input: a value that runs to the end ends there.
    var isLast: Bool { end == file.size }

    /// How a range was cut.
    struct Cut: Equatable {
        /// The records found, as offsets into the range's bytes.
        var records: [Range<Int>] = []
        /// Whether the scan reached the range's end between values. If not, the serial splitter takes
        /// over at `stop` (an offset into the range, where the next value begins).
        var clean = true
        var stop = 0
    }

    /// Where ranges may begin: the offset of a JSON input's first value region (past a UTF-8
    /// byte-order mark), or nil when the input must be cut by the serial splitter whole: it is one
    /// top-level array (`ctg-studies.json`: the records are its elements), or `head` holds no value.
    static func firstOffset(_ head: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        let start = i
        while i < head.count, RecordSplitter.isJSONSpace(head[i]) { i += 1 }
        guard i < head.count, head[i] != UInt8(ascii: "[") else { return nil }
        return start
    }

    /// Cuts `b` (the bytes of a range; `isLast`: it ends the input) into records as `RecordSplitter`
    /// cuts a sequence of top-level values, into `cut` (emptied first).
    ///
    /// Stops (`clean` false) at the first value that the splitter would not hand out as a record from
    /// these bytes alone: one still open at the end of a range that is not the last, one the end of
    /// the input cuts off, one larger than `maxRecordBytes`.
    ///
    /// `read(i)`, tried first at each value's start `i`, may read the value itself and return the offset
    /// just past it: it must then be a well-formed JSON container, whose end the scan would find at the
    /// same place (`RecordDecoder` reads `convert`'s records there with `TrialJSONDecoder.decodeValue`,
    /// so they are not scanned twice). Nil: the scan cuts the value.
    /// - Complexity: O(n), strings crossed a word, then sixteen bytes at a time.
    static func cut(_ b: UnsafeBufferPointer<UInt8>, isLast: Bool, maxRecordBytes: Int, into cut: inout Cut,
                    read: (_ start: Int) -> Int? = { _ in nil }) {
        cut.records.removeAll(keepingCapacity: true)
        cut.clean = true
        cut.stop = b.count
        let n = b.count
        var i = 0
        while true {
            while i < n, RecordSplitter.isJSONSpace(b[i]) { i += 1 }
            guard i < n else { return }
            let end: Int
            let first = b[i]
            if RecordSplitter.isStraySeparator(first) {
                end = i + 1  // a stray separator is a record of its own, as in the splitter
            } else if let valueEnd = read(i) {
                end = valueEnd
            } else {
                var depth = 0
                var inString = false
                let scan = RecordSplitter.scanValue(b, from: i, depth: &depth, inString: &inString)
                if scan.ended {
                    end = scan.offset
                } else if isLast, depth == 0, !inString {
                    end = n  // a value that runs to the end of the input ends there
                } else {
                    cut.clean = false
                    cut.stop = i
                    return
                }
            }
            guard end - i <= maxRecordBytes else {
                cut.clean = false
                cut.stop = i
                return
            }
            cut.records.append(i..<end)
            i = end
        }
    }
}
