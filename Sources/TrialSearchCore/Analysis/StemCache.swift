/// A per-analyzer memo of what the stop-word and stemming filters make of each distinct word, so that
/// each is looked up in the stop list and stemmed once, not at every occurrence.
///
/// Open addressing with linear probing over a power-of-two array of 32-byte slots, each slot holding
/// one word: its hash, lengths, and the first 8 bytes of the word and of its stem. A word of at most 8
/// bytes whose stem has at most 8 bytes (nine words in ten in registry text) is found, compared and
/// returned from that one slot, two slots to a cache line; only longer words and stems keep their
/// bytes in an arena (`key bytes | stem bytes`). A lookup is thus one memory access where a slot →
/// entry → arena chain was three dependent ones: the cache is consulted at every token, and its slots
/// are too many to stay in the CPU's caches. It grows by doubling up to `maxSlots` (8 MB) and a
/// load of 3/4 (`maxEntries`, 196,608 distinct words) and an 8 MB arena, then starts over empty, which
/// bounds its memory whatever the input. Words longer than `maxKeyLength` bytes bypass it.
///
/// The cache owns its buffers and is freed by its owner (`AnalysisEngine`, owned by `Analyzer`, whose
/// `deinit` calls `deallocate()`); pointers into it are valid until the next `insert`.
struct StemCache {
    /// One cached word (`keyLength == 0`: an empty slot).
    struct Slot {
        /// The first 8 bytes of the word, zero-padded.
        var keyWord: UInt64
        /// The first 8 bytes of the stem, zero-padded.
        var stemWord: UInt64
        var hash: UInt32
        /// Where the word's bytes, then the stem's, are in the arena (when either is longer than 8).
        var arenaOffset: UInt32
        var keyLength: UInt8
        /// Length of the stem, or `stopMarker`.
        var stemLength: UInt8
        var reserved: UInt16
        /// `TermHash` of the stem (its prefix is `stemWord`); 0 for a stop word.
        var stemHash: UInt32
    }

    static let stopMarker: UInt8 = 0xFF
    static let maxKeyLength = 64
    /// Most slots (32 bytes each: 8 MB).
    static let maxSlots = 1 << 18
    /// Most words cached: a load of 3/4 of `maxSlots`.
    static let maxEntries = maxSlots / 4 * 3
    static let maxArenaBytes = 8 << 20
    /// Byte offset of `Slot.stemWord` (checked in `init`).
    private static let stemWordOffset = 8

    private var slots: UnsafeMutablePointer<Slot>
    private var slotMask: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    /// Number of cached words.
    private(set) var count = 0
    /// How many times the cache was emptied because it was full (for benchmarks).
    private(set) var resets = 0

    init(initialSlots: Int = 1 << 12) {
        precondition(initialSlots >= 4 && initialSlots & (initialSlots - 1) == 0 && initialSlots <= Self.maxSlots,
                     "slot count \(initialSlots) is not a power of two in 4...\(Self.maxSlots)")
        precondition(MemoryLayout<Slot>.stride == 32 && MemoryLayout<Slot>.offset(of: \Slot.stemWord) == Self.stemWordOffset,
                     "StemCache.Slot is \(MemoryLayout<Slot>.stride) bytes")
        slots = Self.allocateSlots(initialSlots)
        slotMask = initialSlots - 1
        arenaCapacity = 1 << 16
        arena = Self.allocateArena(arenaCapacity)
    }

    /// Frees the buffers; the cache must not be used afterwards.
    func deallocate() {
        HugePages.deallocate(slots, byteCount: (slotMask + 1) * MemoryLayout<Slot>.stride)
        arena.deallocate()
    }

    /// A fast hash of a short byte string (not stable across versions; never stored). Reads whole
    /// 8-byte words: `key` must stay readable up to 7 bytes past its end (the analyzer's scratch is
    /// padded for this); the bytes past the end do not affect the hash.
    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        // Most words: one masked load.
        if length <= 8 { return shortHash(firstWord(key, length)) }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        var i = 0
        while i < length {
            var word = UnsafeRawPointer(key + i).loadUnaligned(as: UInt64.self)
            let remaining = length &- i
            if remaining < 8 { word &= mask(remaining) }
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i &+= 8
        }
        h = (h ^ (h >> 29)) &* 0xC4CE_B9FE_1A85_EC53
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// `hash(key, length)` of a key of 1...16 bytes given as two zero-padded words (bytes 0–7 and
    /// 8–15; `w1` is 0 for a key of at most 8 bytes), computed without reading memory.
    @inline(__always)
    static func hash(words w0: UInt64, _ w1: UInt64, _ length: Int) -> UInt32 {
        if length <= 8 { return shortHash(w0) }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        h = (h ^ w0) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        h = (h ^ w1) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        h = (h ^ (h >> 29)) &* 0xC4CE_B9FE_1A85_EC53
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// `hash(key, length)` of a key of 1...8 bytes, given as its zero-padded first word: one multiply
    /// (the tokenizer's fast path hashes eight words in ten this way, at every token; the general hash
    /// took two and three shift-and-xor steps). The word's high bits are first folded onto its low
    /// ones, so that every byte reaches the product's high bits (a product's bit depends only on the
    /// factor's bits at and below it); the hash is the product's bits 40–63, the best mixed, whose low
    /// bits pick a slot (`hash & mask`; the stem cache and `SharedStems` have at most 2^18 slots, and
    /// compare words, not only hashes). Its bits 32–47 made a slot instead: all words of 1-3 letters
    /// took a fifth fewer slots of 2^16 than a random hash; a rotation keeping 32 bits cost two more
    /// instructions. On the registry's words of at most 8 letters it probes as the general hash did.
    /// The length is not mixed in: a key's zero-padded word says it (keys have no zero byte), and keys
    /// that differ only by trailing zero bytes merely share a hash.
    @inline(__always)
    static func shortHash(_ w0: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ((w0 ^ w0 &>> 28) &* 0x9E37_79B9_7F4A_7C15) &>> 40)
    }

    /// The first (up to) 8 bytes of `key`, zero-padded; `key` must stay readable 7 bytes past `length`.
    @inline(__always)
    static func firstWord(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        UnsafeRawPointer(key).loadUnaligned(as: UInt64.self) & mask(min(length, 8))
    }

    /// The low `count` bytes set (count 1...8).
    @inline(__always)
    static func mask(_ count: Int) -> UInt64 {
        count >= 8 ? ~0 : (1 &<< (UInt64(truncatingIfNeeded: count) &* 8)) &- 1
    }

    /// The slot index of `key`, or -1.
    /// - Complexity: O(1) expected (load factor at most 3/4).
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32) -> Int {
        find(key, length, hash: hash, firstWord: Self.firstWord(key, length))
    }

    /// `find` given the key's `firstWord` as well. Keys have no zero byte (the analyzer's are ASCII letters).
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32, firstWord word: UInt64) -> Int {
        var slot = Int(hash) & slotMask
        while true {
            let s = slots + slot
            let stored = Int(s.pointee.keyLength)
            if stored == 0 { return -1 }
            // Keys are ASCII letters (no zero byte), so a zero-padded first word of a key of at most
            // 8 bytes also says its length: such a key is the word when both words are equal.
            if s.pointee.keyWord == word
                && (length <= 8 ? stored <= 8
                    : s.pointee.hash == hash && stored == length
                        && Self.equal(arena + Int(s.pointee.arenaOffset) + 8, key + 8, length - 8)) {
                return slot
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// `find` for a key of 1...8 bytes given as its zero-padded first word (the tokenizer's fast path):
    /// keys have no zero byte, so the word also says the key's length, and a slot holds the key when its
    /// stored key has at most 8 bytes and the same first word.
    @inline(__always)
    func find(short word: UInt64, hash: UInt32) -> Int {
        var slot = Int(hash) & slotMask
        while true {
            let s = slots + slot
            let stored = s.pointee.keyLength
            if stored == 0 { return -1 }
            if s.pointee.keyWord == word && stored <= 8 { return slot }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// `find` for a key of 9...16 bytes given as its first word `w0` and its zero-padded second word `w1`
    /// (the key's bytes 8..<`length` under `secondMask`): a slot holds the key when its stored key has
    /// `length` bytes, the same first word and, in the arena, the same second word (read as 8 bytes: the
    /// arena is padded past its last byte).
    @inline(__always)
    func find(long w0: UInt64, _ w1: UInt64, _ secondMask: UInt64, _ length: Int, hash: UInt32) -> Int {
        var slot = Int(hash) & slotMask
        while true {
            let s = slots + slot
            let stored = Int(s.pointee.keyLength)
            if stored == 0 { return -1 }
            if s.pointee.keyWord == w0 && stored == length
                && UInt64(littleEndian: UnsafeRawPointer(arena + Int(s.pointee.arenaOffset))
                    .loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & secondMask == w1 {
                return slot
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// The stem cached in slot `index`, or nil when the word is a stop word.
    @inline(__always)
    func stem(at index: Int) -> UnsafeBufferPointer<UInt8>? {
        let s = slots + index
        let length = s.pointee.stemLength
        if length == Self.stopMarker { return nil }
        if length <= 8 {
            let inline = UnsafeMutableRawPointer(s) + Self.stemWordOffset
            return UnsafeBufferPointer(start: inline.assumingMemoryBound(to: UInt8.self), count: Int(length))
        }
        return UnsafeBufferPointer(start: arena + Int(s.pointee.arenaOffset) + Int(s.pointee.keyLength),
                                   count: Int(length))
    }

    /// The `TermHash` of the stem cached in slot `index` (not a stop word).
    @inline(__always)
    func stemTermHash(at index: Int) -> (hash: UInt32, prefix: UInt64) {
        (slots[index].stemHash, slots[index].stemWord)
    }

    /// Caches `key` → `stem` (nil: stop word) and returns the new slot's index. `key` must not be cached.
    mutating func insert(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32,
                         stem: UnsafeBufferPointer<UInt8>?) -> Int {
        precondition(length > 0 && length <= Self.maxKeyLength && (stem?.count ?? 0) <= Self.maxKeyLength * 2,
                     "key of \(length) bytes or stem of \(stem?.count ?? 0) bytes out of the cache's range")
        let stemLength = stem?.count ?? 0
        let usesArena = length > 8 || stemLength > 8
        if count == Self.maxEntries || (usesArena && arenaUsed + length + stemLength > Self.maxArenaBytes) {
            reset()
        } else if (count + 1) * 4 > (slotMask + 1) * 3 {
            grow()
        }
        var s = Slot(keyWord: Self.firstWord(key, length), stemWord: 0, hash: hash, arenaOffset: 0,
                     keyLength: UInt8(length), stemLength: stem == nil ? Self.stopMarker : UInt8(stemLength),
                     reserved: 0, stemHash: 0)
        if let stem, let base = stem.baseAddress {
            // `TermHash`'s prefix is the stem's first 8 bytes zero-padded, as a little-endian word: the
            // bytes `stemWord` holds (`stem(at:)` reads them in place), without a copy call.
            let (stemHash, prefix) = TermHash.of(base, stemLength)
            s.stemHash = stemHash
            s.stemWord = UInt64(littleEndian: prefix)
        }
        if usesArena {
            if arenaUsed + length + stemLength > arenaCapacity { growArena(arenaUsed + length + stemLength) }
            s.arenaOffset = UInt32(arenaUsed)
            (arena + arenaUsed).update(from: key, count: length)
            if let stem, let base = stem.baseAddress { (arena + arenaUsed + length).update(from: base, count: stemLength) }
            arenaUsed += length + stemLength
        }
        var slot = Int(hash) & slotMask
        while slots[slot].keyLength != 0 { slot = (slot &+ 1) & slotMask }
        slots[slot] = s
        count += 1
        return slot
    }

    /// Doubles the slots (up to `maxSlots`), moving every word to its slot in the new array.
    private mutating func grow() {
        let oldMask = slotMask
        guard oldMask + 1 < Self.maxSlots else { return }
        let old = slots
        slotMask = (oldMask + 1) * 2 - 1
        slots = Self.allocateSlots(slotMask + 1)
        for i in 0...oldMask where old[i].keyLength != 0 {
            var slot = Int(old[i].hash) & slotMask
            while slots[slot].keyLength != 0 { slot = (slot &+ 1) & slotMask }
            slots[slot] = old[i]
        }
        HugePages.deallocate(old, byteCount: (oldMask + 1) * MemoryLayout<Slot>.stride)
    }

    /// Grows the arena to hold at least `bytes` (at most `maxArenaBytes`).
    private mutating func growArena(_ bytes: Int) {
        var capacity = arenaCapacity * 2
        while capacity < bytes { capacity *= 2 }
        capacity = min(capacity, Self.maxArenaBytes)
        let newArena = Self.allocateArena(capacity)
        newArena.update(from: arena, count: arenaUsed)
        arena.deallocate()
        arena = newArena
        arenaCapacity = capacity
    }

    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<Slot> {
        let raw = HugePages.allocateZeroed(byteCount: count * MemoryLayout<Slot>.stride)
        return raw.bindMemory(to: Slot.self, capacity: count)
    }

    /// An arena of `capacity` bytes plus the 8 bytes of padding that word-wise comparison reads.
    private static func allocateArena(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 8)
        arena.initialize(repeating: 0, count: capacity + 8)
        return arena
    }

    /// Forgets every word, keeping the buffers.
    mutating func reset() {
        slots.update(repeating: Slot(keyWord: 0, stemWord: 0, hash: 0, arenaOffset: 0, keyLength: 0, stemLength: 0,
                                     reserved: 0, stemHash: 0), count: slotMask + 1)
        count = 0
        arenaUsed = 0
        resets += 1
    }

    /// Whether `a` and `b` hold the same `length` bytes; both must stay readable 7 bytes past `length`.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var i = 0
        while i < length {
            var difference = UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
                ^ UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
            let remaining = length &- i
            if remaining < 8 { difference &= mask(remaining) }
            if difference != 0 { return false }
            i &+= 8
        }
        return true
    }
}
