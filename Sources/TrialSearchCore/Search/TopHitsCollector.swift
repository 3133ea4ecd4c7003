import CIntrinsics

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
/// - deeper lists (top 1000), a buffer of up to 1.6 · limit docs (`bufferSlackPercent`); when it is full, a selection
///   of the docs as 64-bit integer keys (`deepKey`; `TopSelection.selectSmallest`) keeps the best
///   `limit`, and the docs tied with the `limit`-th score, and the threshold becomes that score
///   (Tantivy's `TopNComputer`); which of the tied docs rank within the `limit` (by trial id) is decided
///   once, when the hits are ranked. A doc costs one comparison with the threshold and an
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
    /// Room for new docs in the buffer of a deep list, in per cent of `limit`: a selection runs when
    /// `limit` · (1 + slack) docs are held. Less room means more selections but a threshold closer to
    /// the `limit`-th best score, which MaxScore prunes with. Callgrind, the first 200 keyword queries
    /// at top 1,000 on the 16x replica (same hits): 35 % 1,083.5 M, 50 % 1,066.5 M, 60 % 1,065.4 M,
    /// 75 % 1,078.3 M, 100 % 1,078.0 M, 200 % 1,113.9 M instructions; 25 % 1,101.4 M, 12 % 1,225.7 M.
    static let bufferSlackPercent = 60

    let limit: Int
    /// The candidates of a heap (`usesHeap`), each with its trial id's first 16 bytes (`HeapEntry`).
    private var heap: [HeapEntry] = []
    /// Each segment's id column (`usesHeap` only): a doc's id bytes read once, when it enters the heap.
    private let idColumns: [DocValues.IDColumn]
    /// A deep list's docs collected since its last selection: `pendingCount` of them in `pending`.
    private var pending: PendingDocs
    private var pendingCount = 0
    /// A deep list's docs kept by its last selection, as `deepKey`s. The new docs wait in `buffer` and
    /// become keys at the next selection, so that `collect` stays the small append it was (built into
    /// a key there, it grew MaxScore's lone-essential closure, which inlines `collect`, so that
    /// `PostingsCursor.advance(to:)` was no longer inlined there: +13 M instructions for the 1,000
    /// keyword queries at top 10; BENCHMARKS.md, `kw10`).
    private var keys: [UInt64] = []
    /// New docs that a deep list takes before its next selection: `capacity` less the kept keys, and at
    /// most `pending.capacity` (so that `collect` needs no capacity test).
    private var room: Int
    private let usesHeap: Bool
    private let capacity: Int
    private let segments: [SegmentReader]
    /// Each segment's first number in the snapshot's doc numbering (`deepKey`; deep lists only).
    private let bases: [UInt32]
    private(set) var threshold: Float = -.infinity
    /// Docs offered (competitive or not): the docs whose full score was computed.
    private(set) var scoredCount = 0

    init(limit: Int, segments: [SegmentReader]) {
        precondition(limit > 0, "limit \(limit)")
        self.limit = limit
        self.segments = segments
        usesHeap = limit <= Self.heapLimit
        capacity = usesHeap ? limit : limit + limit * Self.bufferSlackPercent / 100
        room = 0
        bases = usesHeap ? [] : Self.bases(of: segments)
        idColumns = usesHeap ? segments.indices.map { segments[$0].docValues.idColumn } : []
        if usesHeap {
            heap.reserveCapacity(capacity)
            pending = PendingDocs.none
        } else {
            pending = PendingDocs(capacity: min(capacity, Self.firstPendingCapacity))
        }
        room = min(capacity, pending.capacity)
    }

    /// The most docs a deep list's first pending storage holds (more for a `limit` so deep that the
    /// docs kept leave more room, as they come: `setRoom`).
    static let firstPendingCapacity = 1 << 17

    /// How many docs `sorted()` returns.
    var count: Int { min(heap.count + pendingCount + keys.count, limit) }

    /// Offers a scored doc.
    /// - Complexity: O(log limit) in a heap; amortized O(1) with the buffer.
    @inline(__always)
    mutating func collect(_ candidate: ScoredDoc) {
        // Wrapping: the count of a search's docs is far below `Int.max`, and `pendingCount` stays below
        // `room`; the overflow tests were two of the append's instructions, inlined into every
        // scoring loop that collects.
        scoredCount &+= 1
        guard candidate.score >= threshold else { return }
        if usesHeap {
            offerToHeap(candidate)
            return
        }
        pending.base[pendingCount] = candidate
        pendingCount &+= 1
        if pendingCount >= room { keepBest() }
    }

    /// The room for new docs once `kept` keys are held and no doc is pending: `capacity` less them, and
    /// no more than the pending storage holds, which grows (up to twice a step) if it holds less.
    private mutating func setRoom(kept: Int) {
        precondition(pendingCount == 0, "\(pendingCount) pending docs")
        let free = capacity - kept
        if free > pending.capacity { pending = PendingDocs(capacity: min(free, 2 * pending.capacity)) }
        room = min(free, pending.capacity)
    }

    /// The docs collected since the last selection.
    private var pendingDocs: UnsafeBufferPointer<ScoredDoc> { UnsafeBufferPointer(start: pending.base, count: pendingCount) }

    /// Each segment's first number in the snapshot's doc numbering: the docs of the segments before it.
    static func bases(of segments: [SegmentReader]) -> [UInt32] {
        var bases: [UInt32] = []
        var total = 0
        // By index: `for segment in segments` copied each `SegmentReader` (its references retained and
        // released), about 1,300 instructions a segment.
        for s in segments.indices {
            bases.append(UInt32(total))
            total += segments[s].docCount
        }
        precondition(total <= Int(globalDocMask), "\(total) docs in the snapshot")
        return bases
    }

    /// `candidate` with its id's prefix.
    @inline(__always)
    private func heapEntry(_ candidate: ScoredDoc) -> HeapEntry {
        let prefix = Self.idPrefix(idColumns[Int(candidate.segment)].idBytes(candidate.doc))
        return HeapEntry(doc: candidate, high: prefix.high, low: prefix.low)
    }

    private mutating func offerToHeap(_ candidate: ScoredDoc) {
        if heap.count < limit {
            heap.append(heapEntry(candidate))
            siftUp(heap.count - 1)
            if heap.count == limit { threshold = heap[0].doc.score }
            return
        }
        // A higher score enters without its id compared; a tie with the worst kept doc is decided by id.
        let worst = heap[0]
        let entry: HeapEntry
        if candidate.score != worst.doc.score {
            guard candidate.score > worst.doc.score else { return }
            entry = heapEntry(candidate)
        } else {
            entry = heapEntry(candidate)
            guard Self.ranksAbove(entry, worst, segments) else { return }
        }
        let segments = self.segments
        threshold = heap.withUnsafeMutableBufferPointer { heap in
            Self.replaceRoot(heap, with: entry, segments)
            return heap[0].doc.score
        }
    }

    /// Puts `entry` in the root's place and sifts it down: the worse child moves up into the hole while
    /// `entry` ranks above it (the comparisons of swapping it down, one write a level).
    @inline(__always)
    private static func replaceRoot(_ heap: UnsafeMutableBufferPointer<HeapEntry>, with entry: HeapEntry,
                                    _ segments: [SegmentReader]) {
        var i = 0
        let n = heap.count
        while true {
            let l = 2 &* i &+ 1
            guard l < n else { break }
            var worst = l
            if l &+ 1 < n && ranksAbove(heap[l], heap[l &+ 1], segments) { worst = l &+ 1 }
            guard ranksAbove(entry, heap[worst], segments) else { break }
            heap[i] = heap[worst]
            i = worst
        }
        heap[i] = entry
    }

    private mutating func siftUp(_ start: Int) {
        let segments = self.segments
        heap.withUnsafeMutableBufferPointer { heap in
            var i = start
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.ranksAbove(heap[parent], heap[i], segments) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }
    }

    /// Keeps the best `limit` candidates, and those tied with the `limit`-th, and raises the threshold to
    /// the `limit`-th score.
    ///
    /// The docs tied with the `limit`-th score all stay (a tie run is short: about 16 docs on the 16x
    /// replica), so no trial id is read here: which of them rank within the `limit` is decided once, by
    /// `rank`'s final `selectBest`. Every doc that can still rank within the `limit` stays. When the ties
    /// would fill more than half the buffer's room (scores from few values), they are decided by id
    /// here, so that the buffer keeps its room.
    /// - Complexity: O(buffer) on average.
    private mutating func keepBest() {
        let limit = self.limit, slack = capacity - limit, segments = self.segments, bases = self.bases
        Self.appendKeys(of: pendingDocs, to: &keys, bases)
        pendingCount = 0
        guard keys.count > limit else {
            setRoom(kept: keys.count)
            return
        }
        let (kth, kept) = keys.withUnsafeMutableBufferPointer { b -> (UInt32, Int) in
            let (kth, tied) = Self.selectWithTies(b, count: limit)
            if tied - limit > slack / 2 { return (Self.selectBest(b, count: limit, segments, bases), limit) }
            return (UInt32(truncatingIfNeeded: kth), tied)
        }
        keys.removeLast(keys.count - kept)
        setRoom(kept: kept)
        threshold = Self.scoredDoc(UInt64(kth) << 32, bases: bases).score
    }

    /// Selects the `count` smallest keys of `b` to its front (`TopSelection.selectSmallest`: by score,
    /// then snapshot number) and gathers the keys tied with the `count`-th one's score right after them;
    /// returns that score's half of the key and the end of the gathered ties.
    /// - Complexity: O(n) integer comparisons on average.
    @inline(__always)
    static func selectWithTies(_ b: UnsafeMutableBufferPointer<UInt64>, count: Int) -> (kth: UInt64, tied: Int) {
        TopSelection.selectSmallest(b, count: count)
        let kth = b[count - 1] >> 32
        var tied = count
        for i in count..<b.count where b[i] >> 32 == kth {
            b.swapAt(i, tied)
            tied += 1
        }
        return (kth, tied)
    }

    /// Moves the best `count` docs of `b` (`deepKey`s; by `ranksAbove`) to its front, in no particular
    /// order, and returns the `count`-th best's `descendingKey`: a selection of the `count` smallest
    /// keys (by score, then snapshot number), then, if docs tied with the `count`-th score lie on both
    /// sides of the cut, a selection among those by trial id.
    ///
    /// The kept set is the same as a selection by `ranksAbove` would keep (the best `count` of a total
    /// order), with trial ids read for the few docs tied across the cut only (a corpus holding each text
    /// 16 times ties constantly).
    /// - Complexity: O(n) integer comparisons on average, plus O(ties) of trial ids.
    @discardableResult
    static func selectBest(_ b: UnsafeMutableBufferPointer<UInt64>, count: Int, _ segments: [SegmentReader],
                           _ bases: [UInt32]) -> UInt32 {
        precondition(count > 0 && count < b.count, "count \(count) of \(b.count)")
        let (kth, tied) = selectWithTies(b, count: count)
        if tied == count { return UInt32(truncatingIfNeeded: kth) }
        // Those before it, gathered right before it; the docs above the k-th score are kept whatever
        // their ids.
        var above = count
        var i = count - 1
        while i >= 0 {
            if b[i] >> 32 == kth {
                above -= 1
                b.swapAt(i, above)
            }
            i -= 1
        }
        let ties = UnsafeMutableBufferPointer(rebasing: b[above..<tied])
        TopSelection.select(ties, count: count - above) { x, y in
            ranksAbove(scoredDoc(x, bases: bases), scoredDoc(y, bases: bases), segments)
        }
        return UInt32(truncatingIfNeeded: kth)
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

    /// The kept docs, best first (`rank`'s order).
    func sorted() -> [ScoredDoc] {
        rank { docs, keys, _ in keys.map { docs[Self.position($0)] } }
    }

    /// The kept docs as hits, best first (`rank`'s order), each with its trial id, built in place from
    /// the id bytes `rank` read: the tied docs' ids are read once, for their order and their strings
    /// (they were read again for the strings, and each `Hit` was built, copied into the array and
    /// destroyed: about 300 instructions a hit, 50 M of the 1,073 M of 200 keyword queries at top 1,000).
    /// - Complexity: `rank`'s, plus O(limit) for the hits.
    func hits() -> [Hit] {
        rank { docs, keys, ids in
            Array(unsafeUninitializedCapacity: keys.count) { hits, initialized in
                guard let base = hits.baseAddress else { return }
                for i in 0..<keys.count {
                    let d = docs[Self.position(keys[i])]
                    // Built in place since `Hit` holds its explanation behind one reference (`kw9`):
                    // with the optional `Explanation` inline, the release build made each hit in a
                    // temporary, copied it and destroyed the temporary (16 M of a top 1,000 of 200
                    // keyword queries; BENCHMARKS.md, `kw8`).
                    (base + i).initialize(to: Hit(id: DocValues.trialID(ids[i]), score: d.score,
                                                  segment: Int(d.segment), doc: d.doc))
                }
                initialized = keys.count
            }
        }
    }

    /// The index in `rank`'s docs of a sort key (its low 32 bits).
    @inline(__always)
    static func position(_ key: UInt64) -> Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: key)) }

    /// Orders the kept docs, best first, and hands `body` the docs, their sort keys in that order (each
    /// doc's index in the docs in the low 32 bits) and the trial-id bytes of the doc at each position.
    ///
    /// One integer sort by score (each doc as a 64-bit key: its score's bits, ordered as the scores
    /// descending, above its index), then each run of equal scores ordered by trial id: the runs are
    /// short (a corpus holding each text 16 times has runs of about 16), and the ids are read only for
    /// them, once per doc (the first 16 bytes as two big-endian integers, then, for ids equal that far,
    /// the whole ids). Callgrind, the first 200 keyword queries at top 1,000 on the 16x replica:
    /// `sorted()` 81.7 M → 62.9 M instructions against a sort of indices comparing scores and ids in a
    /// closure (same order). Every doc's id is located once, up front (and prefetched), and the ties'
    /// ids read by `sortTies`.
    /// - Complexity: O(buffer) for a selection, then O(limit) for the sort by score (`sortByScore`), plus
    ///   O(t²) id comparisons per run of t ≤ 32 equal scores (O(t · log t) beyond).
    private func rank<R>(_ body: (UnsafeBufferPointer<ScoredDoc>, UnsafeBufferPointer<UInt64>,
                                  UnsafeBufferPointer<UnsafeRawBufferPointer>) -> R) -> R {
        let segments = self.segments
        var best: [ScoredDoc]
        if usesHeap {
            best = heap.map { $0.doc }
        } else {
            let bases = self.bases, limit = self.limit
            var kept = keys
            Self.appendKeys(of: pendingDocs, to: &kept, bases)
            if kept.count > limit {
                _ = kept.withUnsafeMutableBufferPointer { b in Self.selectBest(b, count: limit, segments, bases) }
                kept.removeLast(kept.count - limit)
            }
            best = Self.scoredDocs(kept, bases: bases)
        }
        let n = best.count
        precondition(n <= Int(UInt32.max), "\(n) docs")
        // Trivial values: deallocated without deinitializing. The keys are a raw allocation: an array
        // (`[UInt64](repeating:count:)`) went through the runtime's unspecialized allocation, about 1,000
        // instructions before `malloc` (BENCHMARKS.md, `kw19`).
        let keyStorage = UnsafeMutablePointer<UInt64>.allocate(capacity: max(n, 1))
        let ids = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: max(n, 1))
        defer {
            keyStorage.deallocate()
            ids.deallocate()
        }
        let keys = UnsafeMutableBufferPointer(start: keyStorage, count: n)
        return best.withUnsafeBufferPointer { docs in
            let ties = UnsafeMutablePointer<Tie>.allocate(capacity: max(n, 1))
            let idAt = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: max(n, 1))
            // Each segment's id column, looked up once.
            let columns = UnsafeMutablePointer<DocValues.IDColumn>.allocate(capacity: max(segments.count, 1))
            // By index: `for (s, segment) in segments.enumerated()` copied each `SegmentReader`.
            for s in segments.indices { (columns + s).initialize(to: segments[s].docValues.idColumn) }
            defer {
                ties.deallocate()
                idAt.deallocate()
                columns.deallocate()
            }
            // Every doc's id bytes located, and their first and last cache lines asked for, before the
            // sort by score and the runs that read them: a deep list's ids are scattered over the id
            // column (1.9 MB on the 16x replica), and the load of each in turn stalled the ranking (70 %
            // of `rank`'s samples on that load, `perf`); prefetched, their misses overlap one another
            // and the sort (keywords at top 1,000 about 8 % faster on the clock: BENCHMARKS.md, `kw48`).
            for i in 0..<n {
                let doc = docs[i]
                keys[i] = UInt64(Self.descendingKey(doc.score)) << 32 | UInt64(i)
                let id = columns[Int(doc.segment)].idBytes(doc.doc)
                (idAt + i).initialize(to: id)
                trialsearch_prefetch_read(id.baseAddress)
                trialsearch_prefetch_read(id.baseAddress.map { $0 + (max(id.count, 1) &- 1) })
            }
            Self.sortByScore(keys)
            // Runs of equal scores, by trial id.
            var start = 0
            while start < n {
                let score = keys[start] >> 32
                var end = start + 1
                while end < n && keys[end] >> 32 == score { end += 1 }
                if end - start > 1 {
                    Self.sortTies(UnsafeMutableBufferPointer(rebasing: keys[start..<end]), docs, scratch: ties,
                                  idAt: idAt, ids: ids + start)
                } else {
                    (ids + start).initialize(to: idAt[Self.position(keys[start])])
                }
                start = end
            }
            return body(docs, UnsafeBufferPointer(keys), UnsafeBufferPointer(start: ids, count: n))
        }
    }
}
