/// A deep list's docs as 64-bit keys (`TopHitsCollector.deepKey`): the selections and `rank` compare
/// integers, and the keys give back the docs and their scores (`scoredDoc`).
extension TopHitsCollector {
    /// The low bits of a `deepKey` that hold the doc's number in the snapshot (base of its segment plus
    /// its `DocID`).
    static let globalDocMask: UInt64 = 0x7fff_ffff
    /// The bit of a `deepKey` that marks a score of −0 (its `descendingKey` is +0's).
    static let negativeZeroBit: UInt64 = 1 << 31

    /// A deep list's doc as one integer whose order is the descending order of scores: `descendingKey`
    /// above bit 32, a −0 mark (bit 31: −0 and +0 tie as `ranksAbove` has them, and the score comes back
    /// as it was) and the doc's number in the snapshot (31 bits). Selections then compare integers, and
    /// the trial ids are read only for the docs tied with the `limit`-th score.
    @inline(__always)
    static func deepKey(_ doc: ScoredDoc, base: UInt32) -> UInt64 {
        deepKey(scoreBits: doc.score.bitPattern, number: base &+ UInt32(bitPattern: doc.doc))
    }

    /// `deepKey` of a score's bits and a snapshot number, without branches (`descendingKey`'s tests
    /// of the score and the −0 test as masks).
    @inline(__always)
    static func deepKey(scoreBits bits: UInt32, number: UInt32) -> UInt64 {
        let negativeZero = UInt64(bits == 0x8000_0000 ? 1 : 0) << 31
        return UInt64(descendingKey(scoreBits: bits)) << 32 | negativeZero | UInt64(number)
    }

    /// Appends the `deepKey`s of `docs` to `keys`, through buffer pointers (an `append` per doc paid a
    /// uniqueness check and a capacity test each), with wrapping arithmetic and no branch per doc:
    /// the loop with `descendingKey`'s branches and overflow-checked indices took about 24
    /// instructions a doc (BENCHMARKS.md, `kw15`).
    static func appendKeys(of d: UnsafeBufferPointer<ScoredDoc>, to keys: inout [UInt64], _ bases: [UInt32]) {
        let old = keys.count, n = d.count
        guard n > 0, let docs = d.baseAddress else { return }
        keys.append(contentsOf: repeatElement(0, count: n))
        keys.withUnsafeMutableBufferPointer { k in
            bases.withUnsafeBufferPointer { b in
                guard let target = k.baseAddress.map({ $0 + old }), let base = b.baseAddress else { return }
                if b.count == 1 {
                    // One segment (its base is 0): the numbers are the docs, no look-up per doc.
                    for i in 0..<n {
                        let doc = docs[i]
                        target[i] = deepKey(scoreBits: doc.score.bitPattern, number: UInt32(bitPattern: doc.doc))
                    }
                    return
                }
                for i in 0..<n {
                    let doc = docs[i]
                    target[i] = deepKey(scoreBits: doc.score.bitPattern,
                                        number: base[Int(doc.segment)] &+ UInt32(bitPattern: doc.doc))
                }
            }
        }
    }

    /// The doc a `deepKey` stands for.
    @inline(__always)
    static func scoredDoc(_ key: UInt64, bases: [UInt32]) -> ScoredDoc {
        let descending = UInt32(truncatingIfNeeded: key >> 32)
        let ascending = ~descending
        var bits = ascending & 0x8000_0000 != 0 ? ascending & 0x7fff_ffff : ~ascending
        if key & negativeZeroBit != 0 { bits = 0x8000_0000 }
        let global = UInt32(truncatingIfNeeded: key & globalDocMask)
        var segment = bases.count - 1
        while segment > 0 && bases[segment] > global { segment -= 1 }
        return ScoredDoc(score: Float(bitPattern: bits), segment: Int32(segment), doc: DocID(bitPattern: global &- bases[segment]))
    }

    /// The docs of `keys` (`scoredDoc`), through buffer pointers: a `map` tested the new array's
    /// capacity at every doc (about 40 instructions a doc in all).
    static func scoredDocs(_ keys: [UInt64], bases: [UInt32]) -> [ScoredDoc] {
        Array(unsafeUninitializedCapacity: keys.count) { docs, initialized in
            keys.withUnsafeBufferPointer { k in
                for i in 0..<k.count { docs[i] = scoredDoc(k[i], bases: bases) }
            }
            initialized = keys.count
        }
    }
}
