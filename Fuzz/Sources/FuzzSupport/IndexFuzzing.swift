#if canImport(Glibc)
import Glibc
#endif
import TrialIngest
@testable import TrialSearchCore

/// Feeds fuzzer inputs to the index readers: each input replaces one file of a small real index, which
/// is then opened, searched, read record by record and walked by `IndexCheck`. Any outcome is fine but
/// a crash, a hang, an allocation past libFuzzer's RSS limit, or an error that is not an `IndexError`
/// naming a file of the index (a violated property stops the run like a crash).
///
/// Checksums catch nearly every random change, so by default the harness makes the damage pass them,
/// as a buggy writer or a deliberate edit would: the input is the file's body, framed with the
/// original header and a valid footer, and the manifest is recommitted with the file's new length and
/// CRC-32. That puts the decoders behind the checksums (term dictionary, postings and skip data,
/// positions, norms, doc values, stored blocks, deletes, the manifest body) under the fuzzer.
///
/// Input: `selector:u8 bytes…`. `selector % (files + 1)` picks the file (the last choice is the
/// manifest), in the order of `files`; with bit 7 set, `bytes` is written as the whole file, unframed
/// (headers, footers and truncation are fuzzed too).
///
/// The seed index (built once per process in `$FUZZ_INDEX_DIR`, else a folder of `/dev/shm`, where
/// fsync is cheap; emptied first) holds real records of
/// `Tests/Fixtures`: four XML trials in a first commit, then one API v2 JSON trial added and one XML
/// trial deleted: two segments, every file kind.
public final class IndexFuzzing {
    /// The index the inputs damage, restored after each input.
    let directory: String
    /// The seed index's file names, manifest excluded, sorted.
    public let files: [String]
    let originals: [String: [UInt8]]
    let manifestBytes: [UInt8]
    let manifest: Manifest
    let parser = QueryParser(analyzer: Analyzer())
    static let queries = ["hiv vaccine", "\"healthy volunteers\"", "+cancer -placebo", "title:study treatment"]

    /// The repository's `Tests/Fixtures`.
    static var fixtures: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/Tests/Fixtures"
    }

    public init() {
        if let folder = getenv("FUZZ_INDEX_DIR") {
            directory = String(cString: folder)
        } else {
            directory = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/trialsearch-fuzz-index-\(getpid())"
        }
        do {
            try FileSystem.makeDirectory(directory)
            for name in try FileSystem.list(directory) { unlink(FileSystem.join(directory, name)) }
            try IndexFuzzing.build(directory)
            manifest = try Manifest.read(directory: directory)
            files = manifest.referencedFiles.sorted()
            var originals: [String: [UInt8]] = [:]
            for name in files { originals[name] = try IndexFuzzing.read(FileSystem.join(directory, name)) }
            self.originals = originals
            manifestBytes = try IndexFuzzing.read(FileSystem.join(directory, IndexFormat.manifestName))
        } catch {
            fatalError("building the seed index in \(directory): \(error)")
        }
    }

    static func build(_ directory: String) throws {
        let xml = ["NCT00001070", "NCT00001981", "NCT00501553", "NCT04556630"].map { fixtures + "/ctgov-xml/\($0).xml" }
        try commit(directory, paths: xml, deleting: [])
        try commit(directory, paths: [fixtures + "/ctgov-json/NCT02385136.json"], deleting: [TrialID("NCT00501553")].compactMap { $0 })
    }

    static func commit(_ directory: String, paths: [String], deleting: [TrialID]) throws {
        var trials: [Trial] = []
        try DumpReader(paths: paths).readInOrder(workers: 1) { if case .success(let trial) = $0 { trials.append(trial) } }
        precondition(trials.count == paths.count, "seed records read: \(trials.count) of \(paths.count)")
        let writer = try IndexWriter(directory: directory, options: IndexWriterOptions(workerCount: 1))
        let worker = writer.makeWorker()
        for (k, trial) in trials.enumerated() { try worker.add(trial, sequence: k) }
        try worker.finish()
        writer.delete(deleting)
        _ = try writer.commit()
    }

    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.system("open", path) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path): errno \(errno)")
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(n == bytes.count, "write \(path): \(n) of \(bytes.count) bytes")
    }

    /// The seed inputs: each file's body with its selector (framed mode).
    public func seeds() -> [[UInt8]] {
        (files + [IndexFormat.manifestName]).enumerated().map { k, name in
            let bytes = name == IndexFormat.manifestName ? manifestBytes : originals[name] ?? []
            return [UInt8(k)] + Array(bytes[headerLength(name)..<(bytes.count - IndexFormat.footerLength)])
        }
    }

    func headerLength(_ name: String) -> Int {
        let formatName = name == IndexFormat.manifestName ? Manifest.formatName
            : SegmentFile.allCases.first { name.hasSuffix("." + $0.rawValue) }?.formatName ?? ""
        return IndexOutput.headerLength(formatName: formatName)
    }

    /// Writes `body` to `name` the way the writers frame it (`IndexOutput`: header with the file's
    /// format name and segment id, CRC-32 footer).
    func writeFramed(_ body: UnsafeRawBufferPointer, name: String) throws {
        let path = FileSystem.join(directory, name)
        unlink(path)
        let isManifest = name == IndexFormat.manifestName
        let formatName = isManifest ? Manifest.formatName : SegmentFile.allCases.first { name.hasSuffix("." + $0.rawValue) }?.formatName ?? ""
        let segmentID = isManifest ? 0 : manifest.segments.first { name.hasPrefix($0.name) }?.id ?? 0
        let output = try IndexOutput(path: path, formatName: formatName, segmentID: segmentID)
        try output.write(body)
        _ = try output.finish()
    }

    public func run(_ input: UnsafeRawBufferPointer) {
        guard let selector = input.first else { return }
        let all = files + [IndexFormat.manifestName]
        let name = all[Int(selector & 0x7F) % all.count]
        let path = FileSystem.join(directory, name)
        let body = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let original = name == IndexFormat.manifestName ? manifestBytes : originals[name] ?? []
        if selector & 0x80 != 0 {
            IndexFuzzing.write(Array(body), to: path)
        } else {
            do {
                try writeFramed(body, name: name)
                if name != IndexFormat.manifestName { try manifest.commit(directory: directory) }
            } catch {
                preconditionFailure("framing the input: \(error)")
            }
        }
        exercise()
        IndexFuzzing.write(original, to: path)
        IndexFuzzing.write(manifestBytes, to: FileSystem.join(directory, IndexFormat.manifestName))
    }

    /// Opens, searches, reads every live record and walks the index; only `IndexError`s naming a file
    /// of the index may come out.
    func exercise() {
        do {
            let reader = try IndexReader.open(directory: directory)
            let searcher = try IndexSearcher(reader: reader)
            for text in IndexFuzzing.queries {
                let hits = try searcher.search(WeightedQuery(parser.parse(text)), options: SearchOptions(limit: 20))
                for hit in hits.hits { _ = try searcher.trial(hit) }
            }
            for segment in reader.segments {
                for d in 0..<segment.docCount where segment.isLive(DocID(d)) {
                    _ = segment.trialID(DocID(d))
                    _ = try segment.trial(DocID(d))
                }
            }
        } catch let error as IndexError {
            check(error)
        } catch {
            preconditionFailure("not an IndexError: \(error)")
        }
        do {
            let report = try IndexCheck.run(directory: directory)
            for problem in report.problems { precondition(problem.file.hasPrefix(directory), "problem without a file: \(problem)") }
        } catch let error as IndexError {
            check(error)
        } catch {
            preconditionFailure("check: not an IndexError: \(error)")
        }
    }

    func check(_ error: IndexError) {
        let text = "\(error)"
        precondition(text.contains(directory), "an index error that names no file of the index: \(text)")
    }
}
