/// Builds a `String` of 8 to 15 ASCII bytes directly in the standard library's small-string form (the
/// bytes inside the 16-byte `String` value itself, no allocation), from two loads of the bytes.
///
/// Why: a top-1,000 search turns every hit's stored trial id (a dozen bytes: `NCT00000102`) into a
/// `String`. `String(unsafeUninitializedCapacity:initializingUTF8With:)` does it in about 150
/// instructions an id (an out-of-line call, a closure, a copy, the ASCII scan and the small-string
/// checks); this is about 15. The small form is part of Swift's ABI: every binary holds its short string
/// literals as these two words (`_SmallString`: the UTF-8 bytes in memory order, the last byte
/// `0xE0 | count` for an ASCII string: immortal, small, ASCII). The layout is checked once against a
/// string the standard library builds (`layoutHolds`); where it differs, or for other lengths and
/// non-ASCII bytes, `make` returns nil and the caller takes the standard path.
enum SmallASCIIString {
    /// The small-string discriminator of an ASCII string (immortal, small, ASCII), in the top byte.
    private static let asciiDiscriminator: UInt64 = 0xE0

    /// Whether this runtime's small strings are laid out as `make` assumes: an 11-byte id built by the
    /// standard library has exactly the words `make` builds for it.
    static let layoutHolds: Bool = {
        let sample: [UInt8] = Array("NCT01234567".utf8)
        let built = String(unsafeUninitializedCapacity: sample.count) { target in
            for i in 0..<sample.count { target[i] = sample[i] }
            return sample.count
        }
        guard MemoryLayout<String>.size == 16 else { return false }
        let words = unsafeBitCast(built, to: (UInt64, UInt64).self)
        guard let expected = sample.withUnsafeBytes({ rawWords($0) }) else { return false }
        return words == expected
    }()

    /// The string of `bytes` (8–15 ASCII bytes), or nil for other lengths, non-ASCII bytes or a runtime
    /// whose layout differs.
    ///
    /// The words are stored into a temporary and the string taken from it (`move()`), so it is owned as
    /// built: `unsafeBitCast(words, to: String.self)` gave an unowned value that the caller retained
    /// (a `swift_bridgeObjectRetain` call per id, which does nothing to a small string: 10 M of all
    /// 1,000 keyword queries at top 1,000 on the 16x replica; BENCHMARKS.md, `kw16`).
    /// - Complexity: O(1): two loads, a mask test and a shift.
    @inline(__always)
    static func make(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard layoutHolds, let words = rawWords(bytes) else { return nil }
        return withUnsafeTemporaryAllocation(of: String.self, capacity: 1) { string -> String? in
            guard let string = string.baseAddress else { return nil }
            UnsafeMutableRawPointer(string).storeBytes(of: words, as: (UInt64, UInt64).self)
            return string.move()
        }
    }

    /// The two words of the small ASCII string of `bytes`, or nil unless 8–15 ASCII bytes.
    @inline(__always)
    private static func rawWords(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        let n = bytes.count
        guard n >= 8 && n <= 15, let base = bytes.baseAddress else { return nil }
        // Bytes 0..<8, and bytes n-8..<n (overlapping the first load): together every byte, once or twice.
        let first = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        let last = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        guard (first | last) & 0x8080_8080_8080_8080 == 0 else { return nil }
        // Bytes 8..<n at the bottom of the second word (n = 8: none), the discriminator and count on top.
        let tail = n == 8 ? 0 : last &>> UInt64(8 * (16 - n))
        return (first, tail | (asciiDiscriminator | UInt64(n)) << 56)
    }
}
