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

extension TopSelection {
    /// Reorders `keys` so that `keys[count - 1]` is the `count`-th smallest key, with no larger key before
    /// it and no smaller one after it (C++'s `nth_element`): Floyd and Rivest's SELECT (CACM algorithm
    /// 489), whose pivot is the `count`-th key of a sample (itself selected recursively) rather than a
    /// median of three, so that a partition leaves few keys on the side that holds the target.
    ///
    /// On plain integers a key visited by a partition costs two loads, two stores, a comparison and an
    /// add, and no branch (the partition's comment): the
    /// generic `select` on 12-byte `ScoredDoc`s through a comparison closure cost about 57 instructions a
    /// doc per selection of the top-1,000 collector; a median-of-three quickselect of integer keys
    /// visits about 3.9 keys a key there (1,600 keys, the 1,000th wanted), this about 1.9
    /// (BENCHMARKS.md, `kw10`, `kw12`).
    /// - Complexity: O(n) on average (n + min(count, n − count) + o(n) comparisons), O(n log n) at worst
    ///   (a full sort of a range whose partitions degenerate).
    static func selectSmallest(_ keys: UnsafeMutableBufferPointer<UInt64>, count: Int) {
        guard count > 0, count < keys.count, let p = keys.baseAddress else { return }
        floydRivest(p, left: 0, right: keys.count - 1, target: count - 1)
    }

    /// The longest range `selectSmallest` finishes by insertion.
    static let smallRange = 16
    /// The shortest range whose pivot comes from a sample.
    static let sampledRange = 400
    /// How far the sample's pivot is moved from the target's expected rank, towards the smaller side, in
    /// standard deviations of that rank. A simulation of the top-1,000 collector's selections (1,600
    /// random keys, the 1,000th wanted; keys visited by partitions, per key): Floyd and Rivest's shift
    /// 2.53, 0.5 2.00, 0.75 1.98, 1 2.00, 1.5 2.10, 2 2.24 (the small ranges pivoting on the key at k);
    /// with the median of three for those, 0.75 1.89 and 1 1.90, and 23 % fewer instructions in the
    /// selection than the published shift (BENCHMARKS.md, `kw12`).
    static let sampleShift = 0.75

    private static func floydRivest(_ p: UnsafeMutablePointer<UInt64>, left start: Int, right end: Int, target k: Int) {
        var left = start, right = end
        var budget = 2 * (Int.bitWidth - (end - start + 1).leadingZeroBitCount)
        while right - left > smallRange {
            if budget == 0 {
                var range = UnsafeMutableBufferPointer(start: p + left, count: right - left + 1)
                range.sort()
                return
            }
            budget -= 1
            let n = right - left + 1
            if n > sampledRange {
                // A sample of about 2·√n keys, spread over the range (the collector's buffer is not in
                // random order), moved around the target and selected there: its target-th key is the
                // pivot, shifted by `sampleShift` standard deviations of the target's rank in the sample
                // (√(s·q·(1 − q)) for a sample of s keys and the target's quantile q) towards the smaller
                // side, so that the partition most often leaves the target on that side, close to the
                // pivot. Floyd and Rivest's published shift, 0.5·√(ln n · s · (n − s)/n), is made for
                // large n: on 1,600 keys it is about 2.8 deviations, and the target's side kept about
                // 53 % of the keys instead of 37.5 % (BENCHMARKS.md, `kw10`, `kw12`).
                let rank = k - left + 1
                let size = 2 * Double(n).squareRoot()
                let q = Double(rank) / Double(n)
                let spread = sampleShift * (size * q * (1 - q)).squareRoot() * (2 * rank < n ? -1 : 1)
                let sampleLeft = max(left, Int(Double(k) - Double(rank) * size / Double(n) + spread))
                let sampleRight = min(right, Int(Double(k) + Double(n - rank) * size / Double(n) + spread))
                let m = sampleRight - sampleLeft + 1
                let stride = n / m
                for i in 0..<m { swap(&p[sampleLeft + i], &p[left + i * stride]) }
                floydRivest(p, left: sampleLeft, right: sampleRight, target: k)
            } else {
                // The median of three keys, at k and halfway to either end, as the pivot (moved to k)
                // rather than the key at k alone: in the simulation of `sampleShift`, 1.98 → 1.89
                // visits a key in all.
                let a = left + (k - left) / 2, c = k + (right - k) / 2
                if p[a] > p[k] { swap(&p[a], &p[k]) }
                if p[k] > p[c] { swap(&p[k], &p[c]) }
                if p[a] > p[k] { swap(&p[a], &p[k]) }
            }
            // Partition around t = p[k] (parked at `right`) without a branch per key: each key is
            // swapped into the store slot and the slot advances only past keys below t (Lomuto, with
            // Alexandrescu's unconditional writes: the keys between `store` and `i` are all ≥ t, so
            // writing the store slot's key at `i` and the visited key at `store` keeps them so when the
            // visited key is not below t). The callers' keys are distinct (a doc number or an index in the low
            // bits): equal keys would still be selected right, only more slowly (runs of them make
            // uneven partitions, down to the budget's sort). Hoare's
            // scans ended each run of keys on one side with a mispredicted branch: on random keys about
            // one key in two (cachegrind's branch simulation, BENCHMARKS.md `br47`).
            let t = p[k]
            swap(&p[k], &p[right])
            var store = left
            for i in left..<right {
                let x = p[i]
                p[i] = p[store]
                p[store] = x
                // The comparison's flag as a number (`setb`): written as `x < t ? 1 : 0`, the loop's
                // select became a branch again (LLVM's cmov conversion: `store` feeds the next address).
                store &+= Int(unsafeBitCast(x < t, to: UInt8.self))
            }
            swap(&p[store], &p[right])
            let j = store
            if j <= k { left = j + 1 }
            if k <= j { right = j - 1 }
        }
        if right > left {
            for i in (left + 1)...right {
                let x = p[i]
                var j = i
                while j > left && p[j - 1] > x {
                    p[j] = p[j - 1]
                    j -= 1
                }
                p[j] = x
            }
        }
    }
}
