#if canImport(Glibc)
import Glibc
#endif

/// The indexing state of one term in an in-memory segment: 64 bytes, one cache line of the hash table
/// (the fields every token reads come first). `textLength == 0` marks an empty slot.
struct TermState {
    /// The first 8 bytes of the term (zero-padded): most terms compare without touching the arena.
    var prefix: UInt64 = 0
    var hash: UInt32 = 0
    var textLength: UInt16 = 0
    /// Field of the pending (doc, field) entry.
    var lastField: UInt8 = 0
    var positionsLevel: UInt8 = 0
    /// Doc of the pending entry (−1 before the first).
    var lastDoc: Int32 = -1
    /// termFreq of the pending (doc, field) entry; 0 when nothing is pending.
    var pendingFreq: Int32 = 0
    var lastPosition: Int32 = 0
    var positionsUpto: Int32 = 0, positionsEnd: Int32 = 0
    var docUpto: Int32 = 0, docEnd: Int32 = 0
    /// Doc of the last entry written to the doc stream (−1 before the first).
    var lastWrittenDoc: Int32 = -1
    var textStart: Int32 = 0
    /// Where the two streams start (read at flush).
    var docStart: Int32 = 0, positionsStart: Int32 = 0
    var docLevel: UInt8 = 0
}

/// The terms of an in-memory segment: an open-addressing hash table whose slots *are* the terms'
/// `TermState`s (64-byte aligned, load ≤ 1/2), a byte arena of term texts, and for each term two
/// `ByteBlockPool` streams.
///
/// Keeping the state in the slot means a token costs one cache line (probe, compare on hash, length and
/// first 8 bytes, update) instead of two; a term's id is its slot, which changes when the table grows,
/// so nothing holds ids across `add` calls (flush collects the occupied slots).
///
/// Doc stream of a term, one entry per (doc, field) in doc order then field order:
/// `code:vint [termFreq:vint]` with `code = docDelta·32 + field·2 + (termFreq == 1 ? 1 : 0)` and
/// `docDelta` the gap to the previous entry's doc (0 for another field of the same doc).
/// Positions stream: per entry, termFreq vints, the first position then gaps (the values of the
/// on-disk `.pos` blocks, which flush codes block by block).
///
/// A value type with manually managed memory (see `ByteBlockPool`); the owner calls `deallocate()`.
struct TermTable {
    private(set) var pool = ByteBlockPool()
    /// The hash table of term states (`tableMask + 1` slots).
    private(set) var terms: UnsafeMutablePointer<TermState>
    private(set) var termCount = 0
    /// Slots minus one (a power of two minus one).
    private(set) var tableMask: Int
    private(set) var text: UnsafeMutablePointer<UInt8>
    private var textCount = 0
    private var textCapacity: Int

    /// Longest term indexed; longer tokens (garbage such as base64 runs) are dropped.
    static let maxTermLength = 255

    /// An empty table of `slots` (a power of two) term slots and `textCapacity` bytes of term text,
    /// both grown as terms arrive. The defaults are an indexing segment's; a flushed segment's builder
    /// is left with the smallest table (`slots: 1, textCapacity: 0`), not 2 MB zeroed for nothing.
    init(slots: Int = 1 << 15, textCapacity: Int = 1 << 18) {
        precondition(slots > 0 && slots & (slots - 1) == 0 && textCapacity >= 0, "\(slots) slots, \(textCapacity) bytes")
        tableMask = slots - 1
        terms = Self.allocateStates(slots)
        self.textCapacity = textCapacity
        text = .allocate(capacity: textCapacity)
    }

    private static func allocateStates(_ count: Int) -> UnsafeMutablePointer<TermState> {
        precondition(MemoryLayout<TermState>.stride == 64, "TermState is \(MemoryLayout<TermState>.stride) bytes")
        let raw = HugePages.allocateZeroed(byteCount: count * 64)
        return raw.bindMemory(to: TermState.self, capacity: count)
    }

    mutating func deallocate() {
        pool.deallocate()
        HugePages.deallocate(terms, byteCount: (tableMask + 1) * 64)
        text.deallocate()
    }

    /// Bytes allocated.
    var memoryUsage: Int { pool.memoryUsage + (tableMask + 1) * 64 + textCapacity }

    /// The bytes of the term in slot `t`.
    @inline(__always)
    func termBytes(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text + Int(terms[t].textStart), count: Int(terms[t].textLength))
    }

    /// Where a term of hash `hash` is looked up first (for a prefetch).
    @inline(__always)
    func homeSlot(hash: UInt32) -> UnsafeRawPointer { UnsafeRawPointer(terms + (Int(hash) & tableMask)) }

    /// The slot of `term` (non-empty), added when new.
    @inline(__always)
    mutating func slot(of base: UnsafePointer<UInt8>, count n: Int) -> Int {
        let (h, prefix) = TermHash.of(base, n)
        return slot(of: base, count: n, hash: h, prefix: prefix)
    }

    /// `slot(of:count:)` given the term's `TermHash`. A loop rather than a recursion after growing the
    /// table, so that it inlines into `add(_:doc:field:)`.
    @inline(__always)
    mutating func slot(of base: UnsafePointer<UInt8>, count n: Int, hash h: UInt32, prefix: UInt64) -> Int {
        while true {
            var slot = Int(h) & tableMask
            while true {
                let s = terms + slot
                let length = Int(s.pointee.textLength)
                if length == 0 { break }
                if s.pointee.prefix == prefix && s.pointee.hash == h && length == n
                    && (n <= 8 || Self.equalPast8(text + Int(s.pointee.textStart), base, n)) {
                    return slot
                }
                slot = (slot &+ 1) & tableMask
            }
            if (termCount + 1) * 2 > tableMask + 1 {
                growTable()
                continue
            }
            return add(base, count: n, hash: h, prefix: prefix, slot: slot)
        }
    }

    /// Whether the `n` (> 8) bytes at `a` and `b`, whose first 8 are equal, are equal: a term of up to
    /// 16 bytes by one 8-byte compare of its last 8 bytes (inside the term), a longer one by `memcmp`.
    @inline(__always)
    private static func equalPast8(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n <= 16 {
            return UnsafeRawPointer(a).loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                == UnsafeRawPointer(b).loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        return memcmp(a + 8, b + 8, n - 8) == 0
    }

    @inline(never)
    private mutating func add(_ base: UnsafePointer<UInt8>, count n: Int, hash h: UInt32, prefix: UInt64, slot: Int) -> Int {
        if textCount + n > textCapacity {
            var capacity = max(textCapacity * 2, 1 << 10)
            while textCount + n > capacity { capacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            bigger.update(from: text, count: textCount)
            text.deallocate()
            text = bigger
            textCapacity = capacity
        }
        (text + textCount).update(from: base, count: n)
        var s = TermState()
        s.textStart = Int32(textCount)
        s.textLength = UInt16(n)
        s.hash = h
        s.prefix = prefix
        s.docStart = pool.allocateSlice(level: 0)
        s.docUpto = s.docStart
        s.docEnd = s.docStart + ByteBlockPool.size(level: 0) - 4
        s.positionsStart = pool.allocateSlice(level: 0)
        s.positionsUpto = s.positionsStart
        s.positionsEnd = s.positionsStart + ByteBlockPool.size(level: 0) - 4
        terms[slot] = s
        textCount += n
        termCount += 1
        return slot
    }

    /// Doubles the table, moving every state to its slot in the new one.
    @inline(never)
    private mutating func growTable() {
        let oldMask = tableMask
        let old = terms
        tableMask = (oldMask + 1) * 2 - 1
        terms = Self.allocateStates(tableMask + 1)
        for i in 0...oldMask where old[i].textLength != 0 {
            var slot = Int(old[i].hash) & tableMask
            while terms[slot].textLength != 0 { slot = (slot + 1) & tableMask }
            terms[slot] = old[i]
        }
        HugePages.deallocate(old, byteCount: (oldMask + 1) * 64)
    }

    /// Records one occurrence of each term of `batch` (in its order) in (`doc`, `field`) at its position.
    /// Docs arrive in increasing order, and within a doc fields in increasing order; terms are
    /// 1...`maxTermLength` bytes (longer tokens are dropped by the caller). Their home slots were
    /// prefetched as they were queued.
    ///
    /// The entries are walked by pointer and each field read where it is used (`batchSlot`), not copied
    /// out first: the copy's fields and the term's addresses did not fit the registers and went to the
    /// stack at every token, for the rare paths (a new term, a term past 8 bytes) that use them.
    mutating func add(_ batch: TokenBatch, doc: Int32, field: UInt8) {
        var e = UnsafePointer(batch.entries)
        let end = e + batch.count
        let bytes = UnsafePointer(batch.bytes)
        while e < end {
            // The slot first: adding a term may grow the table and move `terms`.
            let slot = batchSlot(of: e, bytes: bytes)
            record(slot: slot, doc: doc, field: field, position: e.pointee.position)
            e += 1
        }
    }

    /// `slot(of:count:hash:prefix:)` of the term of the batch entry `e` (its bytes in `bytes`): the home
    /// slot compared inline, anything else (a collision, a new term) out of line (`probeFurther`), so
    /// that the inline path keeps no value for a second probe (they were spilled at every token).
    @inline(__always)
    private mutating func batchSlot(of e: UnsafePointer<TokenBatch.Entry>, bytes: UnsafePointer<UInt8>) -> Int {
        let h = e.pointee.hash
        let n = Int(e.pointee.length)
        let slot = Int(h) & tableMask
        let s = terms + slot
        // An empty slot's length (0) differs from any term's. The stored hash is not compared: the
        // zero-padded first 8 bytes and the length are a term of at most 8 bytes, and a longer one's
        // bytes past 8 are compared (a compare and a branch less per token).
        if s.pointee.prefix == e.pointee.prefix && Int(s.pointee.textLength) == n
            && (n <= 8 || Self.equalPast8(text + Int(s.pointee.textStart), bytes + Int(e.pointee.start), n)) {
            return slot
        }
        return probeFurther(e, bytes: bytes)
    }

    /// The slot of the batch entry `e`'s term when its home slot holds another term or none: the full
    /// probe, adding the term when it is new. A term of at most 8 bytes is not in `bytes` but in the
    /// entry's prefix (`TokenBatch.append`), whose little-endian bytes are the term's.
    @inline(never)
    private mutating func probeFurther(_ e: UnsafePointer<TokenBatch.Entry>, bytes: UnsafePointer<UInt8>) -> Int {
        let n = Int(e.pointee.length)
        if n > 8 {
            return slot(of: bytes + Int(e.pointee.start), count: n, hash: e.pointee.hash, prefix: e.pointee.prefix)
        }
        var word = e.pointee.prefix.littleEndian
        return withUnsafeBytes(of: &word) { term in
            guard let base = term.baseAddress else { preconditionFailure("a word has an address") }
            return slot(of: base.assumingMemoryBound(to: UInt8.self), count: n, hash: e.pointee.hash,
                        prefix: e.pointee.prefix)
        }
    }

    /// Records one occurrence of the term in `slot` in (`doc`, `field`) at `position`.
    @inline(__always)
    private mutating func record(slot: Int, doc: Int32, field: UInt8, position: Int32) {
        let s = terms + slot
        let delta: Int32
        if s.pointee.lastDoc == doc && s.pointee.lastField == field {
            // Counts and positions of one field of one record (under 2 GB): no overflow to check.
            s.pointee.pendingFreq &+= 1
            // Positions never go backwards within a field; a decreasing one is kept at the last position.
            delta = max(0, position &- s.pointee.lastPosition)
            s.pointee.lastPosition &+= delta
        } else {
            if s.pointee.pendingFreq > 0 { writePending(s) }
            s.pointee.lastDoc = doc
            s.pointee.lastField = field
            s.pointee.pendingFreq = 1
            delta = max(0, position)
            s.pointee.lastPosition = delta
        }
        pool.appendVInt(UInt32(delta), upto: &s.pointee.positionsUpto, end: &s.pointee.positionsEnd,
                        level: &s.pointee.positionsLevel)
    }

    /// Writes the pending (doc, field, termFreq) entry of a term to its doc stream.
    ///
    /// The usual entry (a code of at most 3 bytes: a doc gap below 65,536; a termFreq below 128; room in
    /// the slice) is stored here, inline, as one 4-byte word (`ByteBlockPool.vintWord`, the termFreq's
    /// byte after the code's, counted only when the termFreq is not 1): the code's length and whether a
    /// termFreq follows were two branches a coin toss each. Any other entry goes through `appendVInt` out
    /// of line. The same bytes either way.
    @inline(__always)
    private mutating func writePending(_ s: UnsafeMutablePointer<TermState>) {
        let docDelta = UInt32(bitPattern: s.pointee.lastDoc &- s.pointee.lastWrittenDoc)
        let freq = s.pointee.pendingFreq
        let code = docDelta &<< 5 | UInt32(truncatingIfNeeded: s.pointee.lastField) &<< 1 | (freq == 1 ? 1 : 0)
        let upto = s.pointee.docUpto
        let (word, codeLength) = ByteBlockPool.vintWord(code)
        let length = codeLength &+ Int32(unsafeBitCast(freq != 1, to: UInt8.self))
        if code < 1 << 21 && freq < 0x80 && length <= s.pointee.docEnd &- upto {
            // `codeLength` is 1...3: the termFreq's byte stays in the word.
            pool.storeWord(word | UInt32(truncatingIfNeeded: freq) &<< (UInt32(bitPattern: codeLength) &* 8), at: upto)
            s.pointee.docUpto = upto &+ length
        } else {
            writeEntry(s, code: code, freq: freq)
        }
        s.pointee.lastWrittenDoc = s.pointee.lastDoc
        s.pointee.pendingFreq = 0
    }

    /// `writePending`'s other entries: a termFreq above 1, a long doc gap or a full slice.
    @inline(never)
    private mutating func writeEntry(_ s: UnsafeMutablePointer<TermState>, code: UInt32, freq: Int32) {
        pool.appendVInt(code, upto: &s.pointee.docUpto, end: &s.pointee.docEnd, level: &s.pointee.docLevel)
        if freq != 1 {
            pool.appendVInt(UInt32(freq), upto: &s.pointee.docUpto, end: &s.pointee.docEnd, level: &s.pointee.docLevel)
        }
    }

    /// Writes every pending entry (before reading the streams back).
    mutating func finishPending() {
        for t in 0...tableMask where terms[t].textLength != 0 && terms[t].pendingFreq > 0 { writePending(terms + t) }
    }
}
