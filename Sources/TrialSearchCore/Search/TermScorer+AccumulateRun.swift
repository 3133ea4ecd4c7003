/// What `TermScorer.accumulateRun` reads besides the run: the BM25F factor tables (`searchedFactors`,
/// followed by `saturatedOnce`), the norms rows, the clause's weight, k1, and the window's sums and
/// mark words indexed by doc.
struct RunTables {
    let factors: UnsafePointer<Float>
    let rows: UnsafePointer<UInt8>
    let weight: Float
    let k1: Float
    let sums: UnsafeMutablePointer<Double>
    let words: UnsafeMutablePointer<UInt64>
}

extension TermScorer {
    /// Adds the BM25F score over the default fields of every doc of `run` into `t.sums[doc]` and sets
    /// bit `doc & 63` of `t.words[doc >> 6]`: the arithmetic of `forEachScore`'s default-BM25F loop,
    /// in the same order (a doc holding the term once in one field takes its score from
    /// `saturatedOnce`, `factors[12 · 256...]`). Out of line and without calls, so that its loop keeps
    /// its bases in registers. Prefetches the norms rows ahead when `P.enabled`.
    @inline(never)
    static func accumulateRun<P: NormsPrefetch>(_ run: PostingsRun, _ t: RunTables, _: P.Type) {
        let once = IndexFormat.fieldCount * 256
        let factors = t.factors, rows = t.rows, weight = t.weight, k1 = t.k1, sums = t.sums, words = t.words
        // The doc ids and masks from the run's end, indexed from −(docs in the run) up to 0: the loop's
        // test is the index's own sign, and the end needs no register.
        let docs = run.docs + run.end, masks = run.masks + run.end
        // The doc's first termFreq, counted along (a doc has one per field of its mask) as a pointer: one
        // register, where a base and an index took two.
        var freqs = run.freqs + Int(run.freqStarts[run.start])
        if P.enabled {
            for i in run.start..<min(run.end, run.start &+ normsPrefetchDistance) {
                prefetchNorm(rows, run.docs[i], run.masks[i])
            }
        }
        var next = run.start &- run.end
        while next < 0 {
            let i = next
            next &+= 1
            let ahead = i &+ normsPrefetchDistance
            if P.enabled && ahead < 0 { prefetchNorm(rows, docs[ahead], masks[ahead]) }
            let mask = masks[i]
            if mask == 0 { continue }
            let d = Int(docs[i])
            let row = rows + d &* IndexFormat.fieldCount
            let f = mask.trailingZeroBitCount
            let score: Float
            if mask & (mask &- 1) == 0 && freqs[0] == 0 {
                freqs += 1
                let s = factors[once &+ f &* 256 &+ Int(row[f])]
                guard s > 0 else { continue }
                score = weight * s
            } else {
                let (x, j) = pseudoFrequency(mask: mask, first: f, freqs: freqs, factors: factors, row: row)
                freqs += j
                guard x > 0 else { continue }
                score = weight * (x / (k1 + x))
            }
            sums[d] += Double(score)
            words[d &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: d)
        }
    }

    /// BM25F's pseudo-frequency x of a doc holding the term in the fields of `mask` (first field
    /// `first`), from its termFreqs (`freqs`, one per field of the mask, stored minus one), the factor
    /// tables and its norms row, summed in field order as every scoring loop does; and the number of
    /// termFreqs read. Inlined into the loops that share it.
    @inline(__always)
    static func pseudoFrequency(mask: UInt16, first f: Int, freqs: UnsafePointer<UInt32>, factors: UnsafePointer<Float>,
                                row: UnsafePointer<UInt8>) -> (x: Float, count: Int) {
        var x = Float(freqs[0] &+ 1) * factors[f &* 256 &+ Int(row[f])]
        var m = mask & (mask &- 1)
        var j = 1
        while m != 0 {
            let g = m.trailingZeroBitCount
            x += Float(freqs[j] &+ 1) * factors[g &* 256 &+ Int(row[g])]
            j &+= 1
            m &= m &- 1
        }
        return (x, j)
    }
}
