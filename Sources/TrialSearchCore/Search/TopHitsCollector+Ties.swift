/// The order of the docs tied on score in `TopHitsCollector.rank` and in its heap: by trial id (its
/// first 16 bytes as two integers, then the whole id), then segment and doc, as `ranksAbove` has them;
/// and the descending score keys the sorts work on.
extension TopHitsCollector {
    /// A doc of the heap and its trial id's first 16 bytes as two integers (`idPrefix`), read when it
    /// enters: the heap's docs are compared by score, then by these, and only ids equal that far are
    /// read again (`ranksAbove`). A corpus holding each text 16 times fills a top 10 with docs tied on
    /// score, and each sift compared them by reading both docs' ids through their segments.
    struct HeapEntry {
        var doc: ScoredDoc
        var high: UInt64
        var low: UInt64
    }

    /// `ranksAbove` of two heap entries: score, then the ids' prefixes, then (ids equal in their first
    /// 16 bytes) the whole ids, segment and doc. Prefixes that differ order as the ids' bytes do
    /// (`idPrefix`, as `Tie.precedes`).
    @inline(__always)
    static func ranksAbove(_ a: HeapEntry, _ b: HeapEntry, _ segments: [SegmentReader]) -> Bool {
        if a.doc.score != b.doc.score { return a.doc.score > b.doc.score }
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return samePrefixRanksAbove(a.doc, b.doc, segments)
    }

    /// `ranksAbove` of docs whose ids agree in their first 16 bytes (rare): out of line.
    @inline(never)
    static func samePrefixRanksAbove(_ a: ScoredDoc, _ b: ScoredDoc, _ segments: [SegmentReader]) -> Bool {
        ranksAbove(a, b, segments)
    }

    /// A doc tied on score with others, with what orders it among them: its trial id's first 16 bytes
    /// (`idPrefix`) and its sort key (its position in `rank`'s docs in the low 32 bits). 24 bytes, so
    /// that the insertion sort moves three words (with the id's bytes and the doc inline, 48 bytes,
    /// the moves were the largest part of `sortTies`: BENCHMARKS.md, `kw10`).
    struct Tie {
        var high: UInt64, low: UInt64
        var key: UInt64

        /// `ranksAbove` for equal scores: trial id (its first 16 bytes, then, rarely, the whole id from
        /// `idAt`), then segment and doc.
        @inline(__always)
        static func precedes(_ a: Tie, _ b: Tie, _ docs: UnsafeBufferPointer<ScoredDoc>,
                             _ idAt: UnsafePointer<UnsafeRawBufferPointer>) -> Bool {
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return samePrefixPrecedes(position(a.key), position(b.key), docs, idAt)
        }
    }

    /// `Tie.precedes` for ids equal in their first 16 bytes: the whole ids, then segment and doc.
    @inline(never)
    static func samePrefixPrecedes(_ a: Int, _ b: Int, _ docs: UnsafeBufferPointer<ScoredDoc>,
                                   _ idAt: UnsafePointer<UnsafeRawBufferPointer>) -> Bool {
        let c = compareBytes(idAt[a], idAt[b])
        if c != 0 { return c < 0 }
        return (docs[a].segment, docs[a].doc) < (docs[b].segment, docs[b].doc)
    }

    /// A key whose unsigned order is the descending order of scores (−0 as +0, so that they tie as
    /// `ranksAbove` has them): the IEEE bits flipped so that they order as the values, then inverted.
    @inline(__always)
    static func descendingKey(_ score: Float) -> UInt32 { descendingKey(scoreBits: score.bitPattern) }

    /// `descendingKey` of a score's bits, without branches: ±0 (no bit but the sign) as +0, then the
    /// sign spread into a mask that inverts a negative score's bits and sets a positive one's top bit.
    @inline(__always)
    static func descendingKey(scoreBits: UInt32) -> UInt32 {
        let bits = scoreBits & 0x7fff_ffff == 0 ? 0 : scoreBits
        let sign = UInt32(bitPattern: Int32(bitPattern: bits) >> 31)
        return ~(bits ^ (sign | 0x8000_0000))
    }

    /// Orders the keys of docs tied on score (index in the low 32 bits) by trial id, then segment and
    /// doc, as `ranksAbove`: an insertion sort for the usual short runs, `scratch` holding a run and
    /// `idAt` the ids' bytes by position in `docs`. The ids' bytes go to `ids`, in the new order.
    static func sortTies(_ run: UnsafeMutableBufferPointer<UInt64>, _ docs: UnsafeBufferPointer<ScoredDoc>,
                         scratch ties: UnsafeMutablePointer<Tie>,
                         idAt: UnsafePointer<UnsafeRawBufferPointer>,
                         ids: UnsafeMutablePointer<UnsafeRawBufferPointer>) {
        let t = run.count
        for i in 0..<t {
            let key = run[i]
            let prefix = idPrefix(idAt[position(key)])
            (ties + i).initialize(to: Tie(high: prefix.high, low: prefix.low, key: key))
        }
        var buffer = UnsafeMutableBufferPointer(start: ties, count: t)
        if t > 32 {
            buffer.sort { Tie.precedes($0, $1, docs, idAt) }
        } else {
            for i in 1..<t {
                let x = ties[i]
                var j = i
                while j > 0 && Tie.precedes(x, ties[j - 1], docs, idAt) {
                    ties[j] = ties[j - 1]
                    j -= 1
                }
                ties[j] = x
            }
        }
        for i in 0..<t {
            let key = ties[i].key
            run[i] = key
            (ids + i).initialize(to: idAt[position(key)])
        }
    }

    /// The first 16 bytes of `id` as two big-endian integers, zero-padded: compared as integers, they
    /// order as the bytes do. Ids of 8 bytes or more: two loads (the second, for 9–15 bytes, of the last
    /// 8 bytes, shifted); shorter ones: one copy. The copy (a `memcpy` call) for every id cost about 40
    /// instructions a tied hit more.
    @inline(__always)
    static func idPrefix(_ id: UnsafeRawBufferPointer) -> (high: UInt64, low: UInt64) {
        let n = id.count
        guard n >= 8, let base = id.baseAddress else { return copiedIDPrefix(id) }
        let high = UInt64(bigEndian: base.loadUnaligned(as: UInt64.self))
        if n >= 16 { return (high, UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
        if n == 8 { return (high, 0) }
        // Bytes n-8..<n, the first of them on top; bytes 8..<n moved to the top, zeros below.
        let last = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        return (high, last &<< UInt64(8 * (16 - n)))
    }

    /// `idPrefix` of ids shorter than 8 bytes: one copy and two loads.
    static func copiedIDPrefix(_ id: UnsafeRawBufferPointer) -> (high: UInt64, low: UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: id.prefix(16))) }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
    }
}
