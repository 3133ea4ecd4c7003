#if canImport(Glibc)
import Glibc
#endif
import TrialIngest
import TrialSearchCore

/// `trialsearch-bench ingest PATH... [--workers N] [--ordered]`: reads the dumps into `Trial` values
/// with `DumpReader` (as `index` will: `read`, results on the worker threads; `--ordered`: as
/// `convert` does, `readInOrder`) and prints the throughput over the record content (uncompressed XML
/// for a zip of XML), records per second, wall-clock and CPU seconds, and peak resident memory.
enum IngestBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        var paths: [String] = []
        var workers = 2
        var ordered = false
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--workers":
                guard i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 1 else {
                    print("ingest: --workers needs a positive number")
                    return 64
                }
                workers = n
                i += 1
            case "--ordered":
                ordered = true
            default:
                paths.append(arguments[i])
            }
            i += 1
        }
        guard !paths.isEmpty else {
            print("usage: trialsearch-bench ingest PATH... [--workers N] [--ordered]")
            return 64
        }
        let reader: DumpReader
        do {
            reader = try DumpReader(paths: paths)
        } catch {
            print("ingest: \(error)")
            return 4
        }
        let progress = IngestProgress(totalBytes: reader.totalBytes)
        let titleBytes = Counter()
        let start = WallClock.now
        let cpuStart = cpuSeconds()
        if ordered {
            var firstErrors = 0
            reader.readInOrder(workers: workers, progress: progress) { result in
                if case .failure(let error) = result, firstErrors < 5 {
                    print("error: \(error)")
                    firstErrors += 1
                }
            }
        } else {
            reader.read(workers: workers, progress: progress) { _, result in
                switch result {
                case .success(let trial): titleBytes.add(trial.briefTitle.utf8.count)
                case .failure(let error): print("error: \(error)")
                }
            }
        }
        let seconds = WallClock.now - start
        let cpu = cpuSeconds() - cpuStart
        let megabytes = Double(progress.contentBytesDone) / 1_000_000
        print("ingest: \(progress.records) records, \(progress.errors) errors, \(format(megabytes)) MB of records"
              + " (\(format(Double(reader.totalBytes) / 1_000_000)) MB of input), \(workers) worker\(workers == 1 ? "" : "s")"
              + (ordered ? ", in order" : ""))
        print("ingest: \(format(seconds)) s wall, \(format(cpu)) s CPU, \(format(megabytes / seconds)) MB/s,"
              + " \(Int(Double(progress.records) / seconds)) records/s, peak RSS \(peakResidentMegabytes()) MB")
        return progress.errors == 0 ? 0 : 3
    }

    private static func format(_ value: Double) -> String {
        let scaled = Int((value * 100).rounded())
        let fraction = scaled % 100
        return "\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A counter the worker threads add to (keeps the optimizer from dropping the records).
    final class Counter: @unchecked Sendable {
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private var value = 0
        init() { pthread_mutex_init(lock, nil) }
        deinit { pthread_mutex_destroy(lock); lock.deallocate() }
        func add(_ n: Int) {
            pthread_mutex_lock(lock)
            value += n
            pthread_mutex_unlock(lock)
        }
    }
}

/// Monotonic wall-clock seconds.
enum WallClock {
    static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// User plus system CPU seconds of the process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// The peak resident set size in MB (`VmHWM` of /proc/self/status), or -1 when unavailable.
func peakResidentMegabytes() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            let kilobytes = Int(text.dropFirst(6).filter { $0.isNumber }) ?? -1
            return kilobytes < 0 ? -1 : kilobytes / 1024
        }
    }
    return -1
}
