/// The writers' side of a term's champion list (`ChampionList`): the `IndexFormat.championCount` best
/// docs offered so far, by keyword x, with their postings, kept while the term's postings are written.
///
/// A min-heap on (x, −doc): its root is the worst champion, the one with the smallest x and, among equal
/// x, the largest doc. The writers offer docs in increasing doc order, so a doc whose x equals the root's
/// never enters (it ranks below): they test `x > floor` only (`PostingsWriter.championFloor`, −∞ while
/// the heap has room), one `Float` compare a posting, and call `offer` for the few docs above it. Each
/// champion's mask and termFreqs live in a slot that stays put while the heap moves slot numbers.
///
/// Not thread-safe: one per `PostingsWriter`. A class so that the merge's copied blocks
/// (`TermMaximumFactors.maximum(of:sourceRows:blockBest:champions:floor:docBase:)`) offer to the writer's
/// heap without copying it; its memory is manually managed (freed in `deinit`).
final class ChampionHeap {
    static let capacity = IndexFormat.championCount

    private let xs = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    private let docs = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    /// The slot of each heap entry.
    private let slots = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    private let slotMasks = UnsafeMutablePointer<UInt16>.allocate(capacity: capacity)
    /// `fieldCount` termFreqs − 1 per slot, fields ascending.
    private let slotFreqs = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * IndexFormat.fieldCount)
    /// Entries held (≤ `capacity`).
    private(set) var count = 0

    deinit {
        xs.deallocate()
        docs.deallocate()
        slots.deallocate()
        slotMasks.deallocate()
        slotFreqs.deallocate()
    }

    /// Empties the heap for the next term.
    @inline(__always)
    func reset() { count = 0 }

    /// Whether entry `a` ranks below entry `b`: smaller x, or equal x and larger doc.
    @inline(__always)
    private func ranksBelow(_ a: Int, _ b: Int) -> Bool {
        xs[a] != xs[b] ? xs[a] < xs[b] : docs[a] > docs[b]
    }

    /// Offers `doc` with keyword x `x`, field mask `mask` and termFreqs − 1 `freqs` (popcount(mask) of
    /// them, fields ascending); returns the floor a later doc must exceed to be offered (−∞ while the
    /// heap has room, then the root's x).
    /// - Complexity: O(log capacity).
    @inline(never)
    func offer(x: Float, doc: UInt32, mask: UInt16, freqs: UnsafePointer<UInt32>) -> Float {
        let slot: Int
        if count < Self.capacity {
            slot = count
            xs[count] = x
            docs[count] = doc
            slots[count] = slot
            count += 1
            // Sift up.
            var i = count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                guard ranksBelow(i, parent) else { break }
                swapEntries(i, parent)
                i = parent
            }
        } else {
            // Replace the root if the doc ranks above it.
            guard x > xs[0] || (x == xs[0] && doc < docs[0]) else { return xs[0] }
            slot = slots[0]
            xs[0] = x
            docs[0] = doc
            var i = 0
            while true {
                var lowest = i
                let left = 2 * i + 1, right = left + 1
                if left < count && ranksBelow(left, lowest) { lowest = left }
                if right < count && ranksBelow(right, lowest) { lowest = right }
                if lowest == i { break }
                swapEntries(i, lowest)
                i = lowest
            }
        }
        slotMasks[slot] = mask
        let target = slotFreqs + slot * IndexFormat.fieldCount
        for k in 0..<mask.nonzeroBitCount { target[k] = freqs[k] }
        return count < Self.capacity ? -.infinity : xs[0]
    }

    @inline(__always)
    private func swapEntries(_ a: Int, _ b: Int) {
        swap(&xs[a], &xs[b])
        swap(&docs[a], &docs[b])
        swap(&slots[a], &slots[b])
    }

    /// The champions in doc order as a `ChampionList` appended to `out`.
    func encode(into out: inout ByteBuffer) {
        let n = count
        precondition(n > 0, "a champion list of no docs")
        var order = (0..<n).map { $0 }
        order.sort { docs[$0] < docs[$1] }
        var listDocs = [UInt32](repeating: 0, count: n)
        var listMasks = [UInt16](repeating: 0, count: n)
        var listFreqs: [UInt32] = []
        listFreqs.reserveCapacity(n * IndexFormat.fieldCount)
        for (i, e) in order.enumerated() {
            listDocs[i] = docs[e]
            let slot = slots[e]
            listMasks[i] = slotMasks[slot]
            let freqs = slotFreqs + slot * IndexFormat.fieldCount
            for k in 0..<slotMasks[slot].nonzeroBitCount { listFreqs.append(freqs[k]) }
        }
        listDocs.withUnsafeBufferPointer { d in
            listMasks.withUnsafeBufferPointer { m in
                listFreqs.withUnsafeBufferPointer { f in
                    guard let d = d.baseAddress, let m = m.baseAddress else { return }
                    // A champion has at least one field, so `f` is never empty here.
                    guard let f = f.baseAddress else { return }
                    ChampionList.encode(count: n, docs: d, masks: m, freqs: f, into: &out)
                }
            }
        }
    }
}
