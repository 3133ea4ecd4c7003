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

    public var liveCount: Int { docCount - deletedCount }

    /// The names of the files this segment uses in its current state.
    public var fileNames: [String] {
        var names = SegmentFile.immutable.map { $0.fileName(segment: name) }
        if deletesGeneration > 0 { names.append(SegmentFile.deletes.fileName(segment: name, generation: deletesGeneration)) }
        return names
    }
}

/// The commit point: which segments (and deletes generations) make up the index, and with which
/// analyzer it was built. Replaced atomically by every commit.
///
/// Format (`trialsearch.manifest`, in the common frame with format name "manifest" and segment id 0):
/// ```
/// Body := generation:u64 commitTime:i64 (Unix seconds) analyzer:Str nextSegmentNumber:u64
///         segmentCount:vint (name:Str id:u64 docCount:u32 deletesGeneration:u32 deletedCount:u32)^segmentCount
/// Str  := length:vint utf8
/// ```
/// Example: generation 2 of an index with one segment `s00001` of 3 docs, 1 deleted (deletes file
/// `s00001_1.del`): `02 00.. | <time> | 12 "placeholder-v0" | 02 00.. | 01 | 06 "s00001" <id:8> 03 00 00 00
/// 01 00 00 00 01 00 00 00`.
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
            let info = SegmentInfo(name: name, id: r.readU64(), docCount: Int(r.readU32()),
                                   deletesGeneration: Int(r.readU32()), deletedCount: Int(r.readU32()))
            guard info.name.utf8.count == 7, SegmentName.isOwnedFile(info.name + ".pst"),
                  info.deletedCount <= info.docCount, (info.deletesGeneration > 0) == (info.deletedCount > 0) else {
                throw file.corrupt("manifest segment entry \"\(info.name)\": \(info.docCount) docs, "
                    + "\(info.deletedCount) deleted, deletes generation \(info.deletesGeneration)")
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
    /// manifest, `fsync` of the folder. A crash before the rename leaves the previous manifest.
    func commit(directory: String) throws {
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
        }
        try output.write(body)
        try output.finish()
        let path = FileSystem.join(directory, IndexFormat.manifestName)
        guard rename(temp, path) == 0 else { throw IndexError.system("rename \(temp) to", path) }
        try FileSystem.syncDirectory(directory)
    }
}
