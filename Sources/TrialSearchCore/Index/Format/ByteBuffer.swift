/// A growable byte buffer in manually managed memory for the encoders' hot paths: `reserve` room once
/// per structure, then write without a capacity or uniqueness check per byte (which `[UInt8]` appends
/// pay). Little-endian, with the same vint coding as `ByteCoding`.
///
/// Noncopyable: the one owner frees the memory in `deinit`.
struct ByteBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1 << 12) {
        precondition(capacity > 0, "capacity \(capacity)")
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    mutating func removeAll() { count = 0 }

    // Unchecked writes: the caller has reserved room.

    /// Runs `body` with the address just past the bytes; `body` writes there and returns how many bytes
    /// it wrote (into room the caller reserved). A writer of many small pieces keeps its cursor in a
    /// register instead of reloading and storing `base` and `count` around every write.
    @inline(__always)
    mutating func appendInPlace(_ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        let written = body(base + count)
        precondition(written >= 0 && count + written <= capacity, "wrote \(written) bytes past \(count) of \(capacity)")
        count &+= written
    }

    @inline(__always)
    mutating func u8(_ v: UInt8) {
        base[count] = v
        count &+= 1
    }

    @inline(__always)
    mutating func u16(_ v: UInt16) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: v.littleEndian, as: UInt16.self)
        count &+= 2
    }

    @inline(__always)
    mutating func u32(_ v: UInt32) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: v.littleEndian, as: UInt32.self)
        count &+= 4
    }

    @inline(__always)
    mutating func u64(_ v: UInt64) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: v.littleEndian, as: UInt64.self)
        count &+= 8
    }

    /// A LEB128 vint (at most 10 bytes).
    @inline(__always)
    mutating func vint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count &+= 1
            v >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: v)
        count &+= 1
    }

    @inline(__always)
    mutating func vint(_ value: Int) {
        precondition(value >= 0, "vint of negative value \(value)")
        vint(UInt64(value))
    }

    /// `values` packed at `width` bits (`BitPacking`'s layout).
    @inline(__always)
    mutating func pack(_ values: UnsafePointer<UInt32>, count n: Int, width: Int) {
        count &+= BitPacking.pack(values, count: n, width: width, into: base + count)
    }

    /// Appends `bytes`, reserving room for them.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }
}
