/// FNV-1a, 64 bits: a hash that is the same in every process and on every machine, for fingerprints
/// stored on disk (Swift's `Hasher` is seeded per process and must not be stored).
struct StableHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { combine(byte: byte) }
    }

    mutating func combine(_ string: String) {
        for byte in string.utf8 { combine(byte: byte) }
        combine(byte: 0)
    }

    mutating func combine(_ word: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { combine(byte: UInt8(truncatingIfNeeded: word >> shift)) }
    }

    /// The first 32 bits as 8 lowercase hex digits.
    var hex8: String {
        let text = String(value >> 32, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }
}
