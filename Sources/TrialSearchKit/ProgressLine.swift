#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TrialIngest

/// The progress of a long read on stderr: on a terminal one line rewritten in place four times a
/// second (records/s, MB/s, percent and time left), otherwise a plain line every 5 seconds.
///
/// The line's thread wakes every 50 ms to check the time, waiting on a pipe (`poll`) that `finish()`
/// writes to, so that `finish()` joins it at once: it used to sleep (`usleep`) and made every
/// `trialsearch index` wait up to 50 ms (25 on average) after its commit. Owner of the pipe's two
/// descriptors (closed in `deinit`).
public final class ProgressLine: Sendable {
    private let stop = Atomic<Bool>(false)
    private let label: String
    private let counters: Mutex<IngestProgress?> = Mutex(nil)
    private let thread: Mutex<pthread_t?> = Mutex(nil)
    private let isTerminal: Bool
    /// The wake-up pipe's read and write ends (−1 when `pipe` failed: the thread then sleeps).
    private let wakeRead: Int32
    private let wakeWrite: Int32

    public init(label: String) {
        self.label = label
        isTerminal = isatty(2) == 1
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        } else {
            ends = [-1, -1]
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    deinit {
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    /// Starts printing the counters of `progress` (from a background thread).
    public func start(_ progress: IngestProgress) {
        counters.withLock { $0 = progress }
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        if pthread_create(&t, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<ProgressLine>.fromOpaque(raw).takeRetainedValue().loop()
            return nil
        }, box.toOpaque()) == 0 {
            thread.withLock { $0 = t }
        } else {
            box.release()
        }
    }

    /// Stops and clears the line.
    public func finish() {
        stop.store(true, ordering: .relaxed)
        if let t = thread.withLock({ $0 }) {
            if wakeWrite >= 0 {
                var byte: UInt8 = 0
                _ = Glibc.write(wakeWrite, &byte, 1)
            }
            pthread_join(t, nil)
        }
        if isTerminal { write("\r\u{1B}[K") }
    }

    private func loop() {
        let start = Self.now()
        let interval = isTerminal ? 0.25 : 5.0
        var next = start + interval
        while !stop.load(ordering: .relaxed) {
            if wakeRead >= 0 {
                var wake = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
                _ = poll(&wake, 1, 50)
            } else {
                usleep(50_000)
            }
            let now = Self.now()
            guard now >= next, let p = counters.withLock({ $0 }) else { continue }
            next = now + interval
            let elapsed = max(now - start, 1e-3)
            let fraction = p.totalBytes > 0 ? Double(p.bytesDone) / Double(p.totalBytes) : 0
            let recordRate = Int(Double(p.records) / elapsed)
            let megabyteRate = Int(Double(p.contentBytesDone) / elapsed / 1e6)
            var text = label + ": \(p.records) records, \(recordRate) records/s, \(megabyteRate) MB/s"
            if p.totalBytes > 0 {
                text += ", \(Int(fraction * 100))%"
                if fraction > 0.02 {
                    let left = Int(elapsed * (1 - fraction) / fraction)
                    let seconds = left % 60
                    let padding = seconds < 10 ? "0" : ""
                    text += ", \(left / 60):\(padding)\(seconds) left"
                }
            }
            if p.errors > 0 { text += ", \(p.errors) errors" }
            write(isTerminal ? "\r\u{1B}[K" + text : text + "\n")
        }
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
