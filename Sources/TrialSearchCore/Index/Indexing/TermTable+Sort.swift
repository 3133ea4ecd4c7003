extension TermTable {
    /// The occupied slots, sorted by their terms' bytes (unsigned, a term before any longer term it
    /// begins), the order of the term dictionary.
    ///
    /// Each term is sorted by its first 8 bytes as a big-endian word (zero-padded: `TermState.prefix`
    /// byte-swapped), with an LSD radix sort of (word, slot) pairs, 8 bits a pass, passes over a byte
    /// that all words share skipped; then each run of equal words (terms sharing their first 8 bytes,
    /// or a shorter term padded with zeros) is sorted by the whole bytes. Comparing words orders two
    /// terms exactly as their bytes do when the words differ: the first differing byte is a byte of
    /// both, or a zero pad of the shorter against a non-zero byte of the longer, which it begins.
    /// Before, a comparison sort ran `memcmp` through the hash slots on every comparison (about 50 ms
    /// per worker for 60–120 K terms, at every flush and on the commit's critical path).
    /// - Complexity: O(terms · 8) plus the comparison sorts of the runs of terms sharing 8 bytes.
    func sortedTermIDs() -> [Int32] {
        let count = termCount
        if count == 0 { return [] }
        let keys = UnsafeMutablePointer<SortKey>.allocate(capacity: 2 * count)
        defer { keys.deallocate() }
        // Counts of each byte value at each of the 8 byte positions (least significant first), then
        // where each value's keys go in a pass.
        let histogram = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 256)
        defer { histogram.deallocate() }
        histogram.initialize(repeating: 0, count: 8 * 256)
        var n = 0
        for t in 0...tableMask where terms[t].textLength != 0 {
            let word = terms[t].prefix.byteSwapped
            (keys + n).initialize(to: SortKey(word: word, slot: Int32(t)))
            for d in 0..<8 { histogram[d << 8 | Int(truncatingIfNeeded: word >> UInt64(8 * d)) & 0xFF] += 1 }
            n += 1
        }
        precondition(n == count, "term table holds \(n) terms, counted \(count)")
        var source = keys
        var destination = keys + count
        for d in 0..<8 {
            let offsets = histogram + d << 8
            var constant = false
            var sum = 0
            for b in 0..<256 {
                let c = offsets[b]
                // Every word has the same byte here: the pass would not move anything.
                if c == count { constant = true }
                offsets[b] = sum
                sum += c
            }
            if constant { continue }
            let shift = UInt64(8 * d)
            for k in 0..<count {
                let key = source[k]
                let b = Int(truncatingIfNeeded: key.word >> shift) & 0xFF
                destination[offsets[b]] = key
                offsets[b] &+= 1  // at most `count`
            }
            swap(&source, &destination)
        }
        var ids = [Int32](repeating: 0, count: count)
        ids.withUnsafeMutableBufferPointer { ids in
            for k in 0..<count { ids[k] = source[k].slot }
            // Runs of equal words: by the whole bytes.
            var start = 0
            while start < count {
                var end = start + 1
                while end < count && source[end].word == source[start].word { end += 1 }
                if end - start > 1 {
                    ids[start..<end].sort { compareBytes(termBytes(Int($0)), termBytes(Int($1))) < 0 }
                }
                start = end
            }
        }
        return ids
    }

    /// A term's first 8 bytes as a big-endian word, and its slot.
    struct SortKey {
        var word: UInt64
        var slot: Int32
    }

    /// `sortedTermIDs()` by a comparison sort on the whole bytes (the reference order, for tests).
    func sortedTermIDsByComparison() -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(termCount)
        for t in 0...tableMask where terms[t].textLength != 0 { ids.append(Int32(t)) }
        ids.sort { compareBytes(termBytes(Int($0)), termBytes(Int($1))) < 0 }
        return ids
    }
}
