import Synchronization
import TrialSearchCore

/// Counters of a read in progress, safe to read from any thread while workers update them (for a
/// progress line, or the figures of a benchmark).
public final class IngestProgress: Sendable {
    /// The input bytes to read: the sizes of all files (archives count their compressed size).
    public let totalBytes: Int
    private let bytes = Atomic<Int>(0)
    private let content = Atomic<Int>(0)
    private let trials = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)

    public init(totalBytes: Int) {
        self.totalBytes = totalBytes
    }

    /// Input bytes read so far (archive entries count their compressed size); equals `totalBytes`
    /// once the read is over.
    public var bytesDone: Int { bytes.load(ordering: .relaxed) }
    /// Record content bytes handed to the parsers so far: files' sizes, archive entries' uncompressed
    /// sizes, the bytes of each record of a multi-record file (an archive inside an archive counts
    /// once, as its outer entry).
    public var contentBytesDone: Int { content.load(ordering: .relaxed) }
    /// Records read into a `Trial` so far.
    public var records: Int { trials.load(ordering: .relaxed) }
    /// Errors reported so far.
    public var errors: Int { failures.load(ordering: .relaxed) }

    func add(bytes count: Int, content contentCount: Int) {
        bytes.add(count, ordering: .relaxed)
        content.add(contentCount, ordering: .relaxed)
    }

    func count(_ result: Result<Trial, IngestError>) {
        switch result {
        case .success: trials.add(1, ordering: .relaxed)
        case .failure: failures.add(1, ordering: .relaxed)
        }
    }

    /// Back to zero: the read starts again (`DumpReader.read(…restart:)`).
    func restart() {
        bytes.store(0, ordering: .relaxed)
        content.store(0, ordering: .relaxed)
        trials.store(0, ordering: .relaxed)
        failures.store(0, ordering: .relaxed)
    }

    func finish() {
        bytes.store(totalBytes, ordering: .relaxed)
    }
}
