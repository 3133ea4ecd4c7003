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
    /// eight bytes at a time (`skip`, the `n`th vint end of a word found by a multiply, not by walking
    /// the ends); an entry's two lengths and a mask of one or two bytes are read from one 16-bit load
    /// (`vintPair`, `fieldMask`), its two extents from one 32-bit load (`extents`; BENCHMARKS.md,
    /// `rel26`); the match's statistics are decoded whole. Search resolves queries' terms this way: a
    /// long query or a more-like-this source looks up hundreds of terms in every segment (callgrind, 200
    /// related sources on the 16x replica: 5,416 → 3,574 instructions a look-up against a binary search
    /// over the blocks in the mapping and every entry decoded).
    /// The scan (`scanBlock`) is a function of the mapping's address and plain integers, with wrapping
    /// arithmetic and the decoding failure kept in the position (past the body's end) rather than in a
    /// flag captured by nested functions: the compiler then keeps its state in registers (BENCHMARKS.md,
    /// `rel18`).
    /// - Complexity: O(log(terms/32)) in-memory key comparisons plus one block scan, without allocation.
    public func seek(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
        // Terms are never empty: an empty one is absent.
        guard blockCount > 0, term.count > 0, let termBase = term.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return nil
        }
        guard let low = try block(containing: term) else { return nil }
        var info = TermInfo()
        switch Self.scanBlock(base: file.base.assumingMemoryBound(to: UInt8.self), end: file.body.upperBound,
                              at: blockOffset(low), term: termBase, count: term.count, into: &info) {
        case .found: return info
        case .absent: return nil
        case .corrupt: throw corrupt(block: low)
        }
    }

    /// `seek` for a `String` term.
    public func seek(_ term: String) throws -> TermInfo? {
        var term = term
        return try term.withUTF8 { try seek(UnsafeRawBufferPointer($0)) }
    }

    /// What a block scan found.
    enum ScanOutcome {
        case found, absent, corrupt
    }

    /// Scans the block at `offset` of the body ending at `end` (mapped at `base`) for the `count` bytes
    /// at `term`, as `seek` describes; the match's `TermInfo` goes into `info`. A read past `end` or a
    /// vint beyond 9 bytes moves the position past `end`, where every later read fails too, and the
    /// entry's checks report `.corrupt`. Kept out of line: inlined into `Seeker.seek` next to the
    /// dictionary's own path, its state went partly to the stack (callgrind, 200 related sources on the
    /// 16x replica: 53.3 → 52.0 M in the look-ups; BENCHMARKS.md, `rel25`).
    @inline(never)
    static func scanBlock(base: UnsafePointer<UInt8>, end: Int, at offset: Int, term: UnsafePointer<UInt8>, count termCount: Int,
                          into info: inout TermInfo) -> ScanOutcome {
        var i = offset
        let count = vint(base, end, &i)
        var nextPostings = vint(base, end, &i)
        var nextPositions = vint(base, end, &i)
        guard i <= end, count <= IndexFormat.termBlockSize else { return .corrupt }
        var same = 0
        var left = count
        while left > 0 {
            left &-= 1
            let (prefix, length) = vintPair(base, end, &i)
            guard i <= end, length <= end &- i else { return .corrupt }
            let suffix = i
            i &+= length
            if prefix < same { return .absent }
            if prefix == same {
                let available = termCount &- same
                // The bytes the entry's suffix shares with `term[same...]`.
                let limit = min(length, available)
                var common = 0
                while common < limit && base[suffix &+ common] == term[same &+ common] { common &+= 1 }
                if common == length && common == available {
                    // The match: its statistics whole.
                    let docFreq = vint(base, end, &i)
                    let extraFrequency = vint(base, end, &i)
                    let mask = vint(base, end, &i)
                    guard mask < (1 << IndexFormat.fieldCount) else { return .corrupt }
                    var fieldDocFreqs = FieldCounts()
                    if mask & (mask &- 1) != 0 {
                        var m = mask
                        while m != 0 {
                            fieldDocFreqs[m.trailingZeroBitCount] = UInt32(truncatingIfNeeded: vint(base, end, &i))
                            m &= m &- 1
                        }
                    } else if mask != 0 {
                        fieldDocFreqs[mask.trailingZeroBitCount] = UInt32(truncatingIfNeeded: docFreq)
                    }
                    let postingsLength = vint(base, end, &i)
                    let positionsLength = vint(base, end, &i)
                    guard i <= end, docFreq > 0 else { return .corrupt }
                    info = TermInfo(docFreq: docFreq, totalTermFreq: docFreq &+ extraFrequency, fieldMask: UInt16(mask),
                                    fieldDocFreqs: fieldDocFreqs, postingsOffset: nextPostings,
                                    postingsLength: postingsLength, positionsOffset: nextPositions,
                                    positionsLength: positionsLength)
                    return .found
                } else if common == length {
                    same &+= common  // the entry is a prefix of `term`: smaller
                } else if common == available || base[suffix &+ common] > term[same &+ common] {
                    return .absent  // `term` is a prefix of the entry, or the entry is larger
                } else {
                    same &+= common
                }
            }
            // A smaller entry: only its mask (how many per-field docFreqs follow) and its extents count.
            skip(2, base, end, &i)  // docFreq, totalTermFreq − docFreq
            let mask = fieldMask(base, end, &i)
            guard mask < (1 << IndexFormat.fieldCount) else { return .corrupt }
            if mask & (mask &- 1) != 0 { skip(fieldCount(mask), base, end, &i) }
            let (postingsLength, positionsLength) = extents(base, end, &i)
            nextPostings &+= postingsLength
            nextPositions &+= positionsLength
            guard i <= end else { return .corrupt }
        }
        return .absent
    }

    /// A vint at `i` (moved past it); 0, with `i` past `end`, past the body's end or beyond 9 bytes.
    @inline(__always)
    static func vint(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> Int {
        guard i < end else { i = end &+ 1; return 0 }
        let first = base[i]
        i &+= 1
        if first < 0x80 { return Int(first) }
        var value = Int(first & 0x7F)
        var shift = 7
        while true {
            guard i < end, shift < 63 else { i = end &+ 1; return 0 }
            let b = base[i]
            i &+= 1
            value |= Int(b & 0x7F) &<< shift
            if b < 0x80 { return value }
            shift &+= 7
        }
    }

    /// Two vints at `i` (an entry's shared-prefix and suffix lengths): when both take one byte (the
    /// usual case), one 16-bit load and one test of the two high bits.
    @inline(__always)
    static func vintPair(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> (Int, Int) {
        if i &+ 2 <= end {
            let h = UInt16(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt16.self))
            if h & 0x8080 == 0 {
                i &+= 2
                return (Int(h & 0xFF), Int(h &>> 8))
            }
        }
        let first = vint(base, end, &i)
        return (first, vint(base, end, &i))
    }

    /// Two vints at `i` of one or two bytes each (a passed entry's postings and positions extents, most
    /// of them over 127 bytes), from one 32-bit load without the byte loop of `vint`; longer ones (or
    /// at the body's end) as `vint`.
    @inline(__always)
    static func extents(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> (Int, Int) {
        if i &+ 4 <= end {
            var w = Int(UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)))
            var first = -1
            var used = 0
            if w & 0x80 == 0 {
                first = w & 0x7F
                w &>>= 8
                used = 1
            } else if w & 0x8000 == 0 {
                first = w & 0x7F | (w &>> 8 & 0x7F) &<< 7
                w &>>= 16
                used = 2
            }
            if first >= 0 {
                if w & 0x80 == 0 {
                    i &+= used &+ 1
                    return (first, w & 0x7F)
                }
                if w & 0x8000 == 0 {
                    i &+= used &+ 2
                    return (first, w & 0x7F | (w &>> 8 & 0x7F) &<< 7)
                }
            }
        }
        let first = vint(base, end, &i)
        return (first, vint(base, end, &i))
    }

    /// A vint at `i` that is usually of one or two bytes (a field mask below 2^12: two bytes from
    /// field 7 on), both decoded from one 16-bit load; a longer one (or at the body's end) as `vint`.
    @inline(__always)
    static func fieldMask(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> Int {
        if i &+ 2 <= end {
            let h = Int(UInt16(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt16.self)))
            if h & 0x80 == 0 {
                i &+= 1
                return h & 0x7F
            }
            if h & 0x8000 == 0 {
                i &+= 2
                return h & 0x7F | (h &>> 8) &<< 7
            }
        }
        return vint(base, end, &i)
    }

    /// Steps over `n` vints at `i`, eight bytes at a time where the body has them: a vint ends
    /// at a byte below 0x80. A word's ends, one bit a byte, times 0x0101…01 give in byte k how many end
    /// in bytes 0…k (at most 8: no carries); the word holds the `n`th end when its top byte is ≥ `n`, and
    /// that end is the first byte whose count is ≥ `n` (each count plus 0x80 − `n` sets that byte's top
    /// bit), found without walking the ends one by one. First, when the word's first `n` ≤ 8 bytes all
    /// end a vint (a passed entry's docFreq and totalTermFreq − docFreq, or its per-field docFreqs, of one
    /// byte each: about 72 % of the steps for 200 related sources), `i` moves `n` bytes on one test
    /// (BENCHMARKS.md, `rel28`). `i` past `end` past the body's end.
    @inline(__always)
    static func skip(_ n: Int, _ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) {
        var n = UInt64(truncatingIfNeeded: n)
        while n > 0 {
            guard i &+ 8 <= end else {
                _ = vint(base, end, &i)
                n &-= 1
                continue
            }
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            // The usual case: the next `n` vints take one byte each (their high bits all clear).
            if n <= 8 && word & (0x8080_8080_8080_8080 &>> (64 &- 8 &* n)) == 0 {
                i &+= Int(n)
                return
            }
            let counts = ((~word & 0x8080_8080_8080_8080) &>> 7) &* 0x0101_0101_0101_0101
            let total = counts &>> 56
            if n <= total {
                let reached = (counts &+ (0x80 &- n) &* 0x0101_0101_0101_0101) & 0x8080_8080_8080_8080
                i &+= reached.trailingZeroBitCount &>> 3 &+ 1
                return
            }
            n &-= total
            i &+= 8
        }
    }

    /// The fields of a mask below 2^12 (a population count on 16 bits, without branches).
    @inline(__always)
    static func fieldCount(_ mask: Int) -> Int {
        var x = UInt32(truncatingIfNeeded: mask)
        x = x &- ((x &>> 1) & 0x5555)
        x = (x & 0x3333) &+ ((x &>> 2) & 0x3333)
        x = (x &+ (x &>> 4)) & 0x0F0F
        return Int((x &+ (x &>> 8)) & 0x1F)
    }
}

extension TermDictionary {
    /// `seek` for many terms in a row (a more-like-this source's candidates), through addresses and
    /// integers only: copying or passing a `Seeker` retains nothing, where each call of `seek` on a
    /// `TermDictionary` held in a variable or a captured `Optional` copied it (its file and keys
    /// retained and released, an outlined copy and destroy a look-up). Valid only inside `withSeeker`.
    struct Seeker {
        fileprivate let base: UnsafePointer<UInt8>
        fileprivate let end: Int
        fileprivate let indexOffset: Int
        fileprivate let keys: UnsafeBufferPointer<UInt64>
        fileprivate let dictionary: UnsafePointer<TermDictionary>

        /// `TermDictionary.seek(_:)`: the same answer and the same errors.
        func seek(_ term: UnsafeRawBufferPointer) throws -> TermInfo? {
            guard keys.count > 0, term.count > 0, let termBase = term.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                return nil
            }
            // `block(containing:)`'s first search; a block key equal to the term's (a shared 8-byte
            // prefix, rare) takes the dictionary's own path.
            let key = TermDictionary.key(term)
            var low = 0
            var high = keys.count
            while low < high {
                let mid = (low &+ high) &>> 1
                if keys[mid] < key { low = mid &+ 1 } else { high = mid }
            }
            if low < keys.count && keys[low] == key { return try dictionary.pointee.seek(term) }
            guard low > 0 else { return nil }
            let block = low &- 1
            let offset = Int(UInt64(littleEndian: UnsafeRawPointer(base + (indexOffset &+ 8 &* block))
                .loadUnaligned(as: UInt64.self)) & 0x7FFF_FFFF_FFFF)
            var info = TermInfo()
            switch TermDictionary.scanBlock(base: base, end: end, at: offset, term: termBase, count: term.count, into: &info) {
            case .found: return info
            case .absent: return nil
            case .corrupt: throw dictionary.pointee.corrupt(block: block)
            }
        }
    }

    /// Calls `body` with a `Seeker` of `dictionary`, or with nil.
    static func withSeeker<R>(of dictionary: TermDictionary?, _ body: (Seeker?) throws -> R) rethrows -> R {
        guard let dictionary else { return try body(nil) }
        return try dictionary.withSeeker { try body($0) }
    }

    /// Calls `body` with a `Seeker` of this dictionary.
    func withSeeker<R>(_ body: (Seeker) throws -> R) rethrows -> R {
        try withUnsafePointer(to: self) { dictionary in
            try firstKeys.withUnsafeBufferPointer { keys in
                try body(Seeker(base: file.base.assumingMemoryBound(to: UInt8.self), end: file.body.upperBound,
                                indexOffset: indexOffset, keys: keys, dictionary: dictionary))
            }
        }
    }
}
