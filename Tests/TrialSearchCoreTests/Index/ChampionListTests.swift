import Foundation
import Testing
@testable import TrialSearchCore

/// Per-term champion lists (format 12, `ChampionList`): written by the flush and the merge for every
/// term of more than 64 docs, equal to the top 10 of a walk of the term's postings by keyword x (ties to
/// the smaller doc), with each champion's posting; absent from format-11 segments, which are searched as
/// before; a damaged list is a typed error naming the postings file.
@Suite struct ChampionListTests {
    /// A champion as the list stores it: doc, mask and the termFreq of each field (0 outside the mask).
    struct Champion: Equatable, CustomStringConvertible {
        var doc: DocID
        var mask: UInt16
        var termFreqs: [UInt32]
        var description: String { "\(doc) \(String(mask, radix: 16)) \(termFreqs)" }
    }

    /// The stored list of every term of `segment`, checked against its postings walked doc by doc: the 10
    /// largest keyword x (the block maxima's factors with the segment's norms), ties to the smaller doc,
    /// in doc order with their masks and termFreqs; terms of at most 64 docs have none. Returns the terms
    /// with a list.
    @discardableResult
    static func expectExact(_ segment: SegmentReader, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let factors = TermMaximumFactors(try #require(segment.blockMaxima))
        var e = segment.terms.makeTermsEnum()
        var compared = 0
        while e.next() {
            var cursor = segment.postings(e.info)
            let term = String(decoding: e.term, as: UTF8.self)
            guard e.info.docFreq > IndexFormat.championMinimumDocs else {
                #expect(!cursor.hasChampions, "\(term)", sourceLocation: sourceLocation)
                continue
            }
            var walked: [(champion: Champion, y: Float)] = []
            while true {
                let doc = cursor.next()
                if doc == PostingsCursor.noMoreDocs { break }
                var y: Float = 0
                var champion = Champion(doc: doc, mask: 0, termFreqs: [UInt32](repeating: 0, count: IndexFormat.fieldCount))
                cursor.forEachTermFreq { field, tf in
                    let f = Int(field.rawValue)
                    y += Float(tf) * factors.factor(f, segment.norms.normByte(doc, field))
                    champion.mask |= 1 << UInt16(f)
                    champion.termFreqs[f] = UInt32(tf)
                }
                walked.append((champion, y))
            }
            #expect(!cursor.isCorrupt && walked.count == e.info.docFreq, "\(term)", sourceLocation: sourceLocation)
            let expected = walked.sorted { $0.y != $1.y ? $0.y > $1.y : $0.champion.doc < $1.champion.doc }
                .prefix(IndexFormat.championCount).map(\.champion).sorted { $0.doc < $1.doc }
            var stored: [Champion] = []
            let decoded = segment.postings(e.info).forEachChampion { doc, mask, termFreqs in
                stored.append(Champion(doc: doc, mask: mask, termFreqs: (0..<IndexFormat.fieldCount).map {
                    mask & (1 << UInt16($0)) != 0 ? termFreqs[$0] : 0
                }))
            }
            #expect(decoded, "\(term)", sourceLocation: sourceLocation)
            #expect(stored == expected, "\(term)", sourceLocation: sourceLocation)
            compared += 1
        }
        return compared
    }

    /// The worked example's first two champions, coded and decoded byte for byte.
    @Test func codingMatchesTheWorkedExample() {
        var out = ByteBuffer(capacity: 64)
        let docs: [UInt32] = [3, 7], masks: [UInt16] = [0x02, 0x42], freqs: [UInt32] = [0, 1, 0]
        let starts = [0, 1]
        freqs.withUnsafeBufferPointer { f in
            guard let f = f.baseAddress else { return }
            ChampionList.encode(count: 2, into: &out) { i in (docs[i], masks[i], f + starts[i]) }
        }
        let bytes = Array(out.bytes)
        #expect(bytes == [0x02, 0x03, 0x02, 0x00, 0x03, 0x42, 0x01, 0x00, 0x08, 0x00])
        var decoded: [(DocID, UInt16, [UInt32])] = []
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            #expect(ChampionList.postingsEnd(base: base, start: 0, end: raw.count, docFreq: 65, version: 12) == 0)
            #expect(ChampionList.postingsEnd(base: base, start: 0, end: raw.count, docFreq: 64, version: 12) == raw.count)
            #expect(ChampionList.postingsEnd(base: base, start: 0, end: raw.count, docFreq: 65, version: 11) == raw.count)
            #expect(ChampionList.postingsEnd(base: base, start: 1, end: raw.count, docFreq: 65, version: 12) == nil)
            #expect(!ChampionList.forEach(base: base, start: 0, end: raw.count, expected: 2, docCount: 7) { _, _, _ in })
            return ChampionList.forEach(base: base, start: 0, end: raw.count, expected: 2, docCount: 8) { doc, mask, tfs in
                decoded.append((doc, mask, [tfs[1], tfs[6]]))
            }
        }
        #expect(ok)
        #expect(decoded.map(\.0) == [3, 7] && decoded.map(\.1) == [0x02, 0x42])
        #expect(decoded[0].2[0] == 1 && decoded[1].2 == [2, 1])
    }

    /// Flushed segments (one worker; two workers' tables joined by one flush), a segment with deletes
    /// merged away, and the merge of them all: every list exact.
    @Test func listsAreTheTopTenOfTheirPostingsAfterFlushAndMerge() throws {
        let dir = TemporaryDirectory("champion-lists")
        defer { dir.remove() }
        let noMerges = IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000))
        let a = SyntheticTrials.make(count: 500, seed: 271, idPrefix: "NCTA")
        let b = SyntheticTrials.make(count: 300, seed: 272, idPrefix: "NCTB")
        let c = SyntheticTrials.make(count: 200, seed: 273, idPrefix: "NCTC")
        try indexTrials(a, into: dir.path, options: noMerges)
        try indexTrials(b, into: dir.path, options: noMerges, deleting: [a[3].id, a[300].id])
        try indexTrials(c, into: dir.path, options: noMerges, workers: 2)
        let several = try IndexReader.open(directory: dir.path)
        #expect(several.segments.count == 3)
        for segment in several.segments {
            #expect(segment.postingsFile.version == IndexFormat.version)
            #expect(try Self.expectExact(segment) > 30)
        }
        #expect(try IndexCheck.run(directory: dir.path).isClean)
        let merged = try #require(try SegmentMerger.merge(several.manifest.segments, directory: dir.path,
                                                          into: SegmentName.make(70), id: 700))
        let segment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        #expect(segment.docCount == 998)
        #expect(try Self.expectExact(segment) > 60)
    }

    /// A merge of segments whose terms hold 65–128 docs together but fewer than 64 each: their blocks are
    /// copied whole, and decoded for the list; and an update (replaced and deleted trials) merged into one
    /// segment with the index's search unchanged against an exhaustive one.
    @Test func mergedShortTermsAndAnUpdateKeepExactLists() throws {
        let dir = TemporaryDirectory("champion-merge")
        defer { dir.remove() }
        let noMerges = IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000))
        var sizes: [Int] = []
        for k in 0..<3 {
            let trials = SyntheticTrials.make(count: 60, seed: 280 + UInt64(k), idPrefix: "NCT\(k)")
            try indexTrials(trials, into: dir.path, options: noMerges)
            sizes.append(trials.count)
        }
        let replaced = SyntheticTrials.make(count: 20, seed: 290, idPrefix: "NCT0")
        try indexTrials(replaced, into: dir.path, options: IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000)),
                        deleting: [TrialID("NCT10000005")!])
        let before = try IndexReader.open(directory: dir.path)
        let merged = try #require(try SegmentMerger.merge(before.manifest.segments, directory: dir.path,
                                                          into: SegmentName.make(80), id: 800))
        let segment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        #expect(try Self.expectExact(segment) > 20)
        // Terms of 65–128 docs in the merged segment, none above 64 docs in a source segment of 60 docs.
        var short = 0
        var e = segment.terms.makeTermsEnum()
        while e.next() {
            if e.info.docFreq > IndexFormat.championMinimumDocs && e.info.docFreq <= IndexFormat.blockSize { short += 1 }
        }
        #expect(short > 5, "\(short) merged terms of 65–128 docs")
    }

    /// A keyword query at top 10 over an index with lists: pruned (seeded by the lists) equals exhaustive,
    /// and the seed is never above the 10th best score.
    @Test func seededKeywordQueriesEqualExhaustive() throws {
        let words = Array(SyntheticTrials.vocabulary.prefix(40))
        try withSingleAndSharedReaders("champion-search", count: 1_200, seed: 295) { reader in
            let searcher = try IndexSearcher(reader: reader)
            let model = searcher.model
            var seeded = 0
            for length in 1...4 {
                for start in stride(from: 0, to: words.count - length, by: 3) {
                    let query = WeightedQuery(clauses: (0..<length).map { WeightedClause(match: .term(words[(start + 7 * $0) % words.count])) })
                    for limit in [1, 3, 10] {
                        let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true)).hits
                        let pruned = try searcher.search(query, options: SearchOptions(limit: limit)).hits
                        #expect(pruned.map(\.id) == exhaustive.map(\.id), "\(query) limit \(limit)")
                        #expect(pruned.map(\.score.bitPattern) == exhaustive.map(\.score.bitPattern), "\(query) limit \(limit)")
                        let prepared = try PreparedQuery(query, reader: reader, model: model)
                        let queries = reader.segments.compactMap { segment in
                            prepared.segmentQuery(segment, model: model, options: SearchOptions(limit: limit), make: { match -> TermScorer? in
                                guard case let .term(weight, resolved) = match else { return nil }
                                return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
                            })
                        }
                        let seed = try ChampionSeed.lowerBound(queries, limit: limit)
                        let kth = exhaustive.count == limit ? exhaustive[limit - 1].score : -Float.infinity
                        #expect(seed < kth || seed == -.infinity, "\(query) at \(limit): seed \(seed), \(limit)th \(kth)")
                        if seed > -.infinity { seeded += 1 }
                    }
                }
            }
            #expect(seeded > 50, "\(seeded) seeded")
        }
    }

    /// The first list of a single-segment index of 120 trials, its bytes at `start..<end` of the postings
    /// file, and the term.
    static func firstList(_ segment: SegmentReader) throws -> (term: String, start: Int, end: Int) {
        var e = segment.terms.makeTermsEnum()
        while e.next() {
            let cursor = segment.postings(e.info)
            if cursor.hasChampions {
                return (String(decoding: e.term, as: UTF8.self), cursor.termEnd, cursor.extentEnd)
            }
        }
        throw IndexError.corrupt(file: "", reason: "no champion list")
    }

    /// A list whose count, length, doc or vint is damaged (the file resealed, so only the list's own
    /// checks can tell): `check` reports the postings file, and a keyword search of its term at top 10
    /// throws `IndexError.corrupt` naming it.
    @Test(arguments: ["count", "length", "doc", "vint"])
    func aDamagedListIsATypedError(_ damage: String) throws {
        let dir = TemporaryDirectory("champion-corrupt-\(damage)")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 120, seed: 301), into: dir.path)
        let segment = try IndexReader.open(directory: dir.path).segments[0]
        let (term, start, end) = try Self.firstList(segment)
        let name = SegmentFile.postings.fileName(segment: segment.info.name)
        var bytes = IndexIntegrityTests.readFile(dir.file(name))
        #expect(Int(bytes[start]) == IndexFormat.championCount)
        switch damage {
        case "count": bytes[start] = 9
        case "length": bytes[end - 1] = 0x7F  // a length past the term's extent
        case "doc":
            // The first doc's delta (one byte): 127, past the 120 docs.
            #expect(bytes[start + 1] < 0x80)
            bytes[start + 1] = 0x7F
        default:
            // The last champion's last termFreq continued into the trailer: the vint ends past the list.
            #expect(bytes[end - 3] < 0x80)
            bytes[end - 3] |= 0x80
        }
        try IndexFixtures.resealPostings(bytes, of: segment, in: dir)
        let report = try IndexCheck.run(directory: dir.path)
        #expect(report.problems.contains { $0.file.hasSuffix(name) }, "\(report.problems)")
        let searcher = try IndexSearcher(reader: try IndexReader.open(directory: dir.path))
        let query = WeightedQuery(clauses: [WeightedClause(match: .term(term)), WeightedClause(match: .term("w1"))])
        do {
            _ = try searcher.search(query, options: SearchOptions(limit: 10))
            Issue.record("a damaged list (\(damage)) searched without an error")
        } catch let error as IndexError {
            guard case let .corrupt(file, _) = error else { Issue.record("\(error)"); return }
            #expect(file.hasSuffix(name), "\(error)")
        }
    }

    /// The format-11 fixture (written by m82, no lists): read, searched as m82 searched it (hits and scores
    /// of "heart failure patients" at top 10, from m82's TREC run), pruned equal to exhaustive; an update
    /// merges it into a format-12 segment with exact lists.
    @Test func aFormat11IndexIsSearchedUnchangedAndMergedWithLists() throws {
        let dir = TemporaryDirectory("champion-format11")
        defer { dir.remove() }
        let fixture = IndexFixtures.path("format11-index")
        for file in try FileSystem.list(fixture) {
            try FileManager.default.copyItem(atPath: FileSystem.join(fixture, file), toPath: dir.file(file))
        }
        let reader = try IndexReader.open(directory: dir.path)
        let segment = try #require(reader.segments.first)
        #expect(segment.postingsFile.version == 11)
        var e = segment.terms.makeTermsEnum()
        var long = 0
        while e.next() {
            guard e.info.docFreq > IndexFormat.championMinimumDocs else { continue }
            #expect(!segment.postings(e.info).hasChampions)
            long += 1
        }
        #expect(long >= 5, "\(long) terms of more than 64 docs")
        let searcher = try IndexSearcher(reader: reader)
        let parser = QueryParser(analyzer: Analyzer())
        let analyzed = WeightedQuery(try parser.parse("heart failure patients"))
        let hits = try searcher.search(analyzed, options: SearchOptions(limit: 10)).hits
        #expect(hits.map(\.id.description) == ["NCT04508920", "NCT04508972", "NCT04505631", "NCT04501965", "NCT04505592",
                                               "NCT04500067", "NCT04502342", "NCT02043743", "NCT04508985", "NCT04505774"])
        #expect(hits.map(\.score) == [2.1270008, 2.1156743, 1.471173, 1.4247478, 1.4080532, 1.3875356, 1.3791708,
                                      1.2560728, 1.2253834, 1.1098901])
        for text in ["covid", "study treatment", "breast cancer", "patients covid study care"] {
            let query = WeightedQuery(try parser.parse(text))
            for limit in [1, 10] {
                let pruned = try searcher.search(query, options: SearchOptions(limit: limit)).hits
                let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true)).hits
                #expect(pruned.map(\.id) == exhaustive.map(\.id) && pruned.map(\.score) == exhaustive.map(\.score), "\(text)")
            }
        }
        // Twenty trials more, then one merge: the merged segment is format 12, its lists exact.
        try indexTrials(SyntheticTrials.make(count: 20, seed: 311), into: dir.path,
                        options: IndexWriterOptions(mergePolicy: MergePolicy(mergeFactor: 1_000)))
        let updated = try IndexReader.open(directory: dir.path)
        let merged = try #require(try SegmentMerger.merge(updated.manifest.segments, directory: dir.path,
                                                          into: SegmentName.make(90), id: 900))
        let mergedSegment = try SegmentReader(directory: dir.path, info: merged, ordinal: 0)
        #expect(mergedSegment.postingsFile.version == IndexFormat.version)
        #expect(try Self.expectExact(mergedSegment) >= long)
    }
}
