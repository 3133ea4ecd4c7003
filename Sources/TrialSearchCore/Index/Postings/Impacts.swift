/// A segment-internal document number: 0 ..< docCount, dense, in indexing order. Users only ever see
/// `TrialID`s.
public typealias DocID = Int32

/// Per field, the largest termFreq and the smallest field length among the docs of a postings block
/// (or of a whole term) that contain the term in that field: enough to bound the BM25F score of any doc
/// of the block for *any* k1, b and field weights.
///
/// BM25F (Robertson & Zaragoza's simple BM25F) scores a doc d for a term t as
/// ```
/// score(d) = idf(t) · tf̃ / (k1 + tf̃)      with  tf̃ = Σ_f w_f · tf_f(d) / B_f(d)
///                                              B_f(d) = 1 − b_f + b_f · len_f(d) / avglen_f
/// ```
/// (times (k1 + 1) if the scorer keeps Lucene's constant). `score` grows with tf̃ (k1 > 0), each term of
/// the sum grows with tf_f and, for 0 ≤ b_f ≤ 1, shrinks as len_f grows. A doc of the block that has the
/// term in field f has tf_f ≤ `maxTermFreq[f]` and len_f ≥ `minLength(f)`; a doc without the term in f
/// adds 0. Hence for every doc of the block
/// ```
/// tf̃(d) ≤ Σ_{f ∈ fieldMask} w_f · maxTermFreq[f] / B_f(minLength(f))
/// ```
/// and the score with that bound in place of tf̃ is an upper bound. The bound uses the decoded (lossy)
/// field lengths, which the scorer uses too, and the encoding is monotonic (`FieldNorm`), so it holds
/// exactly. It may be loose when the max tf and the min length come from different docs.
public struct Impacts: Sendable, Equatable {
    /// Fields in which at least one doc of the block has the term.
    public var fieldMask: UInt16 = 0
    /// Largest termFreq in each field of `fieldMask`.
    public var maxTermFreq = FieldCounts()
    /// Smallest norm byte (`FieldNorm`) in each field of `fieldMask`.
    public var minNorm = FieldCounts()

    public init() {}

    /// The smallest (decoded) field length among the docs with the term in `field`.
    public func minLength(_ field: Field) -> Int { FieldNorm.decode(UInt8(truncatingIfNeeded: minNorm[field])) }

    /// Folds one doc's termFreq and norm byte for field `f` into the bound.
    @inline(__always)
    mutating func add(field f: Int, termFreq: UInt32, norm: UInt8) {
        let bit = UInt16(1) << UInt16(f)
        if fieldMask & bit == 0 {
            fieldMask |= bit
            maxTermFreq[f] = termFreq
            minNorm[f] = UInt32(norm)
        } else {
            if termFreq > maxTermFreq[f] { maxTermFreq[f] = termFreq }
            if UInt32(norm) < minNorm[f] { minNorm[f] = UInt32(norm) }
        }
    }

    /// Merges another bound (the bound of a union of blocks).
    mutating func add(_ other: Impacts) {
        forEachField(in: other.fieldMask) { f in
            add(field: f, termFreq: other.maxTermFreq[f], norm: UInt8(truncatingIfNeeded: other.minNorm[f]))
        }
    }

    /// `fieldMask:u16 (maxTermFreq:vint minNorm:u8)^popcount(fieldMask)`.
    func encode(into out: inout [UInt8]) {
        out.appendU16(fieldMask)
        forEachField(in: fieldMask) { f in
            out.appendVInt(UInt64(maxTermFreq[f]))
            out.append(UInt8(truncatingIfNeeded: minNorm[f]))
        }
    }

    /// Most bytes `encode` writes: the mask and, per field, a 5-byte vint and a byte.
    static let maxEncodedLength = 2 + 6 * IndexFormat.fieldCount

    /// `encode` into a buffer with at least `maxEncodedLength` bytes reserved.
    @inline(__always)
    func encode(into out: inout ByteBuffer) {
        out.u16(fieldMask)
        var m = fieldMask
        while m != 0 {
            let f = m.trailingZeroBitCount
            out.vint(UInt64(maxTermFreq[f]))
            out.u8(UInt8(truncatingIfNeeded: minNorm[f]))
            m &= m - 1
        }
    }

    static func decode(_ reader: inout ByteReader) -> Impacts {
        var impacts = Impacts()
        impacts.fieldMask = reader.readU16() & ((1 << UInt16(IndexFormat.fieldCount)) - 1)
        forEachField(in: impacts.fieldMask) { f in
            impacts.maxTermFreq[f] = UInt32(truncatingIfNeeded: reader.readVInt())
            impacts.minNorm[f] = UInt32(reader.readU8())
        }
        return impacts
    }

    /// Skips an encoded bound. Where its longest encoding fits before the reader's end (`maxSkippedLength`:
    /// vints of up to ten bytes, as many as `readVInt` reads), it steps over the bytes in place, without a
    /// bounds check per byte; otherwise, or at a vint that `readVInt` would refuse, as `skipChecked`. A
    /// block load skips its block's bound first (`PostingsCursor.loadBlock`): callgrind, 75 TREC 2021
    /// topics on the replica, see BENCHMARKS.md (`notes13`).
    @inline(__always)
    static func skip(_ reader: inout ByteReader) {
        guard reader.position + maxSkippedLength <= reader.end else { return skipChecked(&reader) }
        var p = reader.base + reader.position
        var mask = UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)) & ((1 << UInt16(IndexFormat.fieldCount)) - 1)
        p += 2
        while mask != 0 {
            // The vint's continuation bytes, then its last byte and the norm byte.
            var n = 0
            while p.load(fromByteOffset: n, as: UInt8.self) >= 0x80 {
                n &+= 1
                if n == 10 { return skipChecked(&reader) }
            }
            p += n &+ 2
            mask &= mask &- 1
        }
        reader.position = p - reader.base
    }

    /// The most bytes `skip` steps over in place: the mask, and per field a vint of at most ten bytes and
    /// a norm byte.
    static let maxSkippedLength = 2 + 11 * IndexFormat.fieldCount

    /// Skips an encoded bound, reading it through the reader's checks.
    static func skipChecked(_ reader: inout ByteReader) {
        let mask = reader.readU16() & ((1 << UInt16(IndexFormat.fieldCount)) - 1)
        for _ in 0..<mask.nonzeroBitCount {
            _ = reader.readVInt()
            reader.skip(1)
        }
    }
}
