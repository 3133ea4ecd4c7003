import Foundation
import Synchronization
import Testing
@_spi(Testing) @testable import TrialIngest
import TrialSearchCore

/// JSON inputs cut in ranges by the workers (`JSONRange`, `RangeLedger`) give exactly the records and
/// errors (file, record number, line) of one serial `RecordSplitter`, in the same order: clean JSON
/// Lines, bad records, CRLF and lone-CR line ends, a last record cut off, and inputs where a range does
/// not end between values (a pretty-printed array, an object spanning lines after clean ones, an
/// unterminated string, a record over the size limit), so the splitter takes over; from a file (the
/// work queue's ranges, tiny so that an input has many) and from memory (an archive entry).
@Suite struct JSONRangeTests {
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

    /// The API v2 studies of the fixtures, each on one line (they are pretty-printed on disk).
    static func studyLines() throws -> [[UInt8]] {
        try ["NCT00693056", "NCT02385136", "NCT02663973", "NCT02691897", "NCT05584293"].map { id in
            let object = try JSONSerialization.jsonObject(with: Data(try Fixtures.bytes("ctgov-json/\(id).json")))
            return [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
    }

    /// The inputs, by name, with the record size limit to read them with.
    static func inputs() throws -> [(name: String, bytes: [UInt8], maxRecordBytes: Int)] {
        let lines = try studyLines()
        let clean = Array((lines + lines + lines).joined(separator: [0x0A])) + [0x0A]
        let bad: [[UInt8]] = [Array("{\"id\": tru}".utf8), Array("{\"foo\": 1, \"bar\": [1, 2]}".utf8), Array("42".utf8),
                              Array("]".utf8), Array(",".utf8) + lines[1], Array("  ".utf8), Array("{} {}".utf8)]
        var mixed: [[UInt8]] = []
        for (i, line) in (lines + lines).enumerated() {
            mixed.append(line)
            mixed.append(bad[i % bad.count])
        }
        let withBad = Array(mixed.joined(separator: [0x0A])) + [0x0A]
        let crlf = Array(mixed.joined(separator: [0x0D, 0x0A])) + [0x0D, 0x0A]
        let loneCR = Array(mixed.joined(separator: [0x0D]))
        let cutOff = Array(withBad.dropLast(40))
        let pretty = try Fixtures.bytes("ctgov-json/NCT02385136.json")
        let prettyAfterClean = clean + pretty + [0x0A] + clean
        let openString = Array(lines.prefix(3).joined(separator: [0x0A])) + Array("\n{\"a\": \"unterminated\n".utf8)
            + clean
        // A top-level value longer than a range's search for a line end: cut inside it, at depth 0.
        let longLine = clean + Array(repeating: UInt8(ascii: "1"), count: JSONRange.lineEndSearch + 5000) + [0x0A] + clean
        // `convert`'s lines, which the ranges decode as they cut them, among lines it gives up on: bad ones,
        // one with invalid UTF-8 in a string, one with its id repeated, one followed by a number on its line.
        let (trials, _, _) = try readAll(TrialJSONRoundTripTests.fixtures)
        var converted: [[UInt8]] = []
        for (i, trial) in trials.enumerated() {
            let line = Array(trial.jsonString.utf8)
            converted.append(line)
            switch i % 4 {
            case 0: converted.append(bad[i % bad.count])
            case 1: converted.append(Array(#"{"id":"NCT1","briefTitle":"x"#.utf8) + [0xFF] + Array(#""}"#.utf8))
            case 2: converted.append(Array(#"{"id":"NCT1","id":"NCT2"}"#.utf8))
            default: converted.append(line + Array(" 7".utf8))
            }
        }
        let convertedBytes = Array(converted.joined(separator: [0x0A])) + [0x0A]
        return [
            ("clean", clean, 64 << 20),
            ("a line longer than the search for a line end", longLine, 64 << 20),
            ("bad records", withBad, 64 << 20),
            ("CRLF", crlf, 64 << 20),
            ("lone CR", loneCR, 64 << 20),
            ("last record cut off", cutOff, 64 << 20),
            ("byte-order mark", [0xEF, 0xBB, 0xBF] + withBad, 64 << 20),
            ("pretty-printed array", try Fixtures.bytes("ctgov-json/ctg-studies.json"), 64 << 20),
            ("object spanning lines after clean ones", prettyAfterClean, 64 << 20),
            ("unterminated string", openString, 64 << 20),
            ("records over the size limit", withBad, 3000),
            ("convert's lines among others", convertedBytes, 64 << 20),
            ("convert's lines over the size limit", convertedBytes, 3000),
        ]
    }

    private func read(_ path: String, rangeBytes: Int, workers: Int, maxRecordBytes: Int, reorderWindow: Int = 256)
        throws -> [Outcome] {
        let options = IngestOptions(maxRecordBytes: maxRecordBytes, reorderWindow: reorderWindow)
        var reader = try DumpReader(paths: [path], options: options)
        reader.jsonRangeBytes = rangeBytes
        let reading = reader
        // A range never settled (a lost wake-up) fails the test instead of hanging it.
        return try withDeadline(JSONRangeTests.deadline, "reading \(path) in ranges of \(rangeBytes) B with \(workers) workers") {
            var outcomes: [Outcome] = []
            reading.readInOrder(workers: workers) { outcomes.append(Outcome($0)) }
            return outcomes
        }
    }

    /// The outcomes of one serial `RecordSplitter` over the file at `path`.
    static func serialOutcomes(_ path: String, maxRecordBytes: Int) throws -> [Outcome] {
        try JSONRangeTests().read(path, rangeBytes: 0, workers: 1, maxRecordBytes: maxRecordBytes)
    }

    /// Seconds a read of one input may take (they take milliseconds).
    static let deadline = 60

    /// Calls `body` with each input written to a file, and the serial splitter's outcomes of it.
    private func forEachInputFile(
        _ body: ((name: String, bytes: [UInt8], maxRecordBytes: Int), String, [Outcome]) throws -> Void
    ) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        for input in try JSONRangeTests.inputs() {
            let path = folder + "/input.jsonl"
            try Fixtures.write(input.bytes, to: path)
            let serial = try read(path, rangeBytes: 0, workers: 1, maxRecordBytes: input.maxRecordBytes)
            #expect(serial.count >= 3, "\(input.name)")
            try body(input, path, serial)
        }
    }

    /// Strings with escaped quotes and backslashes, and brackets, at every offset of strings of up to 56
    /// bytes, past the words and 16-byte blocks the string scan crosses at once: the records cut are
    /// the lines.
    @Test func stringsWithEscapesAtEveryOffsetAreCutAtTheirLines() {
        var lines: [[UInt8]] = []
        for length in 0...56 {
            for offset in 0...length {
                for escape in [#"\""#, #"\\"#, #"\\\""#, #"\n"#, "{[,]}"] {
                    let plain = (0..<length).map { UInt8(97 + ($0 * 3) % 26) }
                    lines.append(Array(#"{"a":""#.utf8) + plain[..<offset] + Array(escape.utf8) + plain[offset...]
                                 + Array(#"","b":[1]}"#.utf8))
                }
            }
        }
        let input = Array(lines.joined(separator: [0x0A])) + [0x0A]
        var cut = JSONRange.Cut()
        input.withUnsafeBufferPointer { JSONRange.cut($0, isLast: true, maxRecordBytes: 1 << 20, into: &cut) }
        var expected: [Range<Int>] = []
        var start = 0
        for line in lines {
            expected.append(start..<(start + line.count))
            start += line.count + 1
        }
        #expect(cut.clean)
        #expect(cut.records == expected)
    }

    @Test func rangesFromAFileGiveTheSplittersRecordsAndErrors() throws {
        try forEachInputFile { input, path, serial in
            for rangeBytes in [1, 100, 5000, JSONRange.defaultBytes] {
                for workers in [1, 2, 3] {
                    let ranges = try read(path, rangeBytes: rangeBytes, workers: workers, maxRecordBytes: input.maxRecordBytes)
                    #expect(ranges == serial, "\(input.name), ranges of \(rangeBytes) B, \(workers) workers")
                }
            }
            // The reorder step's back-pressure: a worker holding a range may wait for room while others
            // wait for its scan.
            let narrow = try read(path, rangeBytes: 100, workers: 3, maxRecordBytes: input.maxRecordBytes, reorderWindow: 1)
            #expect(narrow == serial, "\(input.name), reorder window 1")
        }
    }

    @Test func errorsNameTheRecordAndLineAfterEarlierRanges() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let path = folder + "/input.jsonl"
        let lines = try JSONRangeTests.studyLines()
        // Ten clean lines, a bad literal (record 11), ten more, then a record cut off at line 22.
        let bytes = Array((lines + lines).joined(separator: [0x0A])) + Array("\n{\"id\": tru}\n".utf8)
            + Array((lines + lines).joined(separator: [0x0A])) + Array("\n{\"id\": \"NCT1".utf8)
        try Fixtures.write(bytes, to: path)
        let outcomes = try read(path, rangeBytes: 200, workers: 2, maxRecordBytes: 64 << 20)
        let errors = outcomes.compactMap { outcome -> String? in
            if case .error(let text) = outcome { return text }
            return nil
        }
        #expect(outcomes.count == 22)
        #expect(errors.count == 2)
        #expect(errors.first?.hasPrefix(path + ": record 11: malformed JSON") == true, "\(errors)")
        #expect(errors.last?.hasPrefix(path + ": record 22: line 22: malformed JSON") == true, "\(errors)")
        #expect(errors.last?.hasSuffix("the input ends inside this record") == true, "\(errors)")
    }

    @Test func theParallelReadKeepsInputOrderAndCounts() throws {
        try forEachInputFile { input, path, serial in
            var reader = try DumpReader(paths: [path], options: IngestOptions(maxRecordBytes: input.maxRecordBytes))
            reader.jsonRangeBytes = 100
            let progress = IngestProgress(totalBytes: reader.totalBytes)
            let reading = reader
            let parallel = try withDeadline(JSONRangeTests.deadline, "reading \(input.name) in parallel") {
                let collected = Mutex<[(RecordOrder, Outcome)]>([])
                reading.read(workers: 2, progress: progress, { _, order, result in
                    collected.withLock { $0.append((order, Outcome(result))) }
                }, workerDone: { _ in })
                return collected.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
            }
            #expect(parallel == serial, "\(input.name)")
            #expect(progress.records + progress.errors == serial.count, "\(input.name)")
        }
    }

    @Test func anInputInMemoryGivesTheSplittersRecordsAndErrors() throws {
        for input in try JSONRangeTests.inputs() {
            let options = IngestOptions(maxRecordBytes: input.maxRecordBytes)
            let decoder = RecordDecoder(options: options)
            var serial: [Outcome] = []
            var splitter = RecordSplitter(.bytes(input.bytes), grammar: .json, location: IngestLocation(file: "a.zip", entry: "e.jsonl"),
                                          maxRecordBytes: input.maxRecordBytes)
            while let next = splitter.next() {
                switch next {
                case .success(let record):
                    decoder.decodeRecord(record, grammar: .json, encoding: nil, file: "a.zip", entry: "e.jsonl") {
                        serial.append(Outcome($0))
                    }
                case .failure(let error):
                    serial.append(.error(error.description))
                }
            }
            var decoded: [Outcome] = []
            input.bytes.withUnsafeBytes { bytes in
                decoder.decode(bytes, kind: nil, file: "a.zip", entry: "e.jsonl", archiveDepth: 1) { decoded.append(Outcome($0)) }
            }
            #expect(serial.count >= 3, "\(input.name)")
            #expect(decoded == serial, "\(input.name)")
        }
    }
}
