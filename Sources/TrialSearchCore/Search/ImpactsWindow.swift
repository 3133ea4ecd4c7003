/// The score bound of a window of docs, from one postings cursor's block `Impacts`: what
/// `ClauseScorer.advanceShallow(to:)` and `maxScore(upTo:)` compute for a term or a phrase.
///
/// Windows only move forward (as the cursor's shallow advance does): after `maxScore(upTo:)` the cached
/// bound covers the docs from the last shallow target to the end of the last block visited.
struct ImpactsWindow {
    /// Last doc covered by `bound` (−1 before the first shallow advance).
    private(set) var end: DocID = -1
    private(set) var bound: Float = 0

    /// How many postings blocks `maxScore(upTo:)` visits before it settles for the segment's bound.
    static let maxBlocksPerWindow = 8

    /// Moves to the block holding `target`; returns its last doc (see `PostingsCursor.advanceShallow`).
    /// - Complexity: O(log blocks).
    @inline(__always)
    mutating func advanceShallow(_ cursor: inout PostingsCursor, to target: DocID, model: ScoringModel,
                                 weight: Float, fields: UInt16) -> DocID {
        end = cursor.advanceShallow(to: target)
        bound = end == PostingsCursor.noMoreDocs ? 0 : model.blockBound(weight: weight, cursor: &cursor, fields: fields)
        return end
    }

    /// The bound of the docs from the last shallow target to `upTo`: the maximum over the blocks in
    /// between, or `segmentMax` when they are more than `maxBlocksPerWindow`.
    /// - Complexity: O(min(blocks in the window, maxBlocksPerWindow) · log blocks).
    mutating func maxScore(_ cursor: inout PostingsCursor, upTo: DocID, segmentMax: Float, model: ScoringModel,
                           weight: Float, fields: UInt16) -> Float {
        if upTo <= end || end >= PostingsCursor.noMoreDocs - 1 { return min(bound, segmentMax) }
        var best = bound
        var last = end
        var visited = 1
        while last < upTo {
            if visited == Self.maxBlocksPerWindow {
                best = segmentMax
                last = cursor.advanceShallow(to: upTo)
                break
            }
            last = cursor.advanceShallow(to: last + 1)
            if last == PostingsCursor.noMoreDocs { break }
            best = max(best, model.blockBound(weight: weight, cursor: &cursor, fields: fields))
            visited += 1
        }
        end = last
        bound = best
        return min(best, segmentMax)
    }
}
