/// A stored `String`'s UTF-8 bytes read where the string is, without copying the `String` value.
///
/// Why: a `String` read out of an array's buffer or a struct element (`list[k]`, `locations[k].city`)
/// and handed to a function is copied first, a retain before the call and a release after it, because
/// the callee might write to that memory. The build's per-record paths read about 1.8 million strings so
/// (the stored record's coding, the analysis's values): a retain and a release each, about 40
/// instructions. Given the string's address instead, its bytes are found from the value's two words
/// as the standard library's own inlined fast path finds them, and nothing is retained: the caller
/// keeps the string alive and unchanged while `body` runs (the stored record's writer and the analyzer
/// write elsewhere).
///
/// The two words on a 64-bit little-endian target (`_StringObject`, Swift's string ABI):
///
///     countAndFlags: bits 0-47 the UTF-8 count of a large string; bit 60 "tail-allocated": the bytes
///                    follow the object header (a native string's storage, or an immortal literal whose
///                    address is stored biased by the same 32 bytes)
///     object:        bits 60-63 the form: bit 61 set, bit 60 clear: small (up to 15 bytes held in the
///                    two words themselves, little-endian, the count in bits 56-59); bits 60 and 61 clear:
///                    a large string with contiguous UTF-8; bits 0-59 its object's address
///
/// Any other form (a foreign or shared string: none is made on Linux), or another target, takes the
/// general path: a copy of the string and `withUTF8`. `StringBytesTests` reads every form the build
/// makes (inline, allocated, literal, sliced, appended, non-ASCII) against its `utf8`.
enum StringBytes {
    /// Calls `body` with the UTF-8 bytes of the string at `address`, which must stay unchanged while
    /// `body` runs.
    @inline(__always)
    static func withUTF8<R>(at address: UnsafePointer<String>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        #if _endian(little) && _pointerBitWidth(_64)
        let raw = UnsafeRawPointer(address)
        let countAndFlags = raw.load(as: UInt64.self)
        let object = raw.load(fromByteOffset: 8, as: UInt64.self)
        let form = object & (0x3 << 60)
        if form == 1 << 61 {
            // Small: the bytes are the two words' own, copied out (the string's memory is not bytes).
            var words = (countAndFlags, object)
            let count = Int(truncatingIfNeeded: (object >> 56) & 0xF)
            return withUnsafeBytes(of: &words) { bytes in
                body(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: count))
            }
        }
        if form == 0 && countAndFlags & (1 << 60) != 0 {
            let start = UnsafePointer<UInt8>(bitPattern: UInt(truncatingIfNeeded: object & 0x0FFF_FFFF_FFFF_FFFF) &+ 32)
            return body(UnsafeBufferPointer(start: start, count: Int(truncatingIfNeeded: countAndFlags & 0xFFFF_FFFF_FFFF)))
        }
        #endif
        var copy = address.pointee
        return copy.withUTF8(body)
    }
}

extension UnsafeBufferPointer {
    /// The address of each element, in order (none for an empty buffer).
    var addresses: UnsafeBufferPointerAddresses<Element> { UnsafeBufferPointerAddresses(buffer: self) }
}

/// The element addresses of an `UnsafeBufferPointer` (`addresses`), for reading elements in place.
struct UnsafeBufferPointerAddresses<Element>: Sequence, IteratorProtocol {
    private var position: UnsafePointer<Element>?
    private let end: UnsafePointer<Element>?

    init(buffer: UnsafeBufferPointer<Element>) {
        position = buffer.baseAddress
        end = buffer.baseAddress.map { $0 + buffer.count }
    }

    @inline(__always)
    mutating func next() -> UnsafePointer<Element>? {
        guard let current = position, current != end else { return nil }
        position = current + 1
        return current
    }
}
