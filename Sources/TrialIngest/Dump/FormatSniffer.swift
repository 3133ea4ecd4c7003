/// Recognizes what an input is from its first bytes, never from its name.
///
/// In order: a zip archive (`PK\3\4`, or `PK\5\6` for an empty one); XML, by its root element after
/// any BOM, declaration, comments and DOCTYPE (`clinical_study` → ClinicalTrials.gov XML,
/// `Trials_downloaded_from_ICTRP` → an ICTRP export, `Trial` → one ICTRP trial); JSON (`{` or `[`:
/// studies, `ctg-studies.json` arrays, JSON Lines, `Trial` JSON); a trial-page text dump (a line
/// starting "NCT ID:" within the first 20 non-empty lines); any other content without NUL bytes is
/// plain text (whose reader rejects it when it is not UTF-8). gzip, UTF-16 (with or without a
/// byte-order mark) and other binary content are rejected with what they look like; an element name
/// is quoted in a message only when it looks like one.
enum FormatSniffer {
    enum Kind: Equatable, Sendable {
        case zip
        case clinicalStudyXML
        case ictrpExport
        case ictrpTrial
        case json
        case textDump
        case plainText
        case unrecognized(String)
    }

    /// How many leading bytes `sniff` needs to decide (it decides on fewer at the end of an input).
    static let headLength = 8192

    /// The kind of an input starting with `head` (its first `headLength` bytes or all of it).
    static func sniff(_ head: UnsafeRawBufferPointer) -> Kind {
        let b = head.bindMemory(to: UInt8.self)
        guard !b.isEmpty else { return .unrecognized("an empty input") }
        if b.count >= 4, b[0] == 0x50, b[1] == 0x4B, (b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) {
            return .zip
        }
        if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B { return .unrecognized("gzip-compressed data (unpack it first)") }
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
            return .unrecognized("UTF-16 text (convert it to UTF-8)")
        }
        // UTF-16 without a byte-order mark: ASCII characters with a NUL byte before or after each.
        if b.count >= 4, (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) || (b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0) {
            return .unrecognized("UTF-16 text without a byte-order mark (convert it to UTF-8)")
        }
        var i = 0
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        guard i < b.count else { return .unrecognized("only white space") }
        switch b[i] {
        case UInt8(ascii: "<"):
            guard let root = rootElement(b, from: i) else { return .unrecognized("XML without a root element in its first \(b.count) bytes") }
            switch root {
            case "clinical_study": return .clinicalStudyXML
            case "Trials_downloaded_from_ICTRP": return .ictrpExport
            case "Trial": return .ictrpTrial
            case invalidName: return .unrecognized("XML whose first element has no valid name")
            default: return .unrecognized("XML with root element <\(root)>")
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return .json
        default:
            break
        }
        if b.contains(0) { return .unrecognized("binary data (NUL bytes)") }
        // Text in another encoding is still text: its reader reports it as `notUTF8` with the offset.
        return isTextDump(b) ? .textDump : .plainText
    }

    /// The name of the first element, skipping the declaration, processing instructions, comments
    /// and a DOCTYPE.
    private static func rootElement(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
        var i = start
        while i < b.count {
            guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
            guard i + 1 < b.count else { return nil }
            switch b[i + 1] {
            case UInt8(ascii: "?"):
                guard let end = find([UInt8(ascii: "?"), UInt8(ascii: ">")], in: b, from: i + 2) else { return nil }
                i = end + 2
            case UInt8(ascii: "!"):
                if i + 3 < b.count, b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                    guard let end = find(Array("-->".utf8), in: b, from: i + 4) else { return nil }
                    i = end + 3
                } else {
                    // DOCTYPE, possibly with an internal subset in brackets.
                    var j = i + 2
                    var bracket = 0
                    while j < b.count {
                        if b[j] == UInt8(ascii: "[") { bracket += 1 }
                        if b[j] == UInt8(ascii: "]") { bracket -= 1 }
                        if b[j] == UInt8(ascii: ">"), bracket <= 0 { break }
                        j += 1
                    }
                    i = j + 1
                }
            default:
                var j = i + 1
                while j < b.count, !(b[j] == 0x20 || b[j] == 0x0A || b[j] == 0x0D || b[j] == 0x09
                                      || b[j] == UInt8(ascii: ">") || b[j] == UInt8(ascii: "/")) { j += 1 }
                guard j < b.count, j > i + 1 else { return nil }
                // Only a plausible element name is quoted back in messages (never control bytes).
                guard j - i - 1 <= 64, b[(i + 1)..<j].allSatisfy({ $0 >= 0x80 || isNameByte($0) }) else {
                    return invalidName
                }
                // An ASCII name's prefix ends at its first colon byte; a name with other bytes takes the
                // `String` reading, whose `Character`s may join a colon with a following combining mark.
                let nameBytes = b[(i + 1)..<j]
                if nameBytes.allSatisfy({ $0 < 0x80 }) {
                    let from = nameBytes.firstIndex(of: UInt8(ascii: ":")).map { $0 + 1 } ?? nameBytes.startIndex
                    return String(decoding: b[from..<j], as: UTF8.self)
                }
                var name = String(decoding: nameBytes, as: UTF8.self)
                if let colon = name.firstIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
                return name
            }
        }
        return nil
    }

    /// What `rootElement` returns for a name that is not one (not a valid XML name).
    private static let invalidName = "\u{0}"

    /// ASCII letters, digits and `_ - . :`, the ASCII characters of XML names.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    private static func find(_ pattern: [UInt8], in b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard pattern.count <= b.count else { return nil }
        var i = start
        while i + pattern.count <= b.count {
            if b[i] == pattern[0], (1..<pattern.count).allSatisfy({ b[i + $0] == pattern[$0] }) { return i }
            i += 1
        }
        return nil
    }

    /// A trial-page dump: one of its first 20 non-empty lines starts with "NCT ID:".
    private static func isTextDump(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let marker = Array("NCT ID:".utf8)
        var lines = 0
        var i = 0
        while i < b.count, lines < 20 {
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            if i + marker.count <= b.count, (0..<marker.count).allSatisfy({ b[i + $0] == marker[$0] }) { return true }
            var nonEmpty = false
            while i < b.count, b[i] != 0x0A, b[i] != 0x0D {  // LF, CRLF and a lone CR end a line
                nonEmpty = true
                i += 1
            }
            if nonEmpty { lines += 1 }
            i += 1
        }
        return false
    }
}
