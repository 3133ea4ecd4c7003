import CIntrinsics
import TrialSearchCore

/// The values of `TrialJSONDecoder`: JSON's grammar (RFC 8259) for the shapes the writer prints, each
/// checked as strictly as `JSONTape` checks it (control characters and bad escapes in strings, number
/// syntax, literals), so the fast path never accepts a record the general path refuses.
extension TrialJSONDecoder {
    // MARK: - Structure

    /// Skips JSON white space. The writer prints none, so the usual byte (above 0x20) is tested here,
    /// inline, and only white space goes to the loop (`skipSpaceRun`), out of line.
    @inline(__always)
    mutating func skipSpace() {
        if i < b.count && b[i] <= 0x20 { skipSpaceRun() }
    }

    @inline(never)
    private mutating func skipSpaceRun() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Skips white space and the opening bracket `byte`.
    mutating func open(_ byte: UInt8) throws(Reject) {
        skipSpace()
        guard i < b.count, b[i] == byte else { throw Reject() }
        i += 1
    }

    /// After the opener or a member/element: true when another one follows (its "," consumed), false
    /// at `closer` (consumed). The first call after the opener accepts no ",".
    mutating func nextMember(closer: UInt8) throws(Reject) -> Bool {
        skipSpace()
        guard i < b.count else { throw Reject() }
        if b[i] == closer {
            i += 1
            return false
        }
        guard b[i] == UInt8(ascii: ",") else { throw Reject() }
        i += 1
        return true
    }

    /// A member's key and its ":", as its position in `keys`; an escaped or unknown key ends the fast
    /// path. The search starts at `keys[hint]` and wraps around: the writer prints keys in the order
    /// of the tables, so the hint (just past the last key read) or one of the next few (the writer
    /// leaves out empty values) is usually the match. Each candidate is compared with the bytes
    /// themselves (`isKey`): a key matches when its letters are followed by the closing quote, which
    /// is what scanning the key up to its first quote, backslash or control byte and comparing it with
    /// the candidates of its length would find (keys are distinct literals of letters).
    @inline(never)
    mutating func key(of keys: [StaticString], hint: Int = 0) throws(Reject) -> Int {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw Reject() }
        let start = i + 1
        let n = keys.count
        var k = hint < n ? hint : 0
        for _ in 0..<n {
            let candidate = keys[k]
            if isKey(candidate, at: start) {
                i = start + candidate.utf8CodeUnitCount + 1
                try colon()
                return k
            }
            k = k + 1 == n ? 0 : k + 1
        }
        throw Reject()
    }

    /// The ":" after a key, with the white space around it.
    @inline(__always)
    private mutating func colon() throws(Reject) {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: ":") else { throw Reject() }
        i += 1
        skipSpace()
    }

    /// Whether the bytes at `start` are `key` (a literal of letters) followed by a quote: eight bytes at
    /// a time, the last word overlapping the one before it.
    @inline(__always)
    private func isKey(_ key: StaticString, at start: Int) -> Bool {
        let n = key.utf8CodeUnitCount
        guard start + n < b.count, b[start + n] == UInt8(ascii: "\""), let base = b.baseAddress else { return false }
        let c = key.utf8Start  // the tables are literals: pointer representation
        let p = base + start
        if n < 8 {
            var m = 0
            while m < n, c[m] == p[m] { m += 1 }
            return m == n
        }
        var m = 0
        while m + 8 < n {
            guard ByteWord.load(c + m) == ByteWord.load(p + m) else { return false }
            m += 8
        }
        return ByteWord.load(c + n - 8) == ByteWord.load(p + n - 8)
    }

    /// A member's key and its ":", as its number in `set` (`key(of:hint:)`'s answer): the bytes after
    /// the opening quote compared with each candidate's pattern (`JSONKeyPatterns`: letters, quote and
    /// colon) from `hint` on, three words at a time; when none matches (white space around the colon,
    /// the buffer's last 24 bytes, an escaped or unknown key), `key(of:hint:)` reads it. A pattern
    /// matches only the bytes `key(of:hint:)` matches followed by a colon, so both give the same key.
    /// Bytes past the colon may be loaded, never used.
    @inline(__always)
    mutating func key(_ set: JSONKeyPatterns.KeySet, hint: Int = 0) throws(Reject) -> Int {
        if i &+ 1 &+ JSONKeyPatterns.maxPattern <= b.count, let base = b.baseAddress, base[i] == UInt8(ascii: "\"") {
            let p = UnsafeRawPointer(base + (i &+ 1))
            let w0 = p.loadUnaligned(as: UInt64.self)
            let w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let w2 = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            let n = set.count
            let first = keyEntries + set.first &* JSONKeyPatterns.entryWords
            var k = hint < n ? hint : 0
            var e = first + k &* JSONKeyPatterns.entryWords
            for _ in 0..<n {
                if ((w0 & e[3]) ^ e[0]) | ((w1 & e[4]) ^ e[1]) | ((w2 & e[5]) ^ e[2]) == 0 {
                    i = i &+ 1 &+ Int(truncatingIfNeeded: e[6])
                    skipSpace()
                    return k
                }
                k &+= 1
                e += JSONKeyPatterns.entryWords
                if k == n {
                    k = 0
                    e = first
                }
            }
        }
        return try key(of: set.keys, hint: hint)  // skips the white space before the key first
    }

    /// The next member's key in `set`, refused when `seen` already has it.
    @inline(__always)
    mutating func member(_ set: JSONKeyPatterns.KeySet, seen: inout UInt64) throws(Reject) -> Int {
        let k = try key(set, hint: 64 - seen.leadingZeroBitCount)
        guard seen & (1 &<< k) == 0 else { throw Reject() }
        seen |= 1 &<< k
        return k
    }

    /// An object whose members are among `set`'s keys, each at most once: `body` reads the value of key
    /// number `k` into `value`. The value is passed to `body` rather than captured by it: a captured
    /// variable is copied when the caller returns it (a retain and a release of each of its strings).
    /// Inline, so that each object's `body` is inlined too (a closure call per member otherwise).
    @inline(__always)
    mutating func members<T>(_ set: JSONKeyPatterns.KeySet, into value: inout T,
                             _ body: (inout TrialJSONDecoder, _ k: Int, inout T) throws(Reject) -> Void) throws(Reject) {
        try open(UInt8(ascii: "{"))
        var seen: UInt64 = 0
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
            return
        }
        repeat {
            let k = try member(set, seen: &seen)
            try body(&self, k, &value)
        } while try nextMember(closer: UInt8(ascii: "}"))
    }

    /// An array, each element read by `element`.
    mutating func array<T>(_ element: (inout TrialJSONDecoder) throws(Reject) -> T) throws(Reject) -> [T] {
        try open(UInt8(ascii: "["))
        skipSpace()
        var result: [T] = []
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            return result
        }
        // Room for 4 at once: grown from empty, an array of 3 or 4 was allocated three times (1, 2, 4).
        // Past that, four times the room at each growth (16, 64, ...) instead of twice: each growth is an
        // allocation, a move and a free, and the array lives only as long as the record.
        result.reserveCapacity(4)
        repeat {
            skipSpace()
            if result.count == result.capacity { result.reserveCapacity(result.count &* 4) }
            result.append(try element(&self))
        } while try nextMember(closer: UInt8(ascii: "]"))
        return result
    }

    // MARK: - Strings

    /// The string value here, escapes decoded as `JSONValue.string` decodes them (from the first one on,
    /// in the same pass as the scan: `unescapedString`).
    ///
    /// In a validated range (`nonASCII`), a string that ends within the 16 bytes after its quote without
    /// an escape or control byte (countries, cities, states, phases, design and status words, ages: about
    /// half of a record's strings) is made from that one 16-byte block (`UTF8Validation.smallString(block:count:)`),
    /// without the scan's call and word path and the offsets' look-up (`text`, whose cursor catches up at
    /// its next string: it only moves forward).
    mutating func string() throws(Reject) -> String {
        // Bytes after the quote already known plain (the block's sixteen): the scan starts past them.
        var plain = 0
        #if _endian(little) && _pointerBitWidth(_64)
        if nonASCII != nil, i &+ 17 <= b.count, let base = b.baseAddress, base[i] == UInt8(ascii: "\"") {
            let v = UnsafeRawPointer(base + (i &+ 1)).loadUnaligned(as: SIMD16<UInt8>.self)
            let lanes = Self.laneBits((v .< SIMD16(repeating: 0x20)) .| (v .== SIMD16(repeating: UInt8(ascii: "\"")))
                .| (v .== SIMD16(repeating: UInt8(ascii: "\\"))))
            let n = lanes.trailingZeroBitCount  // 32 when the block has none
            if n < 16 {
                let start = i &+ 1
                switch base[start &+ n] {
                case UInt8(ascii: "\""):
                    i = start &+ n &+ 1
                    return UTF8Validation.smallString(block: v, count: n)
                case UInt8(ascii: "\\"):
                    // The first escape, with only plain bytes before it: unescaped from there.
                    i = start &+ n
                    return try unescapedString(from: start)
                default:
                    throw Reject()  // a control byte
                }
            }
            // Sixteen plain bytes: the scan goes on past them.
            plain = 16
        }
        #endif
        let (start, end, escaped) = try scanString(toEscape: true, plain: plain)
        if escaped {
            i = end
            return try unescapedString(from: start)
        }
        return text(UnsafeBufferPointer(rebasing: b[start..<end]), from: start, to: end)
    }

    mutating func strings() throws(Reject) -> [String] {
        try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.string() }
    }

    /// `string()` for a value of `field`, whose values often repeat: the `String` of the field's last
    /// value again when this one has the same bytes (`JSONRepeatedValues`).
    mutating func repeatedString(_ field: JSONRepeatedValues.Field) throws(Reject) -> String {
        let (start, end, escaped) = try scanString(toEscape: true)
        if escaped {
            i = end
            return try unescapedString(from: start)
        }
        guard let base = b.baseAddress else { throw Reject() }
        let count = end &- start
        let text = UnsafeBufferPointer(start: base + start, count: count)
        guard count > 15 && count <= JSONRepeatedValues.maxLength else { return self.text(text, from: start, to: end) }
        if let kept = repeated.string(field, equalTo: base + start, count: count) { return kept }
        let s = self.text(text, from: start, to: end)
        repeated.keep(s, of: field, bytes: base + start, count: count)
        return s
    }

    /// An array of strings, checked but not kept.
    mutating func skipStrings() throws(Reject) {
        try open(UInt8(ascii: "["))
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            return
        }
        repeat {
            skipSpace()
            _ = try scanString()
        } while try nextMember(closer: UInt8(ascii: "]"))
    }

    /// Steps over the string at `i` (its quotes included): the text's range and whether it has escapes.
    /// A word, then sixteen bytes at a time, through runs without a quote, backslash or control character.
    /// `toEscape`: stop at the first backslash instead (`end` is its offset, `escaped` true, `i` not moved).
    /// `plain`: the caller found that many bytes after the quote plain (no quote, backslash or control
    /// byte, and all in `b`): the scan starts past them.
    private mutating func scanString(toEscape: Bool = false, plain: Int = 0) throws(Reject) -> (start: Int, end: Int, escaped: Bool) {
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw Reject() }
        let start = i + 1
        var j = start &+ plain
        var escaped = false
        let count = b.count
        guard let base = b.baseAddress else { throw Reject() }
        let spaceBytes = SIMD16<UInt8>(repeating: 0x20)
        let quoteBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
        let backslashBytes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        while true {
            run: while j + 8 <= count {
                let word = ByteWord.load(base + j)
                let special = ByteWord.below(word, 0x20) | ByteWord.equal(word, UInt8(ascii: "\""))
                    | ByteWord.equal(word, UInt8(ascii: "\\"))
                if special != 0 {
                    j += ByteWord.firstIndex(special)
                    break
                }
                j += 8
                // Past a first word without one (most strings end within it), sixteen bytes at a time
                // (`SIMD16` compares) up to the block that has one, whose first such lane (the mask's bits
                // by one `pmovmskb`) is the byte: the words did not read the block again.
                while j &+ 16 <= count {
                    let v = UnsafeRawPointer(base + j).loadUnaligned(as: SIMD16<UInt8>.self)
                    let lanes = Self.laneBits((v .< spaceBytes) .| (v .== quoteBytes) .| (v .== backslashBytes))
                    if lanes != 0 {
                        j &+= lanes.trailingZeroBitCount
                        break run
                    }
                    j &+= 16
                }
            }
            guard j < count else { throw Reject() }
            let byte = b[j]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                if toEscape { return (start, j, true) }
                escaped = true
                guard j + 1 < count else { throw Reject() }
                switch b[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard j + 5 < count, (2...5).allSatisfy({ isHexDigit(b[j + $0]) }) else { throw Reject() }
                    j += 6
                default:
                    throw Reject()
                }
                continue
            }
            guard byte >= 0x20 else { throw Reject() }
            j += 1
        }
        i = j + 1
        return (start, j, escaped)
    }

    /// The lanes of a compare's `mask` as bits, lane `i` as bit `i` (one `pmovmskb`).
    @inline(__always)
    static func laneBits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt32 {
        UInt32(trialsearch_movemask(unsafeBitCast(mask, to: SIMD16<UInt8>.self)))
    }

    // MARK: - Numbers, literals, dates

    /// An integral number that fits an `Int` (what `JSONValue.int` reads; anything else is refused).
    mutating func int() throws(Reject) -> Int {
        let (start, end, integral) = try scanNumber()
        guard integral else { throw Reject() }
        var k = start
        let negative = b[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var value = 0
        while k < end {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(b[k] - 48))
            guard !o1, !o2 else { throw Reject() }
            value = a
            k += 1
        }
        return negative ? -value : value
    }

    /// Any number, as `JSONValue.double` reads it (`Double` of its text); small non-negative integers,
    /// the usual case, without making the text.
    mutating func double() throws(Reject) -> Double {
        let (start, end, integral) = try scanNumber()
        if integral, b[start] != UInt8(ascii: "-"), end - start <= 15 {
            var value = 0
            for k in start..<end { value = value * 10 + Int(b[k] - 48) }
            return Double(value)
        }
        guard let value = Double(String(decoding: b[start..<end], as: UTF8.self)) else { throw Reject() }
        return value
    }

    /// Steps over a number in JSON's syntax: its range, and whether it has no fraction or exponent.
    private mutating func scanNumber() throws(Reject) -> (start: Int, end: Int, integral: Bool) {
        let start = i
        var j = i
        let count = b.count
        var integral = true
        if j < count, b[j] == UInt8(ascii: "-") { j += 1 }
        guard j < count, isDigit(b[j]) else { throw Reject() }
        if b[j] == UInt8(ascii: "0") { j += 1 } else { while j < count, isDigit(b[j]) { j += 1 } }
        if j < count, b[j] == UInt8(ascii: ".") {
            integral = false
            j += 1
            guard j < count, isDigit(b[j]) else { throw Reject() }
            while j < count, isDigit(b[j]) { j += 1 }
        }
        if j < count, b[j] | 0x20 == UInt8(ascii: "e") {
            integral = false
            j += 1
            if j < count, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            guard j < count, isDigit(b[j]) else { throw Reject() }
            while j < count, isDigit(b[j]) { j += 1 }
        }
        i = j
        return (start, j, integral)
    }

    mutating func bool() throws(Reject) -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw Reject()
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard i + length <= b.count else { return false }
        let matches = word.withUTF8Buffer { w in (0..<length).allSatisfy { b[i + $0] == w[$0] } }
        if matches { i += length }
        return matches
    }

    /// A date string as `PartialDate(iso:)` reads it (nil when it is not one); `YYYY-MM-DD` and
    /// `YYYY-MM` in digits without making a `String`.
    mutating func date() throws(Reject) -> PartialDate? {
        // The writer's forms, quote to quote, read in place: `"YYYY-MM"` and `"YYYY-MM-DD"`.
        if i &+ 12 <= b.count, let base = b.baseAddress, base[i] == UInt8(ascii: "\""), base[i &+ 5] == UInt8(ascii: "-") {
            let p = base + (i &+ 1)
            @inline(__always) func digits(_ k: Int, _ n: Int) -> Int? {
                var value = 0
                for m in k..<(k &+ n) {
                    let d = p[m] &- 48
                    guard d < 10 else { return nil }
                    value = value &* 10 &+ Int(d)
                }
                return value
            }
            if let year = digits(0, 4), let month = digits(5, 2) {
                if p[7] == UInt8(ascii: "\"") {
                    i &+= 9
                    return PartialDate(year: year, month: month)
                }
                if p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "\""), let day = digits(8, 2) {
                    i &+= 12
                    return PartialDate(year: year, month: month, day: day)
                }
            }
        }
        let (start, end, escaped) = try scanString()
        let length = end - start
        if !escaped, length == 7 || length == 10, b[start + 4] == UInt8(ascii: "-"),
           length == 7 || b[start + 7] == UInt8(ascii: "-") {
            if (0..<length).allSatisfy({ $0 == 4 || $0 == 7 || isDigit(b[start + $0]) }) {
                func number(_ from: Int, _ n: Int) -> Int {
                    (0..<n).reduce(0) { $0 * 10 + Int(b[start + from + $1] - 48) }
                }
                return PartialDate(year: number(0, 4), month: number(5, 2), day: length == 10 ? number(8, 2) : nil)
            }
        }
        let text = UnsafeBufferPointer(rebasing: b[start..<end])
        return PartialDate(iso: escaped ? JSONValue.unescape(text) : String(decoding: text, as: UTF8.self))
    }
}
