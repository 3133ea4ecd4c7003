/// The string values of one worker's JSON records that repeat, kept so that a repeated value is not
/// made again: a site's country, state and city, an intervention's type, a status, a design's display
/// words, a sponsor, a keyword, a condition, the registry's name, a hospital with dozens of trials or
/// the "Research Site" of every site of a sponsor, criteria lines of a template. A hit returns the
/// kept `String` instead of validating the bytes and making a new one: for a value of 16 to
/// `maxLength` bytes, the allocation and the copy are saved, and the `Trial` that holds it later
/// releases a shared storage instead of freeing its own; a value of at most `smallLength` bytes is a
/// small `String` (stored inline), whose making from the bytes costs more than the look-up.
///
/// Two direct-mapped tables, one per kind: the value's hash picks one of `slotCount` slots, and a
/// miss replaces the slot's value. The bytes are compared, not only the hash, so the `String` returned
/// is always the one that `String(decoding:as:)` makes of them: what the pool holds never changes a
/// record.
///
/// On 3,000 lines of the replica's JSON Lines (`index` with its workers), 56,366 of 93,884 values of
/// 16 to 64 bytes and 139,378 of 163,766 small values were found in the pools; the `Trial`s' destruction
/// went from 48.3 to 27.0 M instructions, the whole build from 3,043.0 to about 3,023 M.
///
/// Not thread-safe: one per worker (`RecordDecoder`). It keeps at most `slotCount` values of each kind
/// alive (under 1 MB with their storage).
final class JSONStringPool {
    static let slotBits = 12
    /// The number of slots of each table.
    static let slotCount = 1 << slotBits
    /// The longest small `String` (UTF-8 bytes stored inline).
    static let smallLength = 15
    /// Longer values (summaries, titles, descriptions) rarely repeat.
    static let maxLength = 64

    /// Each small slot's value: its bytes as two zero-padded little-endian words.
    private let smallWords: UnsafeMutablePointer<UInt64>
    /// Each small slot's value's length, and 0xFF for an empty slot (no value is that long).
    private let smallLengths: UnsafeMutablePointer<UInt8>
    private let smallStrings: UnsafeMutablePointer<String>
    /// Each large slot's value's bytes, `maxLength` bytes a slot.
    private let bytes: UnsafeMutablePointer<UInt8>
    /// Each large slot's value's length (0: empty).
    private let lengths: UnsafeMutablePointer<UInt8>
    private let strings: UnsafeMutablePointer<String>

    init() {
        let n = Self.slotCount
        smallWords = .allocate(capacity: 2 * n)
        smallWords.initialize(repeating: 0, count: 2 * n)
        smallLengths = .allocate(capacity: n)
        smallLengths.initialize(repeating: 0xFF, count: n)
        smallStrings = .allocate(capacity: n)
        smallStrings.initialize(repeating: "", count: n)
        bytes = .allocate(capacity: n * Self.maxLength)
        bytes.initialize(repeating: 0, count: n * Self.maxLength)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: 0, count: n)
        strings = .allocate(capacity: n)
        strings.initialize(repeating: "", count: n)
    }

    deinit {
        smallStrings.deinitialize(count: Self.slotCount)
        strings.deinitialize(count: Self.slotCount)
        smallStrings.deallocate()
        smallLengths.deallocate()
        smallWords.deallocate()
        strings.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// `String(decoding:as: UTF8.self)` of the `n` (at most `smallLength`) bytes at `text`, the kept
    /// one when the pool has it. Sixteen bytes from `text` on must be readable (those past the value
    /// are read and ignored).
    func smallString(_ text: UnsafePointer<UInt8>, count n: Int) -> String {
        // The value's bytes, zero-padded: the low `n` bytes of the two words at `text`.
        let low = ByteWord.load(text) & Self.lowBytes(min(n, 8))
        let high = ByteWord.load(text + 8) & Self.lowBytes(max(n &- 8, 0))
        var h = (low &* Self.multiplier) ^ high ^ UInt64(truncatingIfNeeded: n)
        h = (h ^ (h >> 31)) &* Self.multiplier
        let slot = Int(truncatingIfNeeded: h >> UInt64(64 - Self.slotBits))
        if Int(smallLengths[slot]) == n && smallWords[2 &* slot] == low && smallWords[2 &* slot &+ 1] == high {
            return smallStrings[slot]
        }
        let value = String(decoding: UnsafeBufferPointer(start: text, count: n), as: UTF8.self)
        smallWords[2 &* slot] = low
        smallWords[2 &* slot &+ 1] = high
        smallLengths[slot] = UInt8(truncatingIfNeeded: n)
        smallStrings[slot] = value
        return value
    }

    /// A word's mask of its `k` (0…8) low bytes.
    @inline(__always)
    private static func lowBytes(_ k: Int) -> UInt64 { k == 0 ? 0 : UInt64.max >> UInt64(64 &- 8 &* k) }

    /// `String(decoding: text, as: UTF8.self)` of the `n` bytes at `text`, more than `smallLength` and
    /// at most `maxLength`, the kept one when the pool has it.
    func string(_ text: UnsafePointer<UInt8>, count n: Int) -> String {
        let slot = Self.slot(text, count: n)
        let kept = bytes + slot &* Self.maxLength
        if Int(lengths[slot]) == n && Self.equal(text, kept, count: n) { return strings[slot] }
        let value = String(decoding: UnsafeBufferPointer(start: text, count: n), as: UTF8.self)
        kept.update(from: text, count: n)
        lengths[slot] = UInt8(truncatingIfNeeded: n)
        strings[slot] = value
        return value
    }

    /// The slot of `n` (at least 8) bytes at `p`: a multiply-xor hash of their 8-byte words (the last
    /// one overlapping the one before it), its top bits. (Hashing only the length and the first and last
    /// words found 2,119 fewer of 93,884 values on 3,000 lines of the replica: the misses cost more than
    /// the shorter hash saved.)
    @inline(__always)
    private static func slot(_ p: UnsafePointer<UInt8>, count n: Int) -> Int {
        var h = UInt64(truncatingIfNeeded: n) &* multiplier
        var k = 0
        while k &+ 8 < n {
            h = (h ^ ByteWord.load(p + k)) &* multiplier
            h ^= h >> 29
            k &+= 8
        }
        h = (h ^ ByteWord.load(p + (n &- 8))) &* multiplier
        return Int(truncatingIfNeeded: h >> UInt64(64 - slotBits))
    }

    /// Whether the `n` (at least 8) bytes at `a` and `b` are the same, eight at a time.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count n: Int) -> Bool {
        var k = 0
        while k &+ 8 < n {
            guard ByteWord.load(a + k) == ByteWord.load(b + k) else { return false }
            k &+= 8
        }
        return ByteWord.load(a + (n &- 8)) == ByteWord.load(b + (n &- 8))
    }
}
