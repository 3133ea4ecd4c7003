import Foundation
import Testing
@testable import TrialSearchCore

/// Doc-values format 10 (`DocValuesWriter`, `PackedInts`, `PackedOffsets`): every column reads back
/// what was written, narrow and wide codes alike; a damaged column is a typed error; formats 5–9 are
/// still read.
@Suite struct DocValuesPackedTests {
    static let ids = ["NCT00000102", "ISRCTN12345678", "ChiCTR2000029308", "EUCTR2004-000446-20-DE",
                      "CTRI/2020/03/024012", "JPRN-UMIN000012345", "KCT0001234", "Ä-Studie-Nr-7", "DRKS00012345",
                      "ACTRN12620000123456", "NCT99999999"]

    /// `count` records: ids of every registry (some repeated, as replaced records are), NaN and
    /// fractional ages, `distinct` statuses, ages and countries, empty country lists, missing dates and
    /// enrollments.
    static func records(count: Int, distinct: Int) -> [DocValuesRecord] {
        (0..<count).map { i in
            let k = i % distinct
            let id = i < ids.count ? ids[i] : i % 97 == 0 ? ids[i % ids.count] : "NCT\(String(10_000_000 + i * 7))"
            return DocValuesRecord(
                id: id, registry: i % 3 == 0 ? "ClinicalTrials.gov" : "ISRCTN", overallStatus: "Status \(k)",
                studyType: i % 2 == 0 ? "Interventional" : "", sex: ["All", "Female", "Male", ""][i % 4],
                phases: UInt8(i % 128), minimumAgeYears: i % 5 == 0 ? .nan : Double(k) / 12,
                maximumAgeYears: i % 7 == 0 ? .nan : Double(k) + 0.5,
                countries: i % 4 == 0 ? [] : (0..<(i % 6)).map { "Country \((k + $0) % distinct)" },
                lastUpdatedKey: i % 9 == 0 ? 0 : 1_464_853 + Int32(i % 5_000),
                authority: UInt8(i % 3), contentHash: UInt64(i) &* 0x9E37_79B9_7F4A_7C15,
                enrollment: i % 8 == 0 ? -1 : i % 11 == 0 ? 10_000_000 : Int32(i))
        }
    }

    /// A dictionary's codes are in first-seen order whether a value repeats the last one (`code`'s memo)
    /// or an earlier one (the dictionary): the empty value first, runs, returns to earlier values.
    @Test func dictionaryCodesInFirstSeenOrder() {
        var d = StringDictionary()
        let values = ["", "", "A", "A", "", "ClinicalTrials.gov", "ClinicalTrials.gov", "A", "Zürich", "Zürich", "B", ""]
        #expect(values.map { d.code($0) } == [0, 0, 1, 1, 0, 2, 2, 1, 3, 3, 4, 0])
        #expect(d.values == ["", "A", "ClinicalTrials.gov", "Zürich", "B"])
    }

    static func write(_ records: [DocValuesRecord], in dir: TemporaryDirectory) throws -> String {
        var writer = DocValuesWriter()
        for r in records { writer.add(r) }
        let path = dir.file("s1.dvs")
        _ = try writer.write(path: path, segmentID: 7)
        return path
    }

    static func open(_ path: String, docCount: Int) throws -> DocValues {
        try DocValues(file: IndexFile(path: path, formatName: SegmentFile.docValues.formatName, segmentID: 7),
                      expectedDocCount: docCount)
    }

    static func expectSame(_ values: DocValues, _ records: [DocValuesRecord]) {
        for (d, r) in records.enumerated() {
            let doc = DocID(d)
            let back = values.record(doc)
            #expect(back.id == r.id && values.trialID(doc).rawValue == r.id)
            #expect(Array(values.idColumn.idBytes(doc)) == Array(r.id.utf8))
            #expect(back.registry == r.registry && back.overallStatus == r.overallStatus)
            #expect(back.studyType == r.studyType && back.sex == r.sex && back.phases == r.phases)
            #expect(back.minimumAgeYears.bitPattern == r.minimumAgeYears.bitPattern)
            #expect(back.maximumAgeYears.bitPattern == r.maximumAgeYears.bitPattern)
            #expect(values.minimumAgeYears(doc) == (r.minimumAgeYears.isNaN ? nil : r.minimumAgeYears))
            #expect(back.countries == r.countries, "\(d)")
            #expect(back.lastUpdatedKey == r.lastUpdatedKey && back.authority == r.authority)
            #expect(back.contentHash == r.contentHash && back.enrollment == r.enrollment)
            #expect(values.enrollment(doc) == (r.enrollment < 0 ? nil : Int(r.enrollment)))
            #expect(values.lastUpdatedOrdinal(doc) == (r.lastUpdatedKey == 0 ? nil : Int(r.lastUpdatedKey >> 1)))
        }
        for id in Set(records.map(\.id)) {
            let expected = records.indices.filter { records[$0].id == id }.map { DocID($0) }
            #expect(values.docs(for: TrialID(storedRawValue: id)) == expected, "\(id)")
            #expect(values.doc(for: TrialID(storedRawValue: id)) == expected.first)
        }
        #expect(values.docs(for: TrialID(storedRawValue: "NCT0")).isEmpty)
        #expect(values.doc(for: TrialID(storedRawValue: "ZZZ")) == nil)
    }

    /// At most 256 distinct values: one-byte codes, ids' offsets as one-byte deltas.
    @Test func narrowColumnsRoundTrip() throws {
        let dir = TemporaryDirectory("dvs-narrow")
        defer { dir.remove() }
        let records = Self.records(count: 1_000, distinct: 40)
        let values = try Self.open(Self.write(records, in: dir), docCount: records.count)
        Self.expectSame(values, records)
        #expect(values.layout.overallStatus.width == 1 && values.layout.countryCodes.width == 1)
        #expect(values.layout.minimumAge.codes?.width == 1 && values.layout.idOffsets.deltas.width <= 2)
        #expect(values.layout.lastUpdated.width == 2 && values.layout.idOrder.width == 2)
    }

    /// More than 256 distinct statuses, ages and countries: two-byte codes.
    @Test func wideColumnsRoundTrip() throws {
        let dir = TemporaryDirectory("dvs-wide")
        defer { dir.remove() }
        let records = Self.records(count: 3_000, distinct: 700)
        let values = try Self.open(Self.write(records, in: dir), docCount: records.count)
        Self.expectSame(values, records)
        #expect(values.idColumn.length == 0)
        #expect(values.statuses.count == 700 && values.layout.overallStatus.width == 2)
        #expect(values.layout.maximumAge.codes?.width == 2 && values.layout.countryCodes.width == 2)
    }

    /// One doc, and a segment whose columns are all one value (zero-width codes).
    @Test func constantColumnsRoundTrip() throws {
        let dir = TemporaryDirectory("dvs-constant")
        defer { dir.remove() }
        let one = DocValuesRecord(id: "NCT00000001", registry: "", overallStatus: "", studyType: "", sex: "",
                                  phases: 0, minimumAgeYears: .nan, maximumAgeYears: .nan, countries: [],
                                  lastUpdatedKey: 0, authority: 0, contentHash: 0, enrollment: -1)
        let values = try Self.open(Self.write([one], in: dir), docCount: 1)
        Self.expectSame(values, [one])
        #expect(values.layout.overallStatus.width == 0 && values.layout.enrollment.width == 0)
        // Ids of one length: offsets are anchors and the stride, no deltas.
        let nct = (0..<600).map { i in
            var r = one
            r.id = "NCT\(String(10_000_000 + 3 * i))"
            r.countries = i % 3 == 0 ? [] : ["France"]
            return r
        }
        let dir2 = TemporaryDirectory("dvs-nct")
        defer { dir2.remove() }
        let packed = try Self.open(Self.write(nct, in: dir2), docCount: nct.count)
        Self.expectSame(packed, nct)
        #expect(packed.layout.idOffsets.stride == 11 && packed.layout.idOffsets.deltas.width == 0)
        // One length: the id column reads an id at 11 · doc; mixed lengths read the packed offsets.
        #expect(packed.idColumn.length == 11 && values.idColumn.length == 11)
    }

    /// A column directory whose length does not match the column (the file resealed so that its
    /// checksum passes): `IndexError.corrupt` naming the column, for every column.
    @Test func damagedColumnLengthsAreTypedErrors() throws {
        let dir = TemporaryDirectory("dvs-damaged")
        defer { dir.remove() }
        let records = Self.records(count: 300, distinct: 20)
        let path = try Self.write(records, in: dir)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = IndexOutput.headerLength(formatName: SegmentFile.docValues.formatName)
        for column in DocValuesColumn.allCases {
            for change in [-1, 1] {
                var body = Array(bytes[headerLength..<(bytes.count - IndexFormat.footerLength)])
                let at = 5 + 16 * column.rawValue + 8
                let length = body[at..<(at + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
                for k in 0..<8 { body[at + k] = UInt8(truncatingIfNeeded: (length + change) >> (8 * k)) }
                let damaged = dir.file("damaged-\(column)-\(change).dvs")
                let output = try IndexOutput(path: damaged, formatName: SegmentFile.docValues.formatName, segmentID: 7)
                try output.write(body)
                _ = try output.finish()
                #expect(throws: IndexError.self, "\(column) \(change)") {
                    _ = try Self.open(damaged, docCount: records.count)
                }
            }
        }
        // A width byte outside 0…4 and 8 (the status codes' header, after its dictionary).
        var body = Array(bytes[headerLength..<(bytes.count - IndexFormat.footerLength)])
        let values = try Self.open(path, docCount: records.count)
        body[values.layout.overallStatus.start - PackedInts.headerLength - headerLength] = 5
        let damaged = dir.file("damaged-width.dvs")
        let output = try IndexOutput(path: damaged, formatName: SegmentFile.docValues.formatName, segmentID: 7)
        try output.write(body)
        _ = try output.finish()
        #expect(throws: IndexError.self) { _ = try Self.open(damaged, docCount: records.count) }
    }

    /// An index of format 8 (plain columns) reads the values its stored records hold, and a merge of
    /// it writes them packed (format 10) with every value unchanged.
    @Test func olderFormatIsReadAndMergedPacked() throws {
        let fixture = IndexFixtures.path("format8-index")
        let dir = TemporaryDirectory("dvs-format8")
        defer { dir.remove() }
        for name in try FileSystem.list(fixture) {
            try FileManager.default.copyItem(atPath: FileSystem.join(fixture, name), toPath: dir.file(name))
        }
        let before = try IndexReader.open(directory: dir.path)
        let old = try #require(before.segments.first)
        #expect(old.docValues.file.version == 8 && old.docValues.layout.overallStatus.width == 2)
        let oldRecords = (0..<old.docCount).map { old.docValues.record(DocID($0)) }
        for d in 0..<old.docCount {
            let t = try old.trial(DocID(d))
            let values = old.docValues
            #expect(values.trialID(DocID(d)) == t.id && old.liveDoc(for: t.id) == DocID(d))
            #expect(values.overallStatus(DocID(d)) == t.overallStatus && values.countries(DocID(d)) == t.countries)
            #expect(values.minimumAgeYears(DocID(d)) == t.eligibility.minimumAgeYears)
            #expect(values.maximumAgeYears(DocID(d)) == t.eligibility.maximumAgeYears)
            #expect(values.enrollment(DocID(d)) == t.enrollment)
            #expect(values.lastUpdatedKey(DocID(d)) == UpdateKey.dateKey(t.lastUpdated))
        }
        let trials = try (0..<old.docCount).map { try old.trial(DocID($0)) }
        var updated = trials[5]
        updated.overallStatus = "Completed"
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        _ = try indexTrials([updated], into: dir.path, options: options)
        let after = try IndexReader.open(directory: dir.path)
        let merged = try #require(after.segments.first)
        #expect(after.segments.count == 1 && merged.docValues.file.version == IndexFormat.version)
        #expect(merged.docValues.layout.overallStatus.width == 1)
        for (i, r) in oldRecords.enumerated() {
            let doc = try #require(merged.liveDoc(for: TrialID(storedRawValue: r.id)))
            let back = merged.docValues.record(doc)
            if i == 5 {
                #expect(back.overallStatus == "Completed")
                continue
            }
            #expect(back.overallStatus == r.overallStatus && back.countries == r.countries && back.sex == r.sex)
            #expect(back.minimumAgeYears.bitPattern == r.minimumAgeYears.bitPattern)
            #expect(back.maximumAgeYears.bitPattern == r.maximumAgeYears.bitPattern)
            #expect(back.lastUpdatedKey == r.lastUpdatedKey && back.enrollment == r.enrollment)
            #expect(back.contentHash == r.contentHash && back.phases == r.phases && back.authority == r.authority)
        }
        #expect(try IndexCheck.run(directory: dir.path).isClean)
    }
}
