import Foundation
@_spi(Testing) @testable import TrialIngest
import TrialSearchCore

/// Differential fuzzing of JSON inputs cut in ranges by the workers (`JSONRange`, `RangeLedger`,
/// `RecordDecoder.decodeRange`) against one serial `RecordSplitter`: the same records and errors
/// (file, record number, line), in the same order.
///
/// One fuzzer input is a test case: its first bytes choose the range size (1 B to 1 MiB), the number
/// of workers (1–3), the record size limit, the reorder window and the read (`readInOrder`, or `read`
/// sorted by `RecordOrder`); the rest is either the JSON input itself (raw) or a script that builds
/// one from pieces: convert's lines and compact API v2 studies (the fixtures), malformed lines,
/// pretty-printed studies, blank lines and white space, LF, CRLF and lone-CR line ends, lines longer
/// than the size limit or than a range's search for a line end, and a cut-off end. The input is
/// written to a file (tmpfs) and read both ways; the in-memory read (`RecordDecoder.decode`, an
/// archive entry) is compared with the splitter too. A ranged read that does not finish in
/// `deadline` seconds (a lost wake-up, a range never settled) stops the run with the case's
/// parameters instead of hanging: libFuzzer keeps the input like a crash.
public final class JSONRangeFuzzing {
    /// One record's outcome as the reader reports it.
    enum Outcome: Equatable, CustomStringConvertible {
        case trial(Trial)
        case error(String)

        init(_ result: Result<Trial, IngestError>) {
            switch result {
            case .success(let trial): self = .trial(trial)
            case .failure(let error): self = .error(error.description)
            }
        }

        var description: String {
            switch self {
            case .trial(let trial): return trial.id.rawValue
            case .error(let text): return text
            }
        }
    }

    /// How one case is read in ranges.
    public struct Case: CustomStringConvertible, Sendable {
        public var rangeBytes: Int
        public var workers: Int
        public var maxRecordBytes: Int
        public var reorderWindow: Int
        /// `readInOrder` (ranges of at most 16 KiB), else `read` sorted by `RecordOrder`.
        public var inOrder: Bool

        public var description: String {
            "ranges of \(rangeBytes) B, \(workers) workers, records up to \(maxRecordBytes) B, "
                + (inOrder ? "readInOrder, reorder window \(reorderWindow)" : "read")
        }
    }

    /// Seconds a ranged read may take before the case counts as hung.
    static let deadline = 8
    let folder: String
    let path: String
    /// Valid one-line records: convert's JSON of the XML fixtures, and the API v2 fixtures compacted.
    let lines: [[UInt8]]
    /// The API v2 fixtures as published (pretty-printed over many lines).
    let pretty: [[UInt8]]
    static let malformed: [[UInt8]] = [
        "{\"id\": tru}", "{\"foo\": 1, \"bar\": [1, 2]}", "42", "]", ",", "}", "{} {}", "{\"a\": \"unterminated",
        "\"a string\"", "[1, 2", "{\"id\": \"NCT1\"", "nul", "{\"id\": \"NCT0000\\", "[[[[[[", "{\"id\": \"A\"}}",
        "\u{1}", "{\"id\": \"NCT00000001\", \"title\": 5}", "\"\\u00", "{\"protocolSection\": []}",
    ].map { Array($0.utf8) }

    public init() {
        folder = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/trialsearch-fuzz-jsonrange-\(getpid())"
        path = folder + "/input.jsonl"
        mkdir(folder, 0o755)
        let fixtures = IndexFuzzing.fixtures
        var lines: [[UInt8]] = []
        var pretty: [[UInt8]] = []
        let decoder = RecordDecoder(options: RecordFuzzing.options)
        for name in ["NCT00001070", "NCT00461812", "NCT01742533", "NCT04422561"] {
            let bytes = JSONRangeFuzzing.contents(fixtures + "/ctgov-xml/\(name).xml")
            bytes.withUnsafeBytes { raw in
                decoder.decode(raw, kind: nil, file: name, entry: "", archiveDepth: 0) { result in
                    if case .success(let trial) = result { lines.append(Array(trial.jsonString.utf8)) }
                }
            }
        }
        for name in ["NCT00693056", "NCT02385136", "NCT02663973"] {
            let bytes = JSONRangeFuzzing.contents(fixtures + "/ctgov-json/\(name).json")
            pretty.append(bytes)
            if let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
               let compact = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                lines.append([UInt8](compact))
            }
        }
        precondition(lines.count == 7 && pretty.count == 3, "fixtures under \(fixtures): \(lines.count) lines")
        // Small records too (cheap to decode three times; most cases are about the cutting).
        for k in 0..<9 {
            guard let id = TrialID("NCT0000000\(k)") else { continue }
            var trial = Trial(id: id, registry: "ClinicalTrials.gov")
            trial.briefTitle = String(repeating: "word ", count: k * k)
            lines.append(Array(trial.jsonString.utf8))
        }
        self.lines = lines
        self.pretty = pretty
    }

    static func contents(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { preconditionFailure("cannot read \(path)") }
        return [UInt8](data)
    }

    public func run(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let mode = input.byte()
        let sizes = [1, 2, 7, 64, 100, 333, 1000, 4096, 5000, 16 << 10, JSONRange.defaultBytes]
        let setting = Case(
            rangeBytes: mode & 0x80 != 0 ? 1 + input.number(below: 20000) : input.pick(sizes),
            workers: 1 + Int(input.byte()) % 3,
            maxRecordBytes: input.byte() & 1 == 0 ? RecordFuzzing.options.maxRecordBytes : 50 + input.number(below: 6000),
            reorderWindow: input.pick([1, 2, 256]),
            inOrder: mode & 0x40 != 0)
        let bytes = mode & 1 == 0 ? input.rest() : build(&input, maxRecordBytes: setting.maxRecordBytes)
        check(bytes, setting)
    }

    /// Builds a JSON Lines input from the script in the rest of `input`.
    func build(_ input: inout FuzzInput, maxRecordBytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        var steps = 0
        while !input.isAtEnd, steps < 200 {
            steps += 1
            let op = input.byte()
            switch op % 10 {
            case 0, 1, 2: out += input.pick(lines)  // a third of them fixtures, the rest small
            case 3: out += input.pick(JSONRangeFuzzing.malformed)
            case 4: out += input.raw(Int(input.byte()) % 64)  // raw bytes from the input
            case 5: out += input.pick(pretty)
            case 6: out += Array(repeating: input.pick([0x20, 0x09, 0x0A, 0x0D] as [UInt8]), count: Int(input.byte()) % 5)
            case 7:
                // A line around the record size limit (when it is small), or (rarely: 1 MiB lines are
                // slow to read three times) longer than a range's line-end search.
                let huge = op == 247 && input.byte() == 0x5A
                let length = huge ? JSONRange.lineEndSearch + input.number(below: 5000)
                    : maxRecordBytes < 8192 ? max(0, maxRecordBytes - 40 + input.number(below: 80))
                    : input.number(below: 4000)
                let filler = input.pick([UInt8(ascii: "a"), UInt8(ascii: "1"), UInt8(ascii: " ")])
                out += Array("{\"id\": \"NCT00000001\", \"title\": \"".utf8)
                out += Array(repeating: filler, count: length)
                out += Array("\"}".utf8)
            case 8:
                out.removeLast(min(out.count, input.number(below: 300)))  // cut off
            default:
                out += input.pick([[0x0A], [0x0D, 0x0A], [0x0D], [0x0A, 0x0A], [0x20]] as [[UInt8]])
                continue
            }
            // A line end after most pieces.
            out += input.pick([[0x0A], [0x0A], [0x0D, 0x0A], [0x0D], [], [0x20, 0x0A]] as [[UInt8]])
        }
        return out
    }

    /// Reads `bytes` in ranges as `setting` says and serially; the outcomes must be equal.
    func check(_ bytes: [UInt8], _ setting: Case) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            preconditionFailure("cannot write \(path)")
        }
        let serial = read(rangeBytes: 0, Case(rangeBytes: 0, workers: 1, maxRecordBytes: setting.maxRecordBytes,
                                               reorderWindow: 256, inOrder: true))
        let ranged = read(rangeBytes: setting.rangeBytes, setting)
        JSONRangeFuzzing.expectEqual(ranged, serial, "\(bytes.count) B read in \(setting)")

        // In memory (an archive entry): one range that ends the input, then the splitter.
        let decoder = RecordDecoder(options: IngestOptions(maxRecordBytes: setting.maxRecordBytes))
        var splitter = RecordSplitter(.bytes(bytes), grammar: .json, location: IngestLocation(file: "a.zip", entry: "e.jsonl"),
                                      maxRecordBytes: setting.maxRecordBytes)
        var expected: [Outcome] = []
        var records = 0
        while let next = splitter.next() {
            records += 1
            precondition(records <= bytes.count + 2, "the splitter gave \(records) outcomes for \(bytes.count) B")
            switch next {
            case .success(let record):
                decoder.decodeRecord(record, grammar: .json, encoding: nil, file: "a.zip", entry: "e.jsonl") {
                    expected.append(Outcome($0))
                }
            case .failure(let error):
                expected.append(.error(error.description))
            }
        }
        var decoded: [Outcome] = []
        bytes.withUnsafeBytes { raw in
            decoder.decode(raw, kind: .json, file: "a.zip", entry: "e.jsonl", archiveDepth: 1) { decoded.append(Outcome($0)) }
        }
        JSONRangeFuzzing.expectEqual(decoded, expected, "\(bytes.count) B in memory, records up to \(setting.maxRecordBytes) B")
    }

    static func expectEqual(_ found: [Outcome], _ expected: [Outcome], _ what: String) {
        guard found != expected else { return }
        let k = zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(found.count, expected.count)
        let f = k < found.count ? found[k].description : "(none)"
        let e = k < expected.count ? expected[k].description : "(none)"
        preconditionFailure("\(what): \(found.count) outcomes, the splitter's \(expected.count); outcome \(k + 1): \(f) vs the splitter's \(e)")
    }

    /// The outcomes of reading the file, in input order, within `deadline` seconds.
    func read(rangeBytes: Int, _ setting: Case) -> [Outcome] {
        let options = IngestOptions(maxRecordBytes: setting.maxRecordBytes, reorderWindow: setting.reorderWindow)
        var reader: DumpReader
        do {
            reader = try DumpReader(paths: [path], options: options)
        } catch {
            preconditionFailure("\(error)")
        }
        reader.jsonRangeBytes = rangeBytes
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        let reading = reader
        Thread.detachNewThread {
            if setting.inOrder {
                var outcomes: [Outcome] = []
                reading.readInOrder(workers: setting.workers) { outcomes.append(Outcome($0)) }
                box.set(outcomes)
            } else {
                // Worker-affine regions, restarted in turn where the speculation fails.
                reading.read(workers: setting.workers, { _, order, result in box.add(order, Outcome(result)) },
                             workerDone: { _ in }, restart: { box.clear() })
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + .seconds(JSONRangeFuzzing.deadline)) == .success else {
            preconditionFailure("the read did not finish in \(JSONRangeFuzzing.deadline) s: \(setting)")
        }
        return box.outcomes
    }
}

/// The outcomes the reading thread collects (guarded by a lock: `read` calls back on the workers).
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var ordered: [(RecordOrder, JSONRangeFuzzing.Outcome)] = []
    private var inOrder: [JSONRangeFuzzing.Outcome]? = nil

    func clear() {
        lock.withLock { ordered.removeAll() }
    }

    func add(_ order: RecordOrder, _ outcome: JSONRangeFuzzing.Outcome) {
        lock.withLock { ordered.append((order, outcome)) }
    }

    func set(_ outcomes: [JSONRangeFuzzing.Outcome]) {
        lock.withLock { inOrder = outcomes }
    }

    var outcomes: [JSONRangeFuzzing.Outcome] {
        lock.withLock { inOrder ?? ordered.sorted { $0.0 < $1.0 }.map(\.1) }
    }
}
