/// Little-endian fixed-width and LEB128 variable-width integers, appended to byte arrays.
///
/// Every integer in the index is little-endian. A vint is LEB128: 7 bits per byte, low bits first,
/// the high bit set on every byte but the last (300 → `AC 02`).
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendVInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    mutating func appendVInt(_ value: Int) {
        precondition(value >= 0, "vint of negative value \(value)")
        appendVInt(UInt64(value))
    }

    @inline(__always)
    mutating func appendU16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    @inline(__always)
    mutating func appendU32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    @inline(__always)
    mutating func appendU64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A vint byte count followed by the UTF-8 bytes (copied in one piece from a contiguous string, not
    /// byte by byte through the UTF-8 view: stored records append about 70 strings each).
    mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            appendVInt(bytes.count)
            append(contentsOf: bytes)
        }
    }

    /// Overwrites 4 bytes at `offset` with `value` (for lengths known only after the fact).
    mutating func setU32(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { self[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(8 * i)) }
    }
}

/// A bounds-checked cursor over read-only bytes (a mapped file or a buffer).
///
/// Reading past the end never traps: it returns zeros and sets `failed`, which callers check once per
/// structure and turn into `IndexError.corrupt`. This keeps a crafted file from reading outside its
/// mapping without a branch-heavy API.
struct ByteReader {
    let base: UnsafeRawPointer
    /// One past the last readable offset.
    let end: Int
    var position: Int
    /// Set when a read went past `end` (or a vint was too long).
    var failed = false

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        // A zero-length buffer may have a nil base; point at a static byte instead.
        self.base = bytes.baseAddress ?? UnsafeRawPointer(ByteReader.emptyByte)
        self.end = bytes.count
        self.position = position
    }

    init(base: UnsafeRawPointer, end: Int, position: Int) {
        self.base = base
        self.end = end
        self.position = position
    }

    nonisolated(unsafe) private static let emptyByte = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)

    var remaining: Int { end - position }

    @inline(__always)
    mutating func readU8() -> UInt8 {
        guard position < end else { failed = true; return 0 }
        let b = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return b
    }

    @inline(__always)
    mutating func readU16() -> UInt16 {
        guard position + 2 <= end else { failed = true; position = end; return 0 }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt16.self)
        position += 2
        return UInt16(littleEndian: v)
    }

    @inline(__always)
    mutating func readU32() -> UInt32 {
        guard position + 4 <= end else { failed = true; position = end; return 0 }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: v)
    }

    @inline(__always)
    mutating func readU64() -> UInt64 {
        guard position + 8 <= end else { failed = true; position = end; return 0 }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: v)
    }

    @inline(__always)
    mutating func readVInt() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { failed = true; return 0 }
            let b = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// A vint that must fit an `Int` no larger than `limit`; larger values set `failed`.
    @inline(__always)
    mutating func readCount(limit: Int = Int(Int32.max)) -> Int {
        let v = readVInt()
        guard v <= UInt64(limit) else { failed = true; return 0 }
        return Int(v)
    }

    /// `count` bytes as a buffer into the underlying memory (empty and `failed` when out of range).
    mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= end - position else { failed = true; position = end; return UnsafeRawBufferPointer(start: base, count: 0) }
        let buffer = UnsafeRawBufferPointer(start: base + position, count: count)
        position += count
        return buffer
    }

    mutating func readString(limit: Int = 1 << 20) -> String {
        let count = readCount(limit: limit)
        return String(decoding: readBytes(count), as: UTF8.self)
    }

    mutating func skip(_ count: Int) {
        guard count >= 0, count <= end - position else { failed = true; position = end; return }
        position += count
    }
}
