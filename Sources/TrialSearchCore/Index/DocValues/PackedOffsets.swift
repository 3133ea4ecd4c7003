/// A non-decreasing sequence of offsets (into a column's string table or code list) stored as a `u32`
/// anchor every 2^shift values, a stride that each value within the anchor's run adds, and each
/// value's remaining distance (doc-values format 10); and the reader's view of older formats' plain
/// `u32` offsets.
///
/// On disk (format 10), for `count` offsets:
/// ```
/// PackedOffsets := shift:u8 stride:u32 anchor:u32^((count + 2^shift − 1) >> shift) delta:PackedInts(count)
/// offset(i)     := anchor[i >> shift] + stride · (i mod 2^shift) + delta(i)     (delta's none and base 0)
/// ```
/// The stride is the smallest distance between consecutive offsets (an id's length when all ids have
/// one length: then every delta is 0, of width 0); the writer picks the shift (3 … 16) that takes the
/// fewest bytes. Example: the offsets 0, 11, 22, 33 of three 11-byte ids are, at shift 3, `03`
/// `0B 00 00 00` `00 00 00 00` then the deltas `00` `00×8` `00×8` (width 0, no bytes); the offsets
/// 0, 5, 10, 16 of ids of 5, 5 and 6 bytes: `03` `05 00 00 00` `00 00 00 00` `01` `00×8` `00×8`
/// `00 00 00 01`.
struct PackedOffsets: Sendable {
    /// File offset of the anchors.
    let anchors: Int
    let shift: Int
    let stride: Int
    /// The deltas from the anchors (width 0 for older formats, whose anchors are every offset).
    let deltas: PackedInts

    /// Older formats' `u32^count` offsets at `start`.
    static func plain(at start: Int) -> PackedOffsets {
        PackedOffsets(anchors: start, shift: 0, stride: 0, deltas: .plain(at: start, width: 0))
    }

    /// Anchors of `count` offsets at `shift`.
    static func anchorCount(_ count: Int, shift: Int) -> Int { (count + (1 << shift) - 1) >> shift }

    /// Reads a format-10 column of `count` offsets at `offset` (within `end`); nil when its header is
    /// invalid or it overruns `end`. Also returns where it ends.
    static func read(_ file: UnsafeRawPointer, at offset: Int, count: Int, end: Int) -> (PackedOffsets, Int)? {
        guard offset <= end - 5 else { return nil }
        let shift = Int(file.load(fromByteOffset: offset, as: UInt8.self))
        let stride = Int(UInt32(littleEndian: file.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
        guard shift <= 16 else { return nil }
        let deltasAt = offset + 5 + 4 * anchorCount(count, shift: shift)
        guard deltasAt <= end - PackedInts.headerLength, let deltas = PackedInts.read(file, at: deltasAt),
              deltas.none == 0, deltas.base == 0, deltas.width <= 4 else { return nil }
        let after = deltas.start + deltas.byteCount(count)
        guard after <= end else { return nil }
        return (PackedOffsets(anchors: offset + 5, shift: shift, stride: stride, deltas: deltas), after)
    }

    /// Offset `i`.
    @inline(__always)
    func offset(_ file: UnsafeRawPointer, _ i: Int) -> Int {
        let anchor = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: anchors + 4 * (i >> shift), as: UInt32.self))
        return Int(anchor) + stride * (i & ((1 << shift) - 1)) + Int(truncatingIfNeeded: deltas.stored(file, i))
    }

    /// Appends `offsets` (non-decreasing, each below 2^32) as a format-10 column.
    static func encode(_ offsets: [UInt32], into out: inout [UInt8]) {
        var stride = UInt32.max
        for i in offsets.indices.dropFirst() { stride = min(stride, offsets[i] - offsets[i - 1]) }
        if stride == .max { stride = 0 }
        func delta(_ i: Int, _ shift: Int) -> UInt32 {
            let mask = (1 << shift) - 1
            return offsets[i] - offsets[i & ~mask] - stride * UInt32(i & mask)
        }
        var best = (shift: 3, bytes: Int.max)
        for shift in 3...16 {
            var largest: UInt32 = 0
            for i in offsets.indices { largest = max(largest, delta(i, shift)) }
            let width = largest == 0 ? 0 : largest < 1 << 8 ? 1 : largest < 1 << 16 ? 2 : largest < 1 << 24 ? 3 : 4
            let bytes = 4 * anchorCount(offsets.count, shift: shift) + width * offsets.count
            if bytes < best.bytes { best = (shift, bytes) }
        }
        let shift = best.shift
        out.append(UInt8(shift))
        out.appendU32(stride)
        var i = 0
        while i < offsets.count {
            out.appendU32(offsets[i])
            i += 1 << shift
        }
        PackedIntsWriter.encode(offsets.indices.lazy.map { Int64(delta($0, shift)) }, into: &out)
    }
}
