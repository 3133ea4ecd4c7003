/// A matching doc and its score, in some segment of the snapshot.
struct ScoredDoc: Sendable {
    var score: Float
    /// The segment's ordinal in the `IndexReader`.
    var segment: Int32
    var doc: DocID
}

/// Keeps the best `limit` docs seen so far: a binary min-heap whose root is the worst kept doc, with
/// ties broken by trial id (the smaller id ranks first), so that results do not depend on segment
/// layout or traversal order.
///
/// `threshold` is the score a doc must reach to enter once the heap is full (−∞ before): pruning may
/// skip any doc whose score bound is *below* it (a doc scoring exactly the threshold can still enter on
/// a smaller id).
struct TopHitsCollector {
    let limit: Int
    private(set) var heap: [ScoredDoc] = []
    private let segments: [SegmentReader]
    private(set) var threshold: Float = -.infinity
    /// Docs offered (competitive or not): the docs whose full score was computed.
    private(set) var scoredCount = 0

    init(limit: Int, segments: [SegmentReader]) {
        precondition(limit > 0, "limit \(limit)")
        self.limit = limit
        self.segments = segments
        heap.reserveCapacity(min(limit, 1 << 16))
    }

    /// Whether `a` ranks below `b`: a lower score, or an equal score and a larger trial id.
    @inline(__always)
    private func ranksBelow(_ a: ScoredDoc, _ b: ScoredDoc) -> Bool {
        if a.score != b.score { return a.score < b.score }
        let idA = segments[Int(a.segment)].docValues.idBytes(a.doc)
        let idB = segments[Int(b.segment)].docValues.idBytes(b.doc)
        let c = compareBytes(idA, idB)
        if c != 0 { return c > 0 }
        return (a.segment, a.doc) > (b.segment, b.doc)
    }

    /// Offers a scored doc.
    /// - Complexity: O(log limit).
    @inline(__always)
    mutating func collect(_ candidate: ScoredDoc) {
        scoredCount += 1
        if heap.count < limit {
            heap.append(candidate)
            siftUp(heap.count - 1)
            if heap.count == limit { threshold = heap[0].score }
            return
        }
        guard candidate.score >= threshold, ranksBelow(heap[0], candidate) else { return }
        heap[0] = candidate
        siftDown(0)
        threshold = heap[0].score
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard ranksBelow(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            var worst = l
            if l + 1 < n && ranksBelow(heap[l + 1], heap[l]) { worst = l + 1 }
            guard ranksBelow(heap[worst], heap[i]) else { break }
            heap.swapAt(i, worst)
            i = worst
        }
    }

    /// The kept docs, best first.
    /// - Complexity: O(limit · log limit).
    func sorted() -> [ScoredDoc] {
        heap.sorted { ranksBelow($1, $0) }
    }
}
