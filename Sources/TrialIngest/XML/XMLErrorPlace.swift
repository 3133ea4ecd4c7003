/// What the bytes of an XML document as published say about an error, where libxml2's first error
/// does not say it reliably: whether the document is read as UTF-8 and where its first byte that is
/// not UTF-8 is, and on which line a byte lies when lone CRs end lines.
///
/// `SAXParser` asks these on the error path only (a document that parses costs nothing more):
/// - Which error libxml2 meets first can depend on the line ends: `<?ao` 0xF4 `~` LF was "malformed
///   XML" and its CR LF twin "not UTF-8" (fuzz `xml`, `LineEndTwinTests`). A failed document read as
///   UTF-8 is therefore checked for UTF-8 first, and its first bad byte is the error, whatever else is
///   wrong: the same kind at the same place for every line end, and the clearer message (a Latin-1
///   export is a whole-file problem, and libxml2's message at a bad byte quotes it as a bad name or
///   character).
/// - libxml2 counts no line at a lone CR (a line end to XML, §2.11), so an error in a record with
///   lone-CR line ends was on the record's first line; its line is found by parsing a copy with each
///   lone CR as LF (same length, so offsets and CR LF pairs are kept).
enum XMLErrorPlace {
    /// Whether libxml2 reads `bytes` as UTF-8: `encoding` (the encoding the caller imposes) is nil or
    /// names UTF-8, and the document does not start as UTF-16, UTF-32 (a byte-order mark or a NUL in
    /// its first two bytes) or EBCDIC, and its XML declaration names no encoding or UTF-8.
    /// A declaration naming UTF-16 in an 8-bit document is libxml2's own error ("Document labelled
    /// UTF-16 but has UTF-8 content"), which stays the error.
    static func readsAsUTF8(_ bytes: UnsafeRawBufferPointer, encoding: String?) -> Bool {
        if let encoding { return isUTF8(name: Array(encoding.utf8)) }
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        if start == 0, bytes.count >= 2 {
            if (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)
                || bytes[0] == 0 || bytes[1] == 0 { return false }
            if bytes.count >= 4, bytes[0] == 0x4C, bytes[1] == 0x6F, bytes[2] == 0xA7, bytes[3] == 0x94 { return false }
        }
        guard let name = declaredEncoding(UnsafeRawBufferPointer(rebasing: bytes[start...])) else { return true }
        return isUTF8(name: name)
    }

    /// "UTF-8" or "UTF8" in any case (the names libxml2 reads as its own UTF-8).
    private static func isUTF8(name: [UInt8]) -> Bool {
        let lower = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lower == Array("utf-8".utf8) || lower == Array("utf8".utf8)
    }

    /// The value of the `encoding` pseudo-attribute of an XML declaration at the start of `bytes`
    /// (`<?xml` and white space, up to `?>`), or nil.
    static func declaredEncoding(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let open = Array("<?xml".utf8)
        guard bytes.count > open.count, bytes.prefix(open.count).elementsEqual(open),
              isSpace(bytes[open.count]) else { return nil }
        let key = Array("encoding".utf8)
        var i = open.count
        while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "?") && bytes[i + 1] == UInt8(ascii: ">")) {
            guard isSpace(bytes[i]), i + 1 + key.count <= bytes.count,
                  bytes[(i + 1)..<(i + 1 + key.count)].elementsEqual(key) else { i += 1; continue }
            var j = i + 1 + key.count
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "=") else { i += 1; continue }
            j += 1
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") else { return nil }
            let quote = bytes[j]
            var end = j + 1
            while end < bytes.count, bytes[end] != quote { end += 1 }
            return end < bytes.count ? Array(bytes[(j + 1)..<end]) : nil
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The offset in `bytes` of the first byte that is not UTF-8, outside `omitting` (a range libxml2
    /// never saw), or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer, omitting: Range<Int>?) -> Int? {
        guard let cut = omitting else { return UTF8Validation.firstInvalidOffset(bytes) }
        if let bad = UTF8Validation.firstInvalidOffset(UnsafeRawBufferPointer(rebasing: bytes[..<cut.lowerBound])) {
            return bad
        }
        return UTF8Validation.firstInvalidOffset(UnsafeRawBufferPointer(rebasing: bytes[cut.upperBound...]))
            .map { cut.upperBound + $0 }
    }

    /// The number of line ends (LF, CR LF, a lone CR) in `bytes[range]`; a CR at the range's end
    /// followed by an LF just past it is not one (the LF is).
    static func lineEnds(in bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var total = 0
        for i in range where bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
            total += 1
        }
        return total
    }

    /// A copy of `bytes` with each CR that does not start a CR LF pair made LF, or nil when there is
    /// none.
    static func loneCRsAsLF(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var copy: [UInt8]? = nil
        for i in bytes.indices where bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) {
            if copy == nil { copy = Array(bytes) }
            copy?[i] = 0x0A
        }
        return copy
    }
}
