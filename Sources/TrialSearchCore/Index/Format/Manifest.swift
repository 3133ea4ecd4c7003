#if canImport(Glibc)
import Glibc
#endif

/// One committed segment as the manifest lists it.
public struct SegmentInfo: Sendable, Equatable {
    /// `s` + 6 base-36 digits; the stem of the segment's file names.
    public var name: String
    /// Random id written in the header of each of the segment's files (files of two segments can't mix).
    public var id: UInt64
    public var docCount: Int
    /// Generation of the current deletes file, 0 when no doc is deleted.
    public var deletesGeneration: Int
    public var deletedCount: Int
    /// The length and CRC-32 of each file of `fileNames`, in that order, as committed (empty until the
    /// manifest is written or read): opening checks each file is exactly the one committed.
    public var digests: [FileDigest] = []

    public var liveCount: Int { docCount - deletedCount }

    /// Throws `IndexError.corrupt` when `file` (named `name`, one of `fileNames`) is not the file the
    /// manifest recorded: another length or checksum, so a file of another commit.
    func checkDigest(of file: IndexFile, name: String) throws {
        guard !digests.isEmpty, let k = fileNames.firstIndex(of: name), k < digests.count else { return }
        let actual = FileDigest(length: file.bytes.count, crc: file.checksum)
        guard actual == digests[k] else {
            throw file.corrupt("actual \(actual) vs expected \(digests[k]) recorded in the manifest (not the committed file)")
        }
    }

    /// The names of the files this segment uses in its current state.
    public var fileNames: [String] {
        var names = SegmentFile.immutable.map { $0.fileName(segment: name) }
        if deletesGeneration > 0 { names.append(SegmentFile.deletes.fileName(segment: name, generation: deletesGeneration)) }
        return names
    }
}

/// A committed file's length and CRC-32 (the one in its footer), as the manifest records them.
public struct FileDigest: Sendable, Equatable, CustomStringConvertible {
    public var length: Int
    public var crc: UInt32

    public init(length: Int, crc: UInt32) {
        self.length = length
        self.crc = crc
    }

    public var description: String { "\(length) bytes, CRC-32 \(hex(crc))" }

    /// The digest of a finished index file, read from its 16-byte footer (magic, CRC-32, length): the
    /// file is not read whole (the commit that records it has just written and synced it).
    /// - Throws: `IndexError.missingFile`, or `.corrupt` when the footer is not one.
    static func read(path: String) throws -> FileDigest {
        let (fd, size) = try MappedFile.openForReading(path)
        defer { close(fd) }
        var footer = [UInt8](repeating: 0, count: IndexFormat.footerLength)
        let n = footer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(max(0, size - IndexFormat.footerLength))) }
        var r = ByteReader(footer.withUnsafeBytes { $0 }, position: 0)
        let magic = r.readU32()
        let crc = r.readU32()
        let length = r.readU64()
        guard n == IndexFormat.footerLength, magic == IndexFormat.footerMagic, length == UInt64(size) else {
            throw IndexError.corrupt(file: path, reason: "footer at commit: magic \(hex(magic)), length \(length) of \(size) bytes")
        }
        return FileDigest(length: size, crc: crc)
    }
}

/// The commit point: which segments (and deletes generations) make up the index, the length and
/// checksum of each of their files, and with which analyzer it was built. Replaced atomically by
/// every commit.
///
/// Format (`trialsearch.manifest`, in the common frame with format name "manifest" and segment id 0):
/// ```
/// Body    := generation:u64 commitTime:i64 (Unix seconds) analyzer:Str nextSegmentNumber:u64
///            segmentCount:vint Segment^segmentCount
/// Segment := name:Str id:u64 docCount:u32 deletesGeneration:u32 deletedCount:u32
///            fileCount:vint (length:u64 crc32:u32)^fileCount     (files in `SegmentInfo.fileNames` order)
/// Str     := length:vint utf8
/// ```
/// Example: generation 2 of an index with one segment `s00001` of 3 docs, 1 deleted (deletes file
/// `s00001_1.del`): `02 00.. | <time> | 12 "placeholder-v0" | 02 00.. | 01 | 06 "s00001" <id:8> 03 00 00 00
/// 01 00 00 00 01 00 00 00 | 07 | <length:8> <crc:4> (× 7: tdx pst pos nrm dvs sto del)`.
public struct Manifest: Sendable, Equatable {
    /// Incremented by every commit.
    public var generation: Int
    /// When the commit happened (Unix seconds).
    public var commitTime: Int64
    /// `AnalyzerConfiguration.fingerprint` of the analyzer that built every segment.
    public var analyzerFingerprint: String
    /// The number of the next segment to create (names are never reused).
    public var nextSegmentNumber: Int
    public var segments: [SegmentInfo]

    public init(generation: Int = 0, commitTime: Int64 = 0, analyzerFingerprint: String, nextSegmentNumber: Int = 1,
                segments: [SegmentInfo] = []) {
        self.generation = generation
        self.commitTime = commitTime
        self.analyzerFingerprint = analyzerFingerprint
        self.nextSegmentNumber = nextSegmentNumber
        self.segments = segments
    }

    static let formatName = "manifest"

    /// Every file name the manifest references.
    public var referencedFiles: Set<String> { Set(segments.flatMap(\.fileNames)) }

    /// Reads the manifest of `directory`; `IndexError.noIndex` when there is none.
    public static func read(directory: String) throws -> Manifest {
        let path = FileSystem.join(directory, IndexFormat.manifestName)
        let file: IndexFile
        do {
            file = try IndexFile(path: path, formatName: formatName, segmentID: 0)
        } catch IndexError.missingFile {
            throw IndexError.noIndex(directory: directory)
        }
        var r = file.reader()
        var m = Manifest(analyzerFingerprint: "")
        m.generation = Int(truncatingIfNeeded: r.readU64())
        m.commitTime = Int64(bitPattern: r.readU64())
        m.analyzerFingerprint = r.readString()
        m.nextSegmentNumber = Int(truncatingIfNeeded: r.readU64())
        let count = r.readCount(limit: 1 << 20)
        for _ in 0..<count {
            let name = r.readString(limit: 64)
            var info = SegmentInfo(name: name, id: r.readU64(), docCount: Int(r.readU32()),
                                   deletesGeneration: Int(r.readU32()), deletedCount: Int(r.readU32()))
            let files = r.readCount(limit: 64)
            for _ in 0..<files { info.digests.append(FileDigest(length: Int(truncatingIfNeeded: r.readU64()), crc: r.readU32())) }
            guard info.name.utf8.count == 7, SegmentName.isOwnedFile(info.name + ".pst"),
                  info.deletedCount <= info.docCount, (info.deletesGeneration > 0) == (info.deletedCount > 0),
                  info.digests.count == info.fileNames.count || r.failed else {
                throw file.corrupt("manifest segment entry \"\(info.name)\": \(info.docCount) docs, "
                    + "\(info.deletedCount) deleted, deletes generation \(info.deletesGeneration), "
                    + "\(info.digests.count) file digests for \(info.fileNames.count) files")
            }
            m.segments.append(info)
        }
        guard !r.failed, r.position == file.body.upperBound else {
            throw file.corrupt("manifest body: read \(r.position - file.body.lowerBound) bytes vs "
                + "\(file.body.count) in the file")
        }
        return m
    }

    /// Writes this manifest durably and atomically: a temporary file, `fsync`, `rename` over the
    /// manifest, `fsync` of the folder. A crash before the rename leaves the previous manifest. The
    /// digest of every referenced file is read from its footer first (all of them are written and
    /// synced by then), so the manifest pins the exact bytes of the commit.
    func commit(directory: String) throws {
        var segments = self.segments
        for k in segments.indices {
            segments[k].digests = try segments[k].fileNames.map { try FileDigest.read(path: FileSystem.join(directory, $0)) }
        }
        let temp = FileSystem.join(directory, IndexFormat.manifestTempPrefix + String(getpid()))
        unlink(temp)
        let output = try IndexOutput(path: temp, formatName: Self.formatName, segmentID: 0)
        var body: [UInt8] = []
        body.appendU64(UInt64(generation))
        body.appendU64(UInt64(bitPattern: commitTime))
        body.appendString(analyzerFingerprint)
        body.appendU64(UInt64(nextSegmentNumber))
        body.appendVInt(segments.count)
        for s in segments {
            body.appendString(s.name)
            body.appendU64(s.id)
            body.appendU32(UInt32(s.docCount))
            body.appendU32(UInt32(s.deletesGeneration))
            body.appendU32(UInt32(s.deletedCount))
            body.appendVInt(s.digests.count)
            for digest in s.digests {
                body.appendU64(UInt64(digest.length))
                body.appendU32(digest.crc)
            }
        }
        try output.write(body)
        try output.finish()
        KillPoint.reach("commit.manifestWritten")
        let path = FileSystem.join(directory, IndexFormat.manifestName)
        guard rename(temp, path) == 0 else { throw IndexError.system("rename \(temp) to", path) }
        KillPoint.reach("commit.renamed")
        try FileSystem.syncDirectory(directory)
        KillPoint.reach("commit.synced")
    }
}
