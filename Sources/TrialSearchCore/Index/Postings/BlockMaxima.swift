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

extension TermMaxima {
    /// Slack of `blockScale(for:)`: covers the `Float` roundings of the two models' factors (half an ulp
    /// each, 6·10⁻⁸ relative) and of the two sums of at most `IndexFormat.fieldCount` products each
    /// (below 12 · 6·10⁻⁸ each way), 1.6·10⁻⁶ in all, with room to spare.
    static let blockScaleSlack = 1e-5

    /// The factor c by which a block maximum x stored under these parameters (`BlockMaxima`) must be
    /// multiplied to bound the x of `model`'s clauses without a field prefix, or nil when none is known:
    /// `model.termMaximumScale(self)` when the parameters are the same; otherwise, for BM25F with another
    /// k1, b or weights (the patient notes' `.longQuery` and related trials' `.related` against the keyword
    /// parameters the block maxima are stored for), the largest ratio of the two models' factors.
    ///
    /// Why it bounds: a doc's x is Σ_f tf_f · F_f(n_f) under the model's factors F and Σ_f tf_f · G_f(n_f)
    /// under these, G_f(n) = w_f / (1 − b_f + b_f · decode(n) / avg_f), tf_f ≥ 1 and the same fields (a
    /// field the model searches must have a positive weight here: else nil; one it does not search adds 0
    /// to the model's x and ≥ 0 to the stored one). If F_f(n) ≤ c · G_f(n) for every field and norm byte,
    /// the model's x ≤ c · stored x term by term. For one field F_f(n) / G_f(n) =
    /// (w′_f / w_f) · (1 − b_f + b_f · d / avg_f) / (1 − b′_f + b′_f · d / avg′_f) with d = decode(n), a ratio
    /// of two affine functions of d with positive values on d ≥ 0: monotone in d (its derivative has the sign of
    /// a constant), and `FieldNorm.decode` is nondecreasing in n, so its largest value over the 256 norm
    /// bytes is at n = 0 or n = 255. c is the largest such ratio of the `Float` factors themselves (as the
    /// scorer and the writer use them), widened by `blockScaleSlack` for the roundings; `BlockMaxima.decode`
    /// is never below the stored x, and `ScoringModel.bound(weight:maximum:scale:)` widens again by 10⁻⁶.
    /// With the keyword parameters against `.longQuery` c is about 2 (eligibility: weight 1 against 0.5,
    /// b 0.75 both; titles and MeSH 0.5 · (1 − 0.5) / (1 − 0.75) = 1, keywords 1.33, conditions 0.67).
    /// - Complexity: O(fields).
    @inline(__always)
    func blockScale(for model: ScoringModel) -> Double? {
        model.termMaximumScale(self) ?? convertedScale(for: model)
    }

    /// `blockScale(for:)` for a model with other parameters than these, apart from the keyword queries'
    /// path (the same parameters, asked per query and segment): with both in one function those 1,000
    /// queries at top 10 on the 16x replica took 988.1 M instructions against main's 986.6 M (apart: 986.7 M).
    @inline(never)
    func convertedScale(for model: ScoringModel) -> Double? {
        guard case .bm25f = model.similarity else { return nil }
        let decode = FieldNorm.decodeTable
        var scale = 0.0
        for f in 0..<IndexFormat.fieldCount where model.searchedFactors[f &* 256] > 0 || model.searchedFactors[f &* 256 &+ 255] > 0 {
            guard weights[f] > 0 else { return nil }
            for n in [0, 255] {
                let relative = averages[f] > 0 ? Double(decode[n]) / averages[f] : 1
                let stored = Float(weights[f] / (1 - b[f] + b[f] * relative))
                let mine = model.searchedFactors[f &* 256 &+ n]
                guard stored.isFinite, stored > 0, mine.isFinite, mine >= 0 else { return nil }
                scale = max(scale, Double(mine) / Double(stored))
            }
        }
        return scale * (1 + Self.blockScaleSlack)
    }
}
