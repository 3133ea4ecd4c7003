/// The per-block maxima of a format-7 segment: for each postings block of a term of several blocks,
/// the exact maximum of BM25F's pseudo-frequency x over the block's docs under the keyword-query
/// parameters (`BM25FParameters()`, the query language's default), as one byte quantized upward
/// against the term's maximum under the same parameters (`PostingsWriter`'s grammar: `maxKeywordX`
/// and `BlockMaximum`).
///
/// x is computed as `TermMaxima` computes it (the scorer's `Float` factors and sums, the segment's own
/// average field lengths), with the keyword-query weights and b instead of the long-query ones, whose
/// parameters the postings file stores after the term maxima's (`KeywordMaximaParameters`). A block's
/// byte q decodes to `decode(q, termMaximum: T)` = T · q / 255 (in `Double`, rounded to `Float`), never
/// below the block's exact x: `encode` takes the smallest such q. So the block's score is bounded by
/// `ScoringModel.bound(weight:maximum:scale:)` of that x, for every k1 and clause weight under these
/// w_f and b_f, as MaxScore's block bounds need (`ImpactsWindow`): the per-field `Impacts` bound, whose
/// largest termFreq and shortest length come from different docs, lies above the top-10 threshold in
/// almost every block (BENCHMARKS.md `kw10b`, `kw14`, `bmax1`).
enum BlockMaxima {
    /// The parameters new segments store block maxima for: the keyword queries' BM25F.
    static let currentB: [Double] = BM25FParameters().b.values
    static let currentWeights: [Double] = BM25FParameters().weights.parameters.values

    /// The parameters of the block maxima with a segment's field statistics.
    static func current(lengthSums: [UInt64], docCount: Int) -> TermMaxima {
        TermMaxima(b: currentB, weights: currentWeights, lengthSums: lengthSums, docCount: docCount)
    }

    /// The bound a block's byte `q` stands for: T · q / 255 rounded to `Float` (0 for q = 0, T for 255).
    @inline(__always)
    static func decode(_ q: UInt8, termMaximum t: Float) -> Float {
        Float(Double(t) * Double(q) / 255)
    }

    /// The smallest byte whose `decode` is at least `x` (x ≤ t): 255 when t is not a finite positive
    /// number (no bound: a writer without maxima), 0 when x is 0.
    static func encode(_ x: Float, termMaximum t: Float) -> UInt8 {
        guard t.isFinite, t > 0, x < t else { return 255 }
        guard x > 0 else { return 0 }
        var q = min(255, max(1, Int((Double(x) / Double(t) * 255).rounded(.up))))
        while q > 1 && decode(UInt8(q - 1), termMaximum: t) >= x { q -= 1 }
        while q < 255 && decode(UInt8(q), termMaximum: t) < x { q += 1 }
        return UInt8(q)
    }
}
