/// A per-analyzer memo of what the stop-word and stemming filters make of each distinct word, so that
/// each is looked up in the stop list and stemmed once, not at every occurrence.
///
/// Open addressing with linear probing over a power-of-two slot array; keys and stems live in one byte
/// arena (`key bytes | stem bytes` per entry), entries are fixed-size records pointing into it, so a
/// lookup touches one slot, one entry and the arena, and allocates nothing. It grows by doubling up to
/// `maxEntries` distinct words (262,144) and an 8 MB arena, then starts over empty, which bounds its
/// memory (about 11 MB) whatever the input. Words longer than `maxKeyLength` bytes bypass it.
///
/// The cache owns its buffers and is freed by its owner (`AnalysisEngine`, owned by `Analyzer`, whose
/// `deinit` calls `deallocate()`); pointers into it are valid until the next `insert`.
struct StemCache {
    /// One cached word.
    struct Entry {
        var hash: UInt32
        var keyOffset: UInt32
        var keyLength: UInt8
        /// Length of the stem that follows the key in the arena, or `stopMarker`.
        var stemLength: UInt8
    }

    static let stopMarker: UInt8 = 0xFF
    static let maxKeyLength = 64
    static let maxEntries = 1 << 18
    static let maxArenaBytes = 8 << 20

    private var slots: UnsafeMutablePointer<UInt32>
    private var slotMask: Int
    private var entries: UnsafeMutablePointer<Entry>
    private var entryCapacity: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    /// Number of cached words.
    private(set) var count = 0
    /// How many times the cache was emptied because it was full (for benchmarks).
    private(set) var resets = 0

    init(initialSlots: Int = 1 << 12) {
        precondition(initialSlots > 0 && initialSlots & (initialSlots - 1) == 0,
                     "slot count \(initialSlots) is not a power of two")
        slots = .allocate(capacity: initialSlots)
        slots.initialize(repeating: 0, count: initialSlots)
        slotMask = initialSlots - 1
        entryCapacity = initialSlots / 2
        entries = .allocate(capacity: entryCapacity)
        arenaCapacity = initialSlots * 8
        arena = Self.allocateArena(arenaCapacity)
    }

    /// Frees the buffers; the cache must not be used afterwards.
    func deallocate() {
        slots.deallocate()
        entries.deallocate()
        arena.deallocate()
    }

    /// A fast hash of a short byte string (not stable across versions; never stored). Reads whole
    /// 8-byte words: `key` must stay readable up to 7 bytes past its end (the analyzer's scratch is
    /// padded for this); the bytes past the end do not affect the hash.
    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        if length <= 8 {
            // Most words: one masked load.
            let word = UnsafeRawPointer(key).loadUnaligned(as: UInt64.self) & mask(length)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
        } else {
            var i = 0
            while i < length {
                var word = UnsafeRawPointer(key + i).loadUnaligned(as: UInt64.self)
                let remaining = length &- i
                if remaining < 8 { word &= mask(remaining) }
                h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i &+= 8
            }
        }
        h = (h ^ (h >> 29)) &* 0xC4CE_B9FE_1A85_EC53
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The low `count` bytes set (count 1...8).
    @inline(__always)
    static func mask(_ count: Int) -> UInt64 {
        count >= 8 ? ~0 : (1 &<< (UInt64(truncatingIfNeeded: count) &* 8)) &- 1
    }

    /// The entry index for `key`, or -1.
    /// - Complexity: O(1) expected (load factor at most 1/2).
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32) -> Int {
        var slot = Int(hash) & slotMask
        while true {
            let stored = slots[slot]
            if stored == 0 { return -1 }
            let index = Int(stored &- 1)
            let entry = entries[index]
            if entry.hash == hash && Int(entry.keyLength) == length
                && Self.equal(arena + Int(entry.keyOffset), key, length) {
                return index
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// The stem cached in entry `index`, or nil when the word is a stop word.
    @inline(__always)
    func stem(at index: Int) -> UnsafeBufferPointer<UInt8>? {
        let entry = entries[index]
        if entry.stemLength == Self.stopMarker { return nil }
        return UnsafeBufferPointer(start: arena + Int(entry.keyOffset) + Int(entry.keyLength),
                                   count: Int(entry.stemLength))
    }

    /// Caches `key` → `stem` (nil: stop word) and returns the new entry's index. `key` must not be cached.
    mutating func insert(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32,
                         stem: UnsafeBufferPointer<UInt8>?) -> Int {
        precondition(length <= Self.maxKeyLength && (stem?.count ?? 0) <= Self.maxKeyLength * 2,
                     "key of \(length) bytes or stem of \(stem?.count ?? 0) bytes too long for the cache")
        let stemLength = stem?.count ?? 0
        if count == entryCapacity || arenaUsed + length + stemLength > arenaCapacity { makeRoom(length + stemLength) }
        let offset = arenaUsed
        (arena + offset).update(from: key, count: length)
        if let stem, let base = stem.baseAddress { (arena + offset + length).update(from: base, count: stemLength) }
        arenaUsed += length + stemLength
        let index = count
        entries[index] = Entry(hash: hash, keyOffset: UInt32(offset), keyLength: UInt8(length),
                               stemLength: stem == nil ? Self.stopMarker : UInt8(stemLength))
        count += 1
        var slot = Int(hash) & slotMask
        while slots[slot] != 0 { slot = (slot &+ 1) & slotMask }
        slots[slot] = UInt32(index + 1)
        return index
    }

    /// Grows the slots, entries or arena, or empties the cache when it has reached its limits.
    private mutating func makeRoom(_ bytes: Int) {
        if count == entryCapacity {
            guard entryCapacity < Self.maxEntries else { return reset() }
            let newSlots = (slotMask + 1) * 2
            entryCapacity = newSlots / 2
            let newEntries = UnsafeMutablePointer<Entry>.allocate(capacity: entryCapacity)
            newEntries.moveInitialize(from: entries, count: count)
            entries.deallocate()
            entries = newEntries
            slots.deallocate()
            slots = .allocate(capacity: newSlots)
            slots.initialize(repeating: 0, count: newSlots)
            slotMask = newSlots - 1
            for index in 0..<count {
                var slot = Int(entries[index].hash) & slotMask
                while slots[slot] != 0 { slot = (slot &+ 1) & slotMask }
                slots[slot] = UInt32(index + 1)
            }
        }
        if arenaUsed + bytes > arenaCapacity {
            guard arenaCapacity < Self.maxArenaBytes else { return reset() }
            let newCapacity = min(arenaCapacity * 2, Self.maxArenaBytes)
            let newArena = Self.allocateArena(newCapacity)
            newArena.update(from: arena, count: arenaUsed)
            arena.deallocate()
            arena = newArena
            arenaCapacity = newCapacity
        }
    }

    /// An arena of `capacity` bytes plus the 8 bytes of padding that word-wise comparison reads.
    private static func allocateArena(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 8)
        arena.initialize(repeating: 0, count: capacity + 8)
        return arena
    }

    /// Forgets every word, keeping the buffers.
    mutating func reset() {
        slots.update(repeating: 0, count: slotMask + 1)
        count = 0
        arenaUsed = 0
        resets += 1
    }

    /// Whether `a` and `b` hold the same `length` bytes; both must stay readable 7 bytes past `length`.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        if length <= 8 {
            let difference = UnsafeRawPointer(a).loadUnaligned(as: UInt64.self)
                ^ UnsafeRawPointer(b).loadUnaligned(as: UInt64.self)
            return difference & mask(length) == 0
        }
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
