#if canImport(Glibc)
import Glibc
#endif

/// The terms more-like-this found in too many docs, remembered across the sources of one index snapshot:
/// a later source drops such a term without its dictionary look-up.
///
/// About half of a source's look-ups are of terms in more than `MoreLikeThisParameters.maxDocFreqRatio`
/// of the docs (`requir`, `patient`, `studi`, …: a source's most frequent words, looked up first), and
/// those are the same few hundred words for every source. A term's entry holds a lower bound of its
/// docFreq (its docFreq, or with several segments its largest segment's): the selection drops a term
/// whose bound is above its limit, which is what its look-up would have decided (see
/// `MoreLikeThis.selectTerms`), so the kept terms are the same with or without the memo.
///
/// Owned by one `SearchEngine` (one snapshot, one thread): a plain value, no lock. Holds at most
/// `capacity` terms (the terms in more than a fifth of the docs are at most five times a doc's distinct
/// terms on average; the cap bounds a configuration with a low limit).
public struct CommonTermMemo: Sendable {
    /// A remembered term: its bytes `bytes[start..<start+length]`, `SourceTermCounts`' hash and first
    /// 8 bytes of it, and a lower bound of its docFreq.
    struct Entry {
        var start: Int32
        var length: Int32
        var hash: UInt32
        var prefix: UInt64
        var docFreq: Int
    }

    /// The most terms remembered.
    public static let capacity = 4096

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    /// Open addressing, linear probing: entry index + 1, 0 for an empty slot; twice `capacity`, made at
    /// the first term remembered (a memo made for one source and never filled costs no table).
    private var slots: [Int32] = []

    public init() {}

    /// The terms remembered.
    public var count: Int { entries.count }

    /// The docFreq bound remembered for the term `term` (`hash` and `prefix` as `SourceTermCounts`
    /// computed them for it), nil when it is not remembered.
    /// - Complexity: O(term length) expected.
    @inline(__always)
    func docFreq(of term: UnsafeRawBufferPointer, hash: UInt32, prefix: UInt64) -> Int? {
        guard !entries.isEmpty else { return nil }
        let mask = slots.count &- 1
        var i = Int(hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return nil }
            let e = entries[slot &- 1]
            if e.hash == hash && e.prefix == prefix && Int(e.length) == term.count && holds(e, term) { return e.docFreq }
            i = (i &+ 1) & mask
        }
    }

    /// Remembers that `term` is in at least `docFreq` docs (nothing once `capacity` terms are held, or
    /// when it is held already).
    mutating func remember(_ term: UnsafeRawBufferPointer, hash: UInt32, prefix: UInt64, docFreq: Int) {
        guard entries.count < Self.capacity else { return }
        if slots.isEmpty { slots = [Int32](repeating: 0, count: 2 * Self.capacity) }
        let mask = slots.count &- 1
        var i = Int(hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { break }
            let e = entries[slot &- 1]
            if e.hash == hash && e.prefix == prefix && Int(e.length) == term.count && holds(e, term) { return }
            i = (i &+ 1) & mask
        }
        let start = bytes.count
        precondition(start + term.count <= Int(Int32.max), "memo of \(start) bytes overflows Int32")
        bytes.append(contentsOf: term)
        entries.append(Entry(start: Int32(start), length: Int32(term.count), hash: hash, prefix: prefix, docFreq: docFreq))
        slots[i] = Int32(entries.count)
    }

    /// The remembered terms and their docFreq bounds, in the order remembered (for tests).
    var remembered: [(term: String, docFreq: Int)] {
        entries.map { e in
            (String(decoding: bytes[Int(e.start)..<Int(e.start + e.length)], as: UTF8.self), e.docFreq)
        }
    }

    /// Whether `entry`'s term is the bytes of `term` (of the same length).
    @inline(__always)
    private func holds(_ entry: Entry, _ term: UnsafeRawBufferPointer) -> Bool {
        guard term.count > 8 else { return true }  // equal first 8 bytes and length: the same term
        return bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let other = term.baseAddress else { return false }
            return memcmp(base + Int(entry.start) + 8, other + 8, term.count - 8) == 0
        }
    }
}
