/// Eight bytes of text as one little-endian word, and the SWAR tests that find a kind of byte in it
/// without a branch per byte. A test's result has the high bit of each matching byte set; bytes after
/// the first match may be marked falsely (a borrow runs upward), so only `firstIndex` is read, except
/// of `equalExactly`.
enum ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `p` (unaligned), the byte at `p` lowest.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Marks the bytes of `word` below `limit` (at most 128).
    @inline(__always)
    static func below(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highBits
    }

    /// Marks the bytes of `word` equal to `byte`.
    @inline(__always)
    static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        below(word ^ (ones &* UInt64(byte)), 1)
    }

    /// Marks exactly the bytes of `word` equal to `byte`: no false marks (no borrow runs between bytes),
    /// so that every mark may be read, e.g. counted, at two more operations than `equal`.
    @inline(__always)
    static func equalExactly(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte)), low7 = ~highBits
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The index (0…7) of the first marked byte of a non-zero test result.
    @inline(__always)
    static func firstIndex(_ marks: UInt64) -> Int { marks.trailingZeroBitCount >> 3 }

    /// Marks exactly the bytes of `word` below 0x21 (spaces and control characters): no false marks.
    @inline(__always)
    static func belowSpaceExactly(_ word: UInt64) -> UInt64 {
        // (low 7 bits) + 0x5F carries into the high bit exactly when they are ≥ 0x21, never into the next
        // byte; a byte with its own high bit set is not below.
        let low7 = ~highBits
        return ~(((word & low7) &+ ones &* 0x5F) | word) & highBits
    }

    /// How many bytes of `word`, from its first, come before a control character, a space that follows
    /// a space or a control character (the byte before the word counts as one when `afterSpace`), or,
    /// with `backslash`, a backslash: 0…8. The run that paragraph normalization copies as it is: a
    /// single space between words is copied with them, where `plainCount` stops at every space.
    @inline(__always)
    static func plainOrSingleSpaceCount(_ word: UInt64, afterSpace: Bool, backslash: Bool) -> Int {
        let below = belowSpaceExactly(word)
        let spaces = equalExactly(word, 0x20)
        let afterBelow = below << 8 | (afterSpace ? 0x80 : 0)
        var special = (below & ~spaces) | (spaces & afterBelow)
        if backslash { special |= equal(word, UInt8(ascii: "\\")) }
        return special == 0 ? 8 : firstIndex(special)
    }

    /// How many bytes of `word`, from its first, come before a space or control character (any byte
    /// below 0x21) or, with `backslash`, a backslash: 0…8. The run that normalization copies as it is.
    @inline(__always)
    static func plainCount(_ word: UInt64, backslash: Bool) -> Int {
        var special = below(word, 0x21)
        if backslash { special |= equal(word, UInt8(ascii: "\\")) }
        return special == 0 ? 8 : firstIndex(special)
    }
}

/// Tests of 16-byte blocks' compare results.
enum ByteBlock {
    /// Whether any lane of `mask` is set: its two halves as words, or-ed. `any(_:)` is sometimes left by
    /// the optimizer as a call of `SIMD.min()` (about 30 instructions a test, with the loop's registers
    /// spilled around it); a mask's lanes are all ones or all zeros, so the words are nonzero exactly
    /// when a lane is set.
    @inline(__always)
    static func any(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] != 0
    }

    /// The first set lane of `mask`, which has one (`any`): the lowest set byte of its halves as
    /// little-endian words.
    @inline(__always)
    static func firstLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Int {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        let low = UInt64(littleEndian: halves[0])
        return low != 0 ? low.trailingZeroBitCount &>> 3 : 8 &+ (UInt64(littleEndian: halves[1]).trailingZeroBitCount &>> 3)
    }
}
