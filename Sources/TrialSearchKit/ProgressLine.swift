#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TrialIngest

/// The progress of a long read on stderr: on a terminal one line rewritten in place four times a
/// second (records/s, MB/s, percent and time left), otherwise a plain line every 5 seconds.
public final class ProgressLine: Sendable {
    private let stop = Atomic<Bool>(false)
    private let label: String
    private let counters: Mutex<IngestProgress?> = Mutex(nil)
    private let thread: Mutex<pthread_t?> = Mutex(nil)
    private let isTerminal: Bool

    public init(label: String) {
        self.label = label
        isTerminal = isatty(2) == 1
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
        if let t = thread.withLock({ $0 }) { pthread_join(t, nil) }
        if isTerminal { write("\r\u{1B}[K") }
    }

    private func loop() {
        let start = Self.now()
        let interval = isTerminal ? 0.25 : 5.0
        var next = start + interval
        while !stop.load(ordering: .relaxed) {
            usleep(50_000)
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
