import Testing
@testable import TrialSearchCore

@Suite struct SegmentRoundTripTests {
    /// Builds one segment from `trials` directly (no writer) and opens it.
    static func buildSegment(_ trials: [Trial], in dir: TemporaryDirectory) throws -> SegmentReader {
        let info = try SegmentMergerTests.flush(trials, name: "s00001", id: 42, in: dir)
        return try SegmentReader(directory: dir.path, info: info, ordinal: 0)
    }

    @Test func postingsMatchNaiveModel() throws {
        let dir = TemporaryDirectory("segment")
        defer { dir.remove() }
        let trials = SyntheticTrials.make(count: 700, seed: 1)
        let reader = try Self.buildSegment(trials, in: dir)
        let naive = NaiveIndex(trials)
        #expect(reader.terms.termCount == naive.postings.count)
        var enumerated = 0
        var terms = reader.terms.makeTermsEnum()
        var previous: [UInt8] = []
        while terms.next() {
            #expect(previous.lexicographicallyPrecedes(terms.term) || enumerated == 0)
            previous = terms.term
            enumerated += 1
        }
        #expect(enumerated == naive.postings.count)
        var multiBlock = 0
        var positions: [Int32] = []
        for (term, docs) in naive.postings {
            let info = try #require(try reader.terms.lookup(term))
            #expect(info.docFreq == docs.count)
            if info.docFreq > IndexFormat.blockSize { multiBlock += 1 }
            var cursor = reader.postings(info)
            var expectedDocs = docs.keys.sorted()
            var i = 0
            while cursor.next() != PostingsCursor.noMoreDocs {
                let doc = Int(cursor.doc)
                #expect(doc == expectedDocs[i])
                let fields = docs[doc] ?? [:]
                var mask: UInt16 = 0
                for f in fields.keys { mask |= 1 << UInt16(f) }
                #expect(cursor.fieldMask == mask)
                for (f, expected) in fields {
                    let field = try #require(Field(rawValue: UInt8(f)))
                    #expect(cursor.termFreq(in: field) == expected.count)
                    cursor.positions(in: field, into: &positions)
                    #expect(positions == expected, "\(term) doc \(doc) field \(field)")
                }
                i += 1
            }
            #expect(i == expectedDocs.count)
            #expect(!cursor.isCorrupt)
            expectedDocs.removeAll()
        }
        #expect(multiBlock > 10, "the test corpus must exercise multi-block postings")
        #expect(try reader.terms.lookup("nosuchterm") == nil)
        // Absent terms next to present ones (shared prefixes, extensions, truncations) are not found.
        var rng = SeededRandom(seed: 17)
        for term in naive.postings.keys.sorted().prefix(300) {
            let variants = [term + "0", String(term.dropLast()), term + "z", "0" + term, String(term.dropFirst())]
            for v in variants where !v.isEmpty {
                #expect((try reader.terms.lookup(v) != nil) == (naive.postings[v] != nil), "\(v)")
            }
            if rng.next() % 7 == 0 {
                var e = reader.terms.makeTermsEnum()
                #expect(e.seek(ceiling: Array(term.utf8)) && e.term == Array(term.utf8))
            }
        }
        // Norms and doc values.
        for (doc, row) in naive.lengths.enumerated() {
            for field in Field.allCases {
                let exact = row[Int(field.rawValue)]
                let decoded = reader.fieldLength(DocID(doc), field)
                #expect(decoded <= exact && Double(decoded) >= Double(exact) * 0.875)
            }
        }
        for (doc, t) in trials.enumerated() {
            #expect(reader.trialID(DocID(doc)) == t.id)
            #expect(reader.docValues.doc(for: t.id) == DocID(doc))
            #expect(reader.docValues.overallStatus(DocID(doc)) == t.overallStatus)
            #expect(reader.docValues.countries(DocID(doc)) == t.countries)
            #expect(reader.docValues.phases(DocID(doc)) == PhaseSet(t.phases))
            #expect(reader.docValues.lastUpdatedKey(DocID(doc)) == UpdateKey.dateKey(t.lastUpdated))
            #expect(reader.docValues.minimumAgeYears(DocID(doc)) == t.eligibility.minimumAgeYears)
        }
        for doc in stride(from: 0, to: trials.count, by: 37) {
            #expect(try reader.trial(DocID(doc)) == trials[doc])
        }
    }
}

@Suite struct TrialIDRoundTripTests {
    /// `DocValues.trialID` copies an id's stored bytes into a new string: ids that fit a small string
    /// (up to 15 bytes) and longer ones, ASCII or not, come back as they were indexed.
    @Test func idsOfEveryLengthAndScriptReadBack() throws {
        let dir = TemporaryDirectory("trial-ids")
        defer { dir.remove() }
        let ids = ["NCT00000102", "ISRCTN12345678", "ChiCTR2000029308", "EUCTR2004-000446-20-DE",
                   "CTRI/2020/03/024012", "JPRN-UMIN000012345", "KCT0001234", "Ä-Studie-Nr-7", "DRKS00012345",
                   "ACTRN12620000123456"]
        var trials = SyntheticTrials.make(count: ids.count, seed: 5)
        for i in trials.indices { trials[i].id = TrialID(storedRawValue: ids[i]) }
        let reader = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        #expect(reader.docCount == ids.count)
        let column = reader.docValues.idColumn
        for doc in 0..<reader.docCount {
            let id = reader.docValues.trialID(DocID(doc))
            #expect(id.rawValue == String(decoding: reader.docValues.idBytes(DocID(doc)), as: UTF8.self))
            #expect(id.rawValue.utf8.count == reader.docValues.idBytes(DocID(doc)).count)
            // The id column read through its two pointers (the ranking's path) gives the same bytes.
            #expect(Array(column.idBytes(DocID(doc))) == Array(reader.docValues.idBytes(DocID(doc))))
            #expect(ids.contains(id.rawValue), "\(id.rawValue)")
        }
        #expect(Set((0..<reader.docCount).map { reader.docValues.trialID(DocID($0)).rawValue }) == Set(ids))
    }
}
