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
    /// The rest of a skipped entry is stepped over as vints. Search parses queries' terms this way:
    /// a long query looks up a hundred terms in every segment.
    /// - Complexity: O(log(terms/64)) first-term comparisons plus one block scan, without allocation.
    public func seek(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        guard blockCount > 0 else { return nil }
        var low = 0
        var high = blockCount - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            var r = file.reader(at: blockOffset(mid))
            _ = r.readCount(limit: IndexFormat.termBlockSize)
            _ = r.readCount(limit: Int.max >> 1)
            _ = r.readCount(limit: Int.max >> 1)
            let prefix = r.readCount(limit: 0)
            let first = r.readBytes(r.readCount(limit: 1 << 16))
            guard !r.failed, prefix == 0 else { throw corrupt(block: mid) }
            if compareBytes(first, term) <= 0 { low = mid } else { high = mid - 1 }
        }
        var r = file.reader(at: blockOffset(low))
        let count = r.readCount(limit: IndexFormat.termBlockSize)
        var nextPostings = r.readCount(limit: Int.max >> 1)
        var nextPositions = r.readCount(limit: Int.max >> 1)
        var same = 0
        for _ in 0..<count {
            let prefix = r.readCount(limit: 1 << 16)
            let suffix = r.readBytes(r.readCount(limit: 1 << 16))
            guard !r.failed else { throw corrupt(block: low) }
            if prefix < same { return nil }
            var found = false
            if prefix == same {
                var common = 0
                let available = term.count - same
                let limit = min(suffix.count, available)
                while common < limit && suffix[common] == term[same + common] { common += 1 }
                if common == suffix.count && common == available {
                    found = true
                } else if common == suffix.count {
                    same += common  // the entry is a prefix of `term`: smaller
                } else if common == available || suffix[common] > term[same + common] {
                    return nil  // `term` is a prefix of the entry, or the entry is larger
                } else {
                    same += common
                }
            }
            let docFreq = r.readCount()
            let extraFrequency = r.readCount(limit: Int.max >> 1)
            let mask = UInt16(truncatingIfNeeded: r.readCount(limit: (1 << IndexFormat.fieldCount) - 1))
            var fieldDocFreqs = FieldCounts()
            if mask.nonzeroBitCount > 1 {
                forEachField(in: mask) { fieldDocFreqs[$0] = UInt32(truncatingIfNeeded: r.readCount()) }
            } else if mask != 0 {
                fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
            }
            let postingsLength = r.readCount(limit: Int.max >> 1)
            let positionsLength = r.readCount(limit: Int.max >> 1)
            guard !r.failed, docFreq > 0 else { throw corrupt(block: low) }
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
