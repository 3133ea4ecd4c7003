/// How a search reads its text.
public enum QueryMode: String, Sendable, CaseIterable {
    /// Long free text (at least `LongQueryParameters.minimumWords` words) as `text`, anything shorter
    /// as `syntax`.
    case automatic = "auto"
    /// The query language: words, "phrases", +required, -excluded, field:prefixes.
    case syntax
    /// Free text, no syntax (a patient's case notes): its informative terms, weighted
    /// (`LongQueryRewriter`), and the patient's age and sex for rescoring.
    case text

    /// `syntax` or `text` for `text`, by its number of white-space separated words.
    public func resolve(_ text: String, minimumWords: Int) -> QueryMode {
        guard self == .automatic else { return self }
        var words = 0
        var inWord = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if !space && !inWord { words += 1 }
            inWord = !space
            if words >= minimumWords { return .text }
        }
        return .syntax
    }
}
