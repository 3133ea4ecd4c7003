#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one element's text, gathered from libxml2's text events (an element's text may come
/// in several pieces: around character references, at line ends, in 300-byte chunks after non-ASCII
/// text) until its end tag.
///
/// A growable buffer that one handler reuses for every element: appending is a capacity check and a
/// `memcpy`, where `Array.append(contentsOf:)` spent about 70 instructions a call in its generic path
/// (about 170,000 calls per 900 records). `SAXParser` builds the copies of documents it hands libxml2
/// (a range left out, line ends joined) in one too. The memory has one owner, this value, which frees it.
struct TextBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes gathered.
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity \(capacity)")
        self.capacity = capacity
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Appends `bytes`, growing the buffer (to at least twice its size) when they do not fit.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let needed = count + bytes.count
        if needed > capacity { grow(to: needed) }
        memcpy(base + count, source, bytes.count)
        count = needed
    }

    /// Appends `count` copies of `byte`.
    mutating func append(repeating byte: UInt8, count added: Int) {
        precondition(added >= 0, "count \(added)")
        let needed = count + added
        if needed > capacity { grow(to: needed) }
        (base + count).initialize(repeating: byte, count: added)
        count = needed
    }

    /// Forgets the bytes, keeping the memory.
    @inline(__always)
    mutating func removeAll() {
        count = 0
    }

    /// Forgets the bytes, and frees the memory when it grew past `limit` bytes (one huge document
    /// does not pin its size for the rest of the run); the buffer then starts again at 64 KB.
    mutating func removeAll(keepingCapacityUpTo limit: Int) {
        count = 0
        if capacity > limit {
            base.deallocate()
            capacity = 1 << 16
            base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }
    }

    /// Calls `body` with the gathered bytes (valid only during the call).
    func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
