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
            acc |= UInt64(values[i]) << UInt64(bits)
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

    /// Unpacks `count` values of `width` bits from `source` into `out`.
    @inline(__always)
    static func unpack(_ source: UnsafeRawPointer, count: Int, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        if width == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bit = 0
        for i in 0..<count {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += width
        }
    }

    /// Unpacks `count` deltas (each stored as `delta - 1`) and turns them into absolute values after
    /// `previous` (`UInt64.max`: before value 0): `out[i] = out[i-1] + stored[i] + 1`. Returns the last
    /// value as computed in 64 bits, without wrapping: the values grow by at least 1 each, so they all
    /// fit in 32 bits, increase strictly and stay below a limit ≤ 2³² exactly when the returned value is
    /// below it (one comparison instead of a pass over the block).
    @inline(__always)
    static func unpackDeltas(_ source: UnsafeRawPointer, count: Int, width: Int, previous: UInt64,
                             into out: UnsafeMutablePointer<UInt32>) -> UInt64 {
        var last = previous
        if width == 0 {
            for i in 0..<count { last &+= 1; out[i] = UInt32(truncatingIfNeeded: last) }
            return last
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bit = 0
        for i in 0..<count {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            last &+= ((word >> UInt64(bit & 7)) & mask) &+ 1
            out[i] = UInt32(truncatingIfNeeded: last)
            bit += width
        }
        return last
    }
}
