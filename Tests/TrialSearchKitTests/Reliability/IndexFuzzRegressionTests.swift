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
///
/// Since 2026-11-27 the harness's seed index is larger (`championSeedIndex`: 185 records, champion
/// lists) and it checks a differential property (pruned keyword searches equal exhaustive ones on
/// every index `check` passes); its findings would replay on that index, and
/// `championSeedIndexSearchesExactly` checks the property on the undamaged index.
@Suite struct IndexFuzzRegressionTests {
    static let folder = ConvertTests.root + "/Tests/Fixtures/fuzz/index"

    /// The fuzzer's seed index (`IndexFuzzing.build`).
    static func seedIndex(_ directory: String) throws {
        let xml = ["NCT00001070", "NCT00001981", "NCT00501553", "NCT04556630"].map { ConvertTests.fixture("ctgov-xml/\($0).xml") }
        try ReliabilityIndex.index(xml, into: directory)
        try ReliabilityIndex.index([ConvertTests.fixture("ctgov-json/NCT02385136.json")], into: directory,
                                   deleting: [TrialID("NCT00501553")].compactMap { $0 })
    }

    /// The fuzzer's seed index since 2026-11-27 (`IndexFuzzing.build`, the same trials committed the same
    /// way, so the same files): 4 XML fixtures and the first 110 studies of `Corpus/ctgov-json.zip`, then
    /// one JSON fixture and the next 70 studies, NCT00501553 and the 6th study deleted; terms of more
    /// than 64 docs hold champion lists.
    static func championSeedIndex(_ directory: String) throws {
        let xml = ["NCT00001070", "NCT00001981", "NCT00501553", "NCT04556630"].map { ConvertTests.fixture("ctgov-xml/\($0).xml") }
        let studies = try ReliabilityIndex.read([ConvertTests.root + "/Corpus/ctgov-json.zip"])
        try #require(studies.count >= 180)
        try commit(directory, ReliabilityIndex.read(xml) + studies[0..<110], deleting: [])
        try commit(directory, ReliabilityIndex.read([ConvertTests.fixture("ctgov-json/NCT02385136.json")]) + studies[110..<180],
                   deleting: [TrialID("NCT00501553"), studies[5].id].compactMap { $0 })
    }

    static func commit(_ directory: String, _ trials: [Trial], deleting: [TrialID]) throws {
        let writer = try IndexWriter(directory: directory, options: IndexWriterOptions(workerCount: 1))
        let worker = writer.makeWorker()
        for (k, trial) in trials.enumerated() { try worker.add(trial, sequence: k) }
        try worker.finish()
        writer.delete(deleting)
        _ = try writer.commit()
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

    /// The champion seed index answers its keyword queries (terms of more than 64 docs, with champion
    /// lists, and rarer ones) at top 1, 3, 10 and 1,000 exactly as the exhaustive search does, as the
    /// fuzzer's differential property requires of every index `check` passes; and the lists seed them.
    @Test func championSeedIndexSearchesExactly() throws {
        let root = try ReliabilityIndex.folder("fuzz-champions")
        defer { ReliabilityIndex.remove(root) }
        let directory = root + "/Index"
        try Self.championSeedIndex(directory)
        #expect(try IndexCheck.run(directory: directory).isClean)
        let reader = try IndexReader.open(directory: directory)
        #expect(reader.segments.count == 2)
        let frequent = Self.terms(reader) { $0 > IndexFormat.championMinimumDocs }
        let rare = Self.terms(reader) { $0 >= 8 && $0 <= IndexFormat.championMinimumDocs }
        #expect(frequent.count >= 20, "\(frequent.count) terms with champion lists")
        let searcher = try IndexSearcher(reader: reader)
        var seeded = 0
        for (k, word) in frequent.enumerated() {
            let clauses = [word, frequent[(k + 3) % frequent.count], rare[k % rare.count], rare[(k + 5) % rare.count]]
            for length in 1...4 {
                let query = WeightedQuery(clauses: clauses.prefix(length).map { WeightedClause(match: .term($0)) })
                for limit in [1, 3, 10, 1_000] {
                    let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true)).hits
                    let pruned = try searcher.search(query, options: SearchOptions(limit: limit)).hits
                    #expect(pruned.map(\.id) == exhaustive.map(\.id), "\(query) at \(limit)")
                    #expect(pruned.map(\.score.bitPattern) == exhaustive.map(\.score.bitPattern), "\(query) at \(limit)")
                    if limit <= IndexFormat.championCount, try Self.championSeed(reader, query, limit: limit) > -.infinity { seeded += 1 }
                }
            }
        }
        #expect(seeded >= frequent.count * 4, "\(seeded) seeded searches")
    }

    /// The terms of `reader` (lowercase words) whose docFreq in some segment passes `docFreq`, sorted.
    static func terms(_ reader: IndexReader, docFreq: (Int) -> Bool) -> [String] {
        var found = Set<String>()
        for segment in reader.segments {
            var terms = segment.terms.makeTermsEnum()
            while terms.next() {
                let term = terms.term
                guard docFreq(terms.info.docFreq), term.count > 2,
                      term.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { continue }
                found.insert(String(decoding: term, as: UTF8.self))
            }
        }
        return found.sorted()
    }

    /// `ChampionSeed.lowerBound` of `query` at `limit`, as the searcher computes it.
    static func championSeed(_ reader: IndexReader, _ query: WeightedQuery, limit: Int) throws -> Float {
        let model = try IndexSearcher(reader: reader).model
        let prepared = try PreparedQuery(query, reader: reader, model: model)
        let queries = reader.segments.compactMap { segment in
            prepared.segmentQuery(segment, model: model, options: SearchOptions(limit: limit), make: { match -> TermScorer? in
                guard case let .term(weight, resolved) = match else { return nil }
                return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
            })
        }
        return try ChampionSeed.lowerBound(queries, limit: limit)
    }
}
