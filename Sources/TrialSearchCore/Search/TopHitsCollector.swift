/// A matching doc and its score, in some segment of the snapshot.
struct ScoredDoc: Sendable {
    var score: Float
    /// The segment's ordinal in the `IndexReader`.
    var segment: Int32
    var doc: DocID
}

/// Keeps the best `limit` docs seen so far, ranked by score and, for equal scores, by trial id (the
/// smaller id ranks first), so that results do not depend on segment layout or traversal order.
///
/// Two strategies, by depth:
/// - up to `heapLimit` docs (the usual top 10), a binary min-heap whose root is the worst kept doc: the
///   threshold rises with every doc that enters, which is what prunes best, and log(limit) is small;
/// - deeper lists (top 1000), a buffer of up to 2 · limit docs; when it is full, a selection
///   (quickselect, `TopSelection`) keeps the best `limit` and the threshold becomes the score of the
///   worst of them (Tantivy's `TopNComputer`). A doc costs one comparison with the threshold and an
///   append, plus its share of the selections: O(1) comparisons on average, where a heap of 1000 pays
///   O(log limit) on every entering doc, and with ties (the same text registered twice) each of those
///   is a trial-id comparison. Between selections the threshold lags behind the best `limit` seen;
///   that costs a little pruning and buys the cheap appends.
///
/// `threshold` is the score a doc must reach to be kept (−∞ until `limit` docs are kept): pruning may
/// skip any doc whose score bound is *below* it (a doc scoring exactly the threshold can still enter on
/// a smaller id).
struct TopHitsCollector {
    /// The deepest list kept in a heap; deeper ones use the buffer and selections.
    static let heapLimit = 64

    let limit: Int
    /// The candidates: a heap (`usesHeap`), or, after a selection, the best `limit` followed by the newer
    /// docs, not yet compared.
    private var buffer: [ScoredDoc] = []
    private let usesHeap: Bool
    private let capacity: Int
    private let segments: [SegmentReader]
    private(set) var threshold: Float = -.infinity
    /// Docs offered (competitive or not): the docs whose full score was computed.
    private(set) var scoredCount = 0

    init(limit: Int, segments: [SegmentReader]) {
        precondition(limit > 0, "limit \(limit)")
        self.limit = limit
        self.segments = segments
        usesHeap = limit <= Self.heapLimit
        capacity = usesHeap ? limit : 2 * limit
        buffer.reserveCapacity(min(capacity, 1 << 17))
    }

    /// How many docs `sorted()` returns.
    var count: Int { min(buffer.count, limit) }

    /// Offers a scored doc.
    /// - Complexity: O(log limit) in a heap; amortized O(1) with the buffer.
    @inline(__always)
    mutating func collect(_ candidate: ScoredDoc) {
        scoredCount += 1
        guard candidate.score >= threshold else { return }
        if usesHeap {
            offerToHeap(candidate)
            return
        }
        buffer.append(candidate)
        if buffer.count >= capacity { keepBest() }
    }

    private mutating func offerToHeap(_ candidate: ScoredDoc) {
        if buffer.count < limit {
            buffer.append(candidate)
            siftUp(buffer.count - 1)
            if buffer.count == limit { threshold = buffer[0].score }
            return
        }
        guard Self.ranksAbove(candidate, buffer[0], segments) else { return }
        buffer[0] = candidate
        siftDown(0)
        threshold = buffer[0].score
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.ranksAbove(buffer[parent], buffer[i], segments) else { break }
            buffer.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = buffer.count
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            var worst = l
            if l + 1 < n && Self.ranksAbove(buffer[l], buffer[l + 1], segments) { worst = l + 1 }
            guard Self.ranksAbove(buffer[i], buffer[worst], segments) else { break }
            buffer.swapAt(i, worst)
            i = worst
        }
    }

    /// Keeps the best `limit` candidates and raises the threshold to the worst kept score.
    ///
    /// The selection compares scores only (`Float`s); trial ids are compared only among the docs tied
    /// with the `limit`-th score, to choose which of them stay: the kept set is the same as a selection
    /// by `ranksAbove` would keep (the best `limit` of a total order), with a trial-id comparison for few
    /// docs instead of for every tie met while partitioning (a corpus holding each text 16 times ties
    /// constantly).
    /// - Complexity: O(buffer) on average.
    private mutating func keepBest() {
        let segments = self.segments
        let limit = self.limit
        let kth = buffer.withUnsafeMutableBufferPointer { b -> Float in
            Self.selectBest(b, count: limit, segments)
            var worst = Float.infinity
            for i in 0..<limit where b[i].score < worst { worst = b[i].score }
            return worst
        }
        buffer.removeLast(buffer.count - limit)
        threshold = kth
    }

    /// Moves the best `count` docs of `b` (by `ranksAbove`) to its front, in no particular order: a
    /// selection by score, then, among the docs tied with the `count`-th score, a selection by
    /// `ranksAbove`.
    /// - Complexity: O(n) comparisons of scores on average, plus O(ties) of trial ids.
    static func selectBest(_ b: UnsafeMutableBufferPointer<ScoredDoc>, count: Int, _ segments: [SegmentReader]) {
        guard count > 0, count < b.count else { return }
        TopSelection.select(b, count: count) { $0.score > $1.score }
        var kth = Float.infinity
        for i in 0..<count where b[i].score < kth { kth = b[i].score }
        // The docs above the k-th score are kept whatever their ids; gather those tied with it right
        // after them (from both sides of `count`), then keep the best of the ties by trial id.
        var above = 0
        for i in 0..<count where b[i].score > kth {
            b.swapAt(i, above)
            above += 1
        }
        var tied = above
        for i in above..<b.count where b[i].score == kth {
            b.swapAt(i, tied)
            tied += 1
        }
        guard tied > count else { return }
        let ties = UnsafeMutableBufferPointer(rebasing: b[above..<tied])
        TopSelection.select(ties, count: count - above) { ranksAbove($0, $1, segments) }
    }

    /// Whether `a` ranks above `b`: a higher score, or an equal score and a smaller trial id (then, for
    /// the same id in two segments, which only a corrupt snapshot has, the smaller segment and doc).
    @inline(__always)
    static func ranksAbove(_ a: ScoredDoc, _ b: ScoredDoc, _ segments: [SegmentReader]) -> Bool {
        if a.score != b.score { return a.score > b.score }
        let idA = segments[Int(a.segment)].docValues.idBytes(a.doc)
        let idB = segments[Int(b.segment)].docValues.idBytes(b.doc)
        let c = compareBytes(idA, idB)
        if c != 0 { return c < 0 }
        return (a.segment, a.doc) < (b.segment, b.doc)
    }

    /// The kept docs, best first.
    ///
    /// The sort orders indices, comparing keys looked up once per doc: the score, then the first 16
    /// bytes of the trial id as two big-endian integers (zero-padded: an id that is a prefix of another
    /// sorts first, as bytewise), then, for ids equal that far, the whole ids; rather than reading both
    /// trial ids from the doc values in every comparison (a corpus holding each text 16 times ties
    /// constantly).
    /// - Complexity: O(buffer) for a selection, then O(limit · log limit).
    func sorted() -> [ScoredDoc] {
        var best = buffer
        let segments = self.segments
        if best.count > limit {
            best.withUnsafeMutableBufferPointer { b in Self.selectBest(b, count: limit, segments) }
            best.removeLast(best.count - limit)
        }
        let ids = best.map { segments[Int($0.segment)].docValues.idBytes($0.doc) }
        let prefixes = ids.map(Self.idPrefix)
        var order = Array(best.indices)
        order.withUnsafeMutableBufferPointer { o in
            best.withUnsafeBufferPointer { docs in
                ids.withUnsafeBufferPointer { ids in
                    prefixes.withUnsafeBufferPointer { prefixes in
                        o.sort { i, j in
                            let a = docs[i], b = docs[j]
                            if a.score != b.score { return a.score > b.score }
                            let pa = prefixes[i], pb = prefixes[j]
                            if pa.high != pb.high { return pa.high < pb.high }
                            if pa.low != pb.low { return pa.low < pb.low }
                            let c = compareBytes(ids[i], ids[j])
                            if c != 0 { return c < 0 }
                            return (a.segment, a.doc) < (b.segment, b.doc)
                        }
                    }
                }
            }
        }
        return order.map { best[$0] }
    }

    /// The first 16 bytes of `id` as two big-endian integers, zero-padded: compared as integers, they
    /// order as the bytes do. One copy and two loads (a loop over the bytes cost more than the
    /// comparisons it saved).
    private static func idPrefix(_ id: UnsafeRawBufferPointer) -> (high: UInt64, low: UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: id.prefix(16))) }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
    }
}
