/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words), for change detection.
enum Hash64 {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(h) }
        var i = 0
        // Two words per turn of the loop (its test and count shared), then the last whole word: the same
        // steps in the same order as one word per turn.
        while i + 16 <= bytes.count {
            let w0 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let w1 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            h = (h ^ mix(w0 &* k)) &* k
            h ^= h >> 32
            h = (h ^ mix(w1 &* k)) &* k
            h ^= h >> 32
            i += 16
        }
        if i + 8 <= bytes.count {
            let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ mix(w &* k)) &* k
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        h = (h ^ mix(tail &* k &+ shift)) &* k
        return mix(h)
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
