/// The score bound of a window of docs, from one postings cursor's block `Impacts`: what
/// `ClauseScorer.advanceShallow(to:)` and `maxScore(upTo:)` compute for a term or a phrase.
///
/// Windows only move forward (as the cursor's shallow advance does): after `maxScore(upTo:)` the cached
/// bound covers the docs from the last shallow target to the end of the last block visited.
///
/// A term over the default fields scored with BM25F, in a segment with block maxima (`BlockMaxima`,
/// format 7), bounds a block by its stored maximum instead (`exact`): the largest x of the block's docs
/// under the keyword parameters, where the impacts combine the largest termFreq and the shortest length
/// of different docs; for other parameters widened by `TermMaxima.blockScale(for:)`.
struct ImpactsWindow {
    /// Last doc covered by `bound` (−1 before the first shallow advance).
    private(set) var end: DocID = -1
    private(set) var bound: Float = 0
    /// The stored block maxima's bound, when they apply (`BlockMaximumBound`).
    var exact: BlockMaximumBound? = nil

    /// How many postings blocks `maxScore(upTo:)` visits before it settles for the segment's bound.
    static let maxBlocksPerWindow = 8

    /// Moves to the block holding `target`; returns its last doc (see `PostingsCursor.advanceShallow`).
    /// - Complexity: O(log blocks).
    @inline(__always)
    mutating func advanceShallow(_ cursor: inout PostingsCursor, to target: DocID, model: ScoringModel,
                                 weight: Float, fields: UInt16) -> DocID {
        end = cursor.advanceShallow(to: target)
        bound = end == PostingsCursor.noMoreDocs ? 0 : blockBound(&cursor, model: model, weight: weight, fields: fields)
        return end
    }

    /// The bound of the block of the cursor's last shallow advance: its stored maximum's when `exact`
    /// applies (a term of several blocks), else its impacts'.
    @inline(__always)
    private func blockBound(_ cursor: inout PostingsCursor, model: ScoringModel, weight: Float, fields: UInt16) -> Float {
        if let exact, cursor.blockCount > 1 {
            return exact.bound(cursor.blockMaximumCode(cursor.shallowBlock), model: model)
        }
        return model.blockBound(weight: weight, cursor: &cursor, fields: fields)
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
            best = max(best, blockBound(&cursor, model: model, weight: weight, fields: fields))
            visited += 1
        }
        end = last
        bound = best
        return min(best, segmentMax)
    }
}

/// A block's score bound from its stored maximum byte (`BlockMaxima`): for a clause over the default
/// fields scored with the parameters of its segment's block maxima, of weight `weight`, whose term's
/// keyword maximum x is `termMaximum` and whose segment's maxima widen by `scale`
/// (`ScoringModel.termMaximumScale`).
struct BlockMaximumBound {
    let weight: Float
    let termMaximum: Float
    let scale: Double

    /// The bound of a block whose byte is `q`: `ScoringModel.bound(weight:maximum:scale:)` of the x it
    /// decodes to, which is at least the block's exact maximum.
    @inline(__always)
    func bound(_ q: UInt8, model: ScoringModel) -> Float {
        model.bound(weight: weight, maximum: BlockMaxima.decode(q, termMaximum: termMaximum), scale: scale)
    }
}
