/// A `Similarity` prepared for one snapshot: for every field and every norm byte, the factor by which a
/// termFreq counts, so that scoring a doc for a term is a few multiply-adds and one division.
///
/// With `x = Σ_f tfT(tf_f) · factor[f][norm_f]` (the fields of the clause that hold the term):
/// - BM25F: `tfT(tf) = tf`, `factor[f][n] = w_f / (1 − b_f + b_f · decode(n) / avglen_f)`,
///   score = weight · x / (k1 + x) with weight = boost · idf;
/// - TF-IDF: `tfT(tf) = √tf`, `factor[f][n] = w_f / √max(decode(n), 1)`, score = weight · x with
///   weight = queryNorm · boost · idf².
/// `decode` is `FieldNorm.decode`, the same lossy lengths that `Impacts` bounds use, so a bound computed
/// with these factors from a block's max termFreq and min norm byte is never below a doc's score.
///
/// Immutable once built; owns its table (freed in `deinit`).
public final class ScoringModel: @unchecked Sendable {
    public let similarity: Similarity
    public let statistics: CollectionStatistics
    /// BM25F's k1 (0 for TF-IDF).
    let k1: Float
    /// Whether scores saturate (BM25F) or grow linearly (TF-IDF).
    let saturates: Bool
    /// Whether termFreqs count by their square root (TF-IDF).
    let sqrtTermFreq: Bool
    /// `factor[f * 256 + normByte]`, for a clause naming its field and for bounds: a field of weight 0
    /// counts with weight 1 here.
    let factors: UnsafeMutablePointer<Float>
    /// The same for a clause without a field prefix: a field of weight 0 has factor 0, so that summing
    /// over every field of a doc needs no test of the field (`TermScorer.accumulate`).
    let searchedFactors: UnsafeMutablePointer<Float>
    /// The fields a clause without a field prefix scores: those of positive weight (bit f for field f).
    /// A field of weight 0 (outcomes, by default) is not searched unless a query names it
    /// (`outcome:survival`); its factors are then computed with weight 1, so that naming it finds its
    /// docs instead of scoring them all 0.
    let searchedFields: UInt16
    /// BM25F: `searchedFactors[i] / (k1 + searchedFactors[i])`, computed in `Float` as `score(weight:x:)`
    /// computes `x / (k1 + x)`, so that a doc holding a term once in a single default field (x =
    /// 1 · factor, the commonest posting) is scored `weight · saturatedOnce[f * 256 + normByte]` with
    /// the same bits and no division (`TermScorer.accumulate`). All 0 for TF-IDF.
    let saturatedOnce: UnsafeMutablePointer<Float>
    /// Whether `saturatedOnce` may replace the division: BM25F, and every entry is positive exactly when
    /// its factor is (so that testing the entry skips the same docs as testing x > 0).
    let hasSaturatedOnce: Bool

    public init(similarity: Similarity, statistics: CollectionStatistics) {
        self.similarity = similarity
        self.statistics = statistics
        let tableSize = IndexFormat.fieldCount * 256
        factors = .allocate(capacity: 3 * tableSize)
        searchedFactors = factors + tableSize
        saturatedOnce = factors + 2 * tableSize
        saturatedOnce.initialize(repeating: 0, count: tableSize)
        let weights = similarity.fieldWeights
        searchedFields = Field.allCases.reduce(UInt16(0)) { weights[$1] > 0 ? $0 | 1 << UInt16($1.rawValue) : $0 }
        let table = FieldNorm.decodeTable
        switch similarity {
        case let .bm25f(p):
            k1 = Float(p.k1)
            saturates = true
            sqrtTermFreq = false
            for field in Field.allCases {
                let f = Int(field.rawValue)
                let average = statistics.averageFieldLengths[f]
                let b = p.b[field]
                let w = Self.explicitWeight(p.weights[field])
                for n in 0..<256 {
                    let relative = average > 0 ? Double(table[n]) / average : 1
                    factors[f * 256 + n] = Float(w / (1 - b + b * relative))
                    searchedFactors[f * 256 + n] = p.weights[field] > 0 ? factors[f * 256 + n] : 0
                }
            }
            var exact = true
            for i in 0..<tableSize {
                let x = searchedFactors[i]
                saturatedOnce[i] = x / (k1 + x)
                if (saturatedOnce[i] > 0) != (x > 0) { exact = false }
            }
            hasSaturatedOnce = exact
        case let .tfidf(p):
            k1 = 0
            saturates = false
            sqrtTermFreq = true
            for field in Field.allCases {
                let f = Int(field.rawValue)
                let w = Self.explicitWeight(p.weights[field])
                for n in 0..<256 {
                    factors[f * 256 + n] = Float(w / Double(max(table[n], 1)).squareRoot())
                    searchedFactors[f * 256 + n] = p.weights[field] > 0 ? factors[f * 256 + n] : 0
                }
            }
            hasSaturatedOnce = false
        }
    }

    deinit { factors.deallocate() }

    /// A field's weight in the factor table: its weight, or 1 for a field of weight 0, which only a
    /// clause naming it scores (`searchedFields`).
    static func explicitWeight(_ w: Double) -> Double { w > 0 ? w : 1 }

    /// The fields a clause scores: the one it names, or `searchedFields`.
    func fields(for field: Field?) -> UInt16 {
        field.map { UInt16(1) << UInt16($0.rawValue) } ?? searchedFields
    }

    /// How a termFreq counts: itself (BM25F) or its square root (TF-IDF).
    @inline(__always)
    func termFreqValue(_ tf: UInt32) -> Float {
        sqrtTermFreq ? Float(tf).squareRoot() : Float(tf)
    }

    /// The factor of field `f` (raw value) for a doc whose norm byte in it is `norm`.
    @inline(__always)
    func factor(field f: Int, norm: UInt8) -> Float { factors[f &* 256 &+ Int(norm)] }

    /// The score of a clause of weight `weight` for a doc whose weighted termFreq sum is `x`.
    @inline(__always)
    func score(weight: Float, x: Float) -> Float {
        guard x > 0 else { return 0 }
        return saturates ? weight * (x / (k1 + x)) : weight * x
    }

    /// The factor c ≥ 1 by which a segment's stored maximum x (`TermMaxima`) must be multiplied to bound
    /// the x of this model's clauses without a field prefix, or nil when the maxima do not apply: not
    /// BM25F, or other weights or b than the segment's. c = max(1, max_f avg_f / segavg_f) over the
    /// searched fields: with a larger collection average a field's factor w / (1 − b + b · len / avg)
    /// grows by at most avg / segavg, with a smaller one it shrinks. 1 for an index of one segment.
    /// - Complexity: O(fields).
    func termMaximumScale(_ maxima: TermMaxima) -> Double? {
        guard case let .bm25f(p) = similarity, p.b.values == maxima.b, p.weights.parameters.values == maxima.weights else {
            return nil
        }
        var scale = 1.0
        for f in 0..<IndexFormat.fieldCount where maxima.weights[f] > 0 && maxima.averages[f] > 0 {
            scale = max(scale, statistics.averageFieldLengths[f] / maxima.averages[f])
        }
        return scale
    }

    /// A bound of `score(weight:x:)` over every doc whose x is at most `maximum · scale`: computed in
    /// `Double` and widened by 10⁻⁶ relative, then rounded up to `Float`, so that the `Float` roundings
    /// of the scorer's factors, sum and saturation (a few 10⁻⁷ relative) cannot put a doc's score above it.
    func bound(weight: Float, maximum x: Float, scale: Double) -> Float {
        let xs = Double(x) * scale
        guard weight >= 0, xs > 0 else { return 0 }
        let s = saturates ? Double(weight) * (xs / (Double(k1) + xs)) : Double(weight) * xs
        return Float(s * (1 + 1e-6)).nextUp
    }

    /// The clause weight for a term or phrase of idf `idf` (before TF-IDF's queryNorm).
    func weight(idf: Double, boost: Double) -> Double {
        saturates ? boost * idf : boost * idf * idf
    }

    /// An upper bound of `score` over the docs that `impacts` summarizes, restricted to `fields`.
    /// - Complexity: O(fields in the mask).
    func bound(weight: Float, impacts: Impacts, fields: UInt16) -> Float {
        var x: Float = 0
        var mask = impacts.fieldMask & fields
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            x += termFreqValue(impacts.maxTermFreq[f]) * factor(field: f, norm: UInt8(truncatingIfNeeded: impacts.minNorm[f]))
        }
        return score(weight: weight, x: x)
    }

    /// `bound(weight:impacts:fields:)` of the block that `cursor`'s last shallow advance selected, read
    /// in place (`PostingsCursor.forEachBlockImpact`): the same sum in the same order, so the same value.
    /// - Complexity: O(fields of the block's bound).
    @inline(__always)
    func blockBound(weight: Float, cursor: inout PostingsCursor, fields: UInt16) -> Float {
        var x: Float = 0
        cursor.forEachBlockImpact { f, maxTermFreq, minNorm in
            guard fields & (1 << UInt16(f)) != 0 else { return }
            x += termFreqValue(maxTermFreq) * factor(field: f, norm: minNorm)
        }
        return score(weight: weight, x: x)
    }
}
