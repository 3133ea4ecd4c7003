/// The sorts by score of `TopHitsCollector.rank`: keys whose high 32 bits are a score's
/// `descendingKey` and whose low 32 bits are the doc's position, ordered as whole integers.
extension TopHitsCollector {
    /// The most keys `radixSortByScore` sorts by insertion.
    static let smallSort = 48

    /// The buckets of `sortByScore`: the scores' range cut into this many slices (a power of two,
    /// about a top 1,000's keys, so that a bucket holds about one distinct score).
    static let scoreBuckets = 1_024

    /// Sorts keys whose low 32 bits are their positions (`sorted()`'s) by score, as whole integers (the
    /// same order as `radixSortByScore`): one bucket pass over the range of the scores' keys (a top
    /// 1,000's scores lie in a narrow range, so that `scoreBuckets` slices of it hold about one distinct
    /// score each), then an insertion sort of the nearly sorted keys. The buckets are stable, so the docs
    /// of a run of equal scores stay in position order and the insertion sort moves only distinct scores
    /// that shared a bucket. Scores crowded into few buckets (an outlier stretching the range) would
    /// make the insertion sort quadratic: past `8 · n` moves it stops and the radix sort finishes.
    /// One pass instead of the radix sort's three or four over the bytes that differ.
    /// - Complexity: O(n + scoreBuckets) on spread scores, O(n) per byte sorted at worst.
    static func sortByScore(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        let n = keys.count
        guard n > smallSort, let base = keys.baseAddress else {
            radixSortByScore(keys)
            return
        }
        var low = base[0] >> 32, high = low
        for i in 1..<n {
            let s = base[i] >> 32
            low = Swift.min(low, s)
            high = Swift.max(high, s)
        }
        let bucketBits = scoreBuckets.trailingZeroBitCount
        let rangeBits = UInt64.bitWidth - (high - low).leadingZeroBitCount
        let shift = UInt64(Swift.max(0, rangeBits - bucketBits))
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: scoreBuckets)
        counts.initialize(repeating: 0, count: scoreBuckets)
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        defer {
            counts.deallocate()
            scratch.deallocate()
        }
        // Wrapping arithmetic and masking shifts (the shift is at most 32 − 10, the counts at most n):
        // the checked ones cost a test and a branch each, in loops of a few instructions.
        for i in 0..<n { counts[Int(truncatingIfNeeded: ((base[i] >> 32) &- low) &>> shift)] &+= 1 }
        var offset = 0
        for b in 0..<scoreBuckets {
            let c = counts[b]
            counts[b] = offset
            offset &+= c
        }
        for i in 0..<n {
            let k = base[i]
            let b = Int(truncatingIfNeeded: ((k >> 32) &- low) &>> shift)
            scratch[counts[b]] = k
            counts[b] &+= 1
        }
        base.update(from: scratch, count: n)
        if !insertionSort(base, count: n, maxMoves: 8 * n) {
            // Stable so far (equal scores never passed each other): the radix sort keeps their order.
            radixSortByScore(keys)
        }
    }

    /// Sorts the `n` keys at `base` as integers by insertion, unless that takes more than `maxMoves`
    /// moves: then it stops (the keys partly sorted, none lost) and returns false.
    /// - Complexity: O(n + moves).
    @inline(__always)
    static func insertionSort(_ base: UnsafeMutablePointer<UInt64>, count n: Int, maxMoves: Int) -> Bool {
        guard n > 1 else { return true }
        var budget = maxMoves
        for i in 1..<n {
            let k = base[i]
            var j = i
            while j > 0 && base[j - 1] > k {
                base[j] = base[j - 1]
                j -= 1
            }
            base[j] = k
            budget &-= i &- j
            if budget < 0 { return false }
        }
        return true
    }

    /// Sorts keys whose low 32 bits are their positions (`sorted()`'s) by score, i.e. as whole integers:
    /// a least-significant-digit radix sort of the high 32 bits (stable, so positions stay ascending
    /// within a score), a byte a pass, skipping the bytes every key shares (the exponent of scores in a
    /// narrow range); up to `smallSort` keys, an insertion sort. The standard library's comparison sort
    /// cost about 200 instructions a key here.
    /// - Complexity: O(n) per byte sorted, plus 4 · 256 counters; O(n²) up to `smallSort` keys.
    static func radixSortByScore(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        let n = keys.count
        guard n > 1, let base = keys.baseAddress else { return }
        if n <= smallSort {
            // A top 10: an insertion sort of the whole keys (their low halves, the indices, are
            // distinct), cheaper than the radix sort's counters.
            _ = insertionSort(base, count: n, maxMoves: .max)
            return
        }
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 256)
        counts.initialize(repeating: 0, count: 4 * 256)
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        defer {
            counts.deallocate()
            scratch.deallocate()
        }
        for i in 0..<n {
            let k = keys[i] >> 32
            counts[Int(k & 0xff)] += 1
            counts[256 + Int(k >> 8 & 0xff)] += 1
            counts[512 + Int(k >> 16 & 0xff)] += 1
            counts[768 + Int(k >> 24)] += 1
        }
        var source = base, target = scratch
        for pass in 0..<4 {
            let shift = UInt64(32 + 8 * pass)
            let count = counts + 256 * pass
            if count[Int(source[0] >> shift & 0xff)] == n { continue }
            var offset = 0
            for b in 0..<256 {
                let c = count[b]
                count[b] = offset
                offset += c
            }
            for i in 0..<n {
                let k = source[i]
                let b = Int(k >> shift & 0xff)
                target[count[b]] = k
                count[b] += 1
            }
            swap(&source, &target)
        }
        if source != base { base.update(from: source, count: n) }
    }
}
