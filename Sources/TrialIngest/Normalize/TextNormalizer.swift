/// Turns a registry's text into the `Trial` text form: paragraphs separated by "\n\n", list items on
/// their own line, wrapped lines joined, no markup noise.
///
/// What the registries publish, and what is done with it:
/// - ClinicalTrials.gov XML text blocks are indented by 6–8 spaces and wrapped at about 80 columns;
///   2022–2023 dumps end every line with a `&#xD;` character reference (a CR before the newline).
///   Lines are dedented and trimmed, CR/LF, lone CR and LF all end a line, and a wrapped line is
///   joined to the previous one with a space unless it starts a list item ("-", "*", "•", "1.", "2)",
///   "(3)", "a)") or a criteria heading ("Exclusion Criteria:"), which start a new line ("\n").
///   Blank lines separate paragraphs ("\n\n"). Runs of spaces and tabs inside a line become one space.
/// - API v2 JSON and trial-page dumps are Markdown: `\<`, `\>`, `\*`, … are escapes of the punctuation
///   and `&#39;`, `&lt;` are character references (`TextCleanup.markdown` turns both into text).
/// - The ICTRP export carries HTML inside its XML: `<br>` line breaks and character references such as
///   `&#32;` and `&amp;` (`TextCleanup.htmlNoise` turns them into text).
/// The ClinicalTrials.gov XML's own double escapes (`&amp;amp;`, 10 records) are kept as published.
///
/// Works on UTF-8 bytes and writes the result straight into the new String's storage: the output is
/// never longer than the input (every rewrite shortens or keeps the length). Never splits a multi-byte
/// sequence: every byte it inspects or drops is ASCII.
enum TextNormalizer {
    /// Normalizes multi-paragraph text (summaries, descriptions, criteria).
    static func paragraphs(_ text: UnsafeBufferPointer<UInt8>, _ cleanup: TextCleanup = []) -> String {
        if let decoded = decodeReferences(text, cleanup) {
            return decoded.withUnsafeBufferPointer { paragraphs($0, cleanup.subtracting(.references)) }
        }
        guard !text.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: text.count) { out in
            writeParagraphs(text, cleanup.contains(.markdownEscapes), into: out)
        }
    }

    /// Normalizes a one-line value (titles, names, dates): every run of white space, line breaks
    /// included, becomes one space; leading and trailing white space is dropped.
    static func line(_ text: UnsafeBufferPointer<UInt8>, _ cleanup: TextCleanup = []) -> String {
        if let decoded = decodeReferences(text, cleanup) {
            return decoded.withUnsafeBufferPointer { line($0, cleanup.subtracting(.references)) }
        }
        guard !text.isEmpty else { return "" }
        let unescape = cleanup.contains(.markdownEscapes)
        return String(unsafeUninitializedCapacity: text.count) { out in
            guard let base = text.baseAddress, let outBase = out.baseAddress else { return 0 }
            // Most values (names, codes, dates, short terms) are already normal: copied whole.
            if text.count <= 32, isNormalShortLine(base, count: text.count, unescape: unescape) {
                UnsafeMutableRawPointer(outBase).copyMemory(from: base, byteCount: text.count)
                return text.count
            }
            var w = 0
            var pendingSpace = false
            var i = 0
            let count = text.count
            let spaces = SIMD16<UInt8>(repeating: 0x20)
            let aboveSpace = SIMD16<UInt8>(repeating: 0x21)
            let backslashes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
            while i < count {
                // Sixteen bytes at a time (as in `writeParagraphs`) while a block starts with a byte above
                // the white space, holds no control character or line end, no space before a space or
                // control character (the byte after the block is looked at too) and no backslash: the
                // block is copied as it is, after the pending space; a space that ends it becomes the
                // pending one again (it is written only before more text).
                while i &+ 17 <= count, base[i] > 0x20 {
                    let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                    let after = UnsafeRawPointer(base + i + 1).loadUnaligned(as: SIMD16<UInt8>.self)
                    let blank = v .== spaces
                    var special = ((v .< aboveSpace) .& .!blank) .| (blank .& (after .< aboveSpace))
                    if unescape { special = special .| (v .== backslashes) }
                    if any(special) { break }
                    if pendingSpace { out[w] = 0x20; w += 1; pendingSpace = false }
                    UnsafeMutableRawPointer(outBase + w).storeBytes(of: v, as: SIMD16<UInt8>.self)
                    w &+= 16
                    i &+= 16
                    if base[i - 1] == 0x20 {
                        w &-= 1
                        pendingSpace = true
                    }
                }
                // Eight bytes at a time up to the next white space or backslash (as in `writeParagraphs`;
                // the output never runs ahead of the input, so the store stays within `out`).
                if i + 8 <= count {
                    let word = ByteWord.load(base + i)
                    let plain = ByteWord.plainCount(word, backslash: unescape)
                    if plain > 0 {
                        if pendingSpace { out[w] = 0x20; w += 1; pendingSpace = false }
                        UnsafeMutableRawPointer(outBase + w).storeBytes(of: word.littleEndian, as: UInt64.self)
                        w += plain
                        i += plain
                        continue
                    }
                }
                let byte = text[i]
                if byte <= 0x20, isSpace(byte) || byte == 0x0A || byte == 0x0D {
                    pendingSpace = w > 0
                    i += 1
                    continue
                }
                if pendingSpace { out[w] = 0x20; w += 1; pendingSpace = false }
                if unescape, byte == UInt8(ascii: "\\"), i + 1 < count, isMarkdownEscapable(text[i + 1]) {
                    out[w] = text[i + 1]
                    w += 1
                    i += 2
                    continue
                }
                out[w] = byte
                w += 1
                i += 1
            }
            return w
        }
    }

    /// Whether `text` is a one-line value of 1 to 32 bytes that `line` (without cleanup) would copy as
    /// it is: its bytes are then the value's normal form.
    static func isNormalShortLine(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        return isNormalShortLine(base, count: text.count, unescape: false)
    }

    /// Whether the `count` bytes at `base` (1 to 32) are a one-line value that `line` would copy as
    /// it is: no byte below the space (tabs, line ends, control characters), no space at either end or
    /// before another space, and, with `unescape`, no backslash. The bytes are copied into 48 bytes
    /// of stack filled with "A" (a byte that passes) and tested as two 16-byte blocks, each beside the
    /// block one byte on: about 40 instructions where the byte loop took about 170 for a short value.
    @inline(__always)
    private static func isNormalShortLine(_ base: UnsafePointer<UInt8>, count: Int, unescape: Bool) -> Bool {
        guard count > 0, count <= 32, base[0] > 0x20, base[count - 1] > 0x20 else { return false }
        let fill = SIMD16<UInt8>(repeating: UInt8(ascii: "A"))
        var blocks = (fill, fill, fill)
        return withUnsafeMutableBytes(of: &blocks) { raw -> Bool in
            guard let start = raw.baseAddress else { return false }
            start.copyMemory(from: base, byteCount: count)
            let spaces = SIMD16<UInt8>(repeating: 0x20)
            let first = raw.load(as: SIMD16<UInt8>.self)
            let firstNext = raw.loadUnaligned(fromByteOffset: 1, as: SIMD16<UInt8>.self)
            let second = raw.load(fromByteOffset: 16, as: SIMD16<UInt8>.self)
            let secondNext = raw.loadUnaligned(fromByteOffset: 17, as: SIMD16<UInt8>.self)
            var special = (first .< spaces) .| (second .< spaces)
                .| ((first .== spaces) .& (firstNext .== spaces)) .| ((second .== spaces) .& (secondNext .== spaces))
            if unescape {
                let backslashes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
                special = special .| (first .== backslashes) .| (second .== backslashes)
            }
            return !ByteBlock.any(special)
        }
    }

    /// `text` with its character references (and, for `.htmlNoise`, `<br>` tags) decoded, or nil when
    /// `cleanup` asks for neither or the text has no "&" or "<".
    private static func decodeReferences(_ text: UnsafeBufferPointer<UInt8>, _ cleanup: TextCleanup) -> [UInt8]? {
        guard !cleanup.isDisjoint(with: .references),
              text.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") }) else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count)
        HTMLNoise.decode(text, lineBreaks: cleanup.contains(.htmlNoise),
                         backslashEscapes: cleanup.contains(.markdownEscapes), into: &decoded)
        return decoded
    }

    static func paragraphs(_ text: String, _ cleanup: TextCleanup = []) -> String {
        var text = text
        return text.withUTF8 { paragraphs($0, cleanup) }
    }

    static func line(_ text: String, _ cleanup: TextCleanup = []) -> String {
        var text = text
        return text.withUTF8 { line($0, cleanup) }
    }

    /// Writes the normalized paragraphs of `text` into `out` (at least `text.count` bytes); returns
    /// the number of bytes written.
    ///
    /// Eight bytes at a time where it can (`ByteWord`): a line's end is searched a word at a time, and
    /// the bytes of a line before its next space, control character or backslash are copied as one
    /// word (about a word of text per store instead of a test and a store per byte). A store may write
    /// up to 7 bytes past the ones kept; they lie before the input's end, since the output never runs
    /// ahead of the input (`w` ≤ the offset of the byte being read: a line break or paragraph break is
    /// written only for line ends already read).
    private static func writeParagraphs(_ text: UnsafeBufferPointer<UInt8>, _ unescape: Bool,
                                        into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress, let outBase = out.baseAddress else { return 0 }
        precondition(out.count >= text.count, "output of \(out.count) bytes for \(text.count)")
        let count = text.count
        var w = 0
        var i = 0
        var paragraphBreak = false
        let lineFeeds = SIMD16<UInt8>(repeating: 0x0A)
        let carriageReturns = SIMD16<UInt8>(repeating: 0x0D)
        let spaces = SIMD16<UInt8>(repeating: 0x20)
        let aboveSpace = SIMD16<UInt8>(repeating: 0x21)
        let backslashes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        let laneIndex = SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        while i < count {
            // One line: [i, end).
            var end = i
            search: while end + 8 <= count {
                let word = ByteWord.load(base + end)
                let lineEnds = ByteWord.equal(word, 0x0A) | ByteWord.equal(word, 0x0D)
                if lineEnds != 0 {
                    end += ByteWord.firstIndex(lineEnds)
                    break
                }
                end += 8
                // Past the first word, sixteen bytes at a time (`SIMD16` compares) up to the block
                // with the line's end, whose first marked lane is the end.
                while end &+ 16 <= count {
                    let v = UnsafeRawPointer(base + end).loadUnaligned(as: SIMD16<UInt8>.self)
                    let marks = (v .== lineFeeds) .| (v .== carriageReturns)
                    if ByteBlock.any(marks) {
                        end &+= ByteBlock.firstLane(marks)
                        break search
                    }
                    end &+= 16
                }
            }
            while end < count, text[end] != 0x0A, text[end] != 0x0D { end += 1 }
            let next = end + 1 < count && text[end] == 0x0D && text[end + 1] == 0x0A ? end + 2 : end + 1
            var start = i
            // The indentation a word at a time: inside the line (no LF or CR) white space is every byte
            // below 0x21 (`isSpace`).
            while start + 8 <= end {
                let visible = ByteWord.highBits & ~ByteWord.belowSpaceExactly(ByteWord.load(base + start))
                if visible != 0 {
                    start += ByteWord.firstIndex(visible)
                    break
                }
                start += 8
            }
            while start < end, isSpace(text[start]) { start += 1 }
            var stop = end
            while stop > start, isSpace(text[stop - 1]) { stop -= 1 }
            i = next
            if start == stop {
                if w > 0 { paragraphBreak = true }
                continue
            }
            let line = UnsafeBufferPointer(rebasing: text[start..<stop])
            if w > 0 {
                if paragraphBreak {
                    out[w] = 0x0A
                    out[w + 1] = 0x0A
                    w += 2
                } else if ListMarker.length(in: line) > 0 || CriteriaHeading.matches(line) {
                    out[w] = 0x0A
                    w += 1
                } else {
                    out[w] = 0x20
                    w += 1
                }
            }
            paragraphBreak = false
            // The line, with runs of spaces collapsed and escapes removed.
            let lineBase = base + start
            var previousSpace = false
            var j = 0
            let lineCount = line.count
            while j < lineCount {
                // Sixteen bytes at a time (`SIMD16` compares against splatted locals) while a block holds
                // no control character, no space before a space (the byte after the block is looked at
                // too) and no backslash: the block is copied as it is, what the words would copy. The
                // store stays before the line's end, so within `out` (as for the words).
                while j &+ 17 <= lineCount, !previousSpace || lineBase[j] != 0x20 {
                    let v = UnsafeRawPointer(lineBase + j).loadUnaligned(as: SIMD16<UInt8>.self)
                    let after = UnsafeRawPointer(lineBase + j + 1).loadUnaligned(as: SIMD16<UInt8>.self)
                    let blank = v .== spaces
                    var special = ((v .< aboveSpace) .& .!blank) .| (blank .& (after .== spaces))
                    if unescape { special = special .| (v .== backslashes) }
                    if any(special) { break }
                    UnsafeMutableRawPointer(outBase + w).storeBytes(of: v, as: SIMD16<UInt8>.self)
                    w &+= 16
                    j &+= 16
                    previousSpace = lineBase[j - 1] == 0x20
                }
                // The line's last bytes (fewer than 17) as one block when they hold nothing to rewrite,
                // tested as the blocks above with the lanes past the line masked off. The block and the
                // one a byte on are read past the line's end, so only where both lie within the text;
                // the store stays within `out` as the blocks' do (the output never runs ahead of the
                // input), and only the line's bytes are kept. The line's last byte is not a space
                // (trimmed), so the byte after it never makes a space special.
                let rest = lineCount &- j
                if rest < 17, start &+ j &+ 17 <= count, !previousSpace || lineBase[j] != 0x20 {
                    let v = UnsafeRawPointer(lineBase + j).loadUnaligned(as: SIMD16<UInt8>.self)
                    let after = UnsafeRawPointer(lineBase + j + 1).loadUnaligned(as: SIMD16<UInt8>.self)
                    let blank = v .== spaces
                    var special = ((v .< aboveSpace) .& .!blank) .| (blank .& (after .== spaces))
                    if unescape { special = special .| (v .== backslashes) }
                    special = special .& (laneIndex .< SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: rest)))
                    if !ByteBlock.any(special) {
                        UnsafeMutableRawPointer(outBase + w).storeBytes(of: v, as: SIMD16<UInt8>.self)
                        w &+= rest
                        break
                    }
                }
                if j + 8 <= lineCount {
                    // A single space between words is copied with them (it is what the collapse would
                    // write); the run ends before a second space, a control character or a backslash.
                    let word = ByteWord.load(lineBase + j)
                    let plain = ByteWord.plainOrSingleSpaceCount(word, afterSpace: previousSpace, backslash: unescape)
                    if plain > 0 {
                        UnsafeMutableRawPointer(outBase + w).storeBytes(of: word.littleEndian, as: UInt64.self)
                        w += plain
                        j += plain
                        previousSpace = lineBase[j - 1] == 0x20
                        continue
                    }
                }
                let byte = line[j]
                if byte <= 0x20, isSpace(byte) {
                    if !previousSpace { out[w] = 0x20; w += 1 }
                    previousSpace = true
                    j += 1
                    continue
                }
                previousSpace = false
                if unescape, byte == UInt8(ascii: "\\"), j + 1 < lineCount, isMarkdownEscapable(line[j + 1]) {
                    out[w] = line[j + 1]
                    w += 1
                    j += 2
                    continue
                }
                out[w] = byte
                w += 1
                j += 1
            }
        }
        return w
    }
}

/// Source-specific markup to remove during text normalization.
struct TextCleanup: OptionSet, Sendable {
    let rawValue: UInt8
    /// Markdown backslash escapes of ASCII punctuation (API v2 JSON, trial-page dumps).
    static let markdownEscapes = TextCleanup(rawValue: 1)
    /// HTML line breaks and character references inside XML text (ICTRP).
    static let htmlNoise = TextCleanup(rawValue: 2)
    /// Character references (`&#39;`, `&lt;`, `&amp;`) in text that is not XML.
    static let characterReferences = TextCleanup(rawValue: 4)
    /// Markdown (API v2 JSON, trial-page dumps): backslash escapes and character references.
    static let markdown: TextCleanup = [.markdownEscapes, .characterReferences]
    /// Either kind of reference decoding.
    static let references: TextCleanup = [.htmlNoise, .characterReferences]
}

/// Space, tab, vertical tab, form feed and every other C0 control character but the line ends (LF,
/// CR): normalized text treats a control character as white space, so none reaches a `Trial` (an
/// escape sequence from a crafted record would otherwise reach a terminal through `show`).
@inline(__always) func isSpace(_ byte: UInt8) -> Bool {
    byte <= 0x20 && byte != 0x0A && byte != 0x0D
}

/// CommonMark: a backslash before ASCII punctuation escapes it.
@inline(__always) func isMarkdownEscapable(_ byte: UInt8) -> Bool {
    (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
        || (0x7B...0x7E).contains(byte)
}
