/// Negated findings of a clinical note ("denies chest pain", "no history of seizures", "negative for
/// malignancy"), found the NegEx way (Chapman et al., 2001) on the raw text: a trigger word opens a
/// scope over the following words, which ends at a clause boundary, at a word that turns the sentence
/// (`but`, `however`, `although`, `except`, `which`, `who`, `though`, `aside`) or after `maxScope` words.
///
/// Triggers: `no`, `not`, `denies`, `denied`, `deny`, `denying`, `without`, `never`, `negative` (for),
/// `free` (of), `absence` / `absent`, `ruled` / `rules` (out), `unremarkable` (ends the clause too).
/// Clause boundaries: `.`, `;`, `:`, `?`, `!`, brackets and line breaks (commas do not end a scope: "no
/// fever, chills or cough" negates all three).
///
/// `LongQueryRewriter` keeps only terms the note also states without negation: a patient who "denies
/// chest pain" is not looking for chest-pain trials.
public enum Negation {
    /// Words in a scope at most.
    public static let maxScope = 6

    static let triggers: Set<String> = ["no", "not", "denies", "denied", "deny", "denying", "without", "never",
                                        "negative", "free", "absence", "absent", "ruled", "rules", "unremarkable"]
    static let terminators: Set<String> = ["but", "however", "although", "except", "which", "who", "though", "aside",
                                           "whereas", "yet"]

    /// `triggers` and `terminators` as lowercase UTF-8 bytes: a word is matched in place, without a
    /// `String` (all are ASCII, so byte equality after ASCII lowercasing is the sets' string equality).
    static let triggerBytes: [[UInt8]] = triggers.sorted().map { Array($0.utf8) }
    static let terminatorBytes: [[UInt8]] = terminators.sorted().map { Array($0.utf8) }

    /// `text` with every negated scope (and its trigger) replaced by spaces: the affirmed findings.
    ///
    /// Byte for byte as long as `text`, and a scan from left to right that looks at most one byte ahead
    /// and never past a `.`, `!` or `?` followed by white space: the affirmed text of a prefix of `text`
    /// ending there (`LongQueryRewriter.firstSentence(of:)`) is the same prefix of `text`'s affirmed text.
    /// - Complexity: O(n) in the text's length.
    public static func affirmedText(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let n = bytes.count
        var i = 0
        var scope = 0           // words left in the current negated scope
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: ".") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":") || b == UInt8(ascii: "?")
                || b == UInt8(ascii: "!") || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "[")
                || b == UInt8(ascii: "]") || b == 0x0A || b == 0x0D {
                // A decimal point ("2.5") does not end a clause.
                let decimal = b == UInt8(ascii: ".") && i > 0 && i + 1 < n && isDigit(bytes[i - 1]) && isDigit(bytes[i + 1])
                if !decimal { scope = 0 }
                i += 1
                continue
            }
            guard isWordByte(b) else {
                i += 1
                continue
            }
            let start = i
            while i < n, isWordByte(bytes[i]) || (bytes[i] == UInt8(ascii: "'") && i + 1 < n && isWordByte(bytes[i + 1])) {
                i += 1
            }
            if ASCIIWord.isAny(bytes, start, i, terminatorBytes, foldingCase: true) {
                scope = 0
                continue
            }
            if ASCIIWord.isAny(bytes, start, i, triggerBytes, foldingCase: true) {
                scope = ASCIIWord.equals(bytes, start, i, "unremarkable", foldingCase: true) ? 0 : maxScope
                for k in start..<i { bytes[k] = 0x20 }
                continue
            }
            if scope > 0 {
                for k in start..<i { bytes[k] = 0x20 }
                scope -= 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Letters, digits, and any byte of a multi-byte UTF-8 character (part of a word).
    @inline(__always)
    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80 || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "/")
    }
}
