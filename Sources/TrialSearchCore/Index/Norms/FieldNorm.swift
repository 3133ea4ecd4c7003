/// The one-byte encoding of a field length (number of tokens of a field in a doc), Lucene's
/// `SmallFloat.intToByte4`.
///
/// Lengths 0…23 are exact; above, a byte keeps 4 significant bits (3 stored, 1 implicit) and a 5-bit
/// exponent, rounding down, so a decoded length is at most 12.5 % below the true one. The encoding is
/// monotonic (a longer field never gets a smaller byte), which block-max bounds rely on: the minimum byte
/// of a block decodes to the minimum length. Example: 100 = 0b1100100 → exponent 3, mantissa 0b100 →
/// byte 24 + (4 << 3 | 0b100) = 60, which decodes to 0b1100 << 3 = 96.
public enum FieldNorm {
    /// Lengths below this are stored as themselves.
    static let exactLimit = 24

    /// The byte for `length` (clamped to `UInt32.max`).
    @inline(__always)
    public static func encode(_ length: Int) -> UInt8 {
        precondition(length >= 0, "negative field length \(length)")
        if length < exactLimit { return UInt8(length) }
        return UInt8(exactLimit + int4(UInt64(min(length, Int(Int32.max))) - UInt64(exactLimit)))
    }

    /// The (lower-bound) length a byte stands for.
    @inline(__always)
    public static func decode(_ byte: UInt8) -> Int {
        let i = Int(byte)
        if i < exactLimit { return i }
        return exactLimit + Int(int4ToLong(i - exactLimit))
    }

    /// `decode` of every byte, for scorers that precompute a per-byte table.
    public static let decodeTable: [Int] = (0...255).map { decode(UInt8($0)) }

    private static func int4(_ i: UInt64) -> Int {
        let numBits = 64 - i.leadingZeroBitCount
        if numBits < 4 { return Int(i) }
        let shift = numBits - 4
        var encoded = Int(i >> UInt64(shift)) & 0x07
        encoded |= (shift + 1) << 3
        return encoded
    }

    private static func int4ToLong(_ i: Int) -> UInt64 {
        let bits = UInt64(i & 0x07)
        let shift = (i >> 3) - 1
        if shift == -1 { return bits }
        return (bits | 0x08) << UInt64(shift)
    }
}
