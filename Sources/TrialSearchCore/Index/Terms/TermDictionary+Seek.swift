extension TermDictionary {
    /// The `TermInfo` of `term`, or nil: the same answer as `lookup(_:)`, found without building any
    /// term of the dictionary in memory.
    ///
    /// The binary search compares `term` with each probed block's first term (whole, prefix 0) where it
    /// lies in the mapping. The scan of the chosen block keeps `same`, the length of the prefix the
    /// previous entry shares with `term`; an entry (prefix `p`, suffix `s`) then compares without its
    /// bytes before `p`, since terms are sorted:
    /// - `p < same`: the entry differs from the previous one at byte `p`, where it is larger and the
    ///   previous one equals `term`: the entry, and every later one, is larger than `term`: absent;
    /// - `p > same`: the entry equals the previous one up to byte `same`, where the previous one is
    ///   smaller than `term`: the entry is smaller too: skip it;
    /// - `p == same`: compare `s` with `term[same...]`.
    /// The rest of a skipped entry is stepped over as vints, decoded inline (most are one byte). Search
    /// resolves queries' terms this way: a long query or a more-like-this source looks up hundreds of
    /// terms in every segment.
    /// - Complexity: O(log(terms/64)) first-term comparisons plus one block scan, without allocation.
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

        /// Compares `term` with `count` bytes at `start` from byte `from` of both.
        @inline(__always)
        func commonPrefix(_ start: Int, _ count: Int, from: Int) -> Int {
            let limit = min(count, termCount - from)
            var k = 0
            while k < limit && base[start + k] == termBase[from + k] { k += 1 }
            return k
        }

        var low = 0
        var high = blockCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            var i = blockOffset(mid)
            _ = vint(&i)
            _ = vint(&i)
            _ = vint(&i)
            let prefix = vint(&i)
            let length = vint(&i)
            guard !failed, prefix == 0, length <= end - i else { throw corrupt(block: mid) }
            let k = commonPrefix(i, length, from: 0)
            // The block's first term ≤ term?
            let notAbove = k == length || (k < termCount && base[i + k] < termBase[k])
            if notAbove { low = mid } else { high = mid - 1 }
        }
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
            var found = false
            if prefix == same {
                let available = termCount - same
                let common = available == 0 ? 0 : commonPrefix(suffix, length, from: same)
                if common == length && common == available {
                    found = true
                } else if common == length {
                    same += common  // the entry is a prefix of `term`: smaller
                } else if common == available || base[suffix + common] > termBase[same + common] {
                    return nil  // `term` is a prefix of the entry, or the entry is larger
                } else {
                    same += common
                }
            }
            let docFreq = vint(&i)
            let extraFrequency = vint(&i)
            let mask = UInt16(truncatingIfNeeded: vint(&i))
            guard mask < (1 << UInt16(IndexFormat.fieldCount)) else { throw corrupt(block: low) }
            var fieldDocFreqs = FieldCounts()
            if mask.nonzeroBitCount > 1 {
                var m = mask
                while m != 0 {
                    fieldDocFreqs[m.trailingZeroBitCount] = UInt32(truncatingIfNeeded: vint(&i))
                    m &= m - 1
                }
            } else if mask != 0 {
                fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
            }
            let postingsLength = vint(&i)
            let positionsLength = vint(&i)
            guard !failed, docFreq > 0 else { throw corrupt(block: low) }
            if found {
                return TermInfo(docFreq: docFreq, totalTermFreq: docFreq + extraFrequency, fieldMask: mask,
                                fieldDocFreqs: fieldDocFreqs, postingsOffset: nextPostings, postingsLength: postingsLength,
                                positionsOffset: nextPositions, positionsLength: positionsLength)
            }
            nextPostings += postingsLength
            nextPositions += positionsLength
        }
        return nil
    }

    /// `seek` for a `String` term.
    public func seek(_ term: String) throws -> TermInfo? {
        var term = term
        return try term.withUTF8 { try seek(UnsafeRawBufferPointer($0)) }
    }
}
