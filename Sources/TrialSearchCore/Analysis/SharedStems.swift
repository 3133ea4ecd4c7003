import CIntrinsics
#if canImport(Glibc)
import Glibc
#endif

/// The stems that the analyzers of one build's workers have computed, shared between them, so that a
/// word is stemmed once per build rather than once per worker: each worker's `StemCache` misses on
/// every distinct word it meets, and about a third of the words the two workers of the 10,614 trials'
/// build meet are the other's too (libstemmer takes about 2,600 instructions a word).
///
/// Insert-only and lock-free: a fixed array of `slotCount` 64-bit slots (open addressing, linear
/// probing of at most `maxProbes` slots), each empty (0) or the word's `StemCache.hash` in its high 32
/// bits and 1 + the offset of its entry in the arena in its low 32; an entry is
/// `wordLength:UInt8 stemLength:UInt8 word stem`. A worker writes an entry in room it takes from the
/// arena (an atomic addition), then publishes its slot by an atomic compare-and-exchange with release
/// ordering; a reader loads slots with acquire ordering, so an entry it finds is complete. Entries are
/// never changed or removed until `deinit`. When the arena or a word's probes are full, words are no
/// longer published (they are stemmed by each worker, as without the table): the result never depends
/// on what the table holds, since a word's stem is the same whichever worker computed it.
///
/// Only for the stemmer algorithm it was made for (`algorithm`, libstemmer's name). `@unchecked
/// Sendable`: its memory is shared only through the atomic operations above.
public final class SharedStems: @unchecked Sendable {
    /// The libstemmer algorithm whose stems the table holds.
    let algorithm: String
    static let slotCount = 1 << 18
    static let arenaBytes = 8 << 20
    static let maxProbes = 16
    /// Longest word or stem published (each length is one byte).
    static let maxLength = 255

    private let slots: UnsafeMutablePointer<UInt64>
    private let arena: UnsafeMutablePointer<UInt8>
    /// Arena bytes handed out (may pass `arenaBytes`: the words that did not fit are not published).
    private let used: UnsafeMutablePointer<UInt64>

    /// An empty table for the stems of `algorithm` (libstemmer's name, e.g. `english`).
    public init(algorithm: String) {
        self.algorithm = algorithm
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: 0, count: Self.slotCount)
        arena = .allocate(capacity: Self.arenaBytes)
        used = .allocate(capacity: 1)
        used.initialize(to: 0)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
        used.deallocate()
    }

    /// The stem of the `length` bytes at `word` (whose `StemCache.hash` is `hash`) if a worker published
    /// it; valid as long as the table.
    @inline(__always)
    func stem(of word: UnsafePointer<UInt8>, _ length: Int, hash: UInt32) -> UnsafeBufferPointer<UInt8>? {
        var slot = Int(hash) & (Self.slotCount - 1)
        for _ in 0..<Self.maxProbes {
            let value = trialsearch_load_acquire_u64(slots + slot)
            if value == 0 { return nil }
            if UInt32(truncatingIfNeeded: value >> 32) == hash {
                let entry = arena + Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                if Int(entry[0]) == length && memcmp(entry + 2, word, length) == 0 {
                    return UnsafeBufferPointer(start: entry + 2 + length, count: Int(entry[1]))
                }
            }
            slot = (slot &+ 1) & (Self.slotCount - 1)
        }
        return nil
    }

    /// Publishes `stem` as the stem of the `length` bytes at `word` (whose `StemCache.hash` is `hash`),
    /// unless the table is full or the word is there already.
    func publish(_ word: UnsafePointer<UInt8>, _ length: Int, hash: UInt32, stem: UnsafeBufferPointer<UInt8>) {
        guard length <= Self.maxLength, stem.count <= Self.maxLength, let stemBase = stem.baseAddress else { return }
        let size = 2 + length + stem.count
        let offset = Int(trialsearch_fetch_add_u64(used, UInt64(size)))
        guard offset + size <= Self.arenaBytes else { return }
        let entry = arena + offset
        entry[0] = UInt8(length)
        entry[1] = UInt8(stem.count)
        (entry + 2).update(from: word, count: length)
        (entry + 2 + length).update(from: stemBase, count: stem.count)
        let value = UInt64(hash) << 32 | UInt64(offset + 1)
        var slot = Int(hash) & (Self.slotCount - 1)
        for _ in 0..<Self.maxProbes {
            var expected: UInt64 = 0
            if trialsearch_cas_release_u64(slots + slot, &expected, value) != 0 { return }
            // Taken: by the same word (the other worker stemmed it meanwhile), or by another.
            if UInt32(truncatingIfNeeded: expected >> 32) == hash {
                let other = arena + Int(truncatingIfNeeded: expected & 0xFFFF_FFFF) - 1
                if Int(other[0]) == length && memcmp(other + 2, word, length) == 0 { return }
            }
            slot = (slot &+ 1) & (Self.slotCount - 1)
        }
    }
}
