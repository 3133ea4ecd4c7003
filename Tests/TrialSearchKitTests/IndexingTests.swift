#if canImport(Glibc)
import Glibc
#endif
import Testing
import TrialIngest
import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch index` and `stats` on real registry records (Tests/Fixtures), in every format.
@Suite struct IndexingTests {
    static let fixtures: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures"
    }()

    static let formats = ["ctgov-xml", "ctgov-json", "ictrp", "text"].map { fixtures + "/" + $0 }

    /// A fresh folder under /tmp, removed with its files by `remove()`.
    struct Folder {
        let path: String
        init(_ label: String) {
            var template = Array("/tmp/trialsearch-kit-\(label)-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
            path = made.map { String(cString: $0) } ?? "/tmp/trialsearch-kit-\(label)-\(getpid())"
        }
        func remove() { _ = system("rm -rf '\(path)'") }
    }

    /// The trials `DumpReader` reads from `paths`, in input order.
    static func read(_ paths: [String]) throws -> [Trial] {
        var trials: [Trial] = []
        try DumpReader(paths: paths).readInOrder(workers: 2) { if case .success(let t) = $0 { trials.append(t) } }
        return trials
    }

    @Test func indexesEveryFormatAndStoresRecordsExactly() throws {
        let dir = Folder("formats")
        defer { dir.remove() }
        let expected = try Self.read(Self.formats)
        let ids = Set(expected.map(\.id))
        #expect(expected.count > 20)
        let report = try Indexing.run(Indexing.Request(paths: Self.formats, directory: dir.path + "/Index"))
        #expect(report.status == .success && report.failures.isEmpty && report.summary.committed)
        #expect(report.records == expected.count)
        #expect(report.summary.recordCount == expected.count)
        let reader = try IndexReader.open(directory: dir.path + "/Index")
        #expect(reader.liveDocCount == ids.count)
        // Each id's stored record is one of the records read for it, byte for byte as JSON.
        for id in ids {
            let stored = try #require(try reader.trial(id))
            var storedJSON = JSONWriter()
            stored.writeJSON(to: &storedJSON)
            let candidates = expected.filter { $0.id == id }.map { t -> [UInt8] in
                var w = JSONWriter()
                t.writeJSON(to: &w)
                return w.bytes
            }
            #expect(candidates.contains(storedJSON.bytes), "\(id)")
        }
        // The same records again: nothing changes, nothing is committed.
        let again = try Indexing.run(Indexing.Request(paths: Self.formats, directory: dir.path + "/Index"))
        #expect(again.status == .success && !again.summary.committed)
        #expect(again.summary.added == 0 && again.summary.replaced == 0)
        #expect(again.summary.unchanged + again.summary.older == expected.count)
    }

    @Test func realRecordsUpdateByDateAndAuthority() throws {
        let dir = Folder("updates")
        defer { dir.remove() }
        let trials = try Self.read([Self.fixtures + "/ctgov-xml"])
        _ = try Indexing.run(Indexing.Request(paths: [Self.fixtures + "/ctgov-xml"], directory: dir.path))
        // A later update of one trial, and an aggregator's later copy of another.
        var newer = trials[0]
        newer.lastUpdated = PartialDate(year: 2030, month: 1, day: 2)
        newer.briefTitle += " (revised)"
        var aggregated = trials[1]
        aggregated.source.format = .ictrp
        aggregated.lastUpdated = PartialDate(year: 2031, month: 1)
        aggregated.briefTitle = "re-exported"
        var older = trials[2]
        older.lastUpdated = PartialDate(year: 1999, month: 1)
        older.briefTitle = "stale"
        let writer = try IndexWriter(directory: dir.path)
        let worker = writer.makeWorker()
        for (i, t) in [newer, aggregated, older, trials[3]].enumerated() { try worker.add(t, sequence: i) }
        try worker.finish()
        let summary = try writer.commit()
        #expect(summary.replaced == 1 && summary.older == 2 && summary.unchanged == 1)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == trials.count)
        #expect(try reader.trial(newer.id) == newer)
        #expect(try reader.trial(aggregated.id) == trials[1])
        #expect(try reader.trial(older.id) == trials[2])
    }

    @Test func statsReportsTheIndex() throws {
        let dir = Folder("stats")
        defer { dir.remove() }
        let report = try Indexing.run(Indexing.Request(paths: [Self.fixtures + "/ctgov-xml"], directory: dir.path))
        let stats = try StatsReport(directory: dir.path)
        #expect(stats.statistics.trials == report.summary.liveDocCount && stats.statistics.segments == 1)
        let json = stats.json
        for key in ["\"trials\":", "\"segments\":", "\"terms\":", "\"bytes\":", "\"registries\":{\"ClinicalTrials.gov\":"] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(stats.text.contains("trials: \(report.summary.liveDocCount)"))
    }

    @Test func exitStatusesAndFailureLines() throws {
        let dir = Folder("status")
        defer { dir.remove() }
        let bad = dir.path + "/broken.xml"
        _ = system("printf '<clinical_study><id_info><nct_id>NCT1</nct_id>' > '\(bad)'")
        let partial = try Indexing.run(Indexing.Request(paths: [Self.fixtures + "/ctgov-xml/NCT00001070.xml", bad],
                                                        directory: dir.path + "/Index"))
        #expect(partial.status == .partialFailure && partial.summary.added == 1)
        #expect(partial.lines.contains { $0.hasPrefix("error: ") && $0.contains("broken.xml") })
        let nothing = try Indexing.run(Indexing.Request(paths: [bad], directory: dir.path + "/Other"))
        #expect(nothing.status == .nothingRead && !nothing.summary.committed)
        #expect(throws: IngestError.self) {
            _ = try Indexing.run(Indexing.Request(paths: [dir.path + "/missing"], directory: dir.path + "/Index"))
        }
        // Deleting by id; an unknown id is a partial failure.
        let deleted = try Indexing.run(Indexing.Request(paths: [], directory: dir.path + "/Index",
                                                        deletions: [TrialID("NCT00001070")!, TrialID("NCT99999999")!]))
        #expect(deleted.summary.deleted == 1 && deleted.summary.notFound == [TrialID("NCT99999999")!])
        #expect(deleted.status == .partialFailure)
        #expect(try IndexReader.open(directory: dir.path + "/Index").liveDocCount == 0)
    }

    @Test func theFirstQueryBuildsTheIndexFromCorpus() throws {
        let root = Folder("fresh")
        defer { root.remove() }
        _ = system("mkdir -p '\(root.path)/Corpus' && cp '\(Self.fixtures)'/ctgov-xml/*.xml '\(root.path)/Corpus/'")
        var messages: [String] = []
        let reader = try SearchIndex.open(option: nil, root: root.path) { messages.append($0) }
        #expect(reader.liveDocCount == 13)
        #expect(messages.first?.contains("building it from ./Corpus/") == true)
        // The second time, it opens what is there.
        messages.removeAll()
        _ = try SearchIndex.open(option: nil, root: root.path) { messages.append($0) }
        #expect(messages.isEmpty)
    }
}

/// The shipped sample corpus, indexed as a fresh clone's first query would.
@Suite struct CorpusIndexTests {
    static let corpus: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Corpus"
    }()

    @Test func indexesTheShippedCorpus() throws {
        let dir = IndexingTests.Folder("corpus")
        defer { dir.remove() }
        var ids = Set<TrialID>()
        var records = 0
        try DumpReader(paths: [Self.corpus]).readInOrder(workers: 2) { result in
            if case .success(let t) = result { ids.insert(t.id); records += 1 }
        }
        let report = try Indexing.run(Indexing.Request(paths: [Self.corpus], directory: dir.path))
        #expect(report.status == .success && report.records == records)
        #expect(report.summary.added == ids.count && report.summary.added + report.summary.older + report.summary.unchanged == records)
        let reader = try IndexReader.open(directory: dir.path)
        #expect(reader.liveDocCount == ids.count && reader.segments.count == 1)
        // The premature ovarian insufficiency cell-therapy trials are there, and their words are indexed.
        for id in ["NCT01742533", "NCT02043743", "NCT03877471", "NCT05308342"] {
            #expect(reader.lookup(TrialID(id)!) != nil, "\(id)")
        }
        let analyzer = Analyzer()
        var term = ""
        analyzer.analyze("mesenchymal", field: .title) { term = $0.text }
        #expect(try reader.docFreq(term) >= 9)
        let stats = try IndexStatistics(reader: reader)
        #expect(stats.registries.contains { $0.name == "ChiCTR" } && stats.registries.contains { $0.name == "ClinicalTrials.gov" })
    }
}
