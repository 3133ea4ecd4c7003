import CIntrinsics

/// Finds the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF).
///
/// Runs of ASCII are skipped 32 bytes at a time (then eight), so validating registry text costs well under a
/// byte-compare per byte.
enum UTF8Validation {
    /// `bytes` without a leading UTF-8 byte-order mark (EF BB BF), which Windows editors write and which
    /// would otherwise start a record's first line.
    static func droppingByteOrderMark(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF else { return bytes }
        return UnsafeRawBufferPointer(rebasing: bytes[3...])
    }

    /// A `String` of `bytes`, which the caller knows to be well-formed UTF-8 (validated before, or
    /// `isASCII`): made without `String(decoding:as:)`'s second validation pass (`_allASCII`, and a loop
    /// of 9 instructions a byte through any text with a non-ASCII byte). `isASCII` true promises that
    /// every byte is below 0x80; the string keeps it as its ASCII flag (false leaves the flag unset, which
    /// is correct for any text but slows comparisons down: callers pass the exact answer).
    ///
    /// A text of at most 15 bytes (about half of a record's strings: countries, cities, states, phases,
    /// status and design words, ages, short names) is made as a small string by `smallString`, without
    /// the two calls into the standard library (about 110 instructions: `UTF8Span`'s check, then
    /// `_uncheckedFromUTF8` packing the bytes one at a time).
    @inline(__always)
    static func string(validated bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        #if _endian(little) && _pointerBitWidth(_64)
        if bytes.count <= 15, let base = bytes.baseAddress { return smallString(base, count: bytes.count) }
        #endif
        return String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: isASCII))
    }

    #if _endian(little) && _pointerBitWidth(_64)
    /// The small `String` of the `count` (at most 15) bytes at `p`, well-formed UTF-8: its two words
    /// built as the standard library builds them (Swift's string ABI on a 64-bit little-endian target,
    /// see `StringBytes`): the bytes little-endian from the first word's low byte, zeros after them,
    /// and in the second word's top byte the form and the count, `0xE0 | count` when every byte is ASCII,
    /// `0xA0 | count` otherwise (the flag taken from the bytes, as the standard library takes it, so the
    /// words are the ones `String(decoding:as:)` makes: `UTF8ValidationTests` compares them). The bytes
    /// are read with loads inside the text only (the last ones overlapping the first). Out of line: inlined
    /// into the decoder's string paths, it made `string()` too large to be inlined into its callers.
    @inline(never)
    static func smallString(_ p: UnsafePointer<UInt8>, count n: Int) -> String {
        let raw = UnsafeRawPointer(p)
        var low: UInt64 = 0
        var high: UInt64 = 0
        if n >= 8 {
            low = raw.loadUnaligned(as: UInt64.self)
            // Bytes 8..<n: the text's last 8 bytes shifted down past those already in `low`.
            if n > 8 { high = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) &>> UInt64(truncatingIfNeeded: (16 &- n) &* 8) }
        } else if n >= 4 {
            let first = UInt64(raw.loadUnaligned(as: UInt32.self))
            let last = UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            low = first | last &<< UInt64(truncatingIfNeeded: (n &- 4) &* 8)
        } else {
            var k = 0
            while k < n {
                low |= UInt64(p[k]) &<< UInt64(truncatingIfNeeded: k &* 8)
                k &+= 1
            }
        }
        return smallString(low: low, high: high, count: n)
    }

    /// The small `String` whose bytes are `low` then `high` (the bytes past `count` zero): the count and
    /// the ASCII flag set in the top byte of `high`, as Swift's small-string layout has them.
    @inline(__always)
    private static func smallString(low: UInt64, high: UInt64, count n: Int) -> String {
        let ascii = (low | high) & 0x8080_8080_8080_8080 == 0
        let discriminated = high | ((ascii ? 0xE0 : 0xA0) | UInt64(truncatingIfNeeded: n)) &<< 56
        // Written over an empty string's words rather than `unsafeBitCast` from the pair: the cast's result
        // was retained (`swift_bridgeObjectRetain`, a no-op on a small string but a call each time).
        var string = ""
        withUnsafeMutableBytes(of: &string) { words in
            words.storeBytes(of: low, as: UInt64.self)
            words.storeBytes(of: discriminated, toByteOffset: 8, as: UInt64.self)
        }
        return string
    }

    /// The small `String` of the first `count` (at most 15) bytes of `block`, well-formed UTF-8: the
    /// words `smallString(_:count:)` makes of the same bytes, taken from the block's two halves with the
    /// bytes past `count` cleared (the block was loaded from a buffer whose text ends there).
    @inline(__always)
    static func smallString(block: SIMD16<UInt8>, count n: Int) -> String {
        let halves = unsafeBitCast(block, to: SIMD2<UInt64>.self)
        var low = halves[0], high = halves[1]
        if n < 8 {
            low &= (1 &<< UInt64(truncatingIfNeeded: n &* 8)) &- 1
            high = 0
        } else {
            high &= (1 &<< UInt64(truncatingIfNeeded: (n &- 8) &* 8)) &- 1
        }
        return smallString(low: low, high: high, count: n)
    }
    #endif

    /// The offset of the first invalid byte, or nil when all of `bytes` is UTF-8.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        firstInvalidOffset(bytes) { _ in }
    }

    /// `firstInvalidOffset(bytes)`, appending to `nonASCII` the offset of the first byte of each
    /// character that is not ASCII, in order (those of the valid text before an invalid byte too). A text's
    /// characters are then ASCII exactly when no offset falls inside it (`TrialJSONDecoder` makes its
    /// strings so, without looking at their bytes again).
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer, nonASCII: inout [Int]) -> Int? {
        firstInvalidOffset(bytes) { nonASCII.append($0) }
    }

    @inline(__always)
    private static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer, onNonASCII: (Int) -> Void) -> Int? {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        var i = 0
        while i < count {
            // ASCII fast path, 64 bytes at a time (four 16-byte blocks OR'd, their high bits by one
            // `pmovmskb`), then 32 (four words OR'd), then 8.
            while i &+ 64 <= count {
                let blocks = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self)
                if trialsearch_movemask(blocks) != 0 { break }
                i &+= 64
            }
            while i &+ 32 <= count {
                let words = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
                if words & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 32
            }
            while i + 8 <= count, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < count else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= count else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower, b1 <= upper else { return i }
            if length >= 3 { guard bytes[i + 2] & 0xC0 == 0x80 else { return i } }
            if length == 4 { guard bytes[i + 3] & 0xC0 == 0x80 else { return i } }
            onNonASCII(i)
            i += length
        }
        return nil
    }
}
