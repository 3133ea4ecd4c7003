/// A column of integers stored as fixed-width unsigned offsets from a base (doc-values format 10), and
/// the reader's view of any fixed-width integer column of a doc-values file (older formats' `u16`
/// codes, `u32` doc numbers and `i32` keys too).
///
/// On disk (format 10):
/// ```
/// PackedInts := width:u8 none:i64 base:i64 stored:u(width)^count
/// value(i)   := stored(i) == 0 ? none : base + stored(i)
/// ```
/// `width` is 0 (every value is `none`), 1, 2, 3, 4 or 8 bytes, little-endian; `count` is implied by
/// the column (the doc count). A column with a "missing" sentinel (a date key 0, an enrollment −1)
/// writes it as `none` and stores 0 for it; the other values from `base = min − 1` on. A column
/// without one (dictionary codes, doc numbers) has `none = base = min`. Example: the codes 0, 2, 1 of
/// three docs are `01` `00×8` `00×8` `00 02 01`; the date keys 0, 1464853, 1464860 are
/// `01` `00×8` `14 5A 16 00 00 00 00 00` (base 1464852) `00 01 08`.
struct PackedInts: Sendable {
    /// File offset of the stored values.
    let start: Int
    /// Bytes a value: 0, 1, 2, 3, 4 or 8.
    let width: Int
    let none: Int64
    let base: Int64
    /// Whether a 4-byte value is an `Int32` (older formats' keys and enrollments), else unsigned.
    let signed32: Bool

    /// Bytes of the header before the stored values.
    static let headerLength = 17

    /// Whether `width` is one a writer may write.
    static func isValidWidth(_ width: Int) -> Bool { width <= 4 || width == 8 }

    /// Older formats' plain `u(width)` (or `i32`) column at `start`.
    static func plain(at start: Int, width: Int, signed32: Bool = false) -> PackedInts {
        PackedInts(start: start, width: width, none: 0, base: 0, signed32: signed32)
    }

    /// Reads a format-10 header at `offset`; nil when the width is not one of the allowed ones.
    static func read(_ base: UnsafeRawPointer, at offset: Int) -> PackedInts? {
        let width = Int(base.load(fromByteOffset: offset, as: UInt8.self))
        guard isValidWidth(width) else { return nil }
        let none = Int64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 1, as: Int64.self))
        let b = Int64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 9, as: Int64.self))
        return PackedInts(start: offset + headerLength, width: width, none: none, base: b, signed32: false)
    }

    /// The stored (unsigned) field of value `i`.
    @inline(__always)
    func stored(_ file: UnsafeRawPointer, _ i: Int) -> UInt64 {
        let p = file + start
        switch width {
        case 1: return UInt64(p.load(fromByteOffset: i, as: UInt8.self))
        case 2: return UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case 3:
            let low = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 3 * i, as: UInt16.self))
            return UInt64(low) | UInt64(p.load(fromByteOffset: 3 * i + 2, as: UInt8.self)) << 16
        case 4: return UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case 8: return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
        default: return 0
        }
    }

    /// Value `i`.
    @inline(__always)
    func value(_ file: UnsafeRawPointer, _ i: Int) -> Int64 {
        let s = stored(file, i)
        if signed32 { return Int64(Int32(truncatingIfNeeded: s)) }
        return s == 0 ? none : base &+ Int64(bitPattern: s)
    }

    /// Bytes of `count` stored values.
    func byteCount(_ count: Int) -> Int { width * count }
}

/// Encodes `PackedInts` columns.
enum PackedIntsWriter {
    /// Appends `values` as a `PackedInts` column, `sentinel` (when given and present) as its `none`.
    static func encode<C: Collection>(_ values: C, sentinel: Int64? = nil, into out: inout [UInt8])
    where C.Element == Int64 {
        var low = Int64.max, high = Int64.min
        var sawSentinel = false
        for v in values {
            if let sentinel, v == sentinel { sawSentinel = true; continue }
            low = min(low, v)
            high = max(high, v)
        }
        let none: Int64, base: Int64
        if low > high {
            none = sentinel ?? 0
            base = none
        } else if sawSentinel, let sentinel {
            none = sentinel
            base = low &- 1
        } else {
            none = low
            base = low
        }
        // The largest stored field; a range past Int64 (not produced by the columns) takes 8 bytes.
        let (span, overflow) = high.subtractingReportingOverflow(base)
        let largest: UInt64 = low > high ? 0 : overflow ? .max : UInt64(span)
        let width = largest == 0 ? 0 : largest < 1 << 8 ? 1 : largest < 1 << 16 ? 2 : largest < 1 << 24 ? 3
            : largest < 1 << 32 ? 4 : 8
        out.append(UInt8(width))
        out.appendU64(UInt64(bitPattern: none))
        out.appendU64(UInt64(bitPattern: base))
        out.reserveCapacity(out.count + width * values.count)
        for v in values {
            let s: UInt64 = (sawSentinel && v == sentinel) ? 0 : UInt64(bitPattern: v &- base)
            for k in 0..<width { out.append(UInt8(truncatingIfNeeded: s >> (8 * UInt64(k)))) }
        }
    }
}
