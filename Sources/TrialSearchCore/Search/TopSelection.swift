/// Partial selection: moves the `count` first elements of a strict total order (`precedes`) to the
/// front of a buffer, in no particular order: Hoare's quickselect (median-of-three pivots), falling back
/// to a full sort of the remaining range if the partitioning degenerates (introselect), so that the
/// worst case stays O(n log n).
enum TopSelection {
    /// Reorders `buffer` so that `buffer[0..<count]` holds its `count` first elements under `precedes`.
    /// - Complexity: O(n) comparisons on average, O(n log n) at worst.
    static func select<T>(_ buffer: UnsafeMutableBufferPointer<T>, count: Int, by precedes: (T, T) -> Bool) {
        guard count > 0, count < buffer.count else { return }
        var low = 0, high = buffer.count - 1
        var budget = 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount)
        // Invariant: the elements before `low` precede those in low...high, which precede those after.
        while low < high {
            if budget == 0 {
                var slice = UnsafeMutableBufferPointer(rebasing: buffer[low...high])
                slice.sort(by: precedes)
                return
            }
            budget -= 1
            let p = partition(buffer, low, high, precedes)
            if p == count - 1 || p == count { return }
            if p < count { low = p + 1 } else { high = p - 1 }
        }
    }

    /// Partitions low...high around a median-of-three pivot; returns the pivot's final index, with the
    /// elements before it preceding it and those after it not.
    private static func partition<T>(_ b: UnsafeMutableBufferPointer<T>, _ low: Int, _ high: Int,
                                     _ precedes: (T, T) -> Bool) -> Int {
        let mid = low + (high - low) / 2
        if precedes(b[mid], b[low]) { b.swapAt(mid, low) }
        if precedes(b[high], b[low]) { b.swapAt(high, low) }
        if precedes(b[high], b[mid]) { b.swapAt(high, mid) }
        // The median is at mid: park it at high and partition the rest (Lomuto).
        b.swapAt(mid, high)
        let pivot = b[high]
        var store = low
        for i in low..<high where precedes(b[i], pivot) {
            b.swapAt(i, store)
            store += 1
        }
        b.swapAt(store, high)
        return store
    }
}
