#if canImport(Glibc)
import Glibc
#endif
import Synchronization
@_spi(Testing) import TrialIngest
import TrialSearchCore

/// `trialsearch index`: registry dumps → the on-disk index, updated in place (or rebuilt), committed
/// atomically.
///
/// Pipeline: `DumpReader.read` runs `workers` threads; each parses the next unit of input and indexes
/// its records itself, with its own `IndexWorker` (analyzer and in-memory segment), so a record never
/// changes threads and both cores stay busy (no reading thread, queue or reorder step in between).
/// A JSON Lines input is read in worker-affine regions (each worker's segment holds long runs of
/// consecutive records, which compress as one worker's would); should that read have to be done again
/// (`DumpReader.read(…restart:)`), the run is discarded (`IndexWriter.discardRun()`) first.
/// Each record carries its place in input order (`RecordOrder`); `IndexWriter.commit()` resolves
/// updates and duplicates by it (so the result never depends on thread timing), merges and swaps the
/// manifest.
public enum Indexing {
    public struct Request: Sendable {
        public var paths: [String]
        public var directory: String
        public var rebuild: Bool
        /// In-memory segment budget in MB, shared by the index workers.
        public var ramBudgetMB: Int
        /// Trials to delete by id.
        public var deletions: [TrialID]
        /// Threads that read and index (each with its own in-memory segment).
        public var workers: Int
        /// Wait for another writer instead of failing.
        public var waitForLock: Bool
        /// Merge down to at most this many segments at commit.
        public var maxSegments: Int?
        /// Read nothing when, once the lock is taken, the folder already holds an index (the first
        /// query's build, when several start at once).
        public var onlyIfNoIndex = false
        /// Tests: the JSON range size (`DumpReader.jsonRangeBytes`), and a read whose speculation fails
        /// once, so that the run is discarded and the input read again.
        var jsonRangeBytes: Int? = nil
        var forcesReadRestart = false

        public init(paths: [String], directory: String, rebuild: Bool = false, ramBudgetMB: Int = 256,
                    deletions: [TrialID] = [], workers: Int = 2, waitForLock: Bool = false,
                    maxSegments: Int? = nil) {
            precondition(workers >= 1, "workers \(workers)")
            self.maxSegments = maxSegments
            self.paths = paths
            self.directory = directory
            self.rebuild = rebuild
            self.ramBudgetMB = ramBudgetMB
            self.deletions = deletions
            self.workers = workers
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
        var reader = try DumpReader(paths: request.paths)
        if let bytes = request.jsonRangeBytes { reader.jsonRangeBytes = bytes }
        reader.forcesRestart = request.forcesReadRestart
        let options = IndexWriterOptions(ramBudgetBytes: request.ramBudgetMB << 20, workerCount: request.workers,
                                         rebuild: request.rebuild, waitForLock: request.waitForLock,
                                         mergePolicy: MergePolicy(maxSegments: request.maxSegments))
        let writer = try IndexWriter(directory: request.directory, options: options)
        if request.onlyIfNoIndex && writer.foundCommittedIndex {
            return Report(summary: IndexSummary(), failures: [], records: 0, files: 0, bytes: 0,
                          seconds: monotonicSeconds() - start)
        }
        let ingest = IngestProgress(totalBytes: reader.totalBytes)
        progress?(ingest)
        let slots = WorkerSlots(count: request.workers)
        let outcome = Mutex(RunOutcome())
        reader.read(workers: request.workers, progress: ingest, { thread, order, result in
            switch result {
            case .success(let trial):
                guard !outcome.withLock({ $0.firstError != nil }) else { return }
                do {
                    try slots.worker(thread, writer).add(trial, sequence: order.sequence)
                    outcome.withLock { $0.records += 1 }
                } catch {
                    outcome.withLock { if $0.firstError == nil { $0.firstError = error } }
                }
            case .failure(let error):
                outcome.withLock { $0.failures.append((order, error.description)) }
            }
        }, workerDone: { thread in
            do {
                try slots.finish(thread)
            } catch {
                outcome.withLock { if $0.firstError == nil { $0.firstError = error } }
            }
        }, restart: {
            // The read is done again from the start: forget what it gave (an error of the index stays).
            do {
                try writer.discardRun()
            } catch {
                outcome.withLock { if $0.firstError == nil { $0.firstError = error } }
            }
            outcome.withLock { $0 = RunOutcome(firstError: $0.firstError) }
        })
        let run = outcome.withLock { $0 }
        if let error = run.firstError { throw error }
        let failures = run.failures.sorted { $0.0 < $1.0 }.map(\.1)
        writer.delete(request.deletions)
        let summary = try writer.commit()
        return Report(summary: summary, failures: failures, records: run.records, files: reader.files.count,
                      bytes: reader.totalBytes, seconds: monotonicSeconds() - start)
    }

    /// What the worker threads report, under a lock.
    private struct RunOutcome: Sendable {
        var records = 0
        var failures: [(RecordOrder, String)] = []
        var firstError: (any Error)?
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
