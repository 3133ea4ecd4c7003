/// The tokenizer's helpers: UTF-8 decoding, the fold of one scalar under the configuration, look-ahead
/// for URLs, e-mail addresses, apostrophes and acronym plurals, and emission of a scanned compound.
extension AnalysisEngine {
    /// Decodes the scalar at `i` (whose first byte is ≥ 0x80). A malformed sequence decodes as U+FFFD of
    /// length 1, which separates words.
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(p[i])
        @inline(__always) func continuation(_ k: Int) -> UInt32? {
            guard i + k < n else { return nil }
            let b = p[i + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            if let c1 = continuation(1) { return ((b0 & 0x1F) << 6 | c1, 2) }
        case 0xE0...0xEF:
            if let c1 = continuation(1), let c2 = continuation(2) {
                let value = (b0 & 0x0F) << 12 | c1 << 6 | c2
                if value >= 0x800 && !(0xD800...0xDFFF).contains(value) { return (value, 3) }
            }
        case 0xF0...0xF4:
            if let c1 = continuation(1), let c2 = continuation(2), let c3 = continuation(3) {
                let value = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
                if value >= 0x10000 && value <= 0x10FFFF { return (value, 4) }
            }
        default:
            break
        }
        return (0xFFFD, 1)
    }

    /// The fold of the scalar at `i` (`length` bytes) under this configuration's folding options.
    func classify(_ scalar: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ length: Int)
        -> FoldingTable.Fold {
        if let entry = FoldingTable.tableEntry(scalar) {
            switch entry.kind {
            case .letters, .digits:
                if foldsDiacritics { return entry }
            case .ownPart:
                if foldsGreekLetters || !Self.isGreekLike(scalar) { return entry }
            case .micro:
                guard foldsGreekLetters else { break }
                let unitFollows = i + length < n && Self.isLetter(p[i + length])
                let text: StaticString = unitFollows ? "u" : "mu"
                return FoldingTable.Fold(kind: unitFollows ? .letters : .ownPart,
                                         bytes: UnsafeBufferPointer(start: text.utf8Start,
                                                                    count: text.utf8CodeUnitCount))
            case .ownToken:
                return foldsSymbols ? entry : FoldingTable.Fold(kind: .separator, bytes: entry.bytes)
            default:
                return entry
            }
        }
        return FoldingTable.fallback(scalar, original: UnsafeBufferPointer(start: p + i, count: length),
                                     buffer: foldBuffer)
    }

    /// Greek letters, and the private-use and APL code points the table folds like them.
    static func isGreekLike(_ scalar: UInt32) -> Bool {
        (0x0370...0x03FF).contains(scalar) || (0xF020...0xF0FF).contains(scalar) || scalar == 0x237A
            || scalar == 0x00B5 || scalar == 0x2126
    }

    /// Whether a word (letters or digits, or a Greek part) starts at `i`. An ASCII byte is tested inline:
    /// called, the method took a copy of the engine (160 bytes through `memcpy`) at each compound part.
    /// `mutating` though it mutates nothing, so that `compound`, itself mutating, passes the engine by
    /// address: inlined but non-mutating, it still copied the engine (168 bytes through `memcpy`) at
    /// every `-` or `/` between parts, before the ASCII test, for the non-ASCII call.
    @inline(__always)
    mutating func startsRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        guard i < n else { return false }
        let b = p[i]
        if b < 0x80 { return Self.isAlnum(b) }
        return startsNonASCIIRun(p, n, i)
    }

    /// `startsRun` at a non-ASCII byte (`mutating` for the same reason).
    mutating func startsNonASCIIRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        let (scalar, length) = Self.decode(p, n, i)
        switch classify(scalar, p, n, i, length).kind {
        case .letters, .digits, .ownPart: return true
        default: return false
        }
    }

    /// An apostrophe of `length` bytes at `i` after the byte `last` of the current word: nil when it
    /// ends the word, -1 for a possessive `'s` (the word ends, `'s` is skipped), otherwise the index to
    /// continue the word from (the apostrophe is dropped: `o'brien` → `obrien`).
    func apostrophe(_ p: UnsafePointer<UInt8>, _ n: Int, at i: Int, length: Int, after last: UInt8) -> Int? {
        let next = i + length
        guard Self.isLetter(last), next < n, Self.isLetter(p[next]) else { return nil }
        if p[next] | 0x20 == 0x73, next + 1 >= n || !Self.isAlnum(p[next + 1]) { return -1 }
        return next
    }

    /// Whether `p[start..<end]` is an upper-case acronym with a plural `s`: at least two upper-case
    /// letters, digits allowed, no other lower-case letter (`MSCs`, `NSAIDs`, `CD34s`).
    static func isAcronymPlural(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard end - start >= 3, p[end - 1] == 0x73 else { return false }
        var upper = 0
        for k in start..<(end - 1) {
            let b = p[k]
            if b &- 0x41 < 26 { upper += 1 } else if !isDigit(b) { return false }
        }
        return upper >= 2
    }

    /// The end of a URL starting at `start` (`http://`, `https://`, `ftp://`, `www.`), or nil. The URL
    /// runs to white space, a quote, `<`, `>` or a non-ASCII byte, less trailing punctuation and
    /// unbalanced closing brackets.
    static func urlEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        let first = p[start] | 0x20
        guard first == 0x68 || first == 0x66 || first == 0x77 else { return nil }
        var j = -1
        for prefix in ["https://", "http://", "ftp://", "www."] as [StaticString]
        where hasPrefix(p, n, start, prefix) {
            j = start + prefix.utf8CodeUnitCount
            break
        }
        guard j >= 0, j < n, isAlnum(p[j]) else { return nil }
        var end = j
        var open = 0
        var close = 0
        while end < n {
            let c = p[end]
            if c <= 0x20 || c >= 0x7F || c == 0x22 || c == 0x3C || c == 0x3E || c == 0x60 { break }
            if c == 0x28 || c == 0x5B { open += 1 } else if c == 0x29 || c == 0x5D { close += 1 }
            end += 1
        }
        while end > j {
            let c = p[end - 1]
            if c == 0x2E || c == 0x2C || c == 0x3B || c == 0x3A || c == 0x21 || c == 0x3F || c == 0x27
                || c == 0x2A {
                end -= 1
            } else if (c == 0x29 || c == 0x5D) && close > open {
                close -= 1
                end -= 1
            } else {
                break
            }
        }
        return end
    }

    /// Whether `p[start...]` begins with `prefix` (lowercase ASCII), ignoring case.
    static func hasPrefix(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard start + count <= n else { return false }
        let pattern = prefix.utf8Start
        for k in 0..<count {
            let c = p[start + k]
            let folded = isLetter(c) ? c | 0x20 : c
            if folded != pattern[k] { return false }
        }
        return true
    }

    /// The end of an e-mail address whose local part starts at `start`, or nil: `local@label.label…`
    /// with local characters `A-Z a-z 0-9 . _ % + -`, at least two labels and a last label of two or
    /// more characters.
    static func emailEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var j = start
        while j < n {
            let c = p[j]
            guard isAlnum(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D else { break }
            j += 1
        }
        guard j > start, j < n, p[j] == 0x40 else { return nil }
        var k = j + 1
        var dots = 0
        var label = 0
        while k < n {
            let c = p[k]
            if isAlnum(c) || c == 0x2D {
                label += 1
            } else if c == 0x2E, label > 0, k + 1 < n, isAlnum(p[k + 1]) {
                dots += 1
                label = 0
            } else {
                break
            }
            k += 1
        }
        while k > j + 1 && p[k - 1] == 0x2D { k -= 1; label -= 1 }
        return dots >= 1 && label >= 2 ? k : nil
    }

    /// Emits `p[start..<end]` lowercased as one token of `kind` (a URL or an e-mail address).
    mutating func emitWhole<Sink: TokenSink>(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, kind: Token.Kind,
                            position: inout Int32, _ body: inout Sink) {
        let length = end - start
        if length <= Self.maxTermBytes {
            for k in 0..<length {
                let c = p[start + k]
                scratch[k] = Self.isLetter(c) ? c | 0x20 : c
            }
            emit(scratch, length, flags: 0, kind: kind, position: position, start: start,
                 end: end, &body)
        }
        position += 1
    }

    /// Emits the parts recorded in `parts` (and their joined form after the first) and advances
    /// `position` by the number of parts.
    mutating func emitCompound<Sink: TokenSink>(partCount: Int, flags: UInt8, position: inout Int32, _ body: inout Sink) {
        let base = position
        let joins = joinsCompounds && partCount >= 2 && flags & PartFlags.letter != 0
        for k in 0..<partCount {
            let part = parts[k]
            let kind: Token.Kind = part.flags & PartFlags.letter != 0 ? .word : .number
            emit(scratch + Int(part.scratchStart), Int(part.scratchEnd - part.scratchStart), flags: part.flags,
                 kind: kind, position: base + Int32(k), start: Int(part.sourceStart), end: Int(part.sourceEnd),
                 &body)
            if k == 0 && joins {
                let last = parts[partCount - 1]
                let length = Int(last.scratchEnd - part.scratchStart)
                let joinedFlags = (flags & ~PartFlags.dot) | (length > Self.maxTermBytes ? PartFlags.overflow : 0)
                emit(scratch + Int(part.scratchStart), length, flags: joinedFlags, kind: .joined,
                     position: base, start: Int(part.sourceStart), end: Int(last.sourceEnd), &body)
            }
        }
        position += Int32(partCount)
    }
}
