import CLibZstd
import Foundation
import Testing
@testable import TrialSearchCore

/// Stored blocks compressed with zstd (format 11, `StoredWriter`): one frame a block whose leading bytes
/// end a zstd block, so that a related-trials source's fetch decodes them without the rest; damaged or
/// truncated frames give a typed error naming the file and the block; a merge copies such blocks whole;
/// and an index of format 10 (raw DEFLATE) is still read and re-coded by a merge.
@Suite struct StoredZstdTests {
    /// The zstd frame magic number (RFC 8878), little-endian.
    static let frameMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// The bytes of `path`'s body with block `b`'s frame changed by `change` (its header kept) and the
    /// index entry's lengths by `entry` (compressed, uncompressed), the blocks after it moved: written as
    /// segment 1's stored file `name` in `dir` and opened.
    static func rewrite(_ stored: StoredRecords, block b: Int, in dir: TemporaryDirectory, name: String,
                        frame change: (inout [UInt8]) -> Void = { _ in },
                        uncompressedDelta: Int = 0) throws -> StoredRecords {
        let bytes = Array(stored.file.bytes)
        let headerLength = IndexOutput.headerLength(formatName: SegmentFile.stored.formatName)
        let s = try stored.stream(b)
        var body: [UInt8] = []
        var index: [UInt8] = []
        var delta = 0
        for k in 0..<stored.blockCount {
            let e = stored.entry(k)
            var block = Array(bytes[e.offset..<(e.offset + e.compressedLength)])
            var uncompressed = e.uncompressedLength
            if k == b {
                var frame = Array(block[(s.offset - e.offset)...])
                change(&frame)
                block = Array(block[..<(s.offset - e.offset)]) + frame
                uncompressed += uncompressedDelta
            }
            index.appendU32(UInt32(e.firstDoc))
            index.appendU64(UInt64(e.offset + delta))
            index.appendU32(UInt32(block.count))
            index.appendU32(UInt32(uncompressed))
            delta += block.count - e.compressedLength
            body += block
        }
        index.appendU32(UInt32(stored.docCount))
        index.appendU32(UInt32(stored.blockCount))
        index.appendU64(UInt64(headerLength + body.count))
        let path = dir.file(name)
        unlink(path)
        let output = try IndexOutput(path: path, formatName: SegmentFile.stored.formatName, segmentID: 1, durable: false)
        try output.write(body + index)
        _ = try output.finish()
        return try StoredFixtures.open(path, docs: stored.docCount)
    }

    /// The length of a zstd frame's header and of its first block (header and content) in `frame`
    /// (RFC 8878, section 3.1.1): where a decoder that has only these bytes stops.
    static func firstBlockEnd(_ frame: [UInt8]) -> Int {
        let descriptor = frame[4]
        let singleSegment = descriptor & 0x20 != 0
        let contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][Int(descriptor >> 6)]
        let dictionaryBytes = [0, 1, 2, 4][Int(descriptor & 3)]
        let header = 4 + 1 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes
        let blockHeader = Int(frame[header]) | Int(frame[header + 1]) << 8 | Int(frame[header + 2]) << 16
        let type = (blockHeader >> 1) & 3
        let size = blockHeader >> 3
        return header + 3 + (type == 1 ? 1 : size)  // an RLE block holds one byte
    }

    /// Expects `body` to throw `IndexError.corrupt` naming `file` and stored block `b`.
    static func expectCorrupt(_ file: String, block b: Int, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("a damaged block read")
        } catch IndexError.corrupt(let path, let reason) {
            #expect(path == file)
            #expect(reason.contains("stored block \(b)"), "\(reason)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Many docs over several blocks: each block is one zstd frame after its header, reads back whole
    /// and by its leading bytes (alone and up to each doc's criteria), and the leading bytes alone are
    /// what a decoder given only the frame's first zstd block writes (the writer flushes there).
    @Test func blocksAreFramesWhoseLeadingBytesEndTheFirstZstdBlock() throws {
        let dir = TemporaryDirectory("stored-zstd")
        defer { dir.remove() }
        let (trials, stored) = try StoredFixtures.writeLeadingTrials(in: dir)
        #expect(stored.blocksAreZstd && stored.blocksHaveCriteriaEnds)
        var cut = stored
        for b in 0..<stored.blockCount {
            let s = try stored.stream(b)
            #expect(Array(stored.file.bytes[s.offset..<(s.offset + 4)]) == Self.frameMagic, "block \(b)")
            let whole = try stored.inflate(b)
            let leading = try #require(try stored.inflateLeading(b), "block \(b)")
            #expect(leading.length == s.leadingLength && leading.bytes == Array(whole.prefix(s.leadingLength)))
            // The frame cut after its first zstd block still gives the leading bytes, and no whole block.
            cut = try Self.rewrite(cut, block: b, in: dir, name: "s00000\(b % 2 + 2).sto") { frame in
                frame.removeLast(frame.count - Self.firstBlockEnd(frame))
            }
            #expect(try cut.inflateLeading(b)?.bytes == leading.bytes, "block \(b)")
            Self.expectCorrupt(cut.file.path, block: b) { _ = try cut.inflate(b) }
        }
        for (d, t) in trials.enumerated() {
            #expect(try stored.trial(DocID(d)) == t)
            #expect(try cut.leadingTrial(DocID(d)) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
        }
    }

    /// A frame truncated inside its first zstd block, a flipped magic byte and a stated uncompressed length
    /// one byte long: whole and leading fetches throw a typed error naming the file and the block, and the
    /// other blocks still read.
    @Test func truncatedAndFlippedFramesAreTypedErrors() throws {
        let dir = TemporaryDirectory("stored-zstd-damaged")
        defer { dir.remove() }
        let (trials, stored) = try StoredFixtures.writeLeadingTrials(in: dir)
        let second = stored.entry(1).firstDoc
        let truncated = try Self.rewrite(stored, block: 0, in: dir, name: "s000002.sto") { frame in
            frame.removeLast(frame.count - Self.firstBlockEnd(frame) / 2)
        }
        let flipped = try Self.rewrite(stored, block: 0, in: dir, name: "s000003.sto") { frame in frame[0] ^= 0x01 }
        let longer = try Self.rewrite(stored, block: 0, in: dir, name: "s000004.sto", uncompressedDelta: 1)
        for damaged in [truncated, flipped, longer] {
            Self.expectCorrupt(damaged.file.path, block: 0) { _ = try damaged.trial(0) }
            #expect(try damaged.trial(DocID(second)) == trials[second])
        }
        for damaged in [truncated, flipped] {
            Self.expectCorrupt(damaged.file.path, block: 0) { _ = try damaged.leadingTrial(0) }
        }
    }

    /// Every byte of a one-doc block's frame flipped in turn: each read gives a trial or a typed
    /// corrupt-index error, never a crash.
    @Test func everyFlippedByteOfASmallFrameIsReadOrATypedError() throws {
        let dir = TemporaryDirectory("stored-zstd-flips")
        defer { dir.remove() }
        let path = dir.file("s000001.sto")
        let trial = StoredLeadingPartsTests.trials()[0]
        try StoredFixtures.write([trial], to: path)
        let stored = try StoredFixtures.open(path, docs: 1)
        let s = try stored.stream(0)
        var errors = 0
        for i in 0..<s.length {
            let damaged = try Self.rewrite(stored, block: 0, in: dir, name: "s00000\(i % 2 + 2).sto") { frame in frame[i] ^= 0x10 }
            for leading in [false, true] {
                do {
                    _ = leading ? try damaged.leadingTrial(0) : try damaged.trial(0)
                } catch IndexError.corrupt(let file, _) {
                    #expect(file == damaged.file.path)
                    errors += 1
                }
            }
        }
        #expect(errors > 0)
    }

    /// A block whose frame is not flushed after the leading bytes (one `ZSTD_compress` call, a valid frame
    /// that this writer does not write: its first zstd block holds 128 KB): the buffer-less leading fetch
    /// decodes that zstd block and gives the same leading bytes and leading trials.
    @Test func aFrameNotFlushedAfterTheLeadingBytesStillGivesThem() throws {
        let dir = TemporaryDirectory("stored-zstd-unflushed")
        defer { dir.remove() }
        let (trials, stored) = try StoredFixtures.writeLeadingTrials(in: dir)
        let whole = try stored.inflate(0)
        var single = [UInt8](repeating: 0, count: ZSTD_compressBound(whole.count))
        let length = single.withUnsafeMutableBytes { dst in
            whole.withUnsafeBytes { ZSTD_compress(dst.baseAddress, dst.count, $0.baseAddress, $0.count, 3) }
        }
        #expect(ZSTD_isError(length) == 0)
        let unflushed = try Self.rewrite(stored, block: 0, in: dir, name: "s000002.sto") { frame in
            frame = Array(single.prefix(length))
        }
        let leading = try #require(try stored.inflateLeading(0))
        #expect(try unflushed.inflateLeading(0).map { Array($0.bytes.prefix($0.length)) } == leading.bytes)
        for d in 0..<unflushed.entry(1).firstDoc {
            #expect(try unflushed.inflateLeading(0, through: d)?.length == stored.inflateLeading(0, through: d)?.length)
        }
        for (d, t) in trials.enumerated() {
            #expect(try unflushed.trial(DocID(d)) == t)
            #expect(try unflushed.leadingTrial(DocID(d)) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
        }
    }

    /// Two segments of format 11 merged without deletes: the merged file holds the first segment's blocks
    /// byte for byte (copied whole, not re-compressed), and every trial reads back whole and by its leading parts.
    @Test func aMergeCopiesZstdBlocksWhole() throws {
        let dir = TemporaryDirectory("stored-zstd-merge")
        defer { dir.remove() }
        let trials = StoredLeadingPartsTests.trials()
        let half = trials.count / 2
        try indexTrials(Array(trials[..<half]), into: dir.path)
        let first = try #require(try IndexReader.open(directory: dir.path).segments.first)
        let blocks = (0..<first.stored.blockCount).map { Array(first.stored.compressedBlock($0).bytes) }
        #expect(blocks.count > 1)
        var options = IndexWriterOptions()
        options.mergePolicy.maxSegments = 1
        try indexTrials(Array(trials[half...]), into: dir.path, options: options)
        let after = try IndexReader.open(directory: dir.path)
        let merged = try #require(after.segments.first)
        #expect(after.segments.count == 1 && merged.stored.blocksInCurrentCoding)
        for (b, bytes) in blocks.enumerated() {
            #expect(Array(merged.stored.compressedBlock(b).bytes) == bytes, "block \(b)")
        }
        for t in trials {
            #expect(try after.trial(t.id) == t)
            #expect(try after.leadingTrial(t.id) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
        }
        #expect(try IndexCheck.run(directory: dir.path).isClean)
    }

    /// An index written by trialsearch at format 10 (main `b7002df`: the first 80 trials of the 10,614-trial
    /// corpus's JSON Lines) reads its raw DEFLATE blocks whole and up to each doc's criteria, checks clean,
    /// and a merge re-codes its blocks into zstd frames with every trial and leading part unchanged.
    @Test func formatTenBlocksAreReadAndRecodedByAMerge() throws {
        let dir = TemporaryDirectory("stored-format10")
        defer { dir.remove() }
        let (old, trials) = try StoredFixtures.openCopy(ofFixture: "format10-index", in: dir)
        #expect(old.stored.file.version == 10 && old.stored.blocksHaveCriteriaEnds)
        #expect(!old.stored.blocksAreZstd && !old.stored.blocksInCurrentCoding)
        #expect(old.stored.blockCount > 1)
        #expect(try IndexCheck.run(directory: dir.path).isClean)
        #expect(trials.count == 80)
        #expect(try old.stored.inflateLeading(0, through: 0)?.length ?? 0 < old.stored.stream(0).leadingLength)
        for (d, t) in trials.enumerated() {
            #expect(try old.leadingTrial(DocID(d)) == StoredLeadingPartsTests.leadingPart(of: t), "\(t.id)")
        }
        try StoredFixtures.expectUpdateMergesIntoCurrentFormat(trials, directory: dir.path)
        let merged = try #require(try IndexReader.open(directory: dir.path).segments.first)
        let s = try merged.stored.stream(0)
        #expect(Array(merged.stored.file.bytes[s.offset..<(s.offset + 4)]) == Self.frameMagic)
    }
}
