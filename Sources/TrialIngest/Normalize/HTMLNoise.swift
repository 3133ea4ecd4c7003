/// Decodes the HTML that the WHO ICTRP export carries inside its (already XML-decoded) text: `<br>`
/// line breaks and character references (`&#32;`, `&#x2265;`, `&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&apos;`, `&nbsp;`).
///
/// The export writes each original line end as "\n<br>", so a `<br>` right after a line end is dropped
/// and any other `<br>` becomes a line end. Unknown references are kept as published. The same
/// character references are part of Markdown (API v2 JSON, trial-page dumps), where a reference
/// written after a backslash (`\&amp;`) is literal text and is left for the escape pass.
enum HTMLNoise {
    /// - Parameters:
    ///   - lineBreaks: whether `<br>` tags are line breaks (ICTRP) or text.
    ///   - backslashEscapes: whether a backslash protects the next punctuation byte (Markdown).
    static func decode(_ text: UnsafeBufferPointer<UInt8>, lineBreaks: Bool = true, backslashEscapes: Bool = false,
                       into out: inout [UInt8]) {
        let count = text.count
        var i = 0
        while i < count {
            let byte = text[i]
            if backslashEscapes, byte == UInt8(ascii: "\\"), i + 1 < count, isMarkdownEscapable(text[i + 1]) {
                out.append(byte)
                out.append(text[i + 1])
                i += 2
                continue
            }
            if lineBreaks, byte == UInt8(ascii: "<"), let length = lineBreakTag(text, at: i) {
                if let last = out.last, last == 0x0A || last == 0x0D {
                } else {
                    out.append(0x0A)
                }
                i += length
                continue
            }
            if byte == UInt8(ascii: "&"), let (scalar, length) = reference(text, at: i) {
                appendUTF8(scalar, to: &out)
                i += length
                continue
            }
            out.append(byte)
            i += 1
        }
    }

    /// The length of `<br>`, `<br/>` or `<br />` (any case) at `i`, or nil.
    private static func lineBreakTag(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let count = text.count
        guard i + 3 < count, lowercased(text[i + 1]) == UInt8(ascii: "b"),
              lowercased(text[i + 2]) == UInt8(ascii: "r") else { return nil }
        var j = i + 3
        while j < count, text[j] == 0x20 { j += 1 }
        if j < count, text[j] == UInt8(ascii: "/") { j += 1 }
        guard j < count, text[j] == UInt8(ascii: ">") else { return nil }
        return j + 1 - i
    }

    /// The scalar of the character reference at `i` and its length, or nil.
    private static func reference(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int)? {
        let count = text.count
        var j = i + 1
        while j < count, j - i <= 10, text[j] != UInt8(ascii: ";") { j += 1 }
        guard j < count, text[j] == UInt8(ascii: ";"), j > i + 1 else { return nil }
        let name = Array(text[(i + 1)..<j])
        let length = j + 1 - i
        if name.first == UInt8(ascii: "#") {
            var digits = name.dropFirst()
            var radix = 10
            if let x = digits.first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: radix),
                  let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return (scalar, length)
        }
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return ("&", length)
        case "lt": return ("<", length)
        case "gt": return (">", length)
        case "quot": return ("\"", length)
        case "apos": return ("'", length)
        case "nbsp": return (" ", length)
        default: return nil
        }
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        if scalar.value < 0x80 {
            out.append(UInt8(scalar.value))
        } else {
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
    }
}
