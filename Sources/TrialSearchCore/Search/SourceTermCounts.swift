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
    /// A distinct term: its bytes `bytes[start..<start+length]`, its hash and first 8 bytes (zero-padded:
    /// a term of at most 8 bytes is compared by `prefix` alone), and its weighted frequency (summed in
    /// token order, as the dictionary did).
    struct Entry {
        var start: Int32
        var length: Int32
        var hash: UInt32
        var prefix: UInt64
        var frequency: Double
    }

    /// The terms' bytes, one after another, in `bytes[0..<byteCount]` (the rest is room, zeros): a new
    /// term's bytes are copied in place, not appended (`append(contentsOf:)` was about a third of `add`).
    private(set) var bytes: [UInt8]
    private var byteCount = 0
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
        bytes = [UInt8](repeating: 0, count: 8 * capacity)
    }

    /// Adds `weight` to the frequency of `token`'s term.
    /// - Complexity: O(term length) expected.
    mutating func add(_ token: Token, weight: Double) {
        let term = token.term
        guard let base = term.baseAddress else { return }
        let count = term.count
        let (hash, prefix) = token.hasTermHash ? (token.termHash, token.termPrefix) : TermHash.of(base, count)
        let mask = slots.count &- 1
        var i = Int(hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { break }
            let e = entries[slot &- 1]
            if e.hash == hash && e.prefix == prefix && Int(e.length) == count && (count <= 8 || holds(e, base, count)) {
                entries[slot &- 1].frequency += weight
                return
            }
            i = (i &+ 1) & mask
        }
        let start = byteCount
        precondition(start + count <= Int(Int32.max), "source terms of \(start) bytes overflow Int32")
        if start + count > bytes.count { bytes += [UInt8](repeating: 0, count: max(bytes.count, count)) }
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let target = buffer.baseAddress else { return }
            for k in 0..<count { target[start &+ k] = base[k] }
        }
        byteCount = start + count
        entries.append(Entry(start: Int32(start), length: Int32(count), hash: hash, prefix: prefix, frequency: weight))
        slots[i] = Int32(entries.count)
        if 2 * entries.count > slots.count { grow() }
    }

    /// Whether `entry`'s term is the `count` bytes at `term`, given that their first 8 bytes are equal.
    @inline(__always)
    private func holds(_ entry: Entry, _ term: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memcmp(base + Int(entry.start) + 8, term + 8, count - 8) == 0
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
    /// order of first occurrence), without comparing terms: `MoreLikeThis.selectTerms` keeps the same
    /// terms whatever the order of equal frequencies.
    ///
    /// When every such frequency is a multiple of 1/256 below 2^24 (the default weights, 1 and 0.5, give
    /// halves), each entry is one `UInt64`, `UInt32.max − frequency · 256` above the index, and the keys
    /// are sorted as integers: the same order as the pairs' (the product is exact, so equal frequencies
    /// give equal high halves), whose standard sort (a stable merge, with a closure on tuples) cost about
    /// 19,000 instructions a source. Other weights sort the pairs.
    func candidates(minimumFrequency minimum: Double) -> [Int32] {
        var keys: [UInt64] = []
        keys.reserveCapacity(entries.count)
        var packed = true
        for (i, e) in entries.enumerated() where e.frequency >= minimum {
            let scaled = e.frequency * 256
            guard scaled >= 0, scaled < 4_294_967_296, Double(UInt32(scaled)) == scaled else { packed = false; break }
            keys.append(UInt64(UInt32.max - UInt32(scaled)) << 32 | UInt64(i))
        }
        if packed {
            keys.withUnsafeMutableBufferPointer { Self.sortAscending($0) }
            return keys.map { Int32(truncatingIfNeeded: $0) }
        }
        var keyed: [(frequency: Double, index: Int32)] = []
        keyed.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where e.frequency >= minimum { keyed.append((e.frequency, Int32(i))) }
        keyed.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.index < $1.index }
        return keyed.map(\.index)
    }

    /// Sorts distinct keys in increasing order: up to 256 keys by insertion, each key's place found by
    /// binary search among the sorted ones before it (a term first met late with a high frequency, such
    /// as a criteria word, moves far: a linear search from the end compared 1.3 M times in 200 sources),
    /// else the standard sort.
    private static func sortAscending(_ k: UnsafeMutableBufferPointer<UInt64>) {
        guard k.count <= 256 else { var all = k; all.sort(); return }
        var j = 1
        while j < k.count {
            let x = k[j]
            if k[j &- 1] > x {
                var low = 0, high = j &- 1
                while low < high {
                    let mid = (low &+ high) &>> 1
                    if k[mid] > x { high = mid } else { low = mid &+ 1 }
                }
                var i = j
                while i > low {
                    k[i] = k[i &- 1]
                    i &-= 1
                }
                k[low] = x
            }
            j &+= 1
        }
    }

    /// Counts the analyzer's tokens of a source's values into `counts` (a `TokenSink`, which the
    /// tokenizer's emit paths are specialized for: `MoreLikeThis.termCounts`' closure was called out of
    /// line, with a dynamic exclusivity check on the captured counts, about 70 instructions a token).
    struct Counter: TokenSink {
        var counts = SourceTermCounts()
        let minimumTermLength: Int
        let dropNumbers: Bool
        /// The weight of the value being analyzed.
        var weight = 0.0

        init(minimumTermLength: Int, dropNumbers: Bool) {
            self.minimumTermLength = minimumTermLength
            self.dropNumbers = dropNumbers
        }

        /// Adds `weight` for each term of `value` (analyzed as `field`), nothing when `weight` is 0.
        mutating func count(_ value: String, _ field: Field, _ weight: Double, _ analyzer: Analyzer) {
            guard weight > 0 else { return }
            self.weight = weight
            analyzer.analyze(value, field: field, into: &self)
        }

        @inline(__always)
        mutating func consume(_ token: Token) {
            let bytes = token.term
            guard bytes.count >= minimumTermLength, !token.isDerived else { return }
            if dropNumbers && bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) { return }
            counts.add(token, weight: weight)
        }
    }
}
