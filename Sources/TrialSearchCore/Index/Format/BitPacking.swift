/// Fixed-width bit packing of small unsigned integers, the core of the postings blocks.
///
/// `count` values of `width` bits (0…32) are packed little-endian, value `i` at bit `i·width`, into
/// `⌈count·width/8⌉` bytes. Width 0 takes no bytes (every value is 0). Example: the values 1, 2, 3 at
/// width 2 are the bits `01 10 11` from the low end: the single byte `0b00_11_10_01` = `39`.
///
/// Unpacking loads 8 bytes at a time without a bounds check per value, so it may read up to 7 bytes
/// past the packed data: every caller's buffer is followed by at least 8 readable bytes (in an index
/// file, the 16-byte footer guarantees it; `unpack` callers check the packed extent lies in the file).
enum BitPacking {
    /// Bits needed for `value` (0 for 0).
    @inline(__always)
    static func bitsRequired(_ value: UInt32) -> Int { 32 - value.leadingZeroBitCount }

    @inline(__always)
    static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) >> 3 }

    /// `byteCount(count:width:)` in wrapping arithmetic, without overflow checks, for a count below 2³² and
    /// a width below 2⁸ (a block's docs, masks or termFreqs, a width read from a byte): the product stays
    /// far below 2⁶³.
    @inline(__always)
    static func smallByteCount(count: Int, width: Int) -> Int { (count &* width &+ 7) &>> 3 }

    /// Appends `values` packed at `width` bits to `out`.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout [UInt8]) {
        precondition(width >= 0 && width <= 32, "bit width \(width)")
        guard width > 0, let source = values.baseAddress, !values.isEmpty else { return }
        let start = out.count
        let length = byteCount(count: values.count, width: width)
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = pack(source, count: values.count, width: width, into: base + start)
        }
    }

    /// Writes `count` values at `width` bits to `out` (which has room for `byteCount(count:width:)`
    /// bytes) and returns that byte count. Whole 32-bit words are stored as they fill.
    @inline(__always)
    static func pack(_ values: UnsafePointer<UInt32>, count: Int, width: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(width >= 0 && width <= 32, "bit width \(width)")
        guard width > 0, count > 0 else { return 0 }
        var acc: UInt64 = 0
        var bits = 0
        var o = 0
        for i in 0..<count {
            // bits < 32 here: the masking shift is the plain one (`<<` of `UInt64(bits)` tested for a
            // negative and an oversized count per value).
            acc |= UInt64(values[i]) &<< UInt64(truncatingIfNeeded: bits)
            bits &+= width
            if bits >= 32 {
                UnsafeMutableRawPointer(out + o).storeBytes(of: UInt32(truncatingIfNeeded: acc).littleEndian, as: UInt32.self)
                o &+= 4
                acc >>= 32
                bits &-= 32
            }
        }
        while bits > 0 {
            out[o] = UInt8(truncatingIfNeeded: acc)
            o &+= 1
            acc >>= 8
            bits &-= 8
        }
        return o
    }

    /// Writes one value of `width` bits (0…32, the bits above them zero) to `out`, as `pack` of a single
    /// value does, and returns its byte count, ⌈width/8⌉. Stores 8 bytes: `out` has room for them (the
    /// bytes past the value's are zeros, and lie past what the caller counts as written).
    @inline(__always)
    static func packOne(_ value: UInt32, width: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        UnsafeMutableRawPointer(out).storeBytes(of: UInt64(value).littleEndian, as: UInt64.self)
        return (width &+ 7) &>> 3
    }

    /// Unpacks `count` values of `width` bits from `source` into `out`.
    ///
    /// Each width has its own copy of the inlined `unpackGroups`, with constant shifts and masks (the
    /// compiler unrolls its groups of eight values): no variable shift or offset computation per value.
    /// Callgrind, 1,000 keyword queries top-10 on the replica: see BENCHMARKS.md.
    /// - Complexity: O(count).
    @inline(never)
    static func unpack(_ source: UnsafeRawPointer, count: Int, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        var sum: Int64 = 0
        unpackAnyWidth(source, count: count, width: width, delta: false, sum: &sum, into: out)
    }

    /// `unpack(_:count:width:into:)` reading widths 1…5 two values at a time from `pairs`
    /// (`pairTables`): each group of eight values is four look-ups of 2 · width bits, each stored as two
    /// values with one 8-byte store (three instructions a value, against four and a half for a value
    /// shifted and masked out of the group's word and stored alone); other widths as `unpack`.
    /// Callgrind, 1,000 keyword queries at top 10 on the replica: see BENCHMARKS.md (`kw21`).
    /// - Complexity: O(count).
    @inline(never)
    static func unpack(_ source: UnsafeRawPointer, count: Int, width: Int, pairs: UnsafePointer<UInt64>,
                       into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 1: unpackPairs(Width1.self, source, count: count, pairs: pairs, into: out)
        case 2: unpackPairs(Width2.self, source, count: count, pairs: pairs, into: out)
        case 3: unpackPairs(Width3.self, source, count: count, pairs: pairs, into: out)
        case 4: unpackPairs(Width4.self, source, count: count, pairs: pairs, into: out)
        case 5: unpackPairs(Width5.self, source, count: count, pairs: pairs, into: out)
        default: unpack(source, count: count, width: width, into: out)
        }
    }

    /// Where the pairs of width `w` (1…5) start in `pairTables`: 4, 16, 64, 256 and 1,024 entries in
    /// width order.
    @inline(__always)
    static func pairTableOffset(_ width: Int) -> Int { ((1 << (2 &* width)) &- 4) / 3 }

    /// Entries of `pairTables`: Σ 4^w for w = 1…5.
    static let pairTableEntries = pairTableOffset(6)

    /// For each width w of 1…5 (from `pairTableOffset(w)`) and each x of 2w bits, the two w-bit values
    /// of x as two little-endian `UInt32`s (x's low w bits first): what `unpackPairs` stores for two
    /// packed values (10.9 KB). Allocated once for the process (never freed, never written after), read
    /// through `PostingsBuffers.pairTables` (one pointer load, no `swift_once` per call).
    nonisolated(unsafe) static let pairTables: UnsafePointer<UInt64> = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: pairTableEntries)
        for width in 1...5 {
            let mask: UInt64 = (1 << UInt64(width)) - 1
            for x in 0..<(1 << (2 * width)) {
                let v = UInt64(x)
                table[pairTableOffset(width) + x] = (v & mask) | (v >> UInt64(width)) << 32
            }
        }
        return UnsafePointer(table)
    }()

    /// `unpack` of width `W.bits` (1…5) through its pairs table: the values of a group of eight (`width`
    /// bytes, read with one 8-byte load) two at a time, then the rest one by one.
    @inline(never)
    private static func unpackPairs<W: PackedWidth>(_: W.Type, _ source: UnsafeRawPointer, count: Int, pairs: UnsafePointer<UInt64>,
                                                    into out: UnsafeMutablePointer<UInt32>) {
        let width = W.bits
        let table = pairs + pairTableOffset(width)
        let pairMask: UInt64 = (1 << UInt64(2 &* width)) &- 1
        var p = source
        var o = UnsafeMutableRawPointer(out)
        var groups = count >> 3
        while groups > 0 {
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            for j in 0..<4 {
                let x = (word >> UInt64(2 &* j &* width)) & pairMask
                o.storeBytes(of: table[Int(truncatingIfNeeded: x)].littleEndian, toByteOffset: 8 &* j, as: UInt64.self)
            }
            p += width
            o += 32
            groups &-= 1
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        let rest = out + (count & ~7)
        var bit = 0
        for i in 0..<(count & 7) {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            rest[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit &+= width
        }
    }

    /// Unpacks `count` doc-id deltas (each stored as `delta − 1`) and turns them into absolute values
    /// after `previous` (−1 before a term's first doc): `out[i] = out[i−1] + stored[i] + 1`. The sum is
    /// kept in 64 bits so that the caller validates a whole block with one comparison: every delta is
    /// at least 1, so the 64-bit values increase strictly, and they all lie below a limit ≤ 2³² (the
    /// segment's docCount) exactly when the last one does, in which case `out` holds them unchanged.
    /// Returns the last value (`previous` when `count` is 0). One copy of the loop per width: widths up
    /// to 16 (every block of the replica's postings) sum in 32 bits (`unpackDeltas32`), the same values.
    /// Callgrind, 75 TREC 2021 topics at top 10 on the replica: see BENCHMARKS.md (`notes13`).
    /// - Complexity: O(count).
    @inline(never)
    static func unpackDocs(_ source: UnsafeRawPointer, count: Int, width: Int, after previous: Int64,
                           into out: UnsafeMutablePointer<UInt32>) -> Int64 {
        var last = previous
        if width >= 1 && width <= 16 && count < 1 << 16 {
            unpackDeltas32AnyWidth(source, count: count, width: width, sum: &last, into: out)
        } else {
            unpackAnyWidth(source, count: count, width: width, delta: true, sum: &last, into: out)
        }
        return last
    }

    /// `unpackDeltas32` with `width` (1…16) made a constant: one specialised copy per width (a type of
    /// `PackedWidth`). Inlined copies in one switch (as `unpackAnyWidth`'s) were not all inlined: the
    /// compiler called a copy with a variable width for some or all widths.
    @inline(__always)
    private static func unpackDeltas32AnyWidth(_ source: UnsafeRawPointer, count: Int, width: Int, sum: inout Int64,
                                               into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 1: unpackDeltas32(Width1.self, source, count: count, sum: &sum, into: out)
        case 2: unpackDeltas32(Width2.self, source, count: count, sum: &sum, into: out)
        case 3: unpackDeltas32(Width3.self, source, count: count, sum: &sum, into: out)
        case 4: unpackDeltas32(Width4.self, source, count: count, sum: &sum, into: out)
        case 5: unpackDeltas32(Width5.self, source, count: count, sum: &sum, into: out)
        case 6: unpackDeltas32(Width6.self, source, count: count, sum: &sum, into: out)
        case 7: unpackDeltas32(Width7.self, source, count: count, sum: &sum, into: out)
        case 8: unpackDeltas32(Width8.self, source, count: count, sum: &sum, into: out)
        case 9: unpackDeltas32(Width9.self, source, count: count, sum: &sum, into: out)
        case 10: unpackDeltas32(Width10.self, source, count: count, sum: &sum, into: out)
        case 11: unpackDeltas32(Width11.self, source, count: count, sum: &sum, into: out)
        case 12: unpackDeltas32(Width12.self, source, count: count, sum: &sum, into: out)
        case 13: unpackDeltas32(Width13.self, source, count: count, sum: &sum, into: out)
        case 14: unpackDeltas32(Width14.self, source, count: count, sum: &sum, into: out)
        case 15: unpackDeltas32(Width15.self, source, count: count, sum: &sum, into: out)
        default:
            precondition(width == 16, "bit width \(width)")
            unpackDeltas32(Width16.self, source, count: count, sum: &sum, into: out)
        }
    }

    /// `unpackGroups` with `width` made a constant: one inlined copy per width (and, inlined into
    /// `unpack` and `unpackDocs`, per value of `delta`).
    @inline(__always)
    private static func unpackAnyWidth(_ source: UnsafeRawPointer, count: Int, width: Int, delta: Bool, sum: inout Int64,
                                       into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 0: unpackGroups(source, count: count, width: 0, delta: delta, sum: &sum, into: out)
        case 1: unpackGroups(source, count: count, width: 1, delta: delta, sum: &sum, into: out)
        case 2: unpackGroups(source, count: count, width: 2, delta: delta, sum: &sum, into: out)
        case 3: unpackGroups(source, count: count, width: 3, delta: delta, sum: &sum, into: out)
        case 4: unpackGroups(source, count: count, width: 4, delta: delta, sum: &sum, into: out)
        case 5: unpackGroups(source, count: count, width: 5, delta: delta, sum: &sum, into: out)
        case 6: unpackGroups(source, count: count, width: 6, delta: delta, sum: &sum, into: out)
        case 7: unpackGroups(source, count: count, width: 7, delta: delta, sum: &sum, into: out)
        case 8: unpackGroups(source, count: count, width: 8, delta: delta, sum: &sum, into: out)
        case 9: unpackGroups(source, count: count, width: 9, delta: delta, sum: &sum, into: out)
        case 10: unpackGroups(source, count: count, width: 10, delta: delta, sum: &sum, into: out)
        case 11: unpackGroups(source, count: count, width: 11, delta: delta, sum: &sum, into: out)
        case 12: unpackGroups(source, count: count, width: 12, delta: delta, sum: &sum, into: out)
        case 13: unpackGroups(source, count: count, width: 13, delta: delta, sum: &sum, into: out)
        case 14: unpackGroups(source, count: count, width: 14, delta: delta, sum: &sum, into: out)
        case 15: unpackGroups(source, count: count, width: 15, delta: delta, sum: &sum, into: out)
        case 16: unpackGroups(source, count: count, width: 16, delta: delta, sum: &sum, into: out)
        case 17: unpackGroups(source, count: count, width: 17, delta: delta, sum: &sum, into: out)
        case 18: unpackGroups(source, count: count, width: 18, delta: delta, sum: &sum, into: out)
        case 19: unpackGroups(source, count: count, width: 19, delta: delta, sum: &sum, into: out)
        case 20: unpackGroups(source, count: count, width: 20, delta: delta, sum: &sum, into: out)
        case 21: unpackGroups(source, count: count, width: 21, delta: delta, sum: &sum, into: out)
        case 22: unpackGroups(source, count: count, width: 22, delta: delta, sum: &sum, into: out)
        case 23: unpackGroups(source, count: count, width: 23, delta: delta, sum: &sum, into: out)
        case 24: unpackGroups(source, count: count, width: 24, delta: delta, sum: &sum, into: out)
        case 25: unpackGroups(source, count: count, width: 25, delta: delta, sum: &sum, into: out)
        case 26: unpackGroups(source, count: count, width: 26, delta: delta, sum: &sum, into: out)
        case 27: unpackGroups(source, count: count, width: 27, delta: delta, sum: &sum, into: out)
        case 28: unpackGroups(source, count: count, width: 28, delta: delta, sum: &sum, into: out)
        case 29: unpackGroups(source, count: count, width: 29, delta: delta, sum: &sum, into: out)
        case 30: unpackGroups(source, count: count, width: 30, delta: delta, sum: &sum, into: out)
        case 31: unpackGroups(source, count: count, width: 31, delta: delta, sum: &sum, into: out)
        default:
            precondition(width == 32, "bit width \(width)")
            unpackGroups(source, count: count, width: 32, delta: delta, sum: &sum, into: out)
        }
    }

    /// Unpacks `count` values of `width` bits, eight at a time (eight values take `width` whole bytes,
    /// so every group starts on a byte and each value's byte offset and shift within the group are
    /// constants), then the rest one by one. With `delta`, `out[i] = sum + Σ_{j ≤ i} (stored[j] + 1)`
    /// and `sum` ends as the last value; otherwise `out[i] = stored[i]`. Each value is read with an
    /// 8-byte load at the byte holding its first bit, as the one-by-one loop does, so it reads no further
    /// past the packed data (at most 7 bytes).
    @inline(__always)
    private static func unpackGroups(_ source: UnsafeRawPointer, count: Int, width: Int, delta: Bool, sum: inout Int64,
                                     into out: UnsafeMutablePointer<UInt32>) {
        var last = sum
        if width == 0 {
            if delta {
                for i in 0..<count { last &+= 1; out[i] = UInt32(truncatingIfNeeded: last) }
                sum = last
            } else {
                out.update(repeating: 0, count: count)
            }
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var p = source
        var o = out
        var groups = count >> 3
        while groups > 0 {
            if width <= 8 {
                // The eight values fit in one 64-bit word.
                let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
                for j in 0..<8 {
                    let v = (word >> UInt64(j &* width)) & mask
                    if delta {
                        last &+= Int64(truncatingIfNeeded: v) &+ 1
                        o[j] = UInt32(truncatingIfNeeded: last)
                    } else {
                        o[j] = UInt32(truncatingIfNeeded: v)
                    }
                }
            } else {
                for j in 0..<8 {
                    let bit = j &* width
                    let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                    let v = (word >> UInt64(bit & 7)) & mask
                    if delta {
                        last &+= Int64(truncatingIfNeeded: v) &+ 1
                        o[j] = UInt32(truncatingIfNeeded: last)
                    } else {
                        o[j] = UInt32(truncatingIfNeeded: v)
                    }
                }
            }
            p += width
            o += 8
            groups &-= 1
        }
        var bit = 0
        for i in 0..<(count & 7) {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            let v = (word >> UInt64(bit & 7)) & mask
            if delta {
                last &+= Int64(truncatingIfNeeded: v) &+ 1
                o[i] = UInt32(truncatingIfNeeded: last)
            } else {
                o[i] = UInt32(truncatingIfNeeded: v)
            }
            bit &+= width
        }
        sum = last
    }

    /// `unpackGroups` of doc deltas for widths of 1…16 and fewer than 2¹⁶ values, summed in 32 bits: the
    /// values written are the 64-bit sums modulo 2³², which is what `UInt32(truncatingIfNeeded:)` of the
    /// 64-bit sums wrote, and the deltas' total, below 2¹⁶ · 2¹⁶, is exact in 32 bits, so `sum` ends as the
    /// same 64-bit value.
    ///
    /// The groups of eight are read from the complemented bits: a stored delta v's complement in 32 bits,
    /// −(v + 1), is the complemented word's bits shifted down with the bits above the width set (an OR
    /// with the mask's complement), so each doc is `last − that`, one subtraction on one chain: five
    /// instructions a value at widths 1–8 (copy, shift, OR, subtract, store), where the stored value
    /// masked and added with its `+ 1` took seven (LLVM's x86-64 tuning splits a three-operand `lea`,
    /// and the sum of the group was kept beside the stored docs). Widths 9–16 read the group's two
    /// 64-bit words (its `width` bytes and at most 7 past them), a value across the two joined from both.
    /// Callgrind, 1,000 keyword queries at top 10 on the replica: see BENCHMARKS.md (`kw21`).
    @inline(never)
    private static func unpackDeltas32<W: PackedWidth>(_: W.Type, _ source: UnsafeRawPointer, count: Int, sum: inout Int64,
                                                       into out: UnsafeMutablePointer<UInt32>) {
        let width = W.bits
        let mask: UInt32 = UInt32(truncatingIfNeeded: (1 << UInt64(width)) &- 1)
        let first = UInt32(truncatingIfNeeded: sum)
        var last = first
        var p = source
        var o = out
        var groups = count >> 3
        while groups > 0 {
            if width <= 8 {
                // The eight values fit in one 64-bit word.
                let complement = ~UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
                for j in 0..<8 {
                    last = last &- (UInt32(truncatingIfNeeded: complement >> UInt64(j &* width)) | ~mask)
                    o[j] = last
                }
            } else {
                // The eight values span two 64-bit words (8 · width ≤ 128 bits).
                let low = ~UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
                let high = ~UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                for j in 0..<8 {
                    let bit = j &* width
                    let bits: UInt64
                    if bit >= 64 {
                        bits = high >> UInt64(bit &- 64)
                    } else if bit &+ width <= 64 {
                        bits = low >> UInt64(bit)
                    } else {
                        bits = low >> UInt64(bit) | high << UInt64(64 &- bit)
                    }
                    last = last &- (UInt32(truncatingIfNeeded: bits) | ~mask)
                    o[j] = last
                }
            }
            p += width
            o += 8
            groups &-= 1
        }
        var bit = 0
        for i in 0..<(count & 7) {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            last = last &+ (UInt32(truncatingIfNeeded: word >> UInt64(bit & 7)) & mask) &+ 1
            o[i] = last
            bit &+= width
        }
        sum &+= Int64(last &- first)
    }
}

/// A bit width as a type, so that a generic unpacking loop is specialised with the width a constant
/// (`BitPacking.unpackDeltas32`, `MaskDictionary.readMasks`).
protocol PackedWidth {
    static var bits: Int { get }
}

enum Width1: PackedWidth { static var bits: Int { 1 } }
enum Width2: PackedWidth { static var bits: Int { 2 } }
enum Width3: PackedWidth { static var bits: Int { 3 } }
enum Width4: PackedWidth { static var bits: Int { 4 } }
enum Width5: PackedWidth { static var bits: Int { 5 } }
enum Width6: PackedWidth { static var bits: Int { 6 } }
enum Width7: PackedWidth { static var bits: Int { 7 } }
enum Width8: PackedWidth { static var bits: Int { 8 } }
enum Width9: PackedWidth { static var bits: Int { 9 } }
enum Width10: PackedWidth { static var bits: Int { 10 } }
enum Width11: PackedWidth { static var bits: Int { 11 } }
enum Width12: PackedWidth { static var bits: Int { 12 } }
enum Width13: PackedWidth { static var bits: Int { 13 } }
enum Width14: PackedWidth { static var bits: Int { 14 } }
enum Width15: PackedWidth { static var bits: Int { 15 } }
enum Width16: PackedWidth { static var bits: Int { 16 } }
