/// The count cuts shared by the two ways a long text becomes a query, long queries
/// (`LongQueryRewriter.selectionCount`) and more-like-this (`MoreLikeThisParameters.keptPositions`): of
/// terms sorted best first by a weight, how many to keep.
enum TermCut {
    /// How many of the first `limit` of `weights` (best first) the cuts keep: with `mass` < 1, the fewest
    /// whose sum reaches `mass` × `total`; with `relative` > 0, of those, the ones weighing at least
    /// `relative` × the best. Deterministic: a function of its arguments only.
    static func count(_ weights: [Double], limit: Int, mass: Double, total: Double, relative: Double) -> Int {
        var n = min(weights.count, limit)
        if mass < 1 {
            let goal = mass * total
            var sum = 0.0, k = 0
            while k < n && sum < goal {
                sum += weights[k]
                k += 1
            }
            n = k
        }
        if relative > 0, let best = weights.first {
            var k = 0
            while k < n && weights[k] >= relative * best { k += 1 }
            n = k
        }
        return n
    }
}
