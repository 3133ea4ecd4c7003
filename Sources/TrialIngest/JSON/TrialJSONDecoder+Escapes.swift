/// Escaped strings read in one pass: from a string's first backslash, `TrialJSONDecoder` checks the
/// rest of it (as `scanString` checks it) and decodes it (as `JSONValue.unescape` decodes it) in the
/// same loop, into a `JSONScratch` buffer, rather than scanning the text to its closing quote first and
/// reading it again to decode it (criteria and descriptions: every line break is an escape).
extension TrialJSONDecoder {
    /// The value of the string whose text starts at `start` and whose first backslash is at `i`; `i` is
    /// then past its closing quote. The text before `i` has no quote, backslash or control byte.
    mutating func unescapedString(from start: Int) throws(Reject) -> String {
        guard let base = b.baseAddress else { throw Reject() }
        let count = b.count
        var j = i
        var n = j - start
        var out = scratch.room(for: n + 64)
        var capacity = scratch.capacity
        out.update(from: base + start, count: n)
        let spaceBytes = SIMD16<UInt8>(repeating: 0x20)
        let quoteBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
        let backslashBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        // Whether the escapes wrote ASCII only (the text's own bytes are looked up in `nonASCII`).
        var ascii = true
        while true {
            // A plain run: stored a word (then sixteen bytes) at a time, the whole word or block even when
            // it holds the special byte; only the bytes before it are counted (the rest are written over).
            run: while j + 8 <= count {
                if n + 16 > capacity { (out, capacity) = (scratch.room(for: n + 16), scratch.capacity) }
                let word = ByteWord.load(base + j)
                UnsafeMutableRawPointer(out + n).storeBytes(of: word.littleEndian, as: UInt64.self)
                let special = ByteWord.below(word, 0x20) | ByteWord.equal(word, UInt8(ascii: "\""))
                    | ByteWord.equal(word, UInt8(ascii: "\\"))
                if special != 0 {
                    let k = ByteWord.firstIndex(special)
                    j += k
                    n += k
                    break
                }
                j += 8
                n += 8
                while j &+ 16 <= count {
                    if n + 16 > capacity { (out, capacity) = (scratch.room(for: n + 16), scratch.capacity) }
                    let v = UnsafeRawPointer(base + j).loadUnaligned(as: SIMD16<UInt8>.self)
                    UnsafeMutableRawPointer(out + n).storeBytes(of: v, as: SIMD16<UInt8>.self)
                    let lanes = Self.laneBits((v .< spaceBytes) .| (v .== quoteBytes) .| (v .== backslashBytes))
                    if lanes != 0 {
                        // The block's bytes before its special one are stored already.
                        j &+= lanes.trailingZeroBitCount
                        n &+= lanes.trailingZeroBitCount
                        break run
                    }
                    j &+= 16
                    n &+= 16
                }
            }
            guard j < count else { throw Reject() }
            if n + 4 > capacity { (out, capacity) = (scratch.room(for: n + 4), scratch.capacity) }
            let byte = base[j]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                guard j + 1 < count else { throw Reject() }
                let e = base[j + 1]
                j += 2
                switch e {
                case UInt8(ascii: "u"):
                    guard let high = hex4(at: j) else { throw Reject() }
                    j += 4
                    var scalar = high
                    // A surrogate pair when a low surrogate's escape follows whole (as `unescape` pairs
                    // them); a lone surrogate is U+FFFD.
                    if (0xD800..<0xDC00).contains(high), j + 5 < count, base[j] == UInt8(ascii: "\\"),
                       base[j + 1] == UInt8(ascii: "u"), let low = hex4(at: j + 2), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        j += 6
                    }
                    if scalar >= 0x80 { ascii = false }  // a surrogate left alone is U+FFFD
                    JSONValue.writeUTF8(of: scalar, to: out, at: &n)
                    continue
                default:
                    guard let decoded = JSONValue.escapedByte(e) else { throw Reject() }
                    out[n] = decoded
                }
                n += 1
                continue
            }
            guard byte >= 0x20 else { throw Reject() }
            out[n] = byte
            n += 1
            j += 1
        }
        i = j + 1
        // The decoded bytes are UTF-8 when the record is (an escape writes ASCII or a whole scalar, and
        // the bytes between escapes are the record's, cut at ASCII bytes only).
        return text(UnsafeBufferPointer(start: out, count: n), from: start, to: j, ascii: ascii)
    }

    /// The four hex digits at `k` as a number, or nil when they are not four hex digits.
    @inline(__always)
    private func hex4(at k: Int) -> UInt32? {
        guard k + 4 <= b.count else { return nil }
        var value: UInt32 = 0
        for m in 0..<4 {
            let c = b[k + m]
            guard isHexDigit(c) else { return nil }
            value = value << 4 | (isDigit(c) ? UInt32(c - 48) : UInt32((c | 0x20) - 87))
        }
        return value
    }
}

/// The buffer `TrialJSONDecoder` decodes escaped strings into: one per worker (`RecordDecoder`), kept
/// from record to record (a buffer allocated per record, kilobytes, made `malloc` consolidate its free
/// chunks each time). Not thread-safe.
final class JSONScratch {
    private(set) var base: UnsafeMutablePointer<UInt8>? = nil
    /// The last value of the fields whose values repeat (`TrialJSONDecoder.repeatedString`).
    let repeated = JSONRepeatedValues()
    private(set) var capacity = 0

    /// The buffer with room for `needed` bytes, its first bytes kept when it grows.
    @inline(never)
    func room(for needed: Int) -> UnsafeMutablePointer<UInt8> {
        if let base, needed <= capacity { return base }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed * 2, 4096))
        if let base {
            grown.update(from: base, count: capacity)
            base.deallocate()
        }
        base = grown
        capacity = max(needed * 2, 4096)
        return grown
    }

    /// Frees a buffer grown past `limit` bytes (one huge string should not stay a worker's for good).
    func trim(to limit: Int = 1 << 20) {
        guard capacity > limit, let base else { return }
        base.deallocate()
        self.base = nil
        capacity = 0
    }

    deinit {
        base?.deallocate()
        repeated.deallocate()
    }
}
