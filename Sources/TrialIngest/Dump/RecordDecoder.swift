import TrialSearchCore

/// Everything one worker needs to turn input bytes into `Trial`s: a reader per format, with their
/// libxml2 contexts and buffers reused from record to record. Not thread-safe: one per worker.
final class RecordDecoder {
    let options: IngestOptions
    private let clinicalStudy: ClinicalStudyXML
    private let ictrp: ICTRPExport
    /// One entry reader per archive nesting level (an entry's buffer is in use while the archive
    /// inside it is read).
    private var entryReaders: [ZipEntryReader] = []
    private var fileBuffer: [UInt8] = []
    /// A JSON range's bytes and its cut (`decodeRange`), reused from range to range.
    private var rangeBuffer: [UInt8] = []
    private var rangeCut = JSONRange.Cut()
    /// Where `TrialJSONDecoder` decodes escaped strings, kept from record to record.
    private let jsonScratch = JSONScratch()
    /// The records `decodeRange`'s cut read itself (`TrialJSONDecoder.decodeValue`) and their offsets in
    /// the range, in order; emptied after each range. Two arrays, not one of tuples: a tuple's element
    /// is copied and destroyed through its generic value witnesses.
    private var rangeTrials: [Trial?] = []
    private var rangeTrialStarts: [Int] = []
    /// The offsets of a range's non-ASCII characters (`UTF8Validation.firstInvalidOffset(_:nonASCII:)`),
    /// kept from range to range.
    private var rangeNonASCII: [Int] = []

    init(options: IngestOptions) {
        self.options = options
        clinicalStudy = ClinicalStudyXML(options: options)
        ictrp = ICTRPExport(options: options)
    }

    /// Reads a whole single-record file (ClinicalTrials.gov XML, one ICTRP trial, a text dump, plain
    /// text) and decodes it.
    func decodeFile(_ file: InputFile, kind: FormatSniffer.Kind, emit: (Result<Trial, IngestError>) -> Void) {
        let location = IngestLocation(file: file.path)
        guard file.size <= options.maxRecordBytes else {
            emit(.failure(.tooLarge(location, what: "file", size: file.size, limit: options.maxRecordBytes)))
            return
        }
        if fileBuffer.count < file.size { fileBuffer = [UInt8](repeating: 0, count: file.size) }
        let size = file.size
        let read = fileBuffer.withUnsafeMutableBytes { buffer in
            catching { () throws(IngestError) in
                try file.read(at: 0, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]), location: location)
            }
        }
        if case .failure(let error) = read {
            emit(.failure(error))
            return
        }
        fileBuffer.withUnsafeBytes { buffer in
            decode(UnsafeRawBufferPointer(rebasing: buffer[0..<size]), kind: kind, file: file.path, entry: "",
                   archiveDepth: 0, emit: emit)
        }
        if fileBuffer.count > 16 << 20 { fileBuffer = [] }
    }

    /// Reads archive entry `index` of `archive` (at nesting `depth`, 1 for a zip given directly) and
    /// decodes it.
    func decodeEntry(_ index: Int, of archive: ZipArchive, depth: Int, emit: (Result<Trial, IngestError>) -> Void) {
        let entry = archive.entries[index]
        let entryName = archive.location.entry.isEmpty ? entry.name : archive.location.entry + "/" + entry.name
        let location = IngestLocation(file: archive.location.file, entry: entryName)
        while entryReaders.count < depth { entryReaders.append(ZipEntryReader(options: options)) }
        let reader = entryReaders[depth - 1]
        do {
            try reader.withContents(of: entry, in: archive, location: location) { (bytes) throws(IngestError) in
                decode(bytes, kind: nil, file: archive.location.file, entry: entryName, archiveDepth: depth, emit: emit)
            }
        } catch {
            emit(.failure(error))
        }
        reader.trimBuffers()
    }

    /// Decodes one record cut out of a multi-record input by `RecordSplitter`.
    func decodeRecord(_ record: SplitRecord, grammar: RecordSplitter.Grammar, encoding: String?, file: String,
                      entry: String, emit: (Result<Trial, IngestError>) -> Void) {
        let location = IngestLocation(file: file, entry: entry, record: record.index, line: record.line)
        var recordLocation = location
        recordLocation.line = nil
        record.bytes.withUnsafeBytes { bytes in
            switch grammar {
            case .ictrp:
                let source = RecordSource(file: file, entry: entry, format: .ictrp)
                emit(validated(at: recordLocation) { () throws(IngestError) in
                    try ictrp.read(bytes, encoding: encoding, source: source, at: recordLocation, firstLine: record.line ?? 1)
                })
            case .json:
                decodeJSON(bytes, file: file, entry: entry, location: location, emit: emit)
            }
        }
    }

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

    /// Decodes an input held in memory, of any format (`kind` nil: sniff it).
    func decode(_ bytes: UnsafeRawBufferPointer, kind: FormatSniffer.Kind?, file: String, entry: String,
                archiveDepth: Int, emit: (Result<Trial, IngestError>) -> Void) {
        let location = IngestLocation(file: file, entry: entry)
        let kind = kind ?? FormatSniffer.sniff(UnsafeRawBufferPointer(rebasing: bytes.prefix(FormatSniffer.headLength)))
        switch kind {
        case .clinicalStudyXML, .ictrpTrial, .textDump, .plainText:
            // A single-record archive entry is one record: the same limit as a single-record file.
            guard bytes.count <= options.maxRecordBytes else {
                emit(.failure(.tooLarge(location, what: "record", size: bytes.count, limit: options.maxRecordBytes)))
                return
            }
        default:
            break
        }
        switch kind {
        case .clinicalStudyXML:
            let source = RecordSource(file: file, entry: entry, format: .clinicalStudyXML)
            emit(validated(at: location) { () throws(IngestError) in try clinicalStudy.read(bytes, source: source, at: location) })
        case .ictrpTrial:
            let source = RecordSource(file: file, entry: entry, format: .ictrp)
            emit(validated(at: location) { () throws(IngestError) in
                try ictrp.read(bytes, encoding: nil, source: source, at: location, firstLine: 1)
            })
        case .textDump:
            let source = RecordSource(file: file, entry: entry, format: .textDump)
            emit(validated(at: location) { () throws(IngestError) in try TextDump.read(bytes, source: source, at: location) })
        case .plainText:
            let source = RecordSource(file: file, entry: entry, format: .plainText)
            emit(validated(at: location) { () throws(IngestError) in try PlainText.read(bytes, source: source, at: location) })
        case .json where JSONRange.firstOffset(bytes.bindMemory(to: UInt8.self)) != nil:
            decodeJSONValues(bytes.bindMemory(to: UInt8.self), file: file, entry: entry, emit: emit)
        case .ictrpExport, .json:
            let grammar: RecordSplitter.Grammar = kind == .json ? .json : .ictrp
            let encoding = kind == .json ? nil : ICTRPExport.declaredEncoding(bytes)
            var splitter = RecordSplitter(.bytes(Array(bytes.bindMemory(to: UInt8.self))), grammar: grammar,
                                          location: location, maxRecordBytes: options.maxRecordBytes)
            while let next = splitter.next() {
                switch next {
                case .success(let record):
                    decodeRecord(record, grammar: grammar, encoding: encoding, file: file, entry: entry, emit: emit)
                case .failure(let error):
                    emit(.failure(error))
                }
            }
        case .zip:
            guard archiveDepth < options.maxArchiveDepth else {
                emit(.failure(.tooDeep(location, what: "zip archives", limit: options.maxArchiveDepth)))
                return
            }
            let archive: ZipArchive
            do {
                archive = try ZipArchive(storage: .memory(Array(bytes.bindMemory(to: UInt8.self))), location: location,
                                         options: options)
            } catch {
                emit(.failure(error))
                return
            }
            for index in archive.entries.indices where !ZipArchive.isJunk(archive.entries[index].name) {
                decodeEntry(index, of: archive, depth: archiveDepth + 1, emit: emit)
            }
        case .unrecognized(let found):
            emit(.failure(.unrecognizedFormat(location, found: found)))
        }
    }

    /// A JSON input in memory that is a sequence of top-level values (JSON Lines): cut as one
    /// `JSONRange` that ends the input, its records decoded in place; where the cut stops, a
    /// `RecordSplitter` takes over (same records and errors as a splitter over the whole input).
    private func decodeJSONValues(_ all: UnsafeBufferPointer<UInt8>, file: String, entry: String,
                                  emit: (Result<Trial, IngestError>) -> Void) {
        let first = JSONRange.firstOffset(all) ?? 0
        var cut = JSONRange.Cut()
        JSONRange.cut(UnsafeBufferPointer(rebasing: all[first...]), isLast: true, maxRecordBytes: options.maxRecordBytes,
                      into: &cut)
        let values = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[first...]))
        for (i, record) in cut.records.enumerated() {
            let location = IngestLocation(file: file, entry: entry, record: i + 1)
            decodeJSON(UnsafeRawBufferPointer(rebasing: values[record]), file: file, entry: entry, location: location,
                       emit: emit)
        }
        guard !cut.clean else { return }
        var splitter = RecordSplitter(.bytes(Array(all)), location: IngestLocation(file: file, entry: entry),
                                      maxRecordBytes: options.maxRecordBytes, resumingAt: first + cut.stop,
                                      count: cut.records.count)
        while let next = splitter.next() {
            switch next {
            case .success(let record):
                decodeRecord(record, grammar: .json, encoding: nil, file: file, entry: entry, emit: emit)
            case .failure(let error):
                emit(.failure(error))
            }
        }
    }

    /// The outcome of reading one record, with its id checked: no control characters (they would
    /// reach terminals and file names) and at most `IngestOptions.maxIDBytes` bytes.
    private func validated(at location: IngestLocation, _ read: () throws(IngestError) -> Trial) -> Result<Trial, IngestError> {
        validated(at: location, catching(read))
    }

    /// `result` with its trial's id checked as above. Takes the result rather than a closure, so that a
    /// `Trial` read beforehand is moved into it, not copied (a retain and a release per string).
    private func validated(at location: IngestLocation,
                           _ result: consuming Result<Trial, IngestError>) -> Result<Trial, IngestError> {
        if case .success(let trial) = result, let failure = idFailure(of: trial, at: location) {
            return .failure(failure)
        }
        return result
    }

    private func idFailure(of trial: borrowing Trial, at location: IngestLocation) -> IngestError? {
        let id = trial.id.rawValue.utf8
        if id.count > options.maxIDBytes {
            return .tooLarge(location, what: "trial id", size: id.count, limit: options.maxIDBytes)
        }
        if let control = id.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .invalidValue(location, format: trial.source.format, field: "id",
                                 reason: "it contains the control character \(describe(control))")
        }
        return nil
    }

    /// One JSON record: an API v2 study, an API response `{"studies": [...]}`, or a `Trial` object.
    private func decodeJSON(_ bytes: UnsafeRawBufferPointer, file: String, entry: String, location: IngestLocation,
                            emit: (Result<Trial, IngestError>) -> Void) {
        var at = location
        at.line = nil
        // `convert`'s own lines: one pass, no tape (anything else goes on to the tape, see the type).
        if let trial = TrialJSONDecoder.decode(bytes, maxDepth: options.maxJSONDepth, scratch: jsonScratch) {
            emit(validated(at: at, .success(trial)))
            return
        }
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes, maxDepth: options.maxJSONDepth)
        } catch {
            emit(.failure(IngestError(error, at: at)))
            return
        }
        let root = tape.root
        if StudyJSON.isStudy(root) {
            let source = RecordSource(file: file, entry: entry, format: .studyJSON)
            emit(validated(at: at) { () throws(IngestError) in try StudyJSON.read(root, source: source, at: at) })
        } else if let studies = root["studies"], studies.kind == .array {
            let source = RecordSource(file: file, entry: entry, format: .studyJSON)
            for study in studies.elements {
                emit(validated(at: at) { () throws(IngestError) in try StudyJSON.read(study, source: source, at: at) })
            }
        } else if TrialJSONReader.isTrial(root) {
            emit(validated(at: at) { () throws(IngestError) in try TrialJSONReader.read(root, at: at) })
        } else {
            let found = root.kind == .object ? "a JSON object without \"protocolSection\" or \"id\"" : "a JSON \(root.kind)"
            emit(.failure(.unrecognizedFormat(at, found: found)))
        }
    }
}

extension ZipArchive {
    /// Entries that are not content: macOS resource forks (`__MACOSX/…`, `._name`) and `.DS_Store`.
    ///
    /// An ASCII name (every name in the dumps) is read on its UTF-8 bytes: its last non-empty
    /// `/`-separated part found by a byte loop, no `split` array and no `Character` compares (about
    /// 13,000 instructions a name through the work queue). Other names take the `String` reading, whose
    /// `Character`s may join a `/` with a following combining mark.
    static func isJunk(_ name: String) -> Bool {
        var name = name
        if let ascii = name.withUTF8({ isJunkASCII($0) }) { return ascii }
        if name.hasPrefix("__MACOSX/") { return true }
        let base = name.split(separator: "/").last ?? Substring(name)
        return base.hasPrefix("._") || base == ".DS_Store"
    }

    /// `isJunk` on an ASCII name's bytes, or nil when a byte is not ASCII.
    private static func isJunkASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        func hasPrefix(_ part: Slice<UnsafeBufferPointer<UInt8>>, _ prefix: StaticString) -> Bool {
            let length = prefix.utf8CodeUnitCount
            guard part.count >= length else { return false }
            let literal = prefix.utf8Start
            for n in 0..<length where part[part.startIndex + n] != literal[n] { return false }
            return true
        }
        if hasPrefix(bytes[...], "__MACOSX/") { return true }
        // The last non-empty part: `split` drops the empty parts a trailing `/` leaves.
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
        let base = bytes[start..<end]
        return hasPrefix(base, "._") || (base.count == 9 && hasPrefix(base, ".DS_Store"))
    }
}
