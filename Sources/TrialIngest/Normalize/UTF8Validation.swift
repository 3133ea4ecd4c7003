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
    @inline(__always)
    static func string(validated bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: isASCII))
    }

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
            // ASCII fast path, 32 bytes at a time (four words OR'd), then 8.
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
