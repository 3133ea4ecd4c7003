/// The hash under which the index's in-memory term table (`TermTable`) files a term, with the term's
/// first 8 bytes.
///
/// It lives with the analyzer so that the stem cache can keep each cached stem's hash and hand it to the
/// indexer with the token (`Token.termHash`): a word found in the cache, nine tokens in ten, is then
/// hashed once (for the cache) instead of twice. Not stable across versions; never stored.
enum TermHash {
    /// The first (up to) 8 bytes of `base[0..<n]`, zero-padded, little-endian. Reads only those bytes:
    /// a short term is read with two overlapping loads (4 + 4 or 2 + 2 bytes) instead of byte by byte.
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        if n >= 8 { return UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) }
        if n >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
            return low | high << UInt64(8 * (n - 4))
        }
        if n >= 2 {
            let low = UInt64(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self)))
            let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)))
            return low | high << UInt64(8 * (n - 2))
        }
        return n == 1 ? UInt64(base[0]) : 0
    }

    /// The hash of `base[0..<n]` and its first 8 bytes (`word`).
    @inline(__always)
    static func of(_ base: UnsafePointer<UInt8>, _ n: Int) -> (hash: UInt32, prefix: UInt64) {
        let prefix = word(base, n)
        var h = (0x9E37_79B9_7F4A_7C15 &* UInt64(n &+ 1) ^ prefix) &* 0xFF51_AFD7_ED55_8CCD
        var i = 8
        while i < n {
            h ^= h >> 29
            h = (h ^ word(base + i, n - i)) &* 0xFF51_AFD7_ED55_8CCD
            i += 8
        }
        h = (h ^ (h >> 32)) &* 0xC4CE_B9FE_1A85_EC53
        return (UInt32(truncatingIfNeeded: h >> 32), prefix)
    }
}
