/// The clinical tokenizer of text fields: UTF-8 bytes → folded terms with positions and byte offsets.
///
/// Words are maximal runs of letters and digits (ASCII, or non-ASCII folded through `FoldingTable`).
/// Inside a run, these glue without making a new part:
/// - a decimal point between digits (`2.5`, `1.15`), kept;
/// - a thousands comma (`1,000` → `1000`: digits, a comma, exactly three digits);
/// - dots of a single-letter acronym (`U.S.A.` → `usa`, `e.g.` → `eg`);
/// - an apostrophe inside a word (`O'Brien` → `obrien`); a possessive `'s` ends the word
///   (`Crohn's` → `crohn`).
/// Runs joined by `-` or `/` (or their Unicode forms) form a compound: each run is a part at its own
/// position, and when a part has a letter the parts are also emitted joined, at the first part's
/// position (`anti-PD-1` → `anti`@0, `antipd1`@0, `pd`@1, `1`@2); digits-only compounds are not joined
/// (`2020-01-15`, `120/80`, `18-65`). A Greek letter or a superscript digit is a part of its own
/// (`TNFα` → `tnf`, `alpha`, `tnfalpha`; `m²` → `m`, `2`, `m2`). URLs (`http://`, `https://`, `ftp://`,
/// `www.`) and e-mail addresses are one token each, lowercased. `>=`/`≥` → `gte`, `<=`/`≤` → `lte`, `>`
/// → `gt`, `<` → `lt`. CJK ideographs and kana are one token per character (unigrams: a phrase query
/// over them matches the sequence). Everything else separates.
extension AnalysisEngine {
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }
    /// `b` as 0 or 1, for tests combined without a branch (`&` of flags; `cmp; setcc`, which LLVM keeps,
    /// where `&&` of loads is a branch per test).
    @inline(__always) static func flag(_ b: Bool) -> UInt8 { unsafeBitCast(b, to: UInt8.self) }

    /// Tokenizes a text field, filters each term and calls `body`; returns the next free position.
    /// - Complexity: O(n) in the byte count.
    mutating func analyzeText<Sink: TokenSink>(_ text: UnsafeBufferPointer<UInt8>, firstPosition: Int32,
                              _ body: inout Sink) -> Int32 {
        guard let p = text.baseAddress else { return firstPosition }
        let n = text.count
        var i = 0
        var position = firstPosition
        // The longest plain word looked up in the stem cache (none without it): one compare per word
        // rather than two and a load of `usesCache`.
        let cachedLength = usesCache ? 16 : 0
        // The byte classes' table in a local: a letter or digit is one load and test at the loop head
        // (the two range tests were eight instructions, at every byte the loop steps).
        let wordBytes = self.wordBytes
        while i < n {
            let b = p[i]
            if wordBytes[Int(b)] != 0 {
                // Fast path: a plain word or number followed by a character that cannot continue it
                // (about nine tokens in ten); anything else is rescanned by `compound`.
                // Indexes inside the text (below `n`): no overflow to check.
                let (j, letters, digits, head) = foldRun(p, n, from: i)
                let out = j &- i
                // The byte after the run (0 at the text's end), read once for `endsWord` and the
                // space step below.
                let next: UInt8 = j < n ? p[j] : 0
                // A possible acronym plural (`CTs`: 3 bytes or more, two capitals, a last `s`) goes to
                // `compound`. A word followed by a space or a control byte and not ending in `s` past 2
                // bytes takes one predictable branch: those two tests (each a coin toss on the words of
                // a text) are flags combined without a branch; the capitals and `endsWord`'s other
                // cases come after it.
                let endsInS = Self.flag(out >= 3) & Self.flag(p[j &- 1] == 0x73)
                if Self.flag(next <= 0x20) & (endsInS ^ 1) != 0
                    || (!(endsInS != 0 && p[i] &- 0x41 < 26 && p[i &+ 1] &- 0x41 < 26)
                        && Self.endsWord(p, n, j, next, afterDigit: digits != 0)) {
                    // The run starts with a letter or digit: no digit means letters only.
                    if digits == 0, out <= cachedLength {
                        // The hash's first word is `foldRun`'s `head` when the text had 8 bytes from
                        // `i` on, else the word's folded copy; a second word from the text when 16
                        // bytes may be read there, else from the copy (the same words: a letter
                        // folds by `| 0x20`), so that the last words of a value take this path too.
                        let first = n &- i >= 8
                            ? head : UInt64(littleEndian: UnsafeRawPointer(scratch).loadUnaligned(as: UInt64.self))
                        let index = plainWordIndex(scratch, out, first: first,
                                                   source: n &- i >= 16 ? p + i : UnsafePointer(scratch))
                        if let token = cachedToken(index, scratch, out, kind: .word, position: position,
                                                   start: i, end: j) {
                            body.consume(token)
                        }
                    } else {
                        let flags = (letters != 0 ? PartFlags.letter : 0) | (digits != 0 ? PartFlags.digit : 0)
                        emitOutOfLine(scratch, out, flags: flags, kind: letters == 0 ? .number : .word,
                                      position: position, start: i, end: j, &body)
                    }
                    position &+= 1
                    // A space after the word (the usual separator) is stepped over here rather
                    // than by a turn of the loop.
                    i = next == 0x20 ? j &+ 1 : j
                } else {
                    (i, position) = compound(p, n, from: i, position: position, &body)
                }
                continue
            }
            if b < 0x80 {
                if (b == 0x3C || b == 0x3E) && foldsSymbols {
                    let withEqual = i + 1 < n && p[i + 1] == 0x3D
                    let word: StaticString = b == 0x3E ? (withEqual ? "gte" : "gt") : (withEqual ? "lte" : "lt")
                    let end = i + (withEqual ? 2 : 1)
                    emitOutOfLine(word.utf8Start, word.utf8CodeUnitCount, flags: PartFlags.letter, kind: .symbol,
                                  position: position, start: i, end: end, &body)
                    position += 1
                    i = end
                } else {
                    i &+= 1  // below `n`
                }
                continue
            }
            (i, position) = nonASCII(p, n, at: i, position: position, &body)
        }
        return position
    }

    /// `analyzeText`'s step at a non-ASCII byte `p[i]` at `position`: a word, number or compound
    /// starting with a folded letter or digit, an own token (a symbol word, an ideograph), or a
    /// separator. Returns the index after it and the next position. Out of line, so that the fast path's
    /// loop keeps its registers (the folding table's address was one of them).
    @inline(never)
    mutating func nonASCII<Sink: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, at i: Int, position: Int32,
                                            _ body: inout Sink) -> (end: Int, position: Int32) {
        let (scalar, length) = Self.decode(p, n, i)
        let fold = classify(scalar, p, n, i, length)
        switch fold.kind {
        case .letters, .digits, .ownPart:
            return compound(p, n, from: i, position: position, &body)
        case .ownToken, .ideograph:
            guard let base = fold.bytes.baseAddress else { return (i + length, position) }
            let kind: Token.Kind = fold.kind == .ideograph ? .ideograph : Self.isDigit(base[0]) ? .number : .symbol
            emitOutOfLine(base, fold.bytes.count, flags: 0, kind: kind, position: position, start: i, end: i + length,
                          &body)
            return (i + length, position + 1)
        default:
            return (i + length, position)
        }
    }

    /// Folds the run of ASCII letters and digits starting at `start` (at most `maxTermBytes` bytes) into
    /// `scratch[0...]`, letters lowercased; returns the index after it, two sets of bits, nonzero if it
    /// has a letter (`letters`) and if it has a digit (`digits`): the caller tests them as they are,
    /// rather than `PartFlags` made of them with two `setne` and tested again; and `head`, the first 8
    /// bytes as stored (folded, bytes past the run's end included) when the text has 8 bytes from
    /// `start` on (else 0): the stem-cache look-up's first word, from a register rather than loaded.
    ///
    /// Eight bytes at a time (SWAR, `letterAndDigitBits`): the first byte that is neither a letter nor
    /// a digit ends the run; the eight bytes are stored folded at once (`| 0x20` on letters), those
    /// past the run's end being overwritten or ignored later. The first block is taken on its own
    /// (most runs end in it). The last few bytes of the text go one at a time.
    @inline(__always)
    func foldRun(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int)
        -> (end: Int, letters: UInt64, digits: UInt64, head: UInt64) {
        let limit = min(n, start &+ Self.maxTermBytes)
        let high: UInt64 = 0x8080_8080_8080_8080
        var j = start
        var letterBits: UInt64 = 0
        var digitBits: UInt64 = 0
        var head: UInt64 = 0
        let raw = UnsafeRawPointer(p)
        let out = UnsafeMutableRawPointer(scratch)
        if j &+ 8 <= limit {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
            let (letters, digits) = Self.letterAndDigitBits(w)
            let other = ~(letters | digits) & high
            head = w | letters >> 2
            out.storeBytes(of: head.littleEndian, as: UInt64.self)
            if other != 0 {
                // Bytes before the first other one (its bit 7 is the lowest set bit of `other`).
                let before = (other & (0 &- other)) &- 1
                return (j &+ other.trailingZeroBitCount >> 3, letters & before, digits & before, head)
            }
            letterBits = letters
            digitBits = digits
            j &+= 8
            while j &+ 8 <= limit {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                let (letters, digits) = Self.letterAndDigitBits(w)
                let other = ~(letters | digits) & high
                out.storeBytes(of: (w | letters >> 2).littleEndian, toByteOffset: j &- start, as: UInt64.self)
                if other != 0 {
                    let before = (other & (0 &- other)) &- 1
                    return (j &+ other.trailingZeroBitCount >> 3, letterBits | letters & before,
                            digitBits | digits & before, head)
                }
                letterBits |= letters
                digitBits |= digits
                j &+= 8
            }
        }
        var anyBits: UInt8 = 0
        var allBits: UInt8 = 0xFF
        while j < limit {
            let folded = wordBytes[Int(p[j])]
            if folded == 0 { break }
            scratch[j &- start] = folded
            anyBits |= folded
            allBits &= folded
            j &+= 1
        }
        // Folded letters (0x61–0x7A) have bit 0x40, digits (0x30–0x39) do not.
        return (j, letterBits | UInt64(anyBits & 0x40), digitBits | UInt64(~allBits & 0x40), head)
    }

    /// Per byte of `w` (8 bytes, little-endian), bit 7 of `letters` and of `digits` says whether it is
    /// an ASCII letter or digit, from two range tests on its low 7 bits (no carry crosses a byte) and
    /// its bit 7 clear. x + (0x80 − a) has bit 7 set iff x ≥ a, for x ≤ 0x7F. The bytes are not masked
    /// to 7 bits first (one constant and one AND less in loops short of registers): an ASCII byte
    /// carries nothing into the next, so every byte up to the first non-ASCII one is tested right,
    /// that one is cleared by the ASCII mask, and the bytes after it are past the run's end.
    @inline(__always)
    static func letterAndDigitBits(_ w: UInt64) -> (letters: UInt64, digits: UInt64) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let ascii = ~w & 0x8080_8080_8080_8080
        let lower = w | (0x20 &* ones)
        let letters = (lower &+ (0x80 - 0x61) &* ones) & ~(lower &+ (0x80 - 0x7B) &* ones) & ascii
        let digits = (w &+ (0x80 - 0x30) &* ones) & ~(w &+ (0x80 - 0x3A) &* ones) & ascii
        return (letters, digits)
    }

    /// `compound`'s step over the 8 bytes at `source`: stores them folded at `out` (letters lowercased;
    /// the bytes from the first one that is not an ASCII letter or digit on are overwritten or ignored
    /// later) and returns how many bytes come before that one (8 if none) and, for those, their letter
    /// and digit bits (nonzero if they have a letter / a digit).
    @inline(__always)
    static func foldBlock(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>)
        -> (taken: Int, letters: UInt64, digits: UInt64) {
        let w = UInt64(littleEndian: UnsafeRawPointer(source).loadUnaligned(as: UInt64.self))
        let (letters, digits) = letterAndDigitBits(w)
        let other = ~(letters | digits) & 0x8080_8080_8080_8080
        UnsafeMutableRawPointer(out).storeBytes(of: (w | letters >> 2).littleEndian, as: UInt64.self)
        if other == 0 { return (8, letters, digits) }
        let before = (other & (0 &- other)) &- 1
        return (other.trailingZeroBitCount >> 3, letters & before, digits & before)
    }

    /// Whether the byte at `j` ends a plain word for sure, so that the fast path may emit it: anything
    /// but a character that can continue a compound, a number, a URL or an e-mail address. Those are
    /// `-`, `/`, `'`, `@` and non-ASCII; `,` between digits (thousands); `.` before a letter or digit
    /// (decimals, acronyms, domains); `:` before `/` (a URL scheme); `_` and `+` before a letter or digit
    /// (an e-mail address's local part).
    /// `c` is the byte at `j`, or 0 when `j` is the text's end.
    @inline(__always)
    static func endsWord(_ p: UnsafePointer<UInt8>, _ n: Int, _ j: Int, _ c: UInt8, afterDigit: Bool) -> Bool {
        if c <= 0x20 { return true }
        switch c {
        case 0x2D, 0x2F, 0x27, 0x40:  // - / ' @
            return false
        case 0x2C:  // ,
            return !afterDigit || j + 1 == n || !isDigit(p[j + 1])
        case 0x2E, 0x5F, 0x2B:  // . _ +
            return j + 1 == n || !isAlnum(p[j + 1])
        case 0x3A:  // :
            return j + 1 == n || p[j + 1] != 0x2F
        default:
            return c < 0x80 && !isAlnum(c)  // a letter or digit here: the word was cut at maxTermBytes
        }
    }

    /// Scans the compound (or URL, or e-mail address) starting at `start` at `position`, emits its tokens
    /// and returns the index after it and the position after its tokens. `position` goes in and out by
    /// value, so that `analyzeText` keeps its own in a register rather than in memory for the call.
    mutating func compound<Sink: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, position first: Int32,
                           _ body: inout Sink) -> (end: Int, position: Int32) {
        var position = first
        // `urlEnd`'s first test inline (a URL starts with `h`, `f` or `w`): most compounds make no call.
        let first = p[start] | 0x20
        if first == 0x68 || first == 0x66 || first == 0x77, let end = Self.urlEnd(p, n, start) {
            emitWhole(p, start, end, kind: .url, position: &position, &body)
            return (end, position)
        }
        // The buffer's address in a local: a store through it may alias `self`, so the property was
        // reloaded from memory for every letter of the run loop.
        let scratch = self.scratch
        var i = start
        var partCount = 0
        var out = 0
        var compoundFlags: UInt8 = 0
        partLoop: while true {
            let scratchStart = out
            let sourceStart = i
            let limit = out + Self.maxTermBytes
            var flags: UInt8 = 0
            var isOwnPart = false
            var acronym = false
            var groupStart = out
            var possessiveEnd = -1
            run: while i < n {
                // Eight bytes at a time while they fit the text and the part's room: `foldRun`'s SWAR
                // tests, the block stored folded, the ASCII letters and digits before the first other
                // byte taken; that byte (if any) goes through the cases below.
                if i &+ 8 <= n && out &+ 8 <= limit {
                    let (taken, letters, digits) = Self.foldBlock(p + i, into: scratch + out)
                    if letters != 0 { flags |= PartFlags.letter }
                    if digits != 0 { flags |= PartFlags.digit }
                    i &+= taken
                    out &+= taken
                    if taken == 8 { continue }
                }
                let b = p[i]
                // Indexes below `n` and `limit`: no overflow to check.
                if (b | 0x20) &- 0x61 < 26 {
                    if out < limit { scratch[out] = b | 0x20; out &+= 1 } else { flags |= PartFlags.overflow }
                    flags |= PartFlags.letter
                    i &+= 1
                    continue
                }
                if b &- 0x30 < 10 {
                    if out < limit { scratch[out] = b; out &+= 1 } else { flags |= PartFlags.overflow }
                    flags |= PartFlags.digit
                    i &+= 1
                    continue
                }
                if b == 0x20 { break run }
                let last: UInt8 = out > scratchStart ? scratch[out - 1] : 0
                if b < 0x80 {
                    switch b {
                    case 0x2E:  // '.'
                        if Self.isDigit(last), i + 1 < n, Self.isDigit(p[i + 1]), flags & PartFlags.digit != 0 {
                            if out < limit { scratch[out] = 0x2E; out += 1 }
                            flags |= PartFlags.dot
                            i += 1
                            continue
                        }
                        if acronym || (i - sourceStart == 1 && out - scratchStart == 1 && Self.isLetter(last)),
                           i + 1 < n, Self.isLetter(p[i + 1]), i + 2 >= n || !Self.isAlnum(p[i + 2]) {
                            acronym = true
                            i += 1
                            continue
                        }
                    case 0x2C:  // ','
                        if flags == PartFlags.digit, out - groupStart <= 3, i + 3 < n, Self.isDigit(p[i + 1]), Self.isDigit(p[i + 2]), Self.isDigit(p[i + 3]),
                           i + 4 >= n || !Self.isDigit(p[i + 4]) {
                            groupStart = out
                            i += 1
                            continue
                        }
                    case 0x27:  // '\''
                        if let next = apostrophe(p, n, at: i, length: 1, after: last) {
                            if next < 0 { possessiveEnd = i + 2 } else { i = next; continue }
                        }
                    default:
                        break
                    }
                    break run
                }
                let (scalar, length) = Self.decode(p, n, i)
                let fold = classify(scalar, p, n, i, length)
                switch fold.kind {
                case .letters, .digits:
                    for byte in fold.bytes {
                        if out < limit { scratch[out] = byte; out += 1 } else { flags |= PartFlags.overflow }
                        if byte >= 0x80 { flags |= PartFlags.nonASCII }
                    }
                    flags |= fold.kind == .letters ? PartFlags.letter : PartFlags.digit
                    i += length
                    continue
                case .ignorable:
                    i += length
                    continue
                case .connector where fold.bytes.first == 0x27:
                    if let next = apostrophe(p, n, at: i, length: length, after: last) {
                        if next < 0 { possessiveEnd = i + length + 1 } else { i = next; continue }
                    }
                case .ownPart:
                    if out == scratchStart {
                        for byte in fold.bytes where out < limit {
                            scratch[out] = byte
                            out += 1
                        }
                        flags |= Self.isDigit(fold.bytes.first ?? 0) ? PartFlags.digit : PartFlags.letter
                        isOwnPart = true
                        i += length
                    }
                default:
                    break
                }
                break run
            }
            if out == scratchStart { break partLoop }
            // The plural's `s` tested here first: the call was made for every part (most end otherwise).
            if dropsAcronymPlurals, flags & ~(PartFlags.letter | PartFlags.digit) == 0, !isOwnPart, possessiveEnd < 0,
               i &- sourceStart >= 3, p[i &- 1] == 0x73, Self.isAcronymPlural(p, from: sourceStart, to: i) {
                out -= 1
            }
            parts[partCount] = Part(scratchStart: Int32(scratchStart), scratchEnd: Int32(out),
                                    sourceStart: Int32(truncatingIfNeeded: sourceStart),
                                    sourceEnd: Int32(truncatingIfNeeded: i), flags: flags)
            partCount += 1
            compoundFlags |= flags
            if possessiveEnd >= 0 {
                i = possessiveEnd
                break partLoop
            }
            guard i < n, partCount < Self.maxParts else { break partLoop }
            let b = p[i]
            if b == 0x2D || b == 0x2F {  // '-' '/'
                if startsRun(p, n, i + 1) { i += 1; continue partLoop }
                break partLoop
            }
            if b >= 0x80 {
                let (scalar, length) = Self.decode(p, n, i)
                let fold = classify(scalar, p, n, i, length)
                if fold.kind == .connector, let c = fold.bytes.first, c == 0x2D || c == 0x2F {
                    if startsRun(p, n, i + length) { i += length; continue partLoop }
                    break partLoop
                }
                if fold.kind == .ownPart { continue partLoop }
            }
            if isOwnPart && startsRun(p, n, i) { continue partLoop }
            if (b == 0x2E || b == 0x40 || b == 0x5F || b == 0x2B) && i + 1 < n && Self.isAlnum(p[i + 1]),
               let end = Self.emailEnd(p, n, start) {
                emitWhole(p, start, end, kind: .email, position: &position, &body)
                return (end, position)
            }
            break partLoop
        }
        emitCompound(partCount: partCount, flags: compoundFlags, position: &position, &body)
        return (max(i, start + 1), position)
    }
}
