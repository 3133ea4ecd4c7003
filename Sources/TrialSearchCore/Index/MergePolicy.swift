/// Which segments to merge at commit: a logarithmic policy over live doc counts.
///
/// A segment's level is ⌊log_F(max(live, minDocs) / minDocs)⌋ with F = `mergeFactor`: with the
/// defaults, segments under 10,000 live docs are level 0, under 100,000 level 1, and so on. Whenever
/// `mergeFactor` segments share a level they are merged into one (which usually lands one level up,
/// where the rule applies again). A segment whose deleted docs exceed `maxDeletedFraction` of its docs
/// is rewritten alone to drop them. The commit flushes the workers' last in-memory segments as one
/// segment (`IndexWriter`), so a run that never filled a worker's share of the RAM budget adds one
/// segment without a merge; the segments one run flushed (when budgets filled, plus that last one) are
/// first merged into one when together they hold fewer than `mergeFactor · minDocs` live docs, so that
/// a small update adds one segment, not one per worker. Segments of a run are thus merged only once there are enough of
/// them, and an update of a few trials writes one small segment instead of rewriting a big one, so the
/// total work of building an index by n updates is O(n log n).
public struct MergePolicy: Sendable, Equatable {
    /// Segments per level before they are merged (F).
    public var mergeFactor: Int
    /// Live docs below which every segment counts as the smallest level.
    public var minDocs: Int
    /// Fraction of deleted docs above which a segment is rewritten.
    public var maxDeletedFraction: Double
    /// When set, merge down to at most this many segments at every commit (a "force merge").
    public var maxSegments: Int?
    /// Whether a run that builds a whole index (the first build, or `--rebuild`) ends with one segment:
    /// every query then opens one cursor per term instead of one per segment. On the 16× replica the
    /// final merge took 6.7 s of a 73 s build and 167 MB of memory.
    public var singleSegmentForNewIndex: Bool

    public init(mergeFactor: Int = 10, minDocs: Int = 1_000, maxDeletedFraction: Double = 0.5,
                maxSegments: Int? = nil, singleSegmentForNewIndex: Bool = true) {
        self.singleSegmentForNewIndex = singleSegmentForNewIndex
        precondition(mergeFactor >= 2 && minDocs >= 1, "merge factor \(mergeFactor), min docs \(minDocs)")
        self.mergeFactor = mergeFactor
        self.minDocs = minDocs
        self.maxDeletedFraction = maxDeletedFraction
        self.maxSegments = maxSegments
    }

    func level(_ s: SegmentInfo) -> Int {
        var size = max(s.liveCount, minDocs) / minDocs
        var level = 0
        while size >= mergeFactor {
            size /= mergeFactor
            level += 1
        }
        return level
    }

    /// The run's new segments (indices into `segments`) to merge first, or nil.
    func runMerge(_ segments: [SegmentInfo], new: Set<String>) -> [Int]? {
        let indices = segments.indices.filter { new.contains(segments[$0].name) }
        guard indices.count > 1 else { return nil }
        let live = indices.reduce(0) { $0 + segments[$1].liveCount }
        return live < mergeFactor * minDocs ? indices : nil
    }

    /// The next merge to run among `segments` (indices into it), or nil when none is due.
    func nextMerge(_ segments: [SegmentInfo]) -> [Int]? {
        if let maxSegments, segments.count > max(1, maxSegments) {
            // Merge the smallest segments so that the count drops to maxSegments.
            let order = segments.indices.sorted { segments[$0].liveCount < segments[$1].liveCount }
            return Array(order.prefix(segments.count - max(1, maxSegments) + 1)).sorted()
        }
        var byLevel: [Int: [Int]] = [:]
        for (i, s) in segments.enumerated() { byLevel[level(s), default: []].append(i) }
        for l in byLevel.keys.sorted() {
            if let group = byLevel[l], group.count >= mergeFactor { return Array(group.prefix(mergeFactor)) }
        }
        for (i, s) in segments.enumerated() where s.docCount > 0 {
            if Double(s.deletedCount) > maxDeletedFraction * Double(s.docCount) { return [i] }
        }
        return nil
    }
}
