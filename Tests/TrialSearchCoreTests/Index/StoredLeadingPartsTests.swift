import Foundation
import Testing
@testable import TrialSearchCore

/// Stored blocks with the parts a related-trials source reads first (format 9 on,
/// `StoredBlockCoding.blockOrder`): the whole records read back as written, a record's leading parts
/// alone (`leadingTrial`) are the whole record's, a block damaged past its leading bytes is reported with
/// its file while the leading parts still read, and blocks of format 8 are still read and re-coded by a merge.
@Suite struct StoredLeadingPartsTests {
    /// Records with every part empty, with long parts (texts, criteria and outcomes of several KB, many
    /// sites and interventions) and in between, so that blocks hold from one to dozens of records.
    static func trials() -> [Trial] {
        var trials: [Trial] = []
        for i in 0..<120 {
            var t = Trial(id: TrialID("NCT\(20_000_000 + i)")!)
            guard i % 6 != 0 else {  // every value empty
                trials.append(t)
                continue
            }
            t.registry = "ClinicalTrials.gov"
            t.source = RecordSource(file: "x16.zip", entry: "NCT\(i).xml", format: .clinicalStudyXML)
            t.briefTitle = "Trial \(i) of drug \(i % 7)"
            t.officialTitle = i % 5 == 0 ? "" : "A randomized trial of drug \(i % 7) against placebo"
            t.conditions = ["Condition \(i % 3)", "Asthma"]
            t.keywords = i % 4 == 0 ? [] : ["inhaler", "children"]
            t.conditionMeshTerms = ["Asthma"]
            let long = i % 10 == 1
            t.briefSummary = String(repeating: "summary \(i) ", count: long ? 2_000 : i % 30)
            t.detailedDescription = i % 3 == 0 ? "" : String(repeating: "description of \(i % 11) ", count: long ? 3_000 : 20)
            let criteria = "Inclusion Criteria:\n\n- age 18 or over\n- asthma \(i)\n\nExclusion Criteria:\n\n- pregnancy"
                + String(repeating: "\n- exclusion item \(i)", count: long ? 500 : 2)
            t.eligibility = Eligibility(criteria: criteria, inclusion: ["age 18 or over", "asthma \(i)"], exclusion: ["pregnancy"])
            t.interventions = (0..<(long ? 40 : i % 3)).map {
                Intervention(type: "Drug", name: "drug \($0)", description: "twice daily", otherNames: ["D\($0)"], armGroupLabels: ["A"])
            }
            t.armGroups = [ArmGroup(label: "A", type: "Experimental", description: "drug")]
            t.primaryOutcomes = (0..<(long ? 60 : 1)).map { Outcome(measure: "FEV1 \($0)", timeFrame: "12 weeks", description: "") }
            t.locations = (0..<(long ? 300 : i % 4)).map { Location(facility: "Site \($0)", city: "Lyon", state: "", country: "France") }
            t.leadSponsor = "Sponsor \(i % 9)"
            t.enrollment = i
            trials.append(t)
        }
        return trials
    }

    /// `trial` with the values a first-stream read leaves empty emptied.
    static func leadingPart(of trial: Trial) -> Trial {
        var t = trial
        t.briefSummary = ""
        t.detailedDescription = ""
        t.primaryOutcomes = []
        t.secondaryOutcomes = []
        t.locations = []
        t.officials = []
        t.relatedIds = []
        t.source = Trial(id: trial.id).source
        return t
    }

    @Test func wholeAndLeadingRecordsReadBack() throws {
        let dir = TemporaryDirectory("stored-leading")
        defer { dir.remove() }
        let (trials, stored) = try StoredFixtures.writeLeadingTrials(in: dir)
        for (d, t) in trials.enumerated() {
            #expect(try stored.trial(DocID(d)) == t, "\(t.id)")
            let leading = try stored.leadingTrial(DocID(d))
            #expect(leading == Self.leadingPart(of: t), "\(t.id)")
            for field in StoredRecords.leadingFields {
                #expect(leading.values(of: field) == t.values(of: field), "\(t.id) \(field)")
            }
        }
        // Block by block, the leading parts are the whole block's (read from the leading bytes alone), and
        // whole blocks give each record as `TrialCodec` coded it.
        let leadingParts = Set(StoredBlockCoding.blockOrder.prefix(StoredBlockCoding.leadingPartCount))
        var seen = 0
        for b in 0..<stored.blockCount {
            let leading = try #require(try stored.inflateLeading(b), "block \(b)")
            let whole = try stored.inflate(b)
            #expect(leading.length > 0 && leading.length < whole.count / 2, "block \(b)")
            #expect(leading.bytes.prefix(leading.length) == whole.prefix(leading.length))
            var wholeParts: [[[UInt8]]] = []
            try stored.forEachRecordParts(inBlock: b) { _, parts in wholeParts.append(parts.map { Array($0) }) }
            var row = 0
            try stored.forEachRecordParts(inBlock: b, leadingOnly: true) { d, parts in
                for p in 0..<TrialCodec.partCount {
                    let expected = leadingParts.contains(p) ? wholeParts[row][p]
                        : Array(StoredBlockCoding.emptyRecord.bytes[StoredBlockCoding.emptyRecord.parts[p]])
                    #expect(Array(parts[p]) == expected, "doc \(d) part \(p)")
                }
                row += 1
            }
            #expect(row == wholeParts.count)
            seen += try StoredFixtures.expectRecordsAsCoded(in: stored, block: b, trials)
        }
        #expect(seen == trials.count)
    }

    /// A block whose deflate stream is damaged past its leading bytes: whole reads name the file, the
    /// leading parts still read.
    @Test func aBlockDamagedPastItsLeadingBytesNamesTheFile() throws {
        let dir = TemporaryDirectory("stored-leading")
        defer { dir.remove() }
        let path = dir.file("s000001.sto")
        let trials = Array(Self.trials().prefix(40))
        try StoredFixtures.write(trials, to: path)
        let e = try StoredFixtures.open(path, docs: trials.count).entry(0)
        var file = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // The stream's last 16 bytes (the last docs' sources and sites) overwritten.
        for i in (e.offset + e.compressedLength - 16)..<(e.offset + e.compressedLength) { file[i] = 0xFF }
        let headerLength = IndexOutput.headerLength(formatName: SegmentFile.stored.formatName)
        let damaged = dir.file("s000002.sto")
        let output = try IndexOutput(path: damaged, formatName: SegmentFile.stored.formatName, segmentID: 1, durable: false)
        try output.write(Array(file[headerLength..<(file.count - IndexFormat.footerLength)]))
        _ = try output.finish()
        let stored = try StoredFixtures.open(damaged, docs: trials.count)
        #expect(try stored.inflateLeading(0)?.length ?? 0 > 0)
        #expect(try stored.leadingTrial(0) == Self.leadingPart(of: trials[0]))
        do {
            _ = try stored.trial(0)
            Issue.record("a damaged block read")
        } catch IndexError.corrupt(let file, let reason) {
            #expect(file == damaged)
            #expect(reason.contains("stored block 0"), "\(reason)")
        }
    }

    /// The worked example of `StoredWriter`'s doc comment: one doc `Trial(id: "NCT01")`.
    @Test func workedExample() throws {
        let dir = TemporaryDirectory("stored-leading")
        defer { dir.remove() }
        let path = dir.file("s000001.sto")
        try StoredFixtures.write([Trial(id: TrialID("NCT01")!)], to: path)
        let stored = try StoredFixtures.open(path, docs: 1)
        let e = stored.entry(0)
        #expect(e.uncompressedLength == 0x45)
        #expect(stored.file.bytes[e.offset] == 0x31)  // the header: 49 leading bytes
        let block = try stored.inflate(0)
        #expect(Array(block[0..<6]) == [0x0B, 0x19, 0x04, 0x02, 0x02, 0x03])
        #expect(block[6..<31].allSatisfy { $0 == 0 })
        #expect(Array(block[31..<42]) == [0x05, 0x4E, 0x43, 0x54, 0x30, 0x31, 0, 0, 0, 0, 0])
        #expect(block[42..<56].allSatisfy { $0 == 0 })
        #expect(Array(block[56...]) == [0, 0, 0x0A] + Array("plain-text".utf8))
        // The zstd frame after the header; its first 49 bytes decode alone.
        #expect(Array(stored.file.bytes[(e.offset + 5)..<(e.offset + 9)]) == StoredZstdTests.frameMagic)
        #expect(try stored.inflateLeading(0).map { Array($0.bytes) } == Array(block[0..<0x31]))
        #expect(try stored.leadingTrial(0) == Trial(id: TrialID("NCT01")!))
    }

    /// An index written by trialsearch at format 8 (main `e0a27ef`: the first 150 trials of the 10,614-trial
    /// corpus's JSON Lines, one stream a block) reads whole trials for both fetches, checks clean, and a
    /// merge re-codes its blocks into the current format with every trial unchanged.
    @Test func formatEightBlocksAreReadAndRecodedByAMerge() throws {
        let dir = TemporaryDirectory("stored-format8")
        defer { dir.remove() }
        let (old, trials) = try StoredFixtures.openCopy(ofFixture: "format8-index", in: dir)
        #expect(old.stored.file.version == 8 && !old.stored.blocksInCurrentCoding)
        #expect(try IndexCheck.run(directory: dir.path).isClean)
        #expect(trials.count == 150)
        for (d, t) in trials.enumerated() { #expect(try old.leadingTrial(DocID(d)) == t) }
        try StoredFixtures.expectUpdateMergesIntoCurrentFormat(trials, directory: dir.path)
    }

    /// A block whose stated leading length is one byte short (the file's frame and the manifest rewritten
    /// so that checksums pass): `check` names the stored file and the block; the whole leading bytes' fetch
    /// finds their CRC-32 different (and `check`'s leading read then reads whole blocks); a source's fetch
    /// (format 10: up to its criteria's stated end) still reads the first doc's leading parts.
    @Test func checkFindsAWrongLeadingLength() throws {
        let dir = TemporaryDirectory("stored-leading-check")
        defer { dir.remove() }
        let fixture = try IndexReader.open(directory: IndexFixtures.path("format8-index"))
        let trials = try (0..<fixture.docCount).map { try fixture.segments[0].trial(DocID($0)) }
        _ = try indexTrials(trials, into: dir.path)
        let segment = try #require(try IndexReader.open(directory: dir.path).segments.first)
        let e = segment.stored.entry(0)
        #expect(try segment.stored.inflateLeading(0)?.length ?? 0 > 0)
        let path = dir.file(SegmentFile.stored.fileName(segment: segment.info.name))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes[e.offset] & 0x7F > 0)
        bytes[e.offset] -= 1
        let report = try StoredFixtures.rewriteStored(bytes, of: segment.info, in: dir.path)
        #expect(report.problems.count == 1)
        #expect(report.problems.first.map { $0.file == path && $0.message.contains("stored block 0: its ") && $0.message.contains("CRC-32") } == true,
                "\(report.problems)")
        let damaged = try IndexReader.open(directory: dir.path)
        #expect(try damaged.segments[0].stored.inflateLeading(0) == nil)
        #expect(try damaged.trial(trials[0].id) == trials[0])
        #expect(try damaged.leadingTrial(trials[0].id) == Self.leadingPart(of: trials[0]))
    }
}
