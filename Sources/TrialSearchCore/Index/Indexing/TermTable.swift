#if canImport(Glibc)
import Glibc
#endif

/// The indexing state of one term in an in-memory segment.
struct TermState {
    var textStart: Int32 = 0
    var hash: UInt32 = 0
    var textLength: UInt16 = 0
    var docLevel: UInt8 = 0
    var positionsLevel: UInt8 = 0
    /// Field of the pending (doc, field) entry.
    var lastField: UInt8 = 0
    var docStart: Int32 = 0, docUpto: Int32 = 0, docEnd: Int32 = 0
    var positionsStart: Int32 = 0, positionsUpto: Int32 = 0, positionsEnd: Int32 = 0
    /// Doc of the pending entry (−1 before the first).
    var lastDoc: Int32 = -1
    /// Doc of the last entry written to the doc stream (−1 before the first).
    var lastWrittenDoc: Int32 = -1
    /// termFreq of the pending (doc, field) entry; 0 when nothing is pending.
    var pendingFreq: Int32 = 0
    var lastPosition: Int32 = 0
    var docFreq: Int32 = 0
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
        terms = .allocate(capacity: termCapacity)
        tableMask = (1 << 15) - 1
        table = .allocate(capacity: tableMask + 1)
        table.initialize(repeating: -1, count: tableMask + 1)
        textCapacity = 1 << 18
        text = .allocate(capacity: textCapacity)
    }

    mutating func deallocate() {
        pool.deallocate()
        terms.deallocate()
        table.deallocate()
        text.deallocate()
    }

    /// Bytes allocated.
    var memoryUsage: Int {
        pool.memoryUsage + termCapacity * MemoryLayout<TermState>.stride + (tableMask + 1) * 4 + textCapacity
    }

    /// The bytes of term `t`.
    @inline(__always)
    func termBytes(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text + Int(terms[t].textStart), count: Int(terms[t].textLength))
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(bytes.count &+ 1)
        guard let base = bytes.baseAddress else { return UInt32(truncatingIfNeeded: h >> 32) }
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            memcpy(&w, base + i, n - i)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xC4CE_B9FE_1A85_EC53
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    /// The id of `term`, added when new.
    @inline(__always)
    mutating func id(of term: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(term)
        guard let termBase = term.baseAddress else { return emptyTerm(hash: h) }
        var slot = Int(h) & tableMask
        while true {
            let t = Int(table[slot])
            if t < 0 { break }
            let s = terms[t]
            if s.hash == h && Int(s.textLength) == term.count
                && memcmp(text + Int(s.textStart), termBase, term.count) == 0 {
                return t
            }
            slot = (slot + 1) & tableMask
        }
        return add(term, hash: h, slot: slot)
    }

    /// The id of the empty term (an analyzer should never produce it; it is indexed like any other).
    private mutating func emptyTerm(hash h: UInt32) -> Int {
        var slot = Int(h) & tableMask
        while true {
            let t = Int(table[slot])
            if t < 0 { break }
            if terms[t].textLength == 0 { return t }
            slot = (slot + 1) & tableMask
        }
        return add(UnsafeBufferPointer(start: nil, count: 0), hash: h, slot: slot)
    }

    private mutating func add(_ term: UnsafeBufferPointer<UInt8>, hash h: UInt32, slot: Int) -> Int {
        if termCount == termCapacity {
            let bigger = UnsafeMutablePointer<TermState>.allocate(capacity: termCapacity * 2)
            bigger.moveInitialize(from: terms, count: termCount)
            terms.deallocate()
            terms = bigger
            termCapacity *= 2
        }
        if textCount + term.count > textCapacity {
            var capacity = textCapacity * 2
            while textCount + term.count > capacity { capacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            bigger.update(from: text, count: textCount)
            text.deallocate()
            text = bigger
            textCapacity = capacity
        }
        if let base = term.baseAddress { (text + textCount).update(from: base, count: term.count) }
        let t = termCount
        var s = TermState()
        s.textStart = Int32(textCount)
        s.textLength = UInt16(term.count)
        s.hash = h
        s.docStart = pool.allocateSlice(level: 0)
        s.docUpto = s.docStart
        s.docEnd = s.docStart + ByteBlockPool.size(level: 0) - 4
        s.positionsStart = pool.allocateSlice(level: 0)
        s.positionsUpto = s.positionsStart
        s.positionsEnd = s.positionsStart + ByteBlockPool.size(level: 0) - 4
        (terms + t).initialize(to: s)
        textCount += term.count
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
        guard term.count <= Self.maxTermLength else { return false }
        let t = id(of: term)
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
