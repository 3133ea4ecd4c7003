import Synchronization

/// One unit of work: what a worker takes from the queue, numbered in input order.
struct WorkUnit: Sendable {
    enum Kind: Sendable {
        /// A single-record file of a known kind.
        case file(InputFile, FormatSniffer.Kind)
        /// Entry `index` of a zip archive given directly.
        case entry(ZipArchive, Int)
        /// A record cut out of a multi-record file.
        case record(SplitRecord, RecordSplitter.Grammar, encoding: String?, file: String)
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
/// Thread-safe: workers call `next()` concurrently; the cheap, sequential part (sniffing a file's
/// first 8 KiB, reading a central directory, cutting the next record) happens under the lock, the
/// expensive part (inflating, parsing) in the workers.
final class WorkQueue: Sendable {
    private struct State: Sendable {
        var fileIndex = 0
        var sequence = 0
        var archive: (ZipArchive, next: Int)? = nil
        var splitter: Splitting? = nil
        var exhausted = false
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
    private let state = Mutex(State())

    init(files: [String], options: IngestOptions) {
        self.files = files
        self.options = options
    }

    /// The number of units handed out once `next()` has returned nil.
    var unitCount: Int? {
        state.withLock { $0.exhausted ? $0.sequence : nil }
    }

    /// The next unit, or nil when every input has been handed out.
    func next() -> WorkUnit? {
        state.withLock { state in
            while true {
                if let (archive, index) = state.archive {
                    var i = index
                    while i < archive.entries.count, ZipArchive.isJunk(archive.entries[i].name) { i += 1 }
                    if i < archive.entries.count {
                        state.archive = (archive, i + 1)
                        return unit(&state, .entry(archive, i), bytes: archive.entries[i].compressedSize,
                                    content: archive.entries[i].uncompressedSize)
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
                state.archive = (archive, 0)
                return nil
            } catch {
                return unit(&state, .failure(error), bytes: file.size)
            }
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
