import CIntrinsics

/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words), for change detection.
///
/// For each whole little-endian word w in order, h = (h ^ mix(w·K))·K, then h ^= h >> 32; the last
/// 0-7 bytes as one word with their bit count added. The word loop is C (`trialsearch_hash64_words`):
/// each word's `mix` is independent of the running hash, so with AVX2 four of them are computed at once
/// in vector lanes (about 13 instructions a word instead of 19, the content hash of every record indexed)
/// and only the short serial step stays per word; without AVX2 the same steps run word by word. The
/// value is stored (`DocValuesWriter`'s `contentHash`): it must not change.
enum Hash64 {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(h) }
        let words = bytes.count / 8
        h = trialsearch_hash64_words(base, words, h)
        var i = words * 8
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
