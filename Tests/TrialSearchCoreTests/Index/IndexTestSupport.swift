#if canImport(Glibc)
import Glibc
#endif
@testable import TrialSearchCore

/// A deterministic random generator (SplitMix64) so randomized tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh empty folder under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "index") {
        var template = Array("/tmp/trialsearch-test-\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        path = created.map { String(cString: $0) } ?? "/tmp/trialsearch-test-\(label)-\(getpid())"
    }

    func remove() {
        if let names = try? FileSystem.list(path) {
            for n in names { unlink(FileSystem.join(path, n)) }
        }
        rmdir(path)
    }

    func file(_ name: String) -> String { FileSystem.join(path, name) }
}

/// Synthetic trials whose words follow a Zipf-like law over a small vocabulary, so that some terms
/// span many postings blocks, some are rare, and fields overlap.
enum SyntheticTrials {
    static let vocabulary: [String] = (0..<400).map { "w\($0)" }

    static func make(count: Int, seed: UInt64, idPrefix: String = "NCT9") -> [Trial] {
        var rng = SeededRandom(seed: seed)
        func word() -> String {
            // Zipf-like: squaring a uniform favours small indices.
            let u = Double(rng.next() % 1_000_000) / 1_000_000
            return vocabulary[Int(u * u * u * Double(vocabulary.count))]
        }
        func text(_ maxWords: Int) -> String {
            let n = Int(rng.next() % UInt64(maxWords + 1))
            return (0..<n).map { _ in word() }.joined(separator: " ")
        }
        var trials: [Trial] = []
        for i in 0..<count {
            let digits = String(i)
            let id = TrialID(idPrefix + String(repeating: "0", count: max(0, 7 - digits.count)) + digits)!
            var t = Trial(id: id, registry: "ClinicalTrials.gov", source: RecordSource(file: "synthetic", format: .clinicalStudyXML))
            t.briefTitle = text(8)
            t.officialTitle = text(12)
            t.conditions = [text(3), text(2)].filter { !$0.isEmpty }
            t.briefSummary = text(40)
            t.detailedDescription = rng.next() % 3 == 0 ? "" : text(200)
            t.eligibility.criteria = text(60)
            t.keywords = rng.next() % 2 == 0 ? [text(2)] : []
            t.overallStatus = ["Recruiting", "Completed", "Unknown status"][Int(rng.next() % 3)]
            t.phases = [["Phase 1"], ["Phase 2", "Phase 3"], []][Int(rng.next() % 3)]
            t.countries = [["France"], ["United States", "Canada"], []][Int(rng.next() % 3)]
            t.eligibility.minimumAgeYears = rng.next() % 2 == 0 ? 18 : nil
            t.lastUpdated = PartialDate(year: 2000 + Int(rng.next() % 20), month: 1 + Int(rng.next() % 12))
            trials.append(t)
        }
        return trials
    }
}

/// What the index should contain, computed naively with the same analyzer: for each term, for each doc,
/// for each field, the positions.
struct NaiveIndex {
    /// term → doc → field → positions
    var postings: [String: [Int: [Int: [Int32]]]] = [:]
    /// doc → field → length
    var lengths: [[Int]] = []

    init(_ trials: [Trial]) {
        let analyzer = Analyzer()
        for (doc, trial) in trials.enumerated() {
            var row = [Int](repeating: 0, count: IndexFormat.fieldCount)
            for field in Field.allCases {
                var position: Int32 = 0
                trial.forEachValue(of: field) { value in
                    position = analyzer.analyze(value, field: field, firstPosition: position) { token in
                        postings[token.text, default: [:]][doc, default: [:]][Int(field.rawValue), default: []].append(token.position)
                        if !token.isDerived { row[Int(field.rawValue)] += 1 }
                    }
                }
            }
            lengths.append(row)
        }
    }
}

/// Indexes `trials` (sequence = array order) with `workers` workers fed round-robin, and commits.
@discardableResult
func indexTrials(_ trials: [Trial], into directory: String, options: IndexWriterOptions = IndexWriterOptions(),
                 deleting: [TrialID] = [], workers: Int = 1, reversedFeeding: Bool = false) throws -> IndexSummary {
    let writer = try IndexWriter(directory: directory, options: options)
    let pool = (0..<workers).map { _ in writer.makeWorker() }
    let order = reversedFeeding ? Array(trials.indices.reversed()) : Array(trials.indices)
    for i in order { try pool[i % workers].add(trials[i], sequence: i) }
    for w in pool { try w.finish() }
    writer.delete(deleting)
    return try writer.commit()
}

/// What the tests of stored maxima share: an index fixture of an older format, and a postings file
/// rewritten with a changed byte and resealed, so that only `check` can tell.
enum IndexFixtures {
    /// The folder of `Tests/Fixtures/NAME` (an index written by an older trialsearch).
    static func path(_ name: String, file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Index/, TrialSearchCoreTests/ and the file's name
        return (parts + ["Fixtures", Substring(name)]).joined(separator: "/")
    }

    /// Writes `bytes` (a whole postings file as read, header and footer included) back as the postings of
    /// `segment` in `directory`, with a new checksum, and commits the manifest again so that it records
    /// the new file: the index opens, and the change is what `check` has to find.
    static func resealPostings(_ bytes: [UInt8], of segment: SegmentReader, in directory: TemporaryDirectory) throws {
        let path = directory.file(SegmentFile.postings.fileName(segment: segment.info.name))
        let headerLength = IndexOutput.headerLength(formatName: SegmentFile.postings.formatName)
        unlink(path)
        let output = try IndexOutput(path: path, formatName: SegmentFile.postings.formatName, segmentID: segment.info.id)
        try output.write(Array(bytes[headerLength..<(bytes.count - IndexFormat.footerLength)]))
        try output.finish()
        try Manifest.read(directory: directory.path).commit(directory: directory.path)
    }
}
