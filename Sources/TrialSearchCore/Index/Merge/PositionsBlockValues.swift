/// Decodes all the values of one `PositionsBlock` at once, in order: a merge re-encoding a postings block
/// (`PostingsMerger.copyLive`) reads every position value of the block, so it needs neither a cursor's per-doc
/// resumption of a `PositionsBlockReader` nor the per-value bound checks of
/// `PositionsBlockReader.next()`: the reads are bounded per value by one test each for the unary and the
/// mantissa offsets, and a bad prefix length or a value past 32 bits is collected and tested once at the end.
///
/// The grammar is `PositionsBlock`'s: `(unaryLength·32 + k):vint Unary Mantissas`, value i's unary code
/// z zero bits then a one bit, its mantissa the z + k bits of v + 2^k − 2^(z+k). The values are those
/// `PositionsBlockReader` reads from the same bytes (the same arithmetic); a block that reader rejects is
/// rejected here too (nil), as is one with fewer values than asked for.
enum PositionsBlockValues {
    /// Decodes the first `count` values of the block `block` (its bytes, followed in memory by at least 8
    /// readable bytes: the term's other blocks or the file's 16-byte footer, as `PositionsBlockReader`
    /// assumes) into `out` (room for `count` values); false when they do not decode: a header past the
    /// block, k above `PositionsBlock.maxK`, a unary code past the block's unary part, a prefix of more
    /// than 32 zeros, a mantissa past the block's end or a value of more than 32 bits.
    /// - Complexity: O(count).
    static func decode(_ block: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<UInt32>) -> Bool {
        guard count > 0 else { return true }
        guard let base = block.baseAddress else { return false }
        var r = ByteReader(block)
        let header = r.readVInt()
        let unaryStart = r.position
        guard !r.failed, header >> 5 <= UInt64(max(0, block.count - unaryStart)), header & 31 <= UInt64(PositionsBlock.maxK) else {
            return false
        }
        let k = Int(header & 31)
        let kShift = UInt64(truncatingIfNeeded: k)
        let offset = (UInt64(1) &<< kShift)
        // Bit offsets from `base`.
        var unaryBit = unaryStart << 3
        let unaryEnd = (unaryStart + Int(header >> 5)) << 3
        var mantissaBit = unaryEnd
        let mantissaEnd = block.count << 3
        // Bits that must stay clear: a prefix of 33 zeros or more (64 for a word of zeros) sets bit 6
        // of z + 31; a value of more than 32 bits sets bits above 31.
        var bad: UInt64 = 0
        for i in 0..<count {
            // The unary code's word and the mantissa's, each loaded at most 7 bytes before its part's
            // end (the offsets are tested before the loads).
            guard unaryBit < unaryEnd, mantissaBit <= mantissaEnd else { return false }
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: unaryBit >> 3, as: UInt64.self))
                &>> UInt64(truncatingIfNeeded: unaryBit & 7)
            let z = word.trailingZeroBitCount
            unaryBit &+= z &+ 1
            bad |= UInt64(truncatingIfNeeded: z &+ 31) & 64
            // z ≤ 64 and k ≤ maxK: n < 89, masked to the shift range (a bad z fails the block below).
            let n = UInt64(truncatingIfNeeded: z &+ k) & 63
            let mantissa = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: mantissaBit >> 3, as: UInt64.self))
                &>> UInt64(truncatingIfNeeded: mantissaBit & 7)
            mantissaBit &+= Int(truncatingIfNeeded: n)
            let value = (mantissa & ((1 &<< n) &- 1)) &+ (1 &<< n) &- offset
            bad |= value &>> 32
            out[i] = UInt32(truncatingIfNeeded: value)
        }
        return bad == 0 && unaryBit <= unaryEnd && mantissaBit <= mantissaEnd
    }
}
