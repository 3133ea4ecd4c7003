#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TrialIngest
import TrialSearchCore

/// `trialsearch convert`: registry dumps → JSON Lines of normalized `Trial`s.
///
/// Records go to `output` one JSON object per line, in input order (parsed in parallel, reordered);
/// each failure goes to `errors` as one line `error: FILE[: ENTRY][: record N][: line L]: what was
/// wrong`, and a final summary line follows.
public enum Conversion {
    /// What a conversion read.
    public struct Summary: Sendable, Equatable {
        public var records: Int
        public var errors: Int
        public var files: Int
        public var bytes: Int
        public var status: ExitStatus { ExitStatus.of(records: records, errors: errors) }

        /// `convert: 10614 records, 0 errors from 1 file (45 MB)`.
        public var line: String {
            let size = bytes >= 10_000_000 ? "\(bytes / 1_000_000) MB"
                : bytes >= 1_000_000 ? "\(bytes / 1_000_000).\(bytes / 100_000 % 10) MB"
                : "\((bytes + 999) / 1000) KB"
            return "convert: \(records) record\(records == 1 ? "" : "s"), \(errors) error\(errors == 1 ? "" : "s")"
                + " from \(files) file\(files == 1 ? "" : "s") (\(size))"
        }
    }

    /// Converts `paths`, writing JSON Lines through `output` and error lines through `errors`.
    /// - Throws: `IngestError.pathNotFound` before anything is read.
    public static func run(paths: [String], workers: Int = defaultWorkers, options: IngestOptions = IngestOptions(),
                           output: (_ line: [UInt8]) -> Void, errors: (_ line: String) -> Void) throws(IngestError) -> Summary {
        let reader = try DumpReader(paths: paths, options: options)
        var summary = Summary(records: 0, errors: 0, files: reader.files.count, bytes: reader.totalBytes)
        var writer = JSONWriter(capacity: 1 << 16)
        reader.readInOrder(workers: workers) { result in
            switch result {
            case .success(let trial):
                writer.reset()
                trial.writeJSON(to: &writer)
                writer.bytes.append(0x0A)
                output(writer.bytes)
                summary.records += 1
            case .failure(let error):
                errors("error: \(error)")
                summary.errors += 1
            }
        }
        return summary
    }

    /// Converts `paths` to standard output and standard error, as the command does; returns the
    /// summary (already printed).
    public static func runToStandardStreams(paths: [String], workers: Int = defaultWorkers,
                                            options: IngestOptions = IngestOptions()) -> Summary {
        var out = FileDescriptorWriter(descriptor: 1)
        var err = FileDescriptorWriter(descriptor: 2)
        let summary: Summary
        do {
            summary = try run(paths: paths, workers: workers, options: options, output: { out.write($0) }, errors: { line in
                err.write(Array((line + "\n").utf8))
                err.flush()
            })
        } catch {
            err.write(Array("error: \(error)\n".utf8))
            err.flush()
            return Summary(records: 0, errors: 1, files: 0, bytes: 0)
        }
        out.flush()
        err.write(Array((summary.line + "\n").utf8))
        err.flush()
        return summary
    }

    /// The number of online processors (at least 1): the default number of parsing threads.
    public static var defaultWorkers: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Buffered writes to a file descriptor (64 KiB at a time), without Foundation.
struct FileDescriptorWriter {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes out what is buffered; a closed pipe or full disk drops the rest (the exit status still
    /// reports the records read).
    mutating func flush() {
        var done = 0
        buffer.withUnsafeBytes { raw in
            while done < raw.count {
                guard let base = raw.baseAddress else { return }
                let n = Glibc.write(descriptor, base + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
