/// The positions of one postings block, exp-Golomb coded with one parameter per block and the code's
/// unary prefixes apart from its mantissas, so that the positions of a doc deep in the block are
/// reached by counting one bits, 56 values at a time, instead of decoding every value before them.
///
/// Format (`PositionsBlock` of the `.pos` grammar in `PostingsWriter`):
/// ```
/// PositionsBlock := (unaryLength·32 + k):vint Unary Mantissas
/// Unary          := per value, z zero bits then a one bit; padded with zero bits to unaryLength bytes
/// Mantissas      := per value, the z + k bits of v + 2^k − 2^(z+k); padded with zero bits to a byte
/// ```
/// where, for a value v (a first position or a gap), z is the bit length of (v >> k) + 1 minus one:
/// exp-Golomb of order k, whose code is v + 2^k in z + k + 1 bits after z zeros. Bits are written from
/// the low end of each byte (`BitPacking`'s order). k (0…`maxK`) is the block's, chosen to minimise its
/// bytes; it shares the header vint with the unary length (one byte for a block of a few values). The
/// values are the block's positions in `.pos` order (per doc, per field of its mask ascending,
/// termFreq values: the first position, then the gaps).
///
/// Value i of the block starts at the i-th one bit of `Unary` plus one, and its mantissa at
/// i·k + (zeros of `Unary` before it): skipping n values is a select over the unary bits (popcounts of
/// 56-bit words), the mantissa offset follows. Worked example: the values 3 and 0 with k = 1 are
/// z = 1 (3 >> 1 = 1, + 1 = 2: two bits) and z = 0; unary `01` `1` → the byte `0b110` = `06`;
/// mantissas 3 + 2 − 4 = 1 in 2 bits and 0 + 2 − 2 = 0 in 1 bit → `0b001` = `01`. The block is
/// `21 06 01` (header 1·32 + 1).
enum PositionsBlock {
    /// Largest parameter (values are below 2^32, so a mantissa takes at most 32 + maxK ≤ 56 bits; the
    /// header keeps it in 5 bits).
    static let maxK = 24

    /// Room `encode` needs for `count` values: the header (at most 10 bytes), a unary code of at most
    /// 33 bits and a mantissa of at most 56 per value, and the slack of its word stores (the mantissas
    /// are written `mantissaGap(count:)` bytes in, then moved down behind the unary codes).
    static func maxEncodedLength(count: Int) -> Int { 32 + (count * (33 + 56) + 7) / 8 }

    /// Where `encode` writes the mantissas before moving them behind the header and the unary codes:
    /// past the most bytes those take (10 for the header, the unary codes' at most 33 bits a value, 3 of
    /// the unary copy's last word), rounded up.
    @inline(__always)
    static func mantissaGap(count: Int) -> Int { 16 &+ (count &* 33 &+ 7) >> 3 }

    /// Appends the block of `count` values to `out` (which has room for `maxEncodedLength(count:)`).
    ///
    /// One pass over the values after k's: per value, the code's top bit n = z + k of w = v + 2^k (whose
    /// bits above k are (v >> k) + 1), the unary code set as a one bit z bits on in scratch words, the
    /// mantissa (w without its top bit, n bits) written by a bit writer at `mantissaGap(count:)` bytes
    /// into `out`; then the header, the unary words copied behind it, and the mantissas moved down
    /// behind them (8 bytes at a time, upward: the target lies below the source). The unary copy writes
    /// whole 32-bit words, so up to 3 bytes past the unary part, below the mantissas' source, which the
    /// move then overwrites; the stores past the block's end lie within `maxEncodedLength`.
    /// - Complexity: O(count).
    ///
    /// `scratch`: room for `scratchWords(count:)` words the pass may use (a writer's own, kept), for a
    /// block past `stackScratchValues` values: the temporary allocation is on the heap past a kilobyte (a
    /// `malloc` and a `free` each). `lengths`: the values' bit lengths' histogram (34 entries, as
    /// `parameter(histogram:highest:count:)` reads it), counted by the caller as it made the values (a
    /// flush decoding them), so that k takes no pass over the values; it is left all 0.
    static func encode(_ values: UnsafePointer<UInt32>, count: Int, into out: inout ByteBuffer,
                       scratch: UnsafeMutablePointer<UInt32>? = nil, lengths: UnsafeMutablePointer<Int32>? = nil) {
        let k: Int
        if let lengths {
            if count == 1 {
                lengths[BitPacking.bitsRequired(values[0])] = 0
                return encodeOne(values[0], into: &out)
            }
            var highest = 32
            while highest > 0 && lengths[highest] == 0 { highest &-= 1 }
            k = parameter(histogram: lengths, highest: highest, count: count)
            var b = 0
            while b <= highest {
                lengths[b] = 0
                b &+= 1
            }
        } else {
            if count == 1 { return encodeOne(values[0], into: &out) }
            k = parameter(values, count: count)
        }
        if count > Self.stackScratchValues, let scratch {
            pass(UnsafeMutableBufferPointer(start: scratch, count: scratchWords(count: count)))
        } else {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: scratchWords(count: count), pass)
        }

        func pass(_ scratch: UnsafeMutableBufferPointer<UInt32>) {
            guard let unary = scratch.baseAddress else { return }
            out.appendInPlace { start in
                let mantissas = UnsafeMutableRawPointer(start + mantissaGap(count: count))
                // Two 64-bit accumulators holding fewer than 32 bits before each value, whole 32-bit words
                // stored as they fill: the unary codes' (a one bit z ≤ 32 bits on: at most bit 63) and the
                // mantissas' (n ≤ 32 + maxK bits, in two writes past 32). Shifts and sums without overflow
                // checks: their operands are below 64 by these bounds.
                var unaryBits: UInt64 = 0, unaryFill = 0, words = 0
                var bits: UInt64 = 0, fill = 0
                var cursor = mantissas
                let offset = UInt64(1) &<< UInt64(truncatingIfNeeded: k)
                @inline(__always) func put(_ value: UInt64, _ n: Int) {
                    bits |= value &<< UInt64(truncatingIfNeeded: fill)
                    fill &+= n
                    if fill >= 32 {
                        cursor.storeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian, as: UInt32.self)
                        cursor += 4
                        bits &>>= 32
                        fill &-= 32
                    }
                }
                var i = 0
                while i < count {
                    let w = UInt64(values[i]) &+ offset
                    let n = 63 &- w.leadingZeroBitCount
                    let code = w ^ (1 &<< UInt64(truncatingIfNeeded: n))
                    unaryFill &+= n &- k
                    unaryBits |= 1 &<< UInt64(truncatingIfNeeded: unaryFill)
                    unaryFill &+= 1
                    // Twice only for a code ending at bit 63 (z = 32: a value of 32 one bits with k = 0).
                    while unaryFill >= 32 {
                        unary[words] = UInt32(truncatingIfNeeded: unaryBits).littleEndian
                        words &+= 1
                        unaryBits &>>= 32
                        unaryFill &-= 32
                    }
                    if n > 32 {
                        put(code & 0xFFFF_FFFF, 32)
                        put(code &>> 32, n &- 32)
                    } else {
                        put(code, n)
                    }
                    i &+= 1
                }
                unary[words] = UInt32(truncatingIfNeeded: unaryBits).littleEndian
                // The last mantissa bits padded to a byte (one 8-byte store, the bytes past them counted out).
                cursor.storeBytes(of: bits.littleEndian, as: UInt64.self)
                let mantissaBytes = mantissas.distance(to: cursor) &+ (fill &+ 7) >> 3
                let unaryBytes = (words &* 32 &+ unaryFill &+ 7) >> 3
                // The header vint.
                var header = UInt64(truncatingIfNeeded: unaryBytes << 5 | k)
                var p = start
                while header >= 0x80 {
                    p.pointee = UInt8(truncatingIfNeeded: header) | 0x80
                    p += 1
                    header &>>= 7
                }
                p.pointee = UInt8(truncatingIfNeeded: header)
                p += 1
                let raw = UnsafeMutableRawPointer(p)
                for w in 0..<((unaryBytes &+ 3) >> 2) {
                    raw.storeBytes(of: unary[w], toByteOffset: w &* 4, as: UInt32.self)
                }
                let target = raw + unaryBytes
                var j = 0
                while j < mantissaBytes {
                    target.storeBytes(of: mantissas.loadUnaligned(fromByteOffset: j, as: UInt64.self), toByteOffset: j,
                                      as: UInt64.self)
                    j &+= 8
                }
                return start.distance(to: p) &+ unaryBytes &+ mantissaBytes
            }
        }
    }

    /// Most values whose scratch `encode` takes from the stack (`scratchWords` of them fit in a kilobyte).
    static let stackScratchValues = 192

    /// Words of scratch `encode` uses for `count` values: at most 33 unary bits a value, in 32-bit words,
    /// and the last partial word.
    @inline(__always)
    static func scratchWords(count: Int) -> Int { (count &* 33) >> 5 &+ 2 }

    /// `encode` of a block of one value (a term once in one doc: the commonest block of a flush), the same
    /// bytes without the scratch words and the pass's set-up: k is `parameter`'s, the unary code is
    /// a one bit after z zeros in ⌈(z + 1)/8⌉ bytes, the mantissa z + k bits padded to a byte. Each part
    /// is one 8-byte store (the mantissa's over the unary code's zero bytes past its length), within
    /// `maxEncodedLength(count: 1)`: a header of at most 2 bytes, the unary code at most 5, 8 bytes stored.
    @inline(__always)
    private static func encodeOne(_ v: UInt32, into out: inout ByteBuffer) {
        let k = min(maxK, max(0, BitPacking.bitsRequired(v) &- 1))
        let z = prefixLength(v, k)
        let unaryBytes = (z &+ 8) &>> 3
        out.vint(UInt64(truncatingIfNeeded: unaryBytes << 5 | k))
        out.appendInPlace { start in
            let raw = UnsafeMutableRawPointer(start)
            // z ≤ 32 and n = z + k ≤ 56 (see `encode`): the masking shifts are the plain ones.
            raw.storeBytes(of: (UInt64(1) &<< UInt64(truncatingIfNeeded: z)).littleEndian, as: UInt64.self)
            let n = z &+ k
            let code = UInt64(v) &+ (1 &<< UInt64(truncatingIfNeeded: k)) &- (1 &<< UInt64(truncatingIfNeeded: n))
            raw.storeBytes(of: code.littleEndian, toByteOffset: unaryBytes, as: UInt64.self)
            return unaryBytes &+ (n &+ 7) &>> 3
        }
    }

    /// The block's k: the first of 0…min(`maxK`, largest bit length) with the fewest bits. A value of b
    /// bits costs 2·max(0, b − k − 1) + 1 + k bits (exact but when v >> k is all ones and + 1 carries),
    /// so the block costs count·(1 + k) + 2·Σ_{b ≥ k + 2} (b − k − 1)·h(b), h the bit lengths' histogram.
    /// From k to k + 1 the cost changes by count − 2·S0(k + 2), S0(j) the values of at least j bits,
    /// which never decreases as k grows: the cost is convex in k, and its first minimum in 0…cap is the
    /// smallest k whose step is not negative (or cap). Walking down from cap with S0 summed from the
    /// top: k − 1 is that minimum's side while 2·S0(k + 1) ≤ count. The same k as comparing every k's
    /// cost (`PostingsCursorTests` checks it against that), in a few steps from cap and no products.
    ///
    /// A block of one value (a term once in one doc: the commonest block of a flush) takes the same k
    /// without the table: its cost is 2b − 1 − k up to k = b − 1, where it is b bits, then 1 + k, so the
    /// first minimum is k = b − 1 (0 for b ≤ 1), capped at `maxK` (`PostingsCursorTests` checks the
    /// blocks of one value of every bit length against the grammar).
    @inline(__always)
    private static func parameter(_ values: UnsafePointer<UInt32>, count: Int) -> Int {
        if count == 1 { return min(maxK, max(0, BitPacking.bitsRequired(values[0]) - 1)) }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 34) { table in
            guard let histogram = table.baseAddress else { return 0 }
            histogram.initialize(repeating: 0, count: 34)
            var all: UInt32 = 0
            var i = 0
            while i < count {
                let v = values[i]
                histogram[BitPacking.bitsRequired(v)] &+= 1
                all |= v
                i &+= 1
            }
            return parameter(histogram: histogram, highest: BitPacking.bitsRequired(all), count: count)
        }
    }

    /// `parameter`'s k from the bit lengths' histogram (`histogram[b]`: the values of b bits, b ≤
    /// `highest`, the largest) of a block of `count` values.
    @inline(__always)
    static func parameter(histogram: UnsafePointer<Int32>, highest: Int, count: Int) -> Int {
        let cap = min(maxK, highest)
        // S0(cap + 2): the values above cap + 1 bits (none when cap is the largest length).
        var above = 0
        var b = highest
        while b >= cap &+ 2 {
            above &+= Int(histogram[b])
            b &-= 1
        }
        var k = cap
        while k > 0 {
            let next = above &+ Int(histogram[k &+ 1])
            if 2 &* next > count { break }
            above = next
            k &-= 1
        }
        return k
    }

    /// z of the grammar: the bit length of (v >> k) + 1, minus one.
    @inline(__always)
    static func prefixLength(_ v: UInt32, _ k: Int) -> Int {
        let q = (UInt64(v) &>> UInt64(k)) &+ 1  // k ≤ maxK: the masking shift is the plain one
        return 63 &- q.leadingZeroBitCount
    }
}

/// Reads the values of one `PositionsBlock` in order, skipping runs of them without decoding.
///
/// Every read is bounded by the block's unary length and by `end` (the term's last position byte):
/// a damaged block sets `failed` and reads zeros, never outside the file. It loads 8 bytes at a time
/// and so may read up to 7 bytes past `end`: the file's 16-byte footer follows every term.
struct PositionsBlockReader {
    private let base: UnsafeRawPointer
    private let k: Int
    /// Bit offsets from `base`: the next value's unary code and mantissa, and their ends.
    private var unaryBit = 0
    private let unaryEnd: Int
    private var mantissaBit = 0
    private let mantissaEnd: Int
    private(set) var failed = false

    /// A reader of the block whose header is at byte `start`, within a term ending at byte `end`.
    init(base: UnsafeRawPointer, start: Int, end: Int) {
        self.base = base
        var r = ByteReader(base: base, end: end, position: start)
        let header = r.readVInt()
        let unaryStart = r.position
        let fits = !r.failed && header >> 5 <= UInt64(max(0, end - unaryStart))
        let k = Int(header & 31)
        self.k = min(k, PositionsBlock.maxK)
        unaryBit = unaryStart << 3
        unaryEnd = fits ? (unaryStart + Int(header >> 5)) << 3 : unaryBit
        mantissaBit = unaryEnd
        mantissaEnd = end << 3
        failed = !fits || k > PositionsBlock.maxK
    }

    /// Upper bound of the values left (each has a unary bit).
    var remainingBound: Int { failed ? 0 : unaryEnd - unaryBit }

    @inline(__always)
    private func word(_ bit: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)) >> UInt64(bit & 7)
    }

    /// Moves past the next `count` values.
    ///
    /// Each 56-bit word's one bits are counted per byte and summed into running byte totals by one
    /// multiplication (`byteTotals`): the word's count is the last total, and the value's byte is the
    /// first whose total reaches it (`select`). The baseline x86-64 target has no POPCNT, so
    /// `nonzeroBitCount` was the same arithmetic and the select cleared one bit a value skipped.
    /// - Complexity: O(count / 56 + bits of the skipped unary codes / 56) word loads and counts.
    @inline(__always)
    mutating func skip(_ count: Int) {
        guard count > 0, !failed else { return }
        var remaining = count
        var u = unaryBit
        let start = u
        while true {
            guard u < unaryEnd else { failed = true; return }
            let chunk = word(u) & ((1 << 56) - 1)
            let totals = Self.byteTotals(chunk)
            let ones = Int(truncatingIfNeeded: totals &>> 56)
            if ones < remaining {
                remaining -= ones
                u += 56
                continue
            }
            u += Self.select(chunk, totals: totals, rank: remaining) + 1
            break
        }
        guard u <= unaryEnd else { failed = true; return }
        // Bits of the skipped codes: a one per value, the rest zeros, each zero one mantissa bit.
        mantissaBit += count * k + (u - start - count)
        unaryBit = u
        if mantissaBit > mantissaEnd { failed = true }
    }

    /// Byte i of the result: the one bits of bytes 0…i of `x` (at most 56: `x` is a 56-bit word).
    /// The first three steps of a SWAR popcount leave each byte's count in that byte; the multiplication
    /// by 0x0101…01 sums them into running totals, the last byte holding the word's count.
    @inline(__always)
    static func byteTotals(_ x: UInt64) -> UInt64 {
        let pairs = x &- ((x &>> 1) & 0x5555_5555_5555_5555)
        let nibbles = (pairs & 0x3333_3333_3333_3333) &+ ((pairs &>> 2) & 0x3333_3333_3333_3333)
        let bytes = (nibbles &+ (nibbles &>> 4)) & 0x0F0F_0F0F_0F0F_0F0F
        return bytes &* 0x0101_0101_0101_0101
    }

    /// The bit index in `x` (a 56-bit word) of its `rank`-th one bit (1…`x`'s count), given
    /// `byteTotals(x)`: the first byte whose running total reaches `rank` (each total and `rank` below
    /// 128, so a byte's high bit set and `rank` subtracted borrows from no other byte: the high bit
    /// stays where the total is at least `rank`), then the remaining rank's bit within that byte.
    @inline(__always)
    static func select(_ x: UInt64, totals: UInt64, rank: Int) -> Int {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let ranks = UInt64(truncatingIfNeeded: rank) &* 0x0101_0101_0101_0101
        let reached = ((totals | highBits) &- ranks) & highBits
        // 8 · the byte's index (reached is not 0: the last byte's total is x's count, at least rank).
        let shift = UInt64(truncatingIfNeeded: reached.trailingZeroBitCount & ~7)
        let before = Int(truncatingIfNeeded: ((totals &<< 8) &>> shift) & 0xFF)
        var byte = (x &>> shift) & 0xFF
        var left = rank &- before
        while left > 1 { byte &= byte &- 1; left &-= 1 }
        return Int(truncatingIfNeeded: shift) &+ byte.trailingZeroBitCount
    }

    /// The next value (0 once `failed`).
    @inline(__always)
    mutating func next() -> UInt32 {
        // The unary code ends within the block (z ≤ 32 also keeps the mantissa within a word load), the
        // mantissa before the term's end; `failed` blocks every later read.
        guard !failed else { return 0 }
        let z = word(unaryBit).trailingZeroBitCount
        let n = z &+ k
        let unaryNext = unaryBit &+ z &+ 1
        guard z <= 32, unaryNext <= unaryEnd, mantissaBit &+ n <= mantissaEnd else { failed = true; return 0 }
        unaryBit = unaryNext
        // n ≤ 32 + maxK < 64 and k ≤ maxK: the masking shifts are the plain ones, without the tests of
        // an oversized or negative shift that `<<` compiles to; 0 ≤ k ≤ n, so the conversions need not
        // test for a negative count (`UInt64(n)` did, a test and a branch a value).
        let shift = UInt64(truncatingIfNeeded: n), kShift = UInt64(truncatingIfNeeded: k)
        let code = word(mantissaBit) & ((1 &<< shift) &- 1)
        mantissaBit &+= n
        let value = code &+ (1 &<< shift) &- (1 &<< kShift)
        guard value <= UInt64(UInt32.max) else { failed = true; return 0 }
        return UInt32(truncatingIfNeeded: value)
    }
}
