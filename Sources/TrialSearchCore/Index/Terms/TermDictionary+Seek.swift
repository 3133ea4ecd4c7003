extension TermDictionary {
    /// The `TermInfo` of `term`, or nil: the same answer as `lookup(_:)`, found without building any
    /// term of the dictionary in memory.
    ///
    /// The block is found by `block(containing:)` (the in-memory first-term keys). Its scan keeps
    /// `same`, the length of the prefix the previous entry shares with `term`; an entry (prefix `p`,
    /// suffix `s`) then compares without its bytes before `p`, since terms are sorted:
    /// - `p < same`: the entry differs from the previous one at byte `p`, where it is larger and the
    ///   previous one equals `term`: the entry, and every later one, is larger than `term`: absent;
    /// - `p > same`: the entry equals the previous one up to byte `same`, where the previous one is
    ///   smaller than `term`: the entry is smaller too: skip it;
    /// - `p == same`: compare `s` with `term[same...]`.
    /// Of a skipped entry only the mask and the two extents are decoded; its docFreqs are stepped over
    /// eight bytes at a time (`skip`); the match's statistics are decoded whole. Search resolves
    /// queries' terms this way: a long query or a more-like-this source looks up hundreds of terms in
    /// every segment (callgrind, 200 related sources on the 16x replica: 5,416 → 3,574 instructions a
    /// look-up against a binary search over the blocks in the mapping and every entry decoded).
    /// - Complexity: O(log(terms/32)) in-memory key comparisons plus one block scan, without allocation.
    public func seek(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        // Terms are never empty: an empty one is absent.
        guard blockCount > 0, term.count > 0, let termBase = term.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return nil
        }
        let base = file.base.assumingMemoryBound(to: UInt8.self)
        let end = file.body.upperBound
        let termCount = term.count
        var failed = false

        /// A vint at `i` (moved past it); 0 and `failed` past the body's end or beyond 9 bytes.
        @inline(__always)
        func vint(_ i: inout Int) -> Int {
            guard i < end else { failed = true; return 0 }
            let first = base[i]
            i &+= 1
            if first < 0x80 { return Int(first) }
            var value = Int(first & 0x7F)
            var shift = 7
            while true {
                guard i < end, shift < 63 else { failed = true; return 0 }
                let b = base[i]
                i &+= 1
                value |= Int(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        /// Steps over `n` vints at `i`, eight bytes at a time where the body has them: a vint ends at a
        /// byte below 0x80, so the `n`th such byte of a word ends the last of them. 0 and `failed` past
        /// the body's end.
        @inline(__always)
        func skip(_ n: Int, _ i: inout Int) {
            var n = n
            while n > 0 {
                guard i &+ 8 <= end else {
                    _ = vint(&i)
                    n -= 1
                    continue
                }
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                var ends = ~word & 0x8080_8080_8080_8080
                // The ends in order, lowest first (no `nonzeroBitCount`: without POPCNT in the target,
                // it costs about 20 instructions).
                while ends != 0 {
                    n -= 1
                    if n == 0 {
                        i &+= ends.trailingZeroBitCount >> 3 &+ 1
                        return
                    }
                    ends &= ends &- 1
                }
                i &+= 8
            }
        }

        /// Compares `term` with `count` bytes at `start` from byte `from` of both.
        @inline(__always)
        func commonPrefix(_ start: Int, _ count: Int, from: Int) -> Int {
            let limit = min(count, termCount - from)
            var k = 0
            while k < limit && base[start + k] == termBase[from + k] { k += 1 }
            return k
        }

        guard let low = try block(containing: term) else { return nil }
        var i = blockOffset(low)
        let count = vint(&i)
        var nextPostings = vint(&i)
        var nextPositions = vint(&i)
        guard !failed, count <= IndexFormat.termBlockSize else { throw corrupt(block: low) }
        var same = 0
        for _ in 0..<count {
            let prefix = vint(&i)
            let length = vint(&i)
            guard !failed, length <= end - i else { throw corrupt(block: low) }
            let suffix = i
            i += length
            if prefix < same { return nil }
            if prefix == same {
                let available = termCount - same
                let common = available == 0 ? 0 : commonPrefix(suffix, length, from: same)
                if common == length && common == available {
                    // The match: its statistics whole.
                    let docFreq = vint(&i)
                    let extraFrequency = vint(&i)
                    let mask = vint(&i)
                    guard mask < (1 << IndexFormat.fieldCount) else { throw corrupt(block: low) }
                    var fieldDocFreqs = FieldCounts()
                    if mask & (mask &- 1) != 0 {
                        var m = mask
                        while m != 0 {
                            fieldDocFreqs[m.trailingZeroBitCount] = UInt32(truncatingIfNeeded: vint(&i))
                            m &= m &- 1
                        }
                    } else if mask != 0 {
                        fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
                    }
                    let postingsLength = vint(&i)
                    let positionsLength = vint(&i)
                    guard !failed, docFreq > 0 else { throw corrupt(block: low) }
                    return TermInfo(docFreq: docFreq, totalTermFreq: docFreq + extraFrequency, fieldMask: UInt16(mask),
                                    fieldDocFreqs: fieldDocFreqs, postingsOffset: nextPostings,
                                    postingsLength: postingsLength, positionsOffset: nextPositions,
                                    positionsLength: positionsLength)
                } else if common == length {
                    same += common  // the entry is a prefix of `term`: smaller
                } else if common == available || base[suffix + common] > termBase[same + common] {
                    return nil  // `term` is a prefix of the entry, or the entry is larger
                } else {
                    same += common
                }
            }
            // A smaller entry: only its mask (how many per-field docFreqs follow) and its extents count.
            skip(2, &i)  // docFreq, totalTermFreq − docFreq
            let mask = vint(&i)
            guard mask < (1 << IndexFormat.fieldCount) else { throw corrupt(block: low) }
            if mask & (mask &- 1) != 0 {
                var fields = 0
                var m = mask
                while m != 0 { fields += 1; m &= m &- 1 }
                skip(fields, &i)
            }
            nextPostings += vint(&i)
            nextPositions += vint(&i)
            guard !failed else { throw corrupt(block: low) }
        }
        return nil
    }

    /// `seek` for a `String` term.
    public func seek(_ term: String) throws -> TermInfo? {
        var term = term
        return try term.withUTF8 { try seek(UnsafeRawBufferPointer($0)) }
    }
}
