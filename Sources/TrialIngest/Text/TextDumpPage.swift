/// A trial-page text dump cut into its sections: the lines under each known heading, without the
/// site's blurb sentence.
///
/// A heading is a line that is exactly one of `TextDumpPage.headings`. The blurb is the first line
/// under a heading when it is an imperative sentence addressed to the reader ("Review …", "Get a
/// concise snapshot …", "Learn about …"), which the site writes under every heading.
struct TextDumpPage {
    /// Non-empty lines, trimmed, with whether a blank line came before each.
    private(set) var lines: [String] = []
    private var blankBefore: [Bool] = []
    /// Section name → the range of `lines` holding its content.
    private var sections: [String: Range<Int>] = [:]

    static let headings: Set<String> = [
        "Study Results", "Basic Information", "Brief Summary", "Detailed Description", "Conditions", "Keywords",
        "Study Design", "Study Groups", "Interventions", "Other Intervention Names", "Eligibility Criteria",
        "Outcome Measures", "Primary Outcomes", "Secondary Outcomes", "Sponsors", "Collaborators",
        "Responsible Party", "Principal Investigators", "Locations", "Countries", "Central Contacts",
        "Facility Contacts", "Other Identifiers", "More Related Trials",
    ]

    private static let blurbOpenings = [
        "Review ", "Get ", "Dive ", "See ", "Understand ", "Learn ", "Discover ", "Check ", "Meet ", "Identify ",
        "Explore ", "Reach ", "Find ", "Additional ", "Browse ", "Read ",
    ]

    init(_ text: String) {
        var blank = false
        for raw in TextDumpPage.lines(of: text) {
            let line = String(raw).trimmed
            if line.isEmpty {
                blank = true
                continue
            }
            lines.append(line)
            blankBefore.append(blank)
            blank = false
        }
        var current: (name: String, start: Int)? = nil
        for (k, line) in lines.enumerated() where TextDumpPage.headings.contains(line) {
            if let current { sections[current.name] = current.start..<k }
            var start = k + 1
            if start < lines.count, isBlurb(lines[start]) { start += 1 }
            current = (line, start)
        }
        if let current { sections[current.name] = current.start..<max(current.start, lines.count) }
    }

    /// The lines of `text`, ended by LF, CRLF or a lone CR (a `Character` split would miss CRLF, which
    /// Swift treats as one grapheme, and a lone CR).
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            let byte = utf8[i]
            guard byte == 0x0A || byte == 0x0D else {
                i = utf8.index(after: i)
                continue
            }
            lines.append(text[start..<i])
            i = utf8.index(after: i)
            if byte == 0x0D, i != utf8.endIndex, utf8[i] == 0x0A { i = utf8.index(after: i) }
            start = i
        }
        lines.append(text[start...])
        return lines
    }

    private func isBlurb(_ line: String) -> Bool {
        line.hasSuffix(".") && TextDumpPage.blurbOpenings.contains { line.hasPrefix($0) }
    }

    /// The value of a "Label: value" line among the lines before the first section.
    func header(_ label: String) -> String {
        let end = sections.values.map(\.lowerBound).min() ?? lines.count
        for line in lines.prefix(end) where line.hasPrefix(label) {
            return String(line.dropFirst(label.count)).trimmed
        }
        return ""
    }

    /// The lines of section `name` (empty when the page has no such section).
    func section(_ name: String) -> [String] {
        guard let range = sections[name] else { return [] }
        return Array(lines[range])
    }

    /// The section's text as paragraphs (blank lines kept as paragraph breaks), normalized, up to the
    /// first line in `stoppingAt`.
    func text(of name: String, stoppingAt stops: Set<String> = []) -> String {
        guard let range = sections[name] else { return "" }
        var raw = ""
        for k in range {
            if stops.contains(lines[k]) { break }
            if !raw.isEmpty { raw += blankBefore[k] ? "\n\n" : "\n" }
            raw += lines[k]
        }
        return TextNormalizer.paragraphs(raw, .markdown)
    }
}
