import Foundation
import Testing
@testable import TrialSearchCore

/// Stored blocks (format 8 on, `StoredBlockCoding`): records written by `StoredWriter` read back by
/// `StoredRecords` as the same trials, whatever their excerpts and however many blocks they fill; the
/// excerpt lengths that end at their line's end cost one zero byte each.
@Suite struct StoredBlockCodingTests {
    /// Criteria with CRLF line ends, trailing spaces and tabs, a last line without a line end, and
    /// items that end at, before, and (text items) outside their line.
    static func trials() -> [Trial] {
        let criteria = "Inclusion Criteria:\r\n\r\n- Âge ≥ 18 ans  \r\n- ECOG 0–1\t\n\nExclusion Criteria:\n\n"
            + "- pregnancy\n- ECOG 0–1 or 2\n  * trailing item without a line end   "
        var trials: [Trial] = []
        for i in 0..<300 {
            var t = Trial(id: TrialID("NCT\(10_000_000 + i)")!, registry: "ClinicalTrials.gov",
                          source: RecordSource(file: "ctgov.zip", entry: "NCT\(i).xml", format: .clinicalStudyXML))
            t.briefTitle = "Trial \(i) of drug \(i % 7)"
            t.briefSummary = String(repeating: "summary \(i) ", count: i % 50)
            t.detailedDescription = i % 3 == 0 ? "" : String(repeating: "description of \(i % 11) ", count: 30 + i % 40)
            let inclusion = ["Âge ≥ 18 ans", "ECOG 0–1"]
            let exclusion: [String] = switch i % 5 {
            case 0: ["pregnancy", "ECOG 0–1 or 2", "trailing item without a line end"]
            case 1: ["pregnan", "ECOG 0–1", "trailing item"]   // ending before their line ends
            case 2: ["pregnancy", "not in the text", "", "ECOG"]
            case 3: []
            default: ["trailing item without a line end   "]
            }
            t.eligibility = Eligibility(criteria: i % 4 == 3 ? "" : criteria,
                                        inclusion: i % 4 == 3 ? [] : inclusion, exclusion: i % 4 == 3 ? [] : exclusion)
            t.locations = (0..<(i % 4)).map { Location(facility: "Site \($0)", city: "Lyon", state: "", country: "France") }
            t.enrollment = i
            trials.append(t)
        }
        return trials
    }

    @Test func recordsReadBackAsTheTrialsWritten() throws {
        let dir = TemporaryDirectory("stored")
        defer { dir.remove() }
        let path = dir.file("s000001.sto")
        let trials = Self.trials()
        try StoredFixtures.write(trials, to: path)
        let stored = try StoredFixtures.open(path, docs: trials.count)
        #expect(stored.file.version == IndexFormat.version)
        #expect(stored.blockCount > 1)
        #expect(stored.blocksInCurrentCoding)
        for (d, t) in trials.enumerated() {
            let read = try stored.trial(DocID(d))
            #expect(read == t)
            #expect(read.eligibility.exclusion.elementsEqual(t.eligibility.exclusion) { Array($0.utf8) == Array($1.utf8) })
        }
        // Whole blocks give each record as `TrialCodec` coded it.
        var seen = 0
        for b in 0..<stored.blockCount {
            seen += try StoredFixtures.expectRecordsAsCoded(in: stored, block: b, trials)
        }
        #expect(seen == trials.count)
    }

    /// An excerpt that runs to its line's end (spaces, tabs and CRs before the LF cut off) codes its
    /// length as 0; any other as length + 1; decoding restores it.
    @Test func excerptLengthsAgainstTheLineEnd() throws {
        let text = Array("- one  \r\n- two\n- three".utf8)
        var t = Trial(id: TrialID("NCT03")!)
        t.eligibility = Eligibility(criteria: String(decoding: text, as: UTF8.self),
                                    inclusion: ["one", "tw", "three"], exclusion: [])
        var record: [UInt8] = []
        TrialCodec.encode(t, into: &record)
        try record.withUnsafeBytes { raw in
            let parts = try #require(TrialCodec.parts(of: raw))
            let criteria = try #require(StoredBlockCoding.criteriaText(parts[TrialCodec.Part.criteria.rawValue]))
            var block: [UInt8] = []
            #expect(StoredBlockCoding.recodeFacts(parts[1], text: criteria, toBlock: true, into: &block))
            // 3 items: "one" at 2 (tag 2 + 1) to its line end (0), "tw" at 11 (tag 11 − 5 + 1) of length 2 (2 + 1),
            // "three" at 17 (tag 17 − 13 + 1) to the text's end (0); then no exclusion items.
            #expect(Array(block[0..<8]) == [3, 3, 0, 7, 3, 5, 0, 0])
            var back: [UInt8] = []
            #expect(block.withUnsafeBytes { StoredBlockCoding.recodeFacts($0, text: criteria, toBlock: false, into: &back) })
            #expect(back == Array(parts[1]))
            // An excerpt past the text's end is refused, not read.
            var bad = block
            bad[1] = 100
            var out: [UInt8] = []
            #expect(!bad.withUnsafeBytes { StoredBlockCoding.recodeFacts($0, text: criteria, toBlock: false, into: &out) })
        }
    }

    /// An index of format 6 (the shipped fixture, whose stored blocks are coded as formats 5–7 code
    /// them) updated by this version and merged into one segment: the merge re-codes the old blocks'
    /// records into blocks of the current format (it copies only blocks of the current coding whole), every
    /// unchanged trial reads back as before, the replaced one as updated, the deleted one is gone, and
    /// `check` finds the index sound.
    @Test func olderStoredBlocksAreRecodedByAMerge() throws {
        let fixture = IndexFixtures.path("format6-index")
        let dir = TemporaryDirectory("stored-format6")
        defer { dir.remove() }
        for name in try FileSystem.list(fixture) {
            try FileManager.default.copyItem(atPath: FileSystem.join(fixture, name), toPath: dir.file(name))
        }
        let before = try IndexReader.open(directory: dir.path)
        let old = try #require(before.segments.first)
        #expect(!old.stored.blocksInCurrentCoding)
        let trials = try (0..<before.docCount).map { try old.stored.trial(DocID($0)) }
        #expect(trials.count == 150)
        var updated = trials[7]
        updated.briefTitle = "updated title of \(updated.id)"
        updated.lastUpdated = PartialDate(year: 2031, month: 2, day: 3)
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        let summary = try indexTrials([updated], into: dir.path, options: options, deleting: [trials[20].id])
        #expect(summary.replaced == 1 && summary.deleted == 1)
        let after = try IndexReader.open(directory: dir.path)
        let merged = try #require(after.segments.first)
        #expect(after.segments.count == 1 && after.docCount == 149)
        #expect(merged.stored.blocksInCurrentCoding)
        for (i, t) in trials.enumerated() {
            switch i {
            case 7: #expect(try after.trial(t.id) == updated)
            case 20: #expect(try after.trial(t.id) == nil)
            default: #expect(try after.trial(t.id) == t, "\(t.id)")
            }
        }
        #expect(try IndexCheck.run(directory: dir.path).isClean)
    }
}
