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

    /// Most bytes `encode` writes for `count` values: the header, a unary code of at most 33 bits and a
    /// mantissa of at most 56 per value, two padding bytes.
    static func maxEncodedLength(count: Int) -> Int { 1 + 10 + (count * (33 + 56) + 7) / 8 + 2 }

    /// Appends the block of `count` values to `out` (which has room for `maxEncodedLength(count:)`).
    ///
    /// Two passes over the values after k's: the unary codes, set as one bits in scratch words as each
    /// value's z is found (their length is the header's, written before them), then copied behind the
    /// header; the mantissas, with each z stored as a byte by the first pass.
    /// The copy writes whole 32-bit words, so up to 3 bytes past the unary part, zeros that the mantissas
    /// then overwrite or that lie past the block, within `maxEncodedLength` (which counts 10 bytes for
    /// the header, at most 5 for fewer than 2^26 values, and 2 of padding).
    /// - Complexity: O(count).
    ///
    /// `scratch`: room for `scratchWords(count:)` words the passes may use (a writer's own, kept), for a
    /// block past `stackScratchValues` values: the temporary allocation is on the heap past a kilobyte (a
    /// `malloc` and a `free` each).
    static func encode(_ values: UnsafePointer<UInt32>, count: Int, into out: inout ByteBuffer,
                       scratch: UnsafeMutablePointer<UInt32>? = nil) {
        if count == 1 { return encodeOne(values[0], into: &out) }
        let k = parameter(values, count: count)
        let unaryWords = (count &* 33) >> 5 &+ 2
        if count > Self.stackScratchValues, let scratch {
            passes(UnsafeMutableBufferPointer(start: scratch, count: scratchWords(count: count)))
        } else {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: scratchWords(count: count), passes)
        }

        func passes(_ scratch: UnsafeMutableBufferPointer<UInt32>) {
            guard let unary = scratch.baseAddress else { return }
            let prefixes = UnsafeMutableRawPointer(unary + unaryWords).assumingMemoryBound(to: UInt8.self)
            // The unary code of a value is a one bit z bits after the previous code's end: a 64-bit
            // accumulator holding fewer than 32 bits before each value (z ≤ 32, so the bit set is at most
            // bit 63: the masking shift is the plain one), whole 32-bit words stored as they fill.
            var accumulator: UInt64 = 0
            var bits = 0
            var words = 0
            for i in 0..<count {
                let z = Self.prefixLength(values[i], k)
                prefixes[i] = UInt8(truncatingIfNeeded: z)
                bits &+= z
                accumulator |= 1 &<< UInt64(truncatingIfNeeded: bits)
                bits &+= 1
                // Twice only for a code ending at bit 63 (z = 32: a value of 32 one bits with k = 0).
                while bits >= 32 {
                    unary[words] = UInt32(truncatingIfNeeded: accumulator).littleEndian
                    words &+= 1
                    accumulator &>>= 32
                    bits &-= 32
                }
            }
            unary[words] = UInt32(truncatingIfNeeded: accumulator).littleEndian
            let unaryBytes = (words &* 32 &+ bits &+ 7) >> 3
            out.vint(unaryBytes << 5 | k)
            out.appendInPlace { start in
                let raw = UnsafeMutableRawPointer(start)
                for w in 0..<((unaryBytes &+ 3) >> 2) {
                    raw.storeBytes(of: unary[w], toByteOffset: w &* 4, as: UInt32.self)
                }
                var writer = BitWriter(at: start + unaryBytes)
                // Shifts and sums without overflow checks: z ≤ 32 and z + k ≤ 56 (a value below 2^32),
                // and a code is v − (2^(z+k) − 2^k) ≥ 0 by the choice of z.
                let offset = UInt64(1) &<< UInt64(truncatingIfNeeded: k)
                for i in 0..<count {
                    let v = values[i]
                    let n = Int(prefixes[i]) &+ k
                    writer.write(UInt64(v) &+ offset &- (1 &<< UInt64(truncatingIfNeeded: n)), bits: n)
                }
                writer.finish()
                return start.distance(to: writer.cursor)
            }
        }
    }

    /// Most values whose scratch `encode` takes from the stack (`scratchWords` of them fit in a kilobyte).
    static let stackScratchValues = 192

    /// Words of scratch `encode` uses for `count` values: at most 33 unary bits a value, in 32-bit words,
    /// and the last partial word; then each value's z as a byte, for the mantissas' pass.
    @inline(__always)
    static func scratchWords(count: Int) -> Int { ((count &* 33) >> 5 &+ 2) &+ (count &+ 3) >> 2 }

    /// `encode` of a block of one value (a term once in one doc: the commonest block of a flush), the same
    /// bytes without the scratch words and the two passes' set-up: k is `parameter`'s, the unary code is
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
    /// so the block costs count·(1 + k) + 2·(S1(k + 2) − (k + 1)·S0(k + 2)), where S0(j) and S1(j) are
    /// the number and the sum of the bit lengths of the values of at least j bits: suffix sums of the
    /// bit lengths' histogram, one pass each instead of a sum over the lengths for every k (the same
    /// costs, so the same k). The suffix sums start at the largest bit length (above it they are 0),
    /// not at 32: most blocks are a rare term's few positions, where the fixed 33 steps cost more
    /// than the values.
    ///
    /// A block of one value (a term once in one doc: the commonest block of a flush) takes the same k
    /// without the table: its cost is 2b − 1 − k up to k = b − 1, where it is b bits, then 1 + k, so the
    /// first minimum is k = b − 1 (0 for b ≤ 1), capped at `maxK` (`PostingsCursorTests` checks the
    /// blocks of one value of every bit length against the grammar).
    @inline(__always)
    private static func parameter(_ values: UnsafePointer<UInt32>, count: Int) -> Int {
        if count == 1 { return min(maxK, max(0, BitPacking.bitsRequired(values[0]) - 1)) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * 35) { table in
            // table[0..<35]: histogram; [35..<70]: S0; [70..<105]: S1, each read up to index highest + 2.
            guard let histogram = table.baseAddress else { return 0 }
            histogram.initialize(repeating: 0, count: 33)
            var highest = 0
            for i in 0..<count {
                let b = BitPacking.bitsRequired(values[i])
                histogram[b] &+= 1
                highest = max(highest, b)
            }
            let s0 = histogram + 35, s1 = histogram + 70
            s0[highest + 1] = 0
            s0[highest + 2] = 0
            s1[highest + 1] = 0
            s1[highest + 2] = 0
            var b = highest
            while b >= 0 {
                s0[b] = s0[b + 1] &+ histogram[b]
                s1[b] = s1[b + 1] &+ histogram[b] &* b
                b -= 1
            }
            var k = 0
            var best = Int.max
            for candidate in 0...min(maxK, highest) {
                let cost = count &* (1 &+ candidate) &+ 2 &* (s1[candidate + 2] &- (candidate &+ 1) &* s0[candidate + 2])
                if cost < best { best = cost; k = candidate }
            }
            return k
        }
    }

    /// z of the grammar: the bit length of (v >> k) + 1, minus one.
    @inline(__always)
    static func prefixLength(_ v: UInt32, _ k: Int) -> Int {
        let q = (UInt64(v) &>> UInt64(k)) &+ 1  // k ≤ maxK: the masking shift is the plain one
        return 63 &- q.leadingZeroBitCount
    }

    /// Writes bits from the low end of each byte: a 64-bit accumulator holding fewer than 32 bits
    /// between writes, whole 32-bit words stored as they fill.
    private struct BitWriter {
        var accumulator: UInt64 = 0
        var bits = 0
        /// Where the next byte goes (in room the caller reserved: `maxEncodedLength`).
        private(set) var cursor: UnsafeMutablePointer<UInt8>

        init(at start: UnsafeMutablePointer<UInt8>) {
            cursor = start
        }

        /// Appends the low `bits` bits (0…56) of `value`.
        /// Not recursive (a call of itself for the upper half made it an out-of-line call for every
        /// code, about 33 instructions each): a code of more than 32 bits is written as two halves.
        @inline(__always)
        mutating func write(_ value: UInt64, bits n: Int) {
            if n > 32 {
                put(value & 0xFFFF_FFFF, bits: 32)
                put(value &>> 32, bits: n &- 32)
            } else {
                put(value, bits: n)
            }
        }

        /// Appends the `n` ≤ 32 low bits of `value` (the bits above them zero).
        @inline(__always)
        private mutating func put(_ value: UInt64, bits n: Int) {
            // bits < 32 here, so the masking shift is the plain one.
            accumulator |= value &<< UInt64(truncatingIfNeeded: bits)
            bits &+= n
            if bits >= 32 {
                UnsafeMutableRawPointer(cursor).storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian,
                                                           as: UInt32.self)
                cursor += 4
                accumulator &>>= 32
                bits &-= 32
            }
        }

        /// Pads the bits written to a whole byte and starts again from an empty accumulator.
        mutating func finish() {
            while bits > 0 {
                cursor.pointee = UInt8(truncatingIfNeeded: accumulator)
                cursor += 1
                accumulator >>= 8
                bits -= 8
            }
            accumulator = 0
            bits = 0
        }
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
