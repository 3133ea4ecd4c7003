/// The writers' side of a term's champion list (`ChampionList`): the `IndexFormat.championCount` best
/// docs offered so far, by keyword x, with their postings, kept while the term's postings are written.
///
/// A min-heap on (x, −doc) as one integer key, x's bits above the doc's complement (x ≥ 0, whose bit
/// patterns order as the values do): its root is the worst champion, the one with the smallest x and,
/// among equal x, the largest doc. The writers offer docs in increasing doc order, so a doc whose x
/// equals the root's never enters (it ranks below): they test `x > floor` only
/// (`PostingsWriter.championFloor`, −∞ while the heap has room), one `Float` compare a posting, and call
/// `offer` for the few docs above it. Each champion's mask and termFreqs live in a slot that stays put
/// while the heap moves slot numbers.
///
/// Not thread-safe: one per `PostingsWriter`. A class so that the merge's copied blocks
/// (`TermMaximumFactors.maximum(of:sourceRows:blockBest:champions:floor:docBase:)`) offer to the writer's
/// heap without copying it; its memory is manually managed (freed in `deinit`).
final class ChampionHeap {
    static let capacity = IndexFormat.championCount

    /// Heap-ordered keys: x's bits << 32 | ~doc.
    private let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
    /// The slot of each heap entry.
    private let slots = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    private let slotMasks = UnsafeMutablePointer<UInt16>.allocate(capacity: capacity)
    /// `fieldCount` termFreqs − 1 per slot, fields ascending.
    private let slotFreqs = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * IndexFormat.fieldCount)
    /// Entries held (≤ `capacity`).
    private(set) var count = 0

    deinit {
        keys.deallocate()
        slots.deallocate()
        slotMasks.deallocate()
        slotFreqs.deallocate()
    }

    /// Empties the heap for the next term.
    @inline(__always)
    func reset() { count = 0 }

    @inline(__always)
    private static func key(_ x: Float, _ doc: UInt32) -> UInt64 { UInt64(x.bitPattern) &<< 32 | UInt64(~doc) }

    /// Offers `doc` with keyword x `x` (≥ 0), field mask `mask` and its `n` = popcount(mask) termFreqs − 1
    /// `freqs` (fields ascending); returns the floor a later doc must exceed to be offered (−∞ while the
    /// heap has room, then the root's x).
    /// - Complexity: O(log capacity).
    @inline(never)
    func offer(x: Float, doc: UInt32, mask: UInt16, freqs: UnsafePointer<UInt32>, count n: Int) -> Float {
        let key = Self.key(x, doc)
        let slot: Int
        var i: Int
        if count < Self.capacity {
            // Sift the new entry up from the end (a hole moved up, the entry written once).
            slot = count
            i = count
            count &+= 1
            while i > 0 {
                let parent = (i &- 1) >> 1
                if keys[parent] <= key { break }
                keys[i] = keys[parent]
                slots[i] = slots[parent]
                i = parent
            }
        } else {
            // Replace the root if the doc ranks above it, then sift the hole down.
            guard key > keys[0] else { return Float(bitPattern: UInt32(truncatingIfNeeded: keys[0] &>> 32)) }
            slot = slots[0]
            i = 0
            while true {
                let left = 2 &* i &+ 1
                if left >= Self.capacity { break }
                var child = left
                if left &+ 1 < Self.capacity && keys[left &+ 1] < keys[left] { child = left &+ 1 }
                if keys[child] >= key { break }
                keys[i] = keys[child]
                slots[i] = slots[child]
                i = child
            }
        }
        keys[i] = key
        slots[i] = slot
        slotMasks[slot] = mask
        let target = slotFreqs + slot &* IndexFormat.fieldCount
        for k in 0..<n { target[k] = freqs[k] }
        return count < Self.capacity ? -.infinity : Float(bitPattern: UInt32(truncatingIfNeeded: keys[0] &>> 32))
    }

    /// The champions in doc order as a `ChampionList` appended to `out`.
    func encode(into out: inout ByteBuffer) {
        let n = count
        precondition(n > 0, "a champion list of no docs")
        withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { order in
            // Heap entries by doc ascending (key's low half is ~doc: descending low halves).
            for e in 0..<n {
                var j = e
                let doc = ~UInt32(truncatingIfNeeded: keys[e])
                while j > 0 && ~UInt32(truncatingIfNeeded: keys[order[j - 1]]) > doc {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = e
            }
            ChampionList.encode(count: n, into: &out) { i in
                let e = order[i], slot = slots[e]
                return (~UInt32(truncatingIfNeeded: keys[e]), slotMasks[slot], UnsafePointer(slotFreqs + slot * IndexFormat.fieldCount))
            }
        }
    }
}
