/// The list markers that start criteria and other list items in registry text: bullets ("-", "*", "+",
/// "•", "·", "–", "▪", "o") and enumerators ("1.", "12)", "(3)", "a)", "(b)", "iv)"), each followed by
/// white space (bullets "•" and "·" also directly by text).
enum ListMarker {
    /// The byte length of the marker at the start of `line` plus the white space after it, or 0 when
    /// the line does not start with a marker. `line` starts with a non-space byte.
    static func length(in line: UnsafeBufferPointer<UInt8>) -> Int {
        let count = line.count
        guard count > 0 else { return 0 }
        let first = line[0]
        var end = 0
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "o"):
            end = 1
            // "-" followed by a digit is a negative number or a range, "--" a dash.
            guard end < count, isSpace(line[end]) else { return 0 }
        case 0xE2 where count >= 3:
            // • U+2022 (E2 80 A2), – U+2013 (E2 80 93), ▪ U+25AA (E2 96 AA), ● U+25CF (E2 97 8F)
            let b1 = line[1], b2 = line[2]
            let bullet = (b1 == 0x80 && (b2 == 0xA2 || b2 == 0x93)) || (b1 == 0x96 && b2 == 0xAA)
                || (b1 == 0x97 && b2 == 0x8F)
            guard bullet else { return 0 }
            end = 3
            if b2 == 0x93, !(end < count && isSpace(line[end])) { return 0 }
        case 0xC2 where count >= 2 && line[1] == 0xB7:  // · U+00B7
            end = 2
        case UInt8(ascii: "("):
            // (1) (12) (a) (iv)
            var j = 1
            while j < count, j <= 4, isAlphanumeric(line[j]) { j += 1 }
            guard j > 1, j < count, line[j] == UInt8(ascii: ")"), isEnumerator(line, 1, j) else { return 0 }
            end = j + 1
            guard end < count, isSpace(line[end]) else { return 0 }
        default:
            guard isAlphanumeric(first) else { return 0 }
            var j = 0
            while j < count, j < 4, isAlphanumeric(line[j]) { j += 1 }
            guard j < count, line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")"),
                  isEnumerator(line, 0, j) else { return 0 }
            // "a." and "iv." are too often words or abbreviations ("A. baumannii"): letters need ")".
            if line[j] == UInt8(ascii: "."), !isDigit(line[0]) { return 0 }
            end = j + 1
            guard end < count, isSpace(line[end]) else { return 0 }
        }
        while end < count, isSpace(line[end]) { end += 1 }
        return end
    }

    /// Whether `line[from..<to]` is a number (1–3 digits), one letter or a lowercase roman numeral.
    private static func isEnumerator(_ line: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        let n = to - from
        if (1...3).contains(n), (from..<to).allSatisfy({ isDigit(line[$0]) }) { return true }
        if n == 1, isLetter(line[from]) { return true }
        return (from..<to).allSatisfy { "ivx".utf8.contains(line[$0]) }
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
@inline(__always) func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
@inline(__always) func lowercased(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
