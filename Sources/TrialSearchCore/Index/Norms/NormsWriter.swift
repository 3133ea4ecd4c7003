/// Writes a segment's field lengths (`.nrm`): one `FieldNorm` byte per (doc, field) and the exact
/// per-field sums from which search computes average field lengths.
///
/// Format:
/// ```
/// Body := docCount:u32 fieldCount:u8 FieldStats^fieldCount Row^docCount
/// FieldStats := lengthSum:u64 docsWithField:u32     (exact tokens of the field over all docs)
/// Row := norm:u8^fieldCount                          (FieldNorm byte of each field, doc-major)
/// ```
/// Rows are doc-major so a scorer reads one doc's lengths from one cache line.
/// Example, two docs and fields (id, title, …): doc 0 has 1 id token and 5 title tokens, doc 1 has 1
/// and 8: `02 00 00 00 | 0C | 02 00.. 02 00 00 00 | 0D 00.. 02 00 00 00 | …(10 more fields) |
/// 01 05 00 … 00 | 01 08 00 … 00`.
enum NormsWriter {
    static func write(path: String, segmentID: UInt64, docCount: Int, rows: UnsafeRawBufferPointer,
                      lengthSums: [UInt64], docsWithField: [UInt32], durable: Bool = true) throws -> Int {
        precondition(rows.count == docCount * IndexFormat.fieldCount, "norms rows \(rows.count) for \(docCount) docs")
        let output = try IndexOutput(path: path, formatName: SegmentFile.norms.formatName, segmentID: segmentID,
                                     durable: durable)
        var head: [UInt8] = []
        head.appendU32(UInt32(docCount))
        head.append(UInt8(IndexFormat.fieldCount))
        for f in 0..<IndexFormat.fieldCount {
            head.appendU64(lengthSums[f])
            head.appendU32(docsWithField[f])
        }
        try output.write(head)
        try output.write(rows)
        return try output.finish()
    }
}

/// Reads a segment's field lengths (`.nrm`, see `NormsWriter`).
public struct Norms: Sendable {
    let file: IndexFile
    public let docCount: Int
    /// Exact total tokens of each field over the segment's docs (deleted ones included).
    public let lengthSums: [UInt64]
    /// Docs with at least one token in each field.
    public let docsWithField: [UInt32]
    private let rowsOffset: Int

    init(file: IndexFile, expectedDocCount: Int) throws {
        self.file = file
        var r = file.reader()
        docCount = Int(r.readU32())
        let fields = Int(r.readU8())
        var sums: [UInt64] = []
        var with: [UInt32] = []
        for _ in 0..<IndexFormat.fieldCount {
            sums.append(r.readU64())
            with.append(r.readU32())
        }
        lengthSums = sums
        docsWithField = with
        rowsOffset = r.position
        guard !r.failed, fields == IndexFormat.fieldCount, docCount == expectedDocCount,
              rowsOffset + docCount * fields == file.body.upperBound else {
            throw file.corrupt("norms: \(docCount) docs × \(fields) fields (expected \(expectedDocCount) × "
                + "\(IndexFormat.fieldCount)) vs \(file.body.upperBound - rowsOffset) bytes of rows")
        }
    }

    /// The norm byte of (doc, field).
    @inline(__always)
    public func normByte(_ doc: DocID, _ field: Field) -> UInt8 {
        file.base.load(fromByteOffset: rowsOffset + Int(doc) * IndexFormat.fieldCount + Int(field.rawValue), as: UInt8.self)
    }

    /// The (decoded, possibly rounded down) number of tokens of `field` in `doc`.
    @inline(__always)
    public func fieldLength(_ doc: DocID, _ field: Field) -> Int { FieldNorm.decode(normByte(doc, field)) }

    /// The norm bytes of all fields of `doc` (`fieldCount` bytes).
    @inline(__always)
    public func row(_ doc: DocID) -> UnsafePointer<UInt8> {
        (file.base + rowsOffset + Int(doc) * IndexFormat.fieldCount).assumingMemoryBound(to: UInt8.self)
    }

    /// All rows, doc-major (for merging).
    var rows: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: file.base + rowsOffset, count: docCount * IndexFormat.fieldCount)
    }
}
