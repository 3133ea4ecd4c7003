/// The distinct terms of an analyzed text, numbered in order of first occurrence and found again by
/// their UTF-8 bytes: `QueryParser.parseNaturalLanguage` counts a note's terms, and tells which of them
/// other texts state (the note's affirmed text, its first sentence), without a `String` and a hashed
/// `Dictionary` look-up per token. Open addressing on `TermHash`, linear probing, a power-of-two table
/// at most half full. In memory only.
///
/// A term's number is decided by `String` equality, as a `[String: Int]` would: bytes not seen before
/// are looked up as a `String` once (`QueryParser` does it), so canonically equivalent spellings share
/// a number.
struct DistinctTermTable {
    /// The byte sequences filed, one after another; sequence k is `bytes[starts[k]..<starts[k + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    /// The term number of each sequence.
    private var numbers: [Int] = []
    /// The `TermHash` of each sequence (to re-file them when the table grows).
    private var hashes: [UInt32] = []
    /// Sequence index + 1 in each slot, 0 when empty.
    private var slots: [Int32] = Array(repeating: 0, count: 128)

    /// The hash under which `term` is filed.
    @inline(__always)
    static func hash(_ term: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = term.baseAddress else { return 0 }
        return TermHash.of(base, term.count).hash
    }

    /// The number of the term spelled `term`, nil when those bytes were not filed.
    @inline(__always)
    func number(of term: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == hash && spells(entry - 1, term) { return numbers[entry - 1] }
            slot = (slot + 1) & mask
        }
    }

    /// Files the bytes `term` (not filed yet) as a spelling of term `number`.
    mutating func file(_ term: UnsafeBufferPointer<UInt8>, hash: UInt32, number: Int) {
        bytes.append(contentsOf: term)
        starts.append(bytes.count)
        numbers.append(number)
        hashes.append(hash)
        if 2 * hashes.count > slots.count {
            slots = Array(repeating: 0, count: 2 * slots.count)
            for sequence in hashes.indices { place(sequence) }
        } else {
            place(hashes.count - 1)
        }
    }

    private mutating func place(_ sequence: Int) {
        let mask = slots.count - 1
        var slot = Int(hashes[sequence]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(truncatingIfNeeded: sequence + 1)
    }

    @inline(__always)
    private func spells(_ sequence: Int, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[sequence]
        guard starts[sequence + 1] - start == term.count else { return false }
        var i = 0
        while i < term.count, bytes[start + i] == term[i] { i += 1 }
        return i == term.count
    }
}
