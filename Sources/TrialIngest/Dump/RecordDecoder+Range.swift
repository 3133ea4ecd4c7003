import TrialSearchCore

/// The JSON Lines ranges of a `RecordDecoder`: a range read into the decoder's buffer, cut into records
/// (`JSONRange.cut`, `convert`'s records decoded as they are cut), settled with the input's other ranges
/// (`RangeLedger.settle`) and its records emitted, numbered when their number is known.
extension RecordDecoder {
    /// Cuts a range of a JSON input into records (read into this decoder's buffer: no copy per
    /// record), settles it with the earlier ranges (`RangeLedger.settle`) and decodes the records it
    /// keeps: all of them when it ended cleanly, those before its stop otherwise, none when an earlier
    /// range stopped. Returns the input bytes and record bytes it accounts for (progress), and whether
    /// its failures were held back.
    ///
    /// A range settled `.unconfirmed` does not know its first record number, which only its errors
    /// name: it emits its trials and calls `skip()` in place of each failure (so that the results keep
    /// their indices), and returns `deferred`; `decodeRangeFailures` emits them once the number is known.
    func decodeRange(_ range: JSONRange, emit: (Result<Trial, IngestError>) -> Void,
                     skip: () -> Void) -> (bytes: Int, content: Int, deferred: Bool) {
        var cut = rangeCut
        // Taken out (not copied: an append to a shared buffer would copy it) and put back emptied.
        var trials: [Trial?] = []
        var starts: [Int] = []
        swap(&trials, &rangeTrials)
        swap(&starts, &rangeTrialStarts)
        defer {
            trials.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            rangeTrials = trials
            rangeTrialStarts = starts
            rangeCut = cut
            jsonScratch.trim()
        }
        readAndCut(range, into: &cut, trials: &trials, starts: &starts)
        let stop = cut.clean ? nil : range.start + cut.stop
        var deferred = false
        let content: Int
        switch range.ledger.settle(range.start, records: cut.records.count, stop: stop) {
        case .drop:
            return (0, 0, false)
        case .first(let first):
            content = emitRecords(range, cut, first: first, trials: &trials, starts: starts, emit: emit)
        case .unconfirmed:
            content = emitRecords(range, cut, first: nil, trials: &trials, starts: starts) { result in
                if case .failure = result {
                    deferred = true
                    skip()
                } else {
                    emit(result)
                }
            }
        }
        return ((stop ?? range.end) - range.start, content, deferred)
    }

    /// The failures of a range that `decodeRange` held back, named by their record numbers (waits until
    /// every earlier range is published: `RangeLedger.firstRecord(at:)`): the range is read, cut and
    /// decoded again (the same bytes give the same results), and each failure is emitted with its index
    /// among the range's results. Nothing when the ledger's speculation failed.
    func decodeRangeFailures(_ range: JSONRange, emit: (_ index: Int, _ result: Result<Trial, IngestError>) -> Void) {
        guard let first = range.ledger.firstRecord(at: range.start) else { return }
        var cut = JSONRange.Cut()
        var trials: [Trial?] = []
        var starts: [Int] = []
        defer { jsonScratch.trim() }
        readAndCut(range, into: &cut, trials: &trials, starts: &starts)
        var index = 0
        _ = emitRecords(range, cut, first: first, trials: &trials, starts: starts) { result in
            if case .failure = result { emit(index, result) }
            index += 1
        }
    }

    /// Reads `range` into `rangeBuffer` and cuts it into `cut`, decoding `convert`'s records as it cuts
    /// them (`trials`, at offsets `starts`).
    private func readAndCut(_ range: JSONRange, into cut: inout JSONRange.Cut, trials: inout [Trial?], starts: inout [Int]) {
        let size = range.end - range.start
        let file = range.file
        if rangeBuffer.count < size {
            // Not zeroed (a memset of the whole range, megabytes): the read below fills it, or fails and
            // the bytes are not looked at.
            rangeBuffer = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
        }
        let read = rangeBuffer.withUnsafeMutableBytes { buffer in
            catching { () throws(IngestError) in
                try file.read(at: range.start, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]),
                              location: IngestLocation(file: file.path))
            }
        }
        if case .failure = read {
            // Stop at once: the splitter reads the range again and reports the error.
            cut.records.removeAll(keepingCapacity: true)
            cut.clean = false
            cut.stop = 0
            return
        }
        let maxRecordBytes = options.maxRecordBytes
        let maxDepth = options.maxJSONDepth
        let scratch = jsonScratch
        // `convert`'s records are decoded as they are cut (one pass over their bytes; the rest is
        // scanned and decoded after the settle, as before). The decoding needs no record number:
        // an error is only found by the general path, after the settle.
        // One UTF-8 pass over the range instead of one per record after its parse: the records of a
        // valid range are valid (they begin and end at ASCII bytes), so their strings are made without
        // validating them again, told ASCII or not by the offsets of the range's non-ASCII characters.
        // A range that fails is read as before (each record checked after its parse, the failing ones
        // by the general path, which reports them).
        var nonASCII: [Int] = []
        swap(&nonASCII, &rangeNonASCII)
        defer {
            nonASCII.removeAll(keepingCapacity: true)
            rangeNonASCII = nonASCII
        }
        let valid = rangeBuffer.withUnsafeBytes { b in
            UTF8Validation.firstInvalidOffset(UnsafeRawBufferPointer(rebasing: b[0..<size]), nonASCII: &nonASCII) == nil
        }
        nonASCII.append(Int.max)
        rangeBuffer.withUnsafeBufferPointer { b in nonASCII.withUnsafeBufferPointer { marks in
            let bytes = UnsafeBufferPointer(rebasing: b[0..<size])
            let nonASCII = valid ? marks : nil
            JSONRange.cut(bytes, isLast: range.isLast, maxRecordBytes: maxRecordBytes, into: &cut) { start in
                // Appended as it is returned, then dropped if nil: a `Trial?` bound first and appended
                // after its test was copied (a retain and a release per string).
                var end = start
                trials.append(TrialJSONDecoder.decodeValue(in: bytes, at: start, maxDepth: maxDepth, end: &end,
                                                             scratch: scratch, nonASCII: nonASCII))
                guard end > start else {
                    trials.removeLast()
                    return nil
                }
                starts.append(start)
                return end
            }
        } }
    }

    /// Emits the records of `cut` (in `rangeBuffer`), numbered from `first` (nil: not known, for a
    /// range emitted before its number is; its failures then name no record); returns their bytes.
    private func emitRecords(_ range: JSONRange, _ cut: JSONRange.Cut, first: Int?, trials: inout [Trial?], starts: [Int],
                             emit: (Result<Trial, IngestError>) -> Void) -> Int {
        let path = range.file.path
        var content = 0
        let buffer = rangeBuffer
        buffer.withUnsafeBytes { b in
            // `trials` is in record order; its last entry may lie past the cut's stop (a record too large).
            var next = 0
            for (i, record) in cut.records.enumerated() {
                let location = IngestLocation(file: path, record: first.map { $0 + i + 1 })
                if next < starts.count, starts[next] == record.lowerBound, let trial = trials[next].take() {
                    next += 1
                    emit(validated(at: location, .success(trial)))
                } else {
                    decodeJSON(UnsafeRawBufferPointer(rebasing: b[record]), file: path, entry: "", location: location,
                               emit: emit)
                }
                content += record.count
            }
        }
        return content
    }
}
