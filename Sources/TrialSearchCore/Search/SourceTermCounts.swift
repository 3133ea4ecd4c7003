#if canImport(Glibc)
import Glibc
#endif

/// The distinct terms of a more-like-this source with their weighted frequencies (Σ_f w_f · tf_f),
/// counted on the analyzer's bytes.
///
/// `MoreLikeThis` counted into a `[String: Double]`: a `String` made and SipHashed for each of a
/// source's few hundred tokens, then the dictionary filtered into a second one and sorted with `String`
/// comparisons. Here a token costs a probe of an open-addressing table under the hash the stem cache
/// already computed (`Token.termHash`; `TermHash` otherwise), its bytes are copied once into one arena,
/// and the candidates are sorted as indices. A term is made a `String` only when it is looked up.
struct SourceTermCounts {
    /// A distinct term: its bytes `bytes[start..<start+length]`, its hash, and its weighted frequency
    /// (summed in token order, as the dictionary did).
    struct Entry {
        var start: Int32
        var length: Int32
        var hash: UInt32
        var frequency: Double
    }

    /// The terms' bytes, one after another.
    private(set) var bytes: [UInt8] = []
    /// The distinct terms in order of first occurrence.
    private(set) var entries: [Entry] = []
    /// Open addressing, linear probing: entry index + 1, 0 for an empty slot. A power of two at least
    /// twice the entries.
    private var slots: [Int32]

    /// A table for about `capacity` distinct terms (a source has about 80–300) before it grows.
    init(capacity: Int = 256) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        entries.reserveCapacity(capacity)
        bytes.reserveCapacity(8 * capacity)
    }

    /// Adds `weight` to the frequency of `token`'s term.
    /// - Complexity: O(term length) expected.
    mutating func add(_ token: Token, weight: Double) {
        let term = token.term
        guard let base = term.baseAddress else { return }
        let hash = token.hasTermHash ? token.termHash : TermHash.of(base, term.count).hash
        let mask = slots.count - 1
        var i = Int(hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { break }
            let e = entries[slot - 1]
            if e.hash == hash && Int(e.length) == term.count && holds(e, base, term.count) {
                entries[slot - 1].frequency += weight
                return
            }
            i = (i + 1) & mask
        }
        precondition(bytes.count + term.count <= Int(Int32.max), "source terms of \(bytes.count) bytes overflow Int32")
        entries.append(Entry(start: Int32(bytes.count), length: Int32(term.count), hash: hash, frequency: weight))
        bytes.append(contentsOf: term)
        slots[i] = Int32(entries.count)
        if 2 * entries.count > slots.count { grow() }
    }

    /// Whether `entry`'s term is the `count` bytes at `term`.
    @inline(__always)
    private func holds(_ entry: Entry, _ term: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memcmp(base + Int(entry.start), term, count) == 0
        }
    }

    /// Doubles the slots and files every entry again.
    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (n, e) in entries.enumerated() {
            var i = Int(e.hash) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(n + 1)
        }
    }

    /// The term of `entry` as a `String`.
    func term(_ entry: Entry) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(entry.start)..<Int(entry.start + entry.length)]), as: UTF8.self)
        }
    }

    /// Calls `body` with the bytes of `entry`'s term (no `String`).
    @inline(__always)
    func withTerm<R>(_ entry: Entry, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[Int(entry.start)..<Int(entry.start + entry.length)])) }
    }

    /// The indices of the entries whose frequency is at least `minimum`, by decreasing frequency (ties in
    /// order of first occurrence). Sorted as pairs of the frequency and the index, without comparing
    /// terms: `MoreLikeThis.selectTerms` keeps the same terms whatever the order of equal frequencies.
    func candidates(minimumFrequency minimum: Double) -> [Int32] {
        var keyed: [(frequency: Double, index: Int32)] = []
        keyed.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where e.frequency >= minimum { keyed.append((e.frequency, Int32(i))) }
        keyed.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.index < $1.index }
        return keyed.map(\.index)
    }
}
