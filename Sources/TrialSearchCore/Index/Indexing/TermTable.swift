#if canImport(Glibc)
import Glibc
#endif

/// The indexing state of one term in an in-memory segment: 64 bytes in a 64-byte aligned array, so a
/// token touches exactly one cache line of term state (the fields every token reads come first).
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
    var docFreq: Int32 = 0
    var docLevel: UInt8 = 0
}

/// Where a term's two streams start: read only at flush, so kept apart from the hot `TermState`.
struct TermStreams {
    var docStart: Int32
    var positionsStart: Int32
}

/// The terms of an in-memory segment: an open-addressing hash table over a byte arena, and for each
/// term its `TermState` and two `ByteBlockPool` streams.
///
/// Doc stream of a term, one entry per (doc, field) in doc order then field order:
/// `code:vint [termFreq:vint]` with `code = docDelta·32 + field·2 + (termFreq == 1 ? 1 : 0)` and
/// `docDelta` the gap to the previous entry's doc (0 for another field of the same doc).
/// Positions stream: per entry, termFreq vints, the first position then gaps (the on-disk `.pos`
/// format, copied as is at flush).
///
/// A value type with manually managed memory (see `ByteBlockPool`); the owner calls `deallocate()`.
struct TermTable {
    private(set) var pool = ByteBlockPool()
    private(set) var terms: UnsafeMutablePointer<TermState>
    private(set) var streams: UnsafeMutablePointer<TermStreams>
    private(set) var termCount = 0
    private var termCapacity: Int
    private var table: UnsafeMutablePointer<Int32>
    private var tableMask: Int
    private(set) var text: UnsafeMutablePointer<UInt8>
    private var textCount = 0
    private var textCapacity: Int

    /// Longest term indexed; longer tokens (garbage such as base64 runs) are dropped.
    static let maxTermLength = 255

    init() {
        termCapacity = 1 << 14
        terms = Self.allocateStates(termCapacity)
        streams = .allocate(capacity: termCapacity)
        tableMask = (1 << 15) - 1
        table = .allocate(capacity: tableMask + 1)
        table.initialize(repeating: -1, count: tableMask + 1)
        textCapacity = 1 << 18
        text = .allocate(capacity: textCapacity)
    }

    private static func allocateStates(_ count: Int) -> UnsafeMutablePointer<TermState> {
        precondition(MemoryLayout<TermState>.stride == 64, "TermState is \(MemoryLayout<TermState>.stride) bytes")
        return UnsafeMutableRawPointer.allocate(byteCount: count * 64, alignment: 64).bindMemory(to: TermState.self, capacity: count)
    }

    mutating func deallocate() {
        pool.deallocate()
        terms.deallocate()
        streams.deallocate()
        table.deallocate()
        text.deallocate()
    }

    /// Bytes allocated.
    var memoryUsage: Int {
        pool.memoryUsage + termCapacity * (MemoryLayout<TermState>.stride + 8) + (tableMask + 1) * 4 + textCapacity
    }

    /// The bytes of term `t`.
    @inline(__always)
    func termBytes(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text + Int(terms[t].textStart), count: Int(terms[t].textLength))
    }

    /// The first (up to) 8 bytes of `base[0..<n]`, zero-padded, little-endian.
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        if n >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(base[i]) << UInt64(8 * i) }
        return w
    }

    /// A hash of the term and its first 8 bytes.
    @inline(__always)
    static func hash(_ base: UnsafePointer<UInt8>, _ n: Int) -> (hash: UInt32, prefix: UInt64) {
        let prefix = word(base, n)
        var h = (0x9E37_79B9_7F4A_7C15 &* UInt64(n &+ 1) ^ prefix) &* 0xFF51_AFD7_ED55_8CCD
        var i = 8
        while i < n {
            h ^= h >> 29
            h = (h ^ word(base + i, n - i)) &* 0xFF51_AFD7_ED55_8CCD
            i += 8
        }
        h = (h ^ (h >> 32)) &* 0xC4CE_B9FE_1A85_EC53
        return (UInt32(truncatingIfNeeded: h >> 32), prefix)
    }

    /// The id of `term` (non-empty), added when new.
    /// Slots hold term ids (−1 = empty), 4 bytes so the table stays small in cache; a probe compares the
    /// term's hash, length and first 8 bytes, all in its state's cache line, and the arena only beyond.
    @inline(__always)
    mutating func id(of base: UnsafePointer<UInt8>, count n: Int) -> Int {
        let (h, prefix) = Self.hash(base, n)
        var slot = Int(h) & tableMask
        while true {
            let t = Int(table[slot])
            if t < 0 { break }
            let s = terms + t
            if s.pointee.prefix == prefix && s.pointee.hash == h && Int(s.pointee.textLength) == n
                && (n <= 8 || memcmp(text + Int(s.pointee.textStart) + 8, base + 8, n - 8) == 0) {
                return t
            }
            slot = (slot + 1) & tableMask
        }
        return add(base, count: n, hash: h, prefix: prefix, slot: slot)
    }

    private mutating func add(_ base: UnsafePointer<UInt8>, count n: Int, hash h: UInt32, prefix: UInt64, slot: Int) -> Int {
        if termCount == termCapacity {
            let bigger = Self.allocateStates(termCapacity * 2)
            bigger.moveInitialize(from: terms, count: termCount)
            terms.deallocate()
            terms = bigger
            let biggerStreams = UnsafeMutablePointer<TermStreams>.allocate(capacity: termCapacity * 2)
            biggerStreams.moveInitialize(from: streams, count: termCount)
            streams.deallocate()
            streams = biggerStreams
            termCapacity *= 2
        }
        if textCount + n > textCapacity {
            var capacity = textCapacity * 2
            while textCount + n > capacity { capacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            bigger.update(from: text, count: textCount)
            text.deallocate()
            text = bigger
            textCapacity = capacity
        }
        (text + textCount).update(from: base, count: n)
        let t = termCount
        var s = TermState()
        s.textStart = Int32(textCount)
        s.textLength = UInt16(n)
        s.hash = h
        s.prefix = prefix
        let docStart = pool.allocateSlice(level: 0)
        s.docUpto = docStart
        s.docEnd = docStart + ByteBlockPool.size(level: 0) - 4
        let positionsStart = pool.allocateSlice(level: 0)
        s.positionsUpto = positionsStart
        s.positionsEnd = positionsStart + ByteBlockPool.size(level: 0) - 4
        (terms + t).initialize(to: s)
        (streams + t).initialize(to: TermStreams(docStart: docStart, positionsStart: positionsStart))
        textCount += n
        termCount += 1
        table[slot] = Int32(t)
        if termCount * 2 > tableMask + 1 { growTable() }
        return t
    }

    private mutating func growTable() {
        let size = (tableMask + 1) * 2
        table.deallocate()
        table = .allocate(capacity: size)
        table.initialize(repeating: -1, count: size)
        tableMask = size - 1
        for t in 0..<termCount {
            var slot = Int(terms[t].hash) & tableMask
            while table[slot] >= 0 { slot = (slot + 1) & tableMask }
            table[slot] = Int32(t)
        }
    }

    /// Records one occurrence of `term` in (`doc`, `field`) at `position`. Docs arrive in increasing
    /// order, and within a doc fields in increasing order. Returns false when the term was dropped
    /// (too long) and must not count in the field's length.
    @inline(__always)
    mutating func add(_ term: UnsafeBufferPointer<UInt8>, doc: Int32, field: UInt8, position: Int32) -> Bool {
        guard let base = term.baseAddress, term.count > 0, term.count <= Self.maxTermLength else { return false }
        let t = id(of: base, count: term.count)
        let s = terms + t
        let delta: Int32
        if s.pointee.lastDoc == doc && s.pointee.lastField == field {
            s.pointee.pendingFreq += 1
            // Positions never go backwards within a field; a decreasing one is kept at the last position.
            delta = max(0, position - s.pointee.lastPosition)
            s.pointee.lastPosition += delta
        } else {
            if s.pointee.pendingFreq > 0 { writePending(s) }
            if s.pointee.lastDoc != doc { s.pointee.docFreq += 1 }
            s.pointee.lastDoc = doc
            s.pointee.lastField = field
            s.pointee.pendingFreq = 1
            delta = max(0, position)
            s.pointee.lastPosition = delta
        }
        pool.appendVInt(UInt32(delta), upto: &s.pointee.positionsUpto, end: &s.pointee.positionsEnd,
                        level: &s.pointee.positionsLevel)
        return true
    }

    /// Writes the pending (doc, field, termFreq) entry of a term to its doc stream.
    @inline(__always)
    private mutating func writePending(_ s: UnsafeMutablePointer<TermState>) {
        let docDelta = UInt32(s.pointee.lastDoc - s.pointee.lastWrittenDoc)
        let freq = s.pointee.pendingFreq
        let code = docDelta << 5 | UInt32(s.pointee.lastField) << 1 | (freq == 1 ? 1 : 0)
        pool.appendVInt(code, upto: &s.pointee.docUpto, end: &s.pointee.docEnd, level: &s.pointee.docLevel)
        if freq != 1 {
            pool.appendVInt(UInt32(freq), upto: &s.pointee.docUpto, end: &s.pointee.docEnd, level: &s.pointee.docLevel)
        }
        s.pointee.lastWrittenDoc = s.pointee.lastDoc
        s.pointee.pendingFreq = 0
    }

    /// Writes every pending entry (before reading the streams back).
    mutating func finishPending() {
        for t in 0..<termCount where terms[t].pendingFreq > 0 { writePending(terms + t) }
    }

    /// Term ids sorted by their bytes.
    func sortedTermIDs() -> [Int32] {
        var ids = (0..<Int32(termCount)).map { $0 }
        let text = self.text
        let terms = self.terms
        ids.sort { a, b in
            let sa = terms[Int(a)], sb = terms[Int(b)]
            let la = Int(sa.textLength), lb = Int(sb.textLength)
            let c = memcmp(text + Int(sa.textStart), text + Int(sb.textStart), min(la, lb))
            return c != 0 ? c < 0 : la < lb
        }
        return ids
    }
}
