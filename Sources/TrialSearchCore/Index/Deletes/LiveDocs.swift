/// A set of deleted docs of one segment, mutable while a writer prepares a commit.
struct DeletedDocs {
    private(set) var words: [UInt64]
    let docCount: Int
    private(set) var count = 0

    init(docCount: Int) {
        self.docCount = docCount
        words = [UInt64](repeating: 0, count: (docCount + 63) / 64)
    }

    init(_ live: LiveDocs) {
        self.init(docCount: live.docCount)
        for d in 0..<docCount where !live.isLive(DocID(d)) { insert(DocID(d)) }
    }

    func contains(_ doc: DocID) -> Bool { words[Int(doc) >> 6] & (1 << UInt64(doc & 63)) != 0 }

    /// Marks `doc` deleted; returns false when it already was.
    @discardableResult
    mutating func insert(_ doc: DocID) -> Bool {
        precondition(doc >= 0 && Int(doc) < docCount, "doc \(doc) outside 0..<\(docCount)")
        let bit: UInt64 = 1 << UInt64(doc & 63)
        if words[Int(doc) >> 6] & bit != 0 { return false }
        words[Int(doc) >> 6] |= bit
        count += 1
        return true
    }
}

/// Writes a deletes file (`<segment>_<gen>.del`): the deleted docs of a segment as of one commit.
///
/// Format:
/// ```
/// Body := docCount:u32 deletedCount:u32 word:u64^⌈docCount/64⌉    (bit d set = doc d deleted)
/// ```
/// Example: 3 docs of which doc 1 is deleted: `03 00 00 00 01 00 00 00 02 00 00 00 00 00 00 00`.
/// A new generation is written for every commit that deletes docs of the segment; older generations
/// become unreferenced and are removed by the next writer.
enum LiveDocsWriter {
    static func write(path: String, segmentID: UInt64, deleted: DeletedDocs) throws -> Int {
        let output = try IndexOutput(path: path, formatName: SegmentFile.deletes.formatName, segmentID: segmentID)
        var body: [UInt8] = []
        body.reserveCapacity(8 + deleted.words.count * 8)
        body.appendU32(UInt32(deleted.docCount))
        body.appendU32(UInt32(deleted.count))
        for w in deleted.words { body.appendU64(w) }
        try output.write(body)
        return try output.finish()
    }
}

/// Which docs of a segment are live (not deleted) in a snapshot.
public struct LiveDocs: Sendable {
    private let file: IndexFile?
    private let wordsOffset: Int
    public let docCount: Int
    /// Deleted docs.
    public let deletedCount: Int

    /// All docs live.
    init(docCount: Int) {
        file = nil
        wordsOffset = 0
        self.docCount = docCount
        deletedCount = 0
    }

    init(file: IndexFile, docCount: Int, deletedCount: Int) throws {
        var r = file.reader()
        let n = Int(r.readU32())
        let deleted = Int(r.readU32())
        wordsOffset = r.position
        guard n == docCount, deleted == deletedCount, wordsOffset + 8 * ((n + 63) / 64) == file.body.upperBound else {
            throw file.corrupt("deletes: \(n) docs and \(deleted) deleted vs expected \(docCount) and \(deletedCount)")
        }
        var counted = 0
        for w in 0..<(n + 63) / 64 {
            counted += UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: wordsOffset + 8 * w, as: UInt64.self)).nonzeroBitCount
        }
        guard counted == deleted else {
            throw file.corrupt("deletes: actual \(counted) bits set vs expected \(deleted)")
        }
        self.file = file
        self.docCount = docCount
        self.deletedCount = deletedCount
    }

    /// Bytes of the deletes file, nil when no doc is deleted.
    var fileSize: Int? { file?.bytes.count }

    /// Docs not deleted.
    public var liveCount: Int { docCount - deletedCount }

    /// Whether `doc` is live.
    @inline(__always)
    public func isLive(_ doc: DocID) -> Bool {
        guard let file else { return true }
        let word = UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: wordsOffset + 8 * (Int(doc) >> 6), as: UInt64.self))
        return word & (1 << UInt64(doc & 63)) == 0
    }
}
