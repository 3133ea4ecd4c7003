import Foundation
import Testing
import TrialIngest
@testable import TrialSearchCore
@testable import TrialSearchKit

/// The inputs that crashed the fuzzer's `index` target (`Fuzz/Sources/FuzzSupport/IndexFuzzing.swift`),
/// kept in `Tests/Fixtures/fuzz/index/` and replayed the way the harness applies them: on the same
/// seed index (real records: four XML trials, then one JSON trial added and one XML trial deleted),
/// the input's first byte picks a file, the rest becomes its body, framed with a valid header and
/// CRC-32 footer, and the manifest is recommitted with the file's new length and checksum. Opening,
/// searching and reading every record must not crash; what the damage breaks is an `IndexError`, and
/// `check` reports the file.
///
/// - crash-496417ac…: doc ids past the segment's docCount in the one-doc segment's postings, which
///   the searcher used to index doc values with (a heap overflow). `PostingsCursor` now requires doc
///   ids strictly increasing and below docCount.
/// - oom-40860ecf…: a termFreq of about 3 billion in the postings, for which reading the positions
///   reserved 12 GB. `PostingsCursor.positions` now requires a byte of positions for each.
@Suite struct IndexFuzzRegressionTests {
    static let folder = ConvertTests.root + "/Tests/Fixtures/fuzz/index"

    /// The fuzzer's seed index (`IndexFuzzing.build`).
    static func seedIndex(_ directory: String) throws {
        let xml = ["NCT00001070", "NCT00001981", "NCT00501553", "NCT04556630"].map { ConvertTests.fixture("ctgov-xml/\($0).xml") }
        try ReliabilityIndex.index(xml, into: directory)
        try ReliabilityIndex.index([ConvertTests.fixture("ctgov-json/NCT02385136.json")], into: directory,
                                   deleting: [TrialID("NCT00501553")].compactMap { $0 })
    }

    /// Applies `input` as the harness does; returns the damaged file's path.
    static func apply(_ input: [UInt8], to directory: String) throws -> String {
        let manifest = try Manifest.read(directory: directory)
        let names = manifest.referencedFiles.sorted() + [IndexFormat.manifestName]
        let selector = try #require(input.first)
        #expect(selector & 0x80 == 0, "framed inputs only")
        let name = names[Int(selector & 0x7F) % names.count]
        let path = directory + "/" + name
        let isManifest = name == IndexFormat.manifestName
        let kind = SegmentFile.allCases.first { name.hasSuffix("." + $0.rawValue) }
        let segmentID = isManifest ? 0 : manifest.segments.first { name.hasPrefix($0.name) }?.id ?? 0
        unlink(path)
        let output = try IndexOutput(path: path, formatName: isManifest ? Manifest.formatName : kind?.formatName ?? "", segmentID: segmentID)
        try output.write(Array(input.dropFirst()))
        try output.finish()
        if !isManifest { try manifest.commit(directory: directory) }
        return path
    }

    @Test func crashInputsOfTheIndexTargetAreHandled() throws {
        let inputs = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasPrefix("crash-") || $0.hasPrefix("oom-") }.sorted()
        #expect(!inputs.isEmpty)
        for input in inputs {
            let root = try ReliabilityIndex.folder("fuzz-regression")
            defer { ReliabilityIndex.remove(root) }
            let directory = root + "/Index"
            try Self.seedIndex(directory)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + input)))
            let path = try Self.apply(bytes, to: directory)
            // Every doc any cursor yields is a doc of its segment (what the crash broke).
            if let reader = try? IndexReader.open(directory: directory) {
                for segment in reader.segments {
                    var terms = segment.terms.makeTermsEnum()
                    while terms.next() {
                        var cursor = segment.postings(terms.info)
                        var doc = cursor.next()
                        while doc != PostingsCursor.noMoreDocs {
                            #expect(doc >= 0 && Int(doc) < segment.docCount, "\(input): doc \(doc) of \(segment.docCount)")
                            doc = cursor.next()
                        }
                    }
                }
            }
            do {
                let engine = try SearchEngine(directory: directory)
                for query in ["hiv vaccine", "\"healthy volunteers\"", "+cancer -placebo", "title:study treatment"] {
                    for hit in try engine.search(query, options: SearchOptions(limit: 20)).hits { _ = try engine.trial(for: hit) }
                }
                for segment in engine.reader.segments {
                    for d in 0..<segment.docCount where segment.isLive(DocID(d)) { _ = try segment.trial(DocID(d)) }
                }
            } catch let error as IndexError {
                #expect("\(error)".contains(directory), "\(input): \(error)")
            }
            let report = try IndexCheck.run(directory: directory)
            #expect(report.problems.contains { $0.file == path }, "\(input): check reports \(path): \(report.problems)")
        }
    }
}
