import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Paths of the test fixtures (`Tests/Fixtures`, real registry records) and of the shared corpus.
enum Fixtures {
    /// The package root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Tests/Fixtures/<relative>`.
    static func path(_ relative: String) -> String { root + "/Tests/Fixtures/" + relative }

    /// The bytes of a fixture file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// The raw contents of every `<textblock>` of the legacy XML fixtures (`ctgov-xml`), with the name of
    /// the file each comes from, in file order.
    static func ctgovTextBlocks() throws -> [(file: String, text: String)] {
        let paths = try DumpReader(paths: [path("ctgov-xml")]).files.filter { $0.hasSuffix(".xml") }
        var blocks: [(file: String, text: String)] = []
        for name in paths {
            let file = String(name.split(separator: "/").last ?? "")
            let xml = String(decoding: try bytes("ctgov-xml/" + file), as: UTF8.self)
            for piece in xml.components(separatedBy: "<textblock>").dropFirst() {
                guard let block = piece.components(separatedBy: "</textblock>").first else { continue }
                blocks.append((file, block))
            }
        }
        return blocks
    }

    /// `/work/shared/corpus` (`$TRIALSEARCH_SHARED/corpus`, or `../shared/corpus` beside the package),
    /// or nil when absent (whole-corpus tests are then skipped with a message).
    static let sharedCorpus: String? = {
        let shared = ProcessInfo.processInfo.environment["TRIALSEARCH_SHARED"] ?? (root + "/../shared")
        let corpus = URL(fileURLWithPath: shared).standardizedFileURL.path + "/corpus"
        return FileManager.default.fileExists(atPath: corpus + "/SOURCES.md") ? corpus : nil
    }()

    /// A fresh temporary folder, removed by the caller with `remove`.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "trialsearch-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// Reads every record of `paths` in input order (one worker unless given), separating trials and
/// errors.
func readAll(_ paths: [String], workers: Int = 1, options: IngestOptions = IngestOptions()) throws
    -> (trials: [Trial], errors: [IngestError], results: [Result<Trial, IngestError>]) {
    let reader = try DumpReader(paths: paths, options: options)
    var results: [Result<Trial, IngestError>] = []
    reader.readInOrder(workers: workers) { results.append($0) }
    let trials = results.compactMap { try? $0.get() }
    let errors = results.compactMap { result -> IngestError? in
        if case .failure(let error) = result { return error }
        return nil
    }
    return (trials, errors, results)
}

/// Reads one fixture file that holds one record.
func readOne(_ relative: String) throws -> Trial {
    let (trials, errors, _) = try readAll([Fixtures.path(relative)])
    #expect(errors.isEmpty, "\(errors)")
    return try #require(trials.first)
}

extension PartialDate {
    /// Test shorthand: a date that must be valid.
    static func iso(_ text: String) -> PartialDate? { PartialDate(iso: text) }
}
