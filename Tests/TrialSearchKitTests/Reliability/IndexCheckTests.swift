import Foundation
import Testing
@testable import TrialSearchCore
@testable import TrialSearchKit

/// `trialsearch check` as a user runs it, on a real-record index: sound, damaged file by file, with a
/// file of another commit, with a missing file, with leftovers of an interrupted writer, built by
/// another analyzer; and the walk that catches what checksums cannot.
@Suite struct IndexCheckTests {
    /// A fresh two-segment index of real records (every file kind) in `root/Index`.
    static func index() throws -> (root: String, directory: String) {
        let root = try ReliabilityIndex.folder("check")
        try ReliabilityIndex.buildTwoSegments(in: root + "/Index", scratch: root)
        return (root, root + "/Index")
    }

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { SegmentName.isOwnedFile($0) || $0 == IndexFormat.manifestName }.sorted()
    }

    @Test func aSoundIndexIsReportedSoundAfterAFullWalk() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let outcome = try ChildProcess.run(["check", "--index", directory])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("check: \(directory): generation 2, 2 segments, 29 trials (31 docs), ") == true, "\(lines)")
        #expect(lines.first?.contains(" terms, ") == true && lines.first?.contains("14 files (") == true)
        #expect(lines.last == "check: the index is sound")
        let report = try IndexCheck.run(directory: directory)
        #expect(report.isClean && report.notes.isEmpty && report.terms > 1000 && report.postings > report.terms)
        let quick = try ChildProcess.run(["check", "--quick", "--index", directory])
        #expect(quick.status == 0 && !quick.stdout.contains(" postings"))
    }

    /// Damage to each file kind, as a user meets it: a flipped byte in the header (the format name),
    /// the middle and the footer (the CRC-32), and the file cut in half. Each time `check` names the
    /// file and exits 5, and `search` (a normal open) exits 5 with a corrupt-index error naming the
    /// file: no crash, no results from a damaged index. A mid-file flip also fails `stats`.
    @Test func damageToEachFileIsNamedByCheckAndBySearch() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        var cases = 0
        for name in try Self.files(directory) {
            let path = directory + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            let flips = [("header", 6), ("middle", original.count / 2), ("footer", original.count - 9)]
            var damages = flips.map { label, offset -> (String, Data) in
                var bytes = [UInt8](original)
                bytes[offset] ^= 0x01
                return ("\(label) flip at \(offset)", Data(bytes))
            }
            damages.append(("cut to \(original.count / 2) bytes", original.prefix(original.count / 2)))
            for (label, bytes) in damages {
                try bytes.write(to: URL(fileURLWithPath: path))
                let check = try ChildProcess.run(["check", "--index", directory])
                #expect(check.status == 5, "\(name) \(label): \(check.stdout)")
                #expect(check.stdout.contains("error: \(path): "), "\(name) \(label): \(check.stdout)")
                #expect(check.stdout.contains("the index is damaged; rebuild it with `trialsearch index --rebuild"))
                let search = try ChildProcess.run(["search", "--index", directory, "mesenchymal stem cells"])
                #expect(search.status == 5 && search.stdout.isEmpty, "\(name) \(label): \(search.stdout) \(search.stderr)")
                #expect(search.stderr.contains("corrupt index file \(path): "), "\(name) \(label): \(search.stderr)")
                if label.hasPrefix("middle") {
                    #expect(check.stdout.contains("error: \(path): checksum: actual 0x"), "\(name): \(check.stdout)")
                    let stats = try ChildProcess.run(["stats", "--index", directory])
                    #expect(stats.status != 0 && stats.stderr.contains("corrupt index file \(path): checksum: actual 0x"), "\(name): \(stats.stderr)")
                }
                cases += 1
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(cases == 4 * 14)
        #expect(try IndexCheck.run(directory: directory).isClean)
        let search = try ChildProcess.run(["search", "--index", directory, "mesenchymal stem cells"])
        #expect(search.status == 0 && !search.stdout.isEmpty)
    }

    /// A deletes file of an earlier commit put back in place of the current one (a restore from a
    /// backup): its frame is valid and of the right segment; only the manifest's recorded length and
    /// CRC-32 tell it apart.
    @Test func aFileOfAnotherCommitIsCaughtByTheManifestDigest() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let first = try IndexReader.open(directory: directory).manifest.segments[0]
        let oldName = SegmentFile.deletes.fileName(segment: first.name, generation: first.deletesGeneration)
        let old = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + oldName))
        try ReliabilityIndex.index([], into: directory, deleting: [TrialID("NCT00495404")].compactMap { $0 })
        let segment = try IndexReader.open(directory: directory).manifest.segments[0]
        let newName = SegmentFile.deletes.fileName(segment: segment.name, generation: segment.deletesGeneration)
        #expect(newName != oldName)
        try old.write(to: URL(fileURLWithPath: directory + "/" + newName))
        let report = try IndexCheck.run(directory: directory)
        #expect(report.problems.map(\.description).contains { $0.hasPrefix(directory + "/" + newName + ": actual ")
            && $0.contains("recorded in the manifest (not the committed file)") }, "\(report.problems)")
        #expect(throws: IndexError.self) { _ = try IndexReader.open(directory: directory) }
    }

    @Test func aMissingFileIsNamed() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let postings = try Self.files(directory).first { $0.hasSuffix(".pst") } ?? ""
        try FileManager.default.removeItem(atPath: directory + "/" + postings)
        let outcome = try ChildProcess.run(["check", "--index", directory])
        #expect(outcome.status == 5)
        #expect(outcome.stdout.contains("error: \(directory)/\(postings): missing: the manifest references it"), "\(outcome.stdout)")
    }

    /// What a killed writer leaves (a temporary manifest, files of an uncommitted segment) is a note,
    /// not a problem; the next `index` run removes it.
    @Test func leftoversOfAnInterruptedWriterAreNotes() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let postings = try Self.files(directory).first { $0.hasSuffix(".pst") } ?? ""
        try FileManager.default.copyItem(atPath: directory + "/" + postings, toPath: directory + "/s0000zz.pst")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory + "/" + IndexFormat.manifestTempPrefix + "4242"))
        let outcome = try ChildProcess.run(["check", "--index", directory])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("note: \(directory)/s0000zz.pst: not referenced by the manifest"))
        #expect(outcome.stdout.contains("note: \(directory)/\(IndexFormat.manifestTempPrefix)4242: temporary manifest of an interrupted commit"))
        try ReliabilityIndex.index([], into: directory, deleting: [TrialID("NCT00495404")].compactMap { $0 })
        let after = try IndexCheck.run(directory: directory)
        #expect(after.isClean && after.notes.isEmpty, "\(after.notes)")
    }

    @Test func noIndexAndAnotherAnalyzerAreStatus5() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let none = try ChildProcess.run(["check", "--index", root + "/nothing"])
        #expect(none.status == 5 && none.stdout.hasPrefix("check: no index in \(root)/nothing"), "\(none.stdout)")
        let other = AnalyzerConfiguration(version: 999)
        let report = try IndexCheck.run(directory: directory, analyzer: other)
        #expect(report.problems.first?.message.contains("this trialsearch analyzes with \"\(other.fingerprint)\"") == true)
    }

    /// An index of another format version (an older trialsearch's: the same frame, its own checksum) is
    /// refused by a search with status 5 and a message naming the file, both versions, and how to
    /// rebuild it: the index's folder and the dumps.
    @Test func anotherFormatVersionSaysHowToRebuild() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let path = directory + "/" + IndexFormat.manifestName
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Header: magic u32, format name (u8 length + bytes), version u32 little-endian.
        let versionOffset = 4 + 1 + Int(bytes[4])
        // One older than the oldest version still read (format 5 indexes open: `TermMaximaTests`).
        let older = IndexFormat.oldestReadableVersion - 1
        for k in 0..<4 { bytes[versionOffset + k] = UInt8(truncatingIfNeeded: older >> (8 * UInt32(k))) }
        try Self.writeWithValidFrame(bytes, to: path)
        let outcome = try ChildProcess.run(["search", "--index", directory, "ovarian"])
        #expect(outcome.status == 5, "\(outcome.stdout) \(outcome.stderr)")
        #expect(outcome.stderr.contains("index file \(path) has format version \(older), this trialsearch reads version \(IndexFormat.version)"),
                "\(outcome.stderr)")
        #expect(outcome.stderr.contains("`trialsearch index --rebuild --index \(directory) PATH...`"), "\(outcome.stderr)")
    }

    /// A body byte changed and the frame and manifest rewritten to match (what a buggy writer or a
    /// deliberate edit produces): checksums pass, so the decoders and the walk must catch it or read
    /// it without crashing. Every fourth body byte of the one-doc segment's postings, positions and
    /// term dictionary is tried (the fuzzer's `index` target tries far more).
    @Test func aRewrittenFileWithValidChecksumsNeverCrashes() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let manifest = try Manifest.read(directory: directory)
        let small = manifest.segments[1]
        var tried = 0
        var caught = 0
        for kind in [SegmentFile.postings, .positions, .terms] {
            let path = directory + "/" + kind.fileName(segment: small.name)
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let header = IndexOutput.headerLength(formatName: kind.formatName)
            for offset in stride(from: header, to: original.count - IndexFormat.footerLength, by: 4) {
                var bytes = original
                bytes[offset] ^= 0xFF
                try Self.writeWithValidFrame(bytes, to: path)
                try manifest.commit(directory: directory)
                tried += 1
                do {
                    let reader = try IndexReader.open(directory: directory)
                    _ = try ReliabilityIndex.fingerprint(reader)
                    if try !IndexCheck.run(directory: directory).isClean { caught += 1 }
                } catch {
                    caught += 1
                }
            }
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        try manifest.commit(directory: directory)
        #expect(try IndexCheck.run(directory: directory).isClean)
        print("rewritten files with valid checksums: \(tried) body bytes changed, \(caught) caught by open or check, none crashed")
        #expect(tried > 150 && caught > tried / 2)
    }

    /// Positions blocks whose header runs past the term's positions (a unary length of 2^21 bytes) or
    /// holds a parameter out of range (k = 31), frame and manifest rewritten so that checksums pass:
    /// `check` exits 5 naming the positions file and the term whose positions do not decode, and a
    /// phrase search over the damaged term exits 5 with a corrupt-index error naming it.
    @Test func malformedPositionsAreNamedByCheck() throws {
        let (root, directory) = try Self.index()
        defer { ReliabilityIndex.remove(root) }
        let manifest = try Manifest.read(directory: directory)
        let small = manifest.segments[1]
        let path = directory + "/" + SegmentFile.positions.fileName(segment: small.name)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The first term's first block header is the first body byte.
        let header = IndexOutput.headerLength(formatName: SegmentFile.positions.formatName)
        let damages: [(String, (inout [UInt8]) -> Void)] = [
            ("unary length past the end", { $0.replaceSubrange(header..<(header + 3), with: [0x80, 0x80, 0x80 | 0x7F >> 1]) }),
            ("k = 31", { $0[header] |= 31 }),
        ]
        for (label, damage) in damages {
            var bytes = original
            damage(&bytes)
            try Self.writeWithValidFrame(bytes, to: path)
            try manifest.commit(directory: directory)
            let check = try ChildProcess.run(["check", "--index", directory])
            #expect(check.status == 5, "\(label): \(check.stdout)")
            #expect(check.stdout.contains("error: \(path): term \""), "\(label): \(check.stdout)")
            #expect(check.stdout.contains(": positions [] for termFreq "), "\(label): \(check.stdout)")
            #expect(!check.stdout.contains(".pst"), "\(label): the postings are sound: \(check.stdout)")
            // A phrase of the damaged term twice reads its positions: a corrupt-index error naming the
            // positions file, no results.
            let term = check.stdout.components(separatedBy: "term \"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
            #expect(!term.isEmpty, "\(label): \(check.stdout)")
            let search = try ChildProcess.run(["search", "--index", directory, "\"\(term) \(term)\""])
            #expect(search.status == 5 && search.stdout.isEmpty && search.stderr.contains("positions in \(path))"),
                    "\(label): \(search.status) \(search.stdout) \(search.stderr)")
        }
        try Data(original).write(to: URL(fileURLWithPath: path))
        try manifest.commit(directory: directory)
        #expect(try IndexCheck.run(directory: directory).isClean)
    }

    /// `bytes` with its footer's CRC-32 recomputed (IndexOutput's frame).
    static func writeWithValidFrame(_ bytes: [UInt8], to path: String) throws {
        var fixed = bytes
        let crcOffset = fixed.count - IndexFormat.footerLength + 4
        let crc = crc32(fixed[0..<crcOffset])
        fixed.replaceSubrange(crcOffset..<(crcOffset + 4), with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        try Data(fixed).write(to: URL(fileURLWithPath: path))
    }

    /// CRC-32 (ISO-HDLC, zlib's and libdeflate's), bit by bit: slow and obviously right.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
