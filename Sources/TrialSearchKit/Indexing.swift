#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TrialIngest
import TrialSearchCore

/// `trialsearch index`: registry dumps → the on-disk index, updated in place (or rebuilt), committed
/// atomically.
///
/// Pipeline: `DumpReader.readInOrder` parses on `parseWorkers` threads and hands records back in
/// input order, numbered; a bounded queue feeds `indexWorkers` threads, each with its own
/// `IndexWorker` (analyzer and in-memory segment); then `IndexWriter.commit()` resolves updates and
/// duplicates by those input numbers (so the result never depends on thread timing), merges and swaps
/// the manifest.
public enum Indexing {
    public struct Request: Sendable {
        public var paths: [String]
        public var directory: String
        public var rebuild: Bool
        /// In-memory segment budget in MB, shared by the index workers.
        public var ramBudgetMB: Int
        /// Trials to delete by id.
        public var deletions: [TrialID]
        public var parseWorkers: Int
        public var indexWorkers: Int
        /// Wait for another writer instead of failing.
        public var waitForLock: Bool
        /// Merge down to at most this many segments at commit.
        public var maxSegments: Int?
        /// Read nothing when, once the lock is taken, the folder already holds an index (the first
        /// query's build, when several start at once).
        public var onlyIfNoIndex = false

        public init(paths: [String], directory: String, rebuild: Bool = false, ramBudgetMB: Int = 256,
                    deletions: [TrialID] = [], parseWorkers: Int = 2, indexWorkers: Int = 2, waitForLock: Bool = false,
                    maxSegments: Int? = nil) {
            self.maxSegments = maxSegments
            self.paths = paths
            self.directory = directory
            self.rebuild = rebuild
            self.ramBudgetMB = ramBudgetMB
            self.deletions = deletions
            self.parseWorkers = parseWorkers
            self.indexWorkers = indexWorkers
            self.waitForLock = waitForLock
        }
    }

    /// What a run did.
    public struct Report: Sendable {
        public var summary: IndexSummary
        /// Each record that could not be read: `FILE[: ENTRY][: record N][: line L]: reason`.
        public var failures: [String]
        public var records: Int
        public var files: Int
        public var bytes: Int
        public var seconds: Double

        /// 0 everything indexed; 3 some records failed (or ids to delete were absent) but the rest was
        /// committed; 4 nothing was read or committed.
        public var status: ExitStatus {
            if records == 0 && summary.deleted == 0 && !summary.committed { return .nothingRead }
            return failures.isEmpty && summary.notFound.isEmpty ? .success : .partialFailure
        }

        /// The summary lines printed at the end of a run.
        public var lines: [String] {
            var lines = failures.map { "error: \($0)" }
            lines += summary.notFound.map { "error: \($0): not in the index, nothing deleted" }
            let s = summary
            let rate = seconds > 0 ? " in \(Self.seconds(seconds)) (\(Int(Double(records) / max(seconds, 1e-9))) records/s)" : ""
            lines.append("index: \(records) record\(records == 1 ? "" : "s") from \(files) file\(files == 1 ? "" : "s")\(rate): "
                + "\(s.added) added, \(s.replaced) replaced, \(s.unchanged) unchanged, \(s.older) older (skipped), "
                + "\(s.deleted) deleted, \(failures.count) failed")
            if s.committed {
                lines.append("index: committed generation \(s.generation): \(s.liveDocCount) trials in \(s.segmentCount) segment"
                    + (s.segmentCount == 1 ? "" : "s") + (s.mergesDone > 0 ? " (\(s.mergesDone) merge\(s.mergesDone == 1 ? "" : "s"))" : ""))
            } else {
                lines.append("index: nothing changed, nothing committed")
            }
            return lines
        }

        static func seconds(_ s: Double) -> String { s < 10 ? "\(Double(Int(s * 100)) / 100) s" : "\(Int(s.rounded())) s" }
    }

    /// Runs the request. `progress` receives the ingestion counters once the read starts (for a
    /// progress line on another thread).
    /// - Throws: `IngestError.pathNotFound` before anything is read; `IndexError` when the index
    ///   cannot be opened, locked or written (nothing is committed then).
    public static func run(_ request: Request, progress: ((IngestProgress) -> Void)? = nil) throws -> Report {
        let start = monotonicSeconds()
        let reader = try DumpReader(paths: request.paths)
        let options = IndexWriterOptions(ramBudgetBytes: request.ramBudgetMB << 20, workerCount: request.indexWorkers,
                                         rebuild: request.rebuild, waitForLock: request.waitForLock,
                                         mergePolicy: MergePolicy(maxSegments: request.maxSegments))
        let writer = try IndexWriter(directory: request.directory, options: options)
        if request.onlyIfNoIndex && writer.foundCommittedIndex {
            return Report(summary: IndexSummary(), failures: [], records: 0, files: 0, bytes: 0,
                          seconds: monotonicSeconds() - start)
        }
        let ingest = IngestProgress(totalBytes: reader.totalBytes)
        progress?(ingest)
        let queue = RecordQueue(capacity: 256)
        let firstError = Mutex<(any Error)?>(nil)
        let threads = WorkerThreads.start(request.indexWorkers) { _ in
                let worker = writer.makeWorker()
                while let (trial, sequence) = queue.pop() {
                    do {
                        try worker.add(trial, sequence: sequence)
                    } catch {
                        firstError.withLock { if $0 == nil { $0 = error } }
                        queue.close()
                    }
                }
                do { try worker.finish() } catch { firstError.withLock { if $0 == nil { $0 = error } } }
        }
        guard threads.count > 0 else {
            throw IndexError.io(file: request.directory, operation: "start index threads for", message: "pthread_create failed")
        }
        var failures: [String] = []
        var sequence = 0
        reader.readInOrder(workers: request.parseWorkers, progress: ingest) { result in
            switch result {
            case .success(let trial):
                queue.push((trial, sequence))
                sequence += 1
            case .failure(let error):
                failures.append(error.description)
            }
        }
        queue.close()
        threads.join()
        if let error = firstError.withLock({ $0 }) { throw error }
        writer.delete(request.deletions)
        let summary = try writer.commit()
        return Report(summary: summary, failures: failures, records: sequence, files: reader.files.count,
                      bytes: reader.totalBytes, seconds: monotonicSeconds() - start)
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension Indexing {
    /// Runs `request` as the command does: progress and summary on stderr. Returns the exit status.
    public static func runToStandardError(_ request: Request) -> ExitStatus {
        let progress = ProgressLine(label: "index")
        do {
            let report = try run(request) { progress.start($0) }
            progress.finish()
            for line in report.lines { printError(line) }
            return report.status
        } catch {
            progress.finish()
            printError("error: \(error)")
            return .nothingRead
        }
    }

    /// Writes `line` and a newline to stderr.
    public static func printError(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
