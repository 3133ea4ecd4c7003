/// The last value `TrialJSONDecoder` read for each of the fields whose values repeat from one record or
/// list item to the next (the registry and the source file of every record, a site's country, state and
/// city, design and status words, outcome time frames, …), its bytes and its `String`: a value equal to
/// the last one is that `String` again (a retain) instead of a new one (for a value over 15 bytes, an
/// allocation, a copy and later a free). One slot per field, not a table: the slots stay in the cache, and
/// a value that does not repeat costs a length test and a compare. Values of more than `maxLength`
/// bytes, and escaped ones, are not kept. Part of a worker's `JSONScratch` (which frees it), and copied
/// into its decoders: a struct of pointers, so that a look-up retains nothing. Not thread-safe.
///
/// The `String` of a value is the same whichever way it comes (made again or kept): it is a function of
/// the value's bytes (`TrialJSONDecoder.text`).
struct JSONRepeatedValues {
    /// The fields that keep their last value.
    enum Field: Int, CaseIterable {
        case registry, sourceFile, overallStatus, interventionModel, masking, armGroupType, officialRole, timeFrame
    }

    /// Longest value kept, in bytes.
    static let maxLength = 64

    private let bytes: UnsafeMutablePointer<UInt8>
    private let lengths: UnsafeMutablePointer<Int>
    private let strings: UnsafeMutablePointer<String>

    init() {
        let n = Field.allCases.count
        bytes = .allocate(capacity: n * Self.maxLength)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: -1, count: n)
        strings = .allocate(capacity: n)
        strings.initialize(repeating: "", count: n)
    }

    /// Frees the slots (their owner's `deinit`).
    func deallocate() {
        let n = Field.allCases.count
        bytes.deallocate()
        lengths.deallocate()
        strings.deinitialize(count: n)
        strings.deallocate()
    }

    /// The kept `String` of `field` if its last value was the `count` bytes at `value`.
    @inline(__always)
    func string(_ field: Field, equalTo value: UnsafePointer<UInt8>, count: Int) -> String? {
        let slot = field.rawValue
        guard lengths[slot] == count, Self.equal(bytes + slot &* Self.maxLength, value, count) else { return nil }
        return strings[slot]
    }

    /// Whether the `count` bytes at `a` and `b` are equal: 8 at a time, the last 8 overlapping the word
    /// before (no byte past either is read), a byte at a time under 8.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count < 8 {
            var k = 0
            while k < count {
                if a[k] != b[k] { return false }
                k &+= 1
            }
            return true
        }
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var k = 0
        while k &+ 8 < count {
            if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                return false
            }
            k &+= 8
        }
        return ra.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            == rb.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }

    /// Keeps `string`, made of the `count` (at most `maxLength`) bytes at `value`, as `field`'s last value.
    @inline(__always)
    func keep(_ string: String, of field: Field, bytes value: UnsafePointer<UInt8>, count: Int) {
        let slot = field.rawValue
        (bytes + slot &* Self.maxLength).update(from: value, count: count)
        lengths[slot] = count
        strings[slot] = string
    }
}
