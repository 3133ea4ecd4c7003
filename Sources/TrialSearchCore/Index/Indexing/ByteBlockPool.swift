/// Growable byte streams for many terms in shared 32 KB blocks, Lucene's `ByteBlockPool` with slices.
///
/// Each term appends its postings (and its positions) to a stream made of a chain of slices of growing
/// size (8, 16, 32 … 4096 bytes): rare terms, the vast majority, use 8 bytes, frequent ones grow
/// geometrically, and no per-term array is ever reallocated or copied. The last 4 bytes of a full slice
/// hold the address of the next slice. An address is `block << 15 | offset`.
///
/// A value type with manually managed blocks: the owner (`InMemorySegment`) calls `deallocate()`.
/// Mutations through `inout` are statically checked, which keeps the per-token path free of dynamic
/// exclusivity checks.
struct ByteBlockPool {
    static let blockShift = 15
    static let blockSize = 1 << blockShift
    /// Blocks allocated together: one huge page (`HugePages`) of 64 blocks, so that the streams' writes,
    /// at random places of a pool of tens of MB, do not miss the TLB at nearly every token. Bytes not yet
    /// handed out as blocks are not counted in `memoryUsage` (at most one chunk's).
    static let blocksPerChunk = HugePages.size >> blockShift
    /// Slice sizes double by level, 8 << level bytes, up to level 9 (4 KB), which repeats.
    static let maxLevel: UInt8 = 9

    /// Block pointers (manually managed: a Swift array here costs uniqueness checks per token).
    private var blocks: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    private var blockCount = 0
    private var blockCapacity = 64
    private var used = blockSize

    init() {
        blocks = .allocate(capacity: blockCapacity)
    }

    /// Bytes allocated.
    var memoryUsage: Int { blockCount * Self.blockSize }

    mutating func deallocate() {
        // Blocks come `blocksPerChunk` at a time: the first block of each chunk is the chunk's address.
        for i in stride(from: 0, to: blockCount, by: Self.blocksPerChunk) {
            HugePages.deallocate(blocks[i], byteCount: Self.blocksPerChunk << Self.blockShift)
        }
        blocks.deallocate()
        blockCount = 0
        used = Self.blockSize
    }

    @inline(__always)
    static func size(level: UInt8) -> Int32 { 8 << Int32(min(level, maxLevel)) }

    /// Allocates a slice of `level`; returns its address.
    @inline(__always)
    mutating func allocateSlice(level: UInt8) -> Int32 {
        let size = Int(Self.size(level: level))
        if used + size > Self.blockSize {
            if blockCount == blockCapacity {
                let bigger = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>.allocate(capacity: blockCapacity * 2)
                bigger.moveInitialize(from: blocks, count: blockCount)
                blocks.deallocate()
                blocks = bigger
                blockCapacity *= 2
            }
            precondition(blockCount < Int(Int32.max) >> Self.blockShift, "in-memory segment over 2 GB")
            let block: UnsafeMutablePointer<UInt8>
            if blockCount % Self.blocksPerChunk == 0 {
                block = HugePages.allocate(byteCount: Self.blocksPerChunk << Self.blockShift)
                    .bindMemory(to: UInt8.self, capacity: Self.blocksPerChunk << Self.blockShift)
            } else {
                block = blocks[blockCount - 1] + Self.blockSize
            }
            (blocks + blockCount).initialize(to: block)
            blockCount += 1
            used = 0
        }
        let address = Int32((blockCount - 1) << Self.blockShift | used)
        used += size
        return address
    }

    @inline(__always)
    func pointer(_ address: Int32) -> UnsafeMutablePointer<UInt8> {
        blocks[Int(address) >> Self.blockShift] + (Int(address) & (Self.blockSize - 1))
    }

    /// Appends `byte` to a stream whose next write address is `upto` and whose current slice's
    /// forwarding pointer is at `end`.
    @inline(__always)
    mutating func append(_ byte: UInt8, upto: inout Int32, end: inout Int32, level: inout UInt8) {
        if upto == end {
            let nextLevel = level < Self.maxLevel ? level + 1 : level
            let next = allocateSlice(level: nextLevel)
            let p = pointer(end)
            UnsafeMutableRawPointer(p).storeBytes(of: next.littleEndian, as: Int32.self)
            level = nextLevel
            upto = next
            end = next + Self.size(level: nextLevel) - 4
        }
        pointer(upto).pointee = byte
        upto += 1
    }

    /// The vint of `value` (below 2^21) as the low bytes of a little-endian word, and its length (1...3
    /// bytes), computed without a branch: whether a doc stream's code (a doc gap times 32) takes one byte
    /// or two is a coin toss, which a test per length mispredicted (`TermTable.writePending`).
    @inline(__always)
    static func vintWord(_ value: UInt32) -> (word: UInt32, length: Int32) {
        let more1 = UInt32(unsafeBitCast(value >= 0x80, to: UInt8.self))
        let more2 = UInt32(unsafeBitCast(value >= 1 << 14, to: UInt8.self))
        let word = value & 0x7F | (value &<< 1) & 0x7F00 | (value &<< 2) & 0x7F_0000 | more1 &<< 7 | more2 &<< 15
        return (word, Int32(bitPattern: 1 &+ more1 &+ more2))
    }

    /// Stores `word`'s 4 bytes at `upto`, a stream's next write address (at most its slice's `end`): a
    /// slice has 4 bytes past `end` (for its forwarding address, written over them when it fills), so
    /// the store stays in the slice; the bytes past the ones the caller counts are written over by the
    /// stream's next bytes or lie past its final address, which no reader passes.
    @inline(__always)
    func storeWord(_ word: UInt32, at upto: Int32) {
        UnsafeMutableRawPointer(pointer(upto)).storeBytes(of: word.littleEndian, as: UInt32.self)
    }

    @inline(__always)
    mutating func appendVInt(_ value: UInt32, upto: inout Int32, end: inout Int32, level: inout UInt8) {
        if value < 0x80 && upto != end {
            // The common case: one byte, room in the slice.
            blocks[Int(upto) >> Self.blockShift][Int(upto) & (Self.blockSize - 1)] = UInt8(truncatingIfNeeded: value)
            upto &+= 1  // below `end`
            return
        }
        // Several bytes (a doc stream's codes: the doc gap times 32) that fit in the slice: written
        // through one pointer, without the slice test per byte. The same bytes as `append`'s.
        let bytes = Int32(truncatingIfNeeded: (38 &- (value | 1).leadingZeroBitCount) / 7)
        var v = value
        if end &- upto >= bytes {
            let p = pointer(upto)
            var k = 0
            while v >= 0x80 {
                p[k] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                k &+= 1
            }
            p[k] = UInt8(truncatingIfNeeded: v)
            upto &+= bytes
            return
        }
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80, upto: &upto, end: &end, level: &level)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v), upto: &upto, end: &end, level: &level)
    }
}

/// Reads back one stream of a `ByteBlockPool`, from its first slice to its final write address.
struct SliceReader {
    private let pool: ByteBlockPool
    private var address: Int32
    private var end: Int32
    private var level: UInt8 = 0
    private let limit: Int32

    /// The stream that starts at `start` (a level-0 slice) and was written up to `upto`.
    init(pool: ByteBlockPool, start: Int32, upto: Int32) {
        self.pool = pool
        address = start
        end = start + ByteBlockPool.size(level: 0) - 4
        limit = upto
    }

    var atEnd: Bool { address == limit }

    /// Appends the whole stream to `out`: a stream that ends in the current slice (at the start, a
    /// stream of at most 4 bytes: most terms' streams) by one 4-byte copy, inline, any other a slice at
    /// a time (`copySlices`).
    @inline(__always)
    mutating func copyAll(into out: inout ByteScratch) {
        if limit >= address && limit <= end {
            // Every slice has 4 bytes past `end` (its forwarding address): the load stays in the slice.
            out.appendShort(pool.pointer(address), count: Int(limit &- address))
            address = limit
            return
        }
        copySlices(into: &out)
    }

    /// `copyAll` a slice at a time.
    @inline(never)
    private mutating func copySlices(into out: inout ByteScratch) {
        while address != limit {
            if address == end {
                let next = Int32(littleEndian: UnsafeRawPointer(pool.pointer(end)).loadUnaligned(as: Int32.self))
                level = level < ByteBlockPool.maxLevel ? level + 1 : level
                address = next
                end = next + ByteBlockPool.size(level: level) - 4
            }
            let stop = limit >= address && limit <= end ? limit : end
            out.append(pool.pointer(address), count: Int(stop - address))
            address = stop
        }
    }

    @inline(__always)
    mutating func readByte() -> UInt8 {
        if address == end {
            let next = Int32(littleEndian: UnsafeRawPointer(pool.pointer(end)).loadUnaligned(as: Int32.self))
            level = level < ByteBlockPool.maxLevel ? level + 1 : level
            address = next
            end = next + ByteBlockPool.size(level: level) - 4
        }
        let b = pool.pointer(address).pointee
        address += 1
        return b
    }

    @inline(__always)
    mutating func readVInt() -> UInt32 {
        var b = readByte()
        var v = UInt32(b & 0x7F)
        var shift: UInt32 = 7
        while b >= 0x80 {
            b = readByte()
            v |= UInt32(b & 0x7F) << shift
            shift += 7
        }
        return v
    }
}

/// Bytes in manually managed memory, emptied and refilled term after term by a flush (`SliceReader`'s
/// copies): no array uniqueness or capacity paths per slice, and a slice of a few bytes (most terms' first
/// slice holds 4) copied by a loop instead of a `memcpy` call. The owner calls `deallocate()`.
struct ByteScratch {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "capacity \(capacity)")
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    mutating func deallocate() {
        base.deallocate()
        count = 0
        capacity = 0
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        var bigger = capacity * 2
        while bigger < count + n { bigger *= 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        new.update(from: base, count: count)
        base.deallocate()
        base = new
        capacity = bigger
    }

    /// Appends the `n` bytes at `source`.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        let target = base + count
        if n <= 16 {
            for i in 0..<n { target[i] = source[i] }
        } else {
            target.update(from: source, count: n)
        }
        count += n
    }

    /// Appends the `n` ≤ 4 bytes at `source`, which has 4 readable bytes, by one 4-byte copy.
    @inline(__always)
    mutating func appendShort(_ source: UnsafePointer<UInt8>, count n: Int) {
        reserve(4)
        UnsafeMutableRawPointer(base + count).storeBytes(of: UnsafeRawPointer(source).loadUnaligned(as: UInt32.self),
                                                         as: UInt32.self)
        count += n
    }

    /// Appends `n` zero bytes (a few, after each stream of a flush: a loop, not a `memset` call).
    @inline(__always)
    mutating func appendZeros(_ n: Int) {
        reserve(n)
        let target = base + count
        for i in 0..<n { target[i] = 0 }
        count += n
    }

    /// The bytes.
    @inline(__always)
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}
