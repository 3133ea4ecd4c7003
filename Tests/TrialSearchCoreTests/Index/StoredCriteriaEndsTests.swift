import Foundation
import Testing
@testable import TrialSearchCore

/// Stored blocks that state where each doc's criteria end (format 10, `StoredBlockCoding.criteriaEndUnit`):
/// a source's leading fetch inflates only up to its own criteria and reads what the whole block holds, the
/// stated ends are where the criteria end (rounded up), a wrong end gives a typed error and `check` names it,
/// and blocks of format 9 are still read and re-coded by a merge.
@Suite struct StoredCriteriaEndsTests {
    /// For every doc of every block of the synthetic records, the fetch up to its criteria: its bytes are
    /// the whole block's, it ends at or past the doc's criteria and before the next unit, short of the
    /// leading bytes for all docs but the last, and its parts are the whole block's leading parts.
    @Test func eachDocsFetchEndsAtItsCriteria() throws {
        let dir = TemporaryDirectory("stored-criteria-ends")
        defer { dir.remove() }
        let (trials, stored) = try StoredFixtures.writeLeadingTrials(in: dir)
        let leadingParts = Set(StoredBlockCoding.blockOrder.prefix(StoredBlockCoding.leadingPartCount))
        let criteria = TrialCodec.Part.criteria.rawValue
        var partial = 0
        for b in 0..<stored.blockCount {
            let whole = try stored.inflate(b)
            #expect(try stored.criteriaEndsFit(b, whole: whole), "block \(b)")
            let leadingLength = try stored.stream(b).leadingLength
            var wholeParts: [[[UInt8]]] = []
            try stored.forEachRecordParts(inBlock: b) { _, parts in wholeParts.append(parts.map { Array($0) }) }
            let first = stored.entry(b).firstDoc
            for row in wholeParts.indices {
                let doc = first + row
                if let fetched = try stored.inflateLeading(b, through: row) {
                    partial += 1
                    #expect(fetched.bytes.prefix(fetched.length) == whole.prefix(fetched.length), "doc \(doc)")
                    #expect(row + 1 == wholeParts.count ? fetched.length == leadingLength : fetched.length < leadingLength,
                            "doc \(doc)")
                }
                var calls = 0
                try stored.forEachRecordParts(inBlock: b, docs: doc...doc, leadingOnly: true) { d, parts in
                    calls += 1
                    #expect(d == doc)
                    for p in 0..<TrialCodec.partCount {
                        let expected = leadingParts.contains(p) ? wholeParts[row][p]
                            : Array(StoredBlockCoding.emptyRecord.bytes[StoredBlockCoding.emptyRecord.parts[p]])
                        #expect(Array(parts[p]) == expected, "doc \(d) part \(p)")
                    }
                    #expect(!parts[criteria].isEmpty)
                }
                #expect(calls == 1)
                #expect(try stored.leadingTrial(DocID(doc)) == StoredLeadingPartsTests.leadingPart(of: trials[doc]))
            }
        }
        #expect(partial > trials.count / 2)
    }

    /// A doc's criteria end stated one unit short (the file's frame and the manifest rewritten so that
    /// checksums pass): its leading fetch throws a typed error naming the file, the other docs still read,
    /// and `check` names the block.
    @Test func aCriteriaEndStatedShortIsFound() throws {
        let dir = TemporaryDirectory("stored-criteria-ends-check")
        defer { dir.remove() }
        let fixture = try IndexReader.open(directory: IndexFixtures.path("format9-index"))
        let trials = try (0..<fixture.docCount).map { try fixture.segments[0].trial(DocID($0)) }
        _ = try indexTrials(trials, into: dir.path)
        let segment = try #require(try IndexReader.open(directory: dir.path).segments.first)
        let stored = segment.stored
        let e = stored.entry(0)
        #expect(stored.entry(1).firstDoc > 3)
        // The header: leadingLength (a vint), the CRC (4 bytes), then one end delta a doc: the second doc's
        // one unit less, the third's one more (the other docs' ends unchanged).
        var h = stored.file.reader(at: e.offset)
        _ = h.readCount(limit: 1 << 30)
        _ = h.readU32()
        _ = h.readCount(limit: 1 << 30)
        let at = h.position
        _ = h.readCount(limit: 1 << 30)
        let next = h.position
        let path = dir.file(SegmentFile.stored.fileName(segment: segment.info.name))
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(next == at + 1 && bytes[at] > 1 && bytes[at] < 0x80 && bytes[next] < 0x7F)
        bytes[at] -= 1
        bytes[next] += 1
        let report = try StoredFixtures.rewriteStored(bytes, of: segment.info, in: dir.path)
        #expect(report.problems.count == 1)
        #expect(report.problems.first.map { $0.file == path && $0.message.contains("stored block 0: its stated criteria ends") } == true,
                "\(report.problems)")
        let damaged = try IndexReader.open(directory: dir.path)
        do {
            _ = try damaged.leadingTrial(trials[1].id)
            Issue.record("a criteria end stated short read")
        } catch IndexError.corrupt(let file, let reason) {
            #expect(file == path)
            #expect(reason.contains("stored block 0"), "\(reason)")
        }
        #expect(try damaged.leadingTrial(trials[0].id) == StoredLeadingPartsTests.leadingPart(of: trials[0]))
        #expect(try damaged.trial(trials[1].id) == trials[1])
    }

    /// An index written by trialsearch at format 9 (main `7fe13ff`: the first 80 trials of the 10,614-trial
    /// corpus's JSON Lines) reads its leading parts (the whole leading bytes, their CRC checked), checks
    /// clean, and a merge re-codes its blocks into format 10 with every trial and leading part unchanged.
    @Test func formatNineBlocksAreReadAndRecodedByAMerge() throws {
        let dir = TemporaryDirectory("stored-format9")
        defer { dir.remove() }
        let (old, trials) = try StoredFixtures.openCopy(ofFixture: "format9-index", in: dir)
        #expect(old.stored.file.version == 9 && old.stored.blocksHaveLeadingParts && !old.stored.blocksInCurrentCoding)
        #expect(old.stored.blockCount > 1)
        #expect(try IndexCheck.run(directory: dir.path).isClean)
        #expect(trials.count == 80)
        #expect(try old.stored.inflateLeading(0, through: 0)?.length == old.stored.stream(0).leadingLength)
        for (d, t) in trials.enumerated() {
            #expect(try old.leadingTrial(DocID(d)) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
        }
        try StoredFixtures.expectUpdateMergesIntoCurrentFormat(trials, directory: dir.path)
    }
}
