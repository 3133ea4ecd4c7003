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
    /// A JSON range's bytes and its cut (`decodeRange`, RecordDecoder+Range.swift), reused from range
    /// to range.
    var rangeBuffer: [UInt8] = []
    var rangeCut = JSONRange.Cut()
    /// Where `TrialJSONDecoder` decodes escaped strings, kept from record to record.
    let jsonScratch = JSONScratch()
    /// The records `decodeRange`'s cut read itself (`TrialJSONDecoder.decodeValue`) and their offsets in
    /// the range, in order; emptied after each range. Two arrays, not one of tuples: a tuple's element
    /// is copied and destroyed through its generic value witnesses.
    var rangeTrials: [Trial?] = []
    var rangeTrialStarts: [Int] = []
    /// The offsets of a range's non-ASCII characters (`UTF8Validation.firstInvalidOffset(_:nonASCII:)`),
    /// kept from range to range.
    var rangeNonASCII: [Int] = []

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
    func validated(at location: IngestLocation,
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
    func decodeJSON(_ bytes: UnsafeRawBufferPointer, file: String, entry: String, location: IngestLocation,
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
