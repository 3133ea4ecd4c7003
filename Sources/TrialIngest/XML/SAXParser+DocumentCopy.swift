#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The pieces of the copy of a document that `SAXParser.parse(…omitting:unread:joiningLineEnds:)` hands
/// libxml2: line ends joined, line-end references dropped, ranges checked (split from `SAXParser.swift`).
extension SAXParser {
    /// Whether `ranges` are nonempty, in order, disjoint, within `0..<count` and clear of `cut`.
    static func areOrdered(_ ranges: [Range<Int>], within count: Int, outside cut: Range<Int>?) -> Bool {
        guard !ranges.isEmpty else { return false }
        var position = 0
        for range in ranges {
            guard range.lowerBound >= position, range.upperBound <= count, !range.isEmpty else { return false }
            if let cut, cut.overlaps(range) { return false }
            position = range.upperBound
        }
        return true
    }

    /// Appends `piece` to `document`, with each CR LF pair and each other CR as an LF when
    /// `joiningLineEnds` (one access to the buffer for the whole piece: an access per line paid the
    /// runtime's exclusivity check each time).
    static func append(_ piece: UnsafeRawBufferPointer, joiningLineEnds: Bool, to document: inout TextBuffer) {
        guard let base = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = piece.count
        var start = 0
        if joiningLineEnds {
            while start < count, let found = memchr(base + start, 0x0D, count - start) {
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                document.append(UnsafeBufferPointer(start: base + start, count: at - start))
                // CR LF: the LF stays (appended with the next run); a lone CR becomes an LF.
                if !(at + 1 < count && base[at + 1] == 0x0A) { document.append(repeating: 0x0A, count: 1) }
                start = at + 1
            }
        }
        document.append(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    /// Appends `piece` to `document` without each `&#xD;` that stands right before an LF, after a byte
    /// other than `;` (another reference's end) and CR, where the CR it stands for is the first of a CR LF
    /// pair, and inside an element's text: the last `<` before it starts a start tag without attributes
    /// (`<name>`, `name` of ASCII letters, digits, `_`, `-`, `.`). There a character reference is text, and
    /// so is its LF (see `parse`); anywhere else (inside a tag, before or after the root element, in a
    /// document type declaration) the reference is an error that dropping it would hide. (After such a tag
    /// inside a comment or a CDATA section it is text of those: a comment is not read, a CDATA section fails
    /// the parse.) True when one was dropped. The references are found by `memchr` for `&`; the last `<`
    /// before each is followed from one reference to the next (`memchr` over the bytes between them).
    static func appendDroppingLineEndReferences(_ piece: UnsafeRawBufferPointer,
                                                        to document: inout TextBuffer) -> Bool {
        guard let base = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let count = piece.count
        // "#xD;" as a little-endian word.
        let reference: UInt32 = 0x3B44_7823
        var start = 0
        var from = 1
        var dropped = false
        // Whether the last `<` before `checked` starts a start tag without attributes.
        var inText = false
        var checked = 0
        while from < count, let found = memchr(base + from, 0x26, count - from) {
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            from = at + 1
            guard at + 5 < count, base[at + 5] == 0x0A,
                  UnsafeRawPointer(base + at + 1).loadUnaligned(as: UInt32.self) == reference.littleEndian,
                  base[at - 1] != UInt8(ascii: ";"), base[at - 1] != 0x0D else { continue }
            // The last `<` in [checked, at): `memchr` forward (no `memrchr` in Glibc's module); text lines
            // between two references rarely hold one.
            var last = -1
            var k = checked
            while k < at, let less = memchr(base + k, 0x3C, at - k) {
                last = base.distance(to: less.assumingMemoryBound(to: UInt8.self))
                k = last + 1
            }
            if last >= 0 { inText = startsPlainStartTag(base, at: last, before: at) }
            checked = at
            guard inText else { continue }
            document.append(UnsafeBufferPointer(start: base + start, count: at - start))
            start = at + 5
            from = at + 6
            checked = at + 5
            dropped = true
        }
        document.append(UnsafeBufferPointer(start: base + start, count: count - start))
        return dropped
    }

    /// Whether the `<` at `at` starts a start tag without attributes that ends before `limit`.
    static func startsPlainStartTag(_ base: UnsafePointer<UInt8>, at: Int, before limit: Int) -> Bool {
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
        var j = at + 1
        guard j < limit, isLetter(base[j]) || base[j] == UInt8(ascii: "_") else { return false }
        while j < limit {
            let b = base[j]
            if b == UInt8(ascii: ">") { return true }
            guard isLetter(b) || b &- 0x30 < 10 || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: ".") else { return false }
            j += 1
        }
        return false
    }

    /// Whether `bytes` hold a CR byte.
    static func containsCR(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return memchr(base, 0x0D, bytes.count) != nil
    }

    /// The number of LF bytes in `bytes`, counted eight bytes at a time (a test per byte and an append
    /// per LF cost about 2 % of ingestion's instructions: the omitted results sections are large).
    static func lineFeeds(in bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var total = 0
        var i = 0
        while i &+ 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            total &+= ByteWord.equalExactly(word, 0x0A).nonzeroBitCount
            i &+= 8
        }
        while i < bytes.count {
            if base.load(fromByteOffset: i, as: UInt8.self) == 0x0A { total &+= 1 }
            i &+= 1
        }
        return total
    }
}
