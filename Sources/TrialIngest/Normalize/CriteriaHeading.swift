/// Recognizes the headings that open the inclusion and exclusion parts of eligibility criteria.
///
/// Accepted, case-insensitively, after an optional list marker, Markdown emphasis (`*`, `#`) and
/// optional qualifiers ("key", "main", "major", "general", "additional", "other", "specific", "study",
/// "patient(s)", "subject(s)", "participant(s)", "principal", "primary", "basic"):
/// "inclusion criteria", "inclusion criterion", "exclusion criteria", "exclusion criterion",
/// "criteria for inclusion", "criteria for exclusion", or "inclusion"/"exclusion" directly followed by
/// ":". What follows the heading's colon on the same line ("Inclusion criteria: aged 18 to 65") is the
/// first criterion.
enum CriteriaHeading {
    enum Kind: Sendable { case inclusion, exclusion }

    /// Whether `line` (trimmed) is a heading. Cheap for ordinary lines: a heading has "clusion" within
    /// its first 64 bytes.
    static func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard containsClusion(line) else { return false }
        return parse(line) != nil
    }

    /// The heading's kind and the byte offset where the rest of the line (after the heading and its
    /// colon) starts, or nil when `line` is not a heading.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> (kind: Kind, rest: Int)? {
        guard containsClusion(line) else { return nil }
        let count = line.count
        var words: [(start: Int, end: Int)] = []
        var i = ListMarker.length(in: line)
        collect: while i < count, words.count < 6 {
            while i < count, !isLetter(line[i]) {
                guard isSpace(line[i]) || line[i] == UInt8(ascii: "#") || line[i] == UInt8(ascii: "*") else {
                    break collect
                }
                i += 1
            }
            let start = i
            while i < count, isLetter(line[i]) { i += 1 }
            if start < i { words.append((start, i)) }
        }
        let lower = words.map { String(decoding: line[$0.start..<$0.end].map(lowercased), as: UTF8.self) }
        var k = 0
        while k < lower.count, qualifiers.contains(lower[k]) { k += 1 }
        guard k < lower.count else { return nil }
        if let found = kind(lower[k]) {
            if k + 1 < lower.count, lower[k + 1] == "criteria" || lower[k + 1] == "criterion" {
                return (found, restAfterColon(line, from: words[k + 1].end))
            }
            var j = words[k].end
            while j < count, isSpace(line[j]) { j += 1 }
            if j < count, line[j] == UInt8(ascii: ":") { return (found, restAfterColon(line, from: j)) }
            return nil
        }
        if lower[k] == "criteria", k + 2 < lower.count, lower[k + 1] == "for", let found = kind(lower[k + 2]) {
            return (found, restAfterColon(line, from: words[k + 2].end))
        }
        return nil
    }

    private static func kind(_ word: String) -> Kind? {
        word == "inclusion" ? .inclusion : word == "exclusion" ? .exclusion : nil
    }

    private static let qualifiers: Set<String> = [
        "key", "main", "major", "general", "additional", "other", "specific", "study", "patient",
        "patients", "subject", "subjects", "participant", "participants", "principal", "primary", "basic",
    ]

    private static func containsClusion(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let limit = min(line.count, 64)
        guard limit >= 9 else { return false }
        var i = 1
        while i + 6 <= limit {
            if lowercased(line[i]) == UInt8(ascii: "l"), lowercased(line[i - 1]) == UInt8(ascii: "c"),
               lowercased(line[i + 1]) == UInt8(ascii: "u"), lowercased(line[i + 2]) == UInt8(ascii: "s"),
               lowercased(line[i + 3]) == UInt8(ascii: "i"), lowercased(line[i + 4]) == UInt8(ascii: "o"),
               lowercased(line[i + 5]) == UInt8(ascii: "n") {
                return true
            }
            i += 1
        }
        return false
    }

    /// Where the text after the heading starts: after the first colon at or after `from` (and any
    /// emphasis), or the end of the line when there is no colon.
    private static func restAfterColon(_ line: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let count = line.count
        var j = from
        while j < count, line[j] != UInt8(ascii: ":") { j += 1 }
        guard j < count else { return count }
        j += 1
        while j < count, isSpace(line[j]) || line[j] == UInt8(ascii: "*") { j += 1 }
        return j
    }
}
