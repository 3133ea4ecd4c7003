import Testing
@testable import TrialIngest

/// `CriteriaHeading.parse` against a reading with a `String` per word (the reading before the words
/// were compared in place): the same kind and the same rest offset for every line.
@Suite struct CriteriaHeadingTests {
    static func reference(_ text: String) -> (kind: CriteriaHeading.Kind, rest: Int)? {
        let line = Array(text.utf8)
        guard line.withUnsafeBufferPointer({ CriteriaHeading.containsClusion($0) }) else { return nil }
        let count = line.count
        var i = line.withUnsafeBufferPointer { ListMarker.length(in: $0) }
        // The outline number: "A. ", "II) ", "12. ".
        var j = i
        while j < count, line[j] == UInt8(ascii: "*") || line[j] == UInt8(ascii: "#") || isSpace(line[j]) { j += 1 }
        var k = j
        while k < count, k - j < 4, isLetter(line[k]) || isDigit(line[k]) { k += 1 }
        i = j
        if k > j, k < count, line[k] == UInt8(ascii: ".") || line[k] == UInt8(ascii: ")"), k + 1 < count, isSpace(line[k + 1]) {
            let token = String(decoding: line[j..<k].map(lowercased), as: UTF8.self)
            if token.count == 1 || token.allSatisfy({ "ivx".contains($0) }) || token.allSatisfy(\.isNumber) { i = k + 2 }
        }
        var words: [(start: Int, end: Int, text: String)] = []
        j = i
        while j < count, words.count < 12 {
            while j < count, !isLetter(line[j]) { j += 1 }
            let start = j
            while j < count, isLetter(line[j]) { j += 1 }
            if start < j { words.append((start, j, String(decoding: line[start..<j].map(lowercased), as: UTF8.self))) }
        }
        func kind(_ word: String) -> CriteriaHeading.Kind? {
            word == "inclusion" ? .inclusion : word == "exclusion" ? .exclusion : nil
        }
        let blocked: Set<String> = [
            "no", "not", "are", "is", "be", "must", "meet", "meets", "met", "all", "will", "see", "any", "and", "or",
            "if", "with", "without", "as", "per", "by", "these", "those", "of", "to", "in",
        ]
        for k in 0..<min(words.count, 4) {
            let word = words[k].text
            var found: CriteriaHeading.Kind? = nil
            var phraseEnd = 0
            if let kind = kind(word), k + 1 < words.count, ["criteria", "criterion", "critieria"].contains(words[k + 1].text) {
                found = kind
                phraseEnd = words[k + 1].end
            } else if word == "criteria", k + 2 < words.count, words[k + 1].text == "for", let kind = kind(words[k + 2].text) {
                found = kind
                phraseEnd = words[k + 2].end
            } else if let kind = kind(word.hasSuffix("s") ? String(word.dropLast()) : word),
                      line[words[k].end...].first(where: { !isSpace($0) }) == UInt8(ascii: ":") || words.count == k + 1 {
                found = kind
                phraseEnd = words[k].end
            }
            guard let found else { continue }
            for before in words[0..<k] where blocked.contains(before.text) || kind(before.text) != nil { return nil }
            if line[i...].first(where: { !isLetter($0) && !isSpace($0) }) == UInt8(ascii: "/") { return nil }
            // The rest: after a colon within the next six words, else after the phrase when more than
            // three words follow it, else the end.
            var p = phraseEnd
            var seen = 0
            var inWord = false
            while p < count {
                if line[p] == UInt8(ascii: ":") {
                    p += 1
                    while p < count, isSpace(line[p]) || line[p] == UInt8(ascii: "*") { p += 1 }
                    return (found, p)
                }
                if isAlphanumeric(line[p]) { if !inWord { seen += 1 }; inWord = true } else { inWord = false }
                if seen > 6 { break }
                p += 1
            }
            if words.filter({ $0.start >= phraseEnd }).count > 3 {
                var start = phraseEnd
                while start < count, !isAlphanumeric(line[start]) { start += 1 }
                return (found, start)
            }
            return (found, count)
        }
        return nil
    }

    static let lines = [
        "Inclusion Criteria:", "Exclusion Criteria:", "INCLUSION CRITERIA", "Key inclusion criteria",
        "Key Exclusion Criteria:", "- INCLUSION CRITERIA:", "Inclusion criteria: aged 18 to 65;",
        "Exclusion criteria: 1. pregnancy;", "A. INCLUSION CRITERIA", "B. Exclusion Criteria", "II. Inclusion criteria",
        "iv) Exclusion criterion", "12. Inclusion Criteria:", "abcde. Inclusion Criteria:", "(b) Exclusion criteria",
        "Recipient Inclusion Criteria:", "Criteria for inclusion:", "Criteria for Exclusion", "Inclusion:", "Exclusions:",
        "EXCLUSIONS", "Inclusions", "Inclusion", "inclusion s", "Inclusion/Exclusion Criteria:",
        "Inclusion and exclusion criteria", "Patients must meet all inclusion criteria", "No exclusion criteria",
        "See inclusion criteria above", "Inclusion Critieria:", "Prevention Study Inclusion Criteria:",
        "The exclusion criteria are listed below and include patients with any of the following",
        "Inclusion criteria patients aged over 18 years with disease", "Inclusion criteria for cohort A:",
        "Inclusion Criteria for Part 1 and Part 2 of the study: adults", "**Inclusion Criteria:**",
        "## Exclusion Criteria", "* • Exclusion Criteria:", "Exclusion criteria include", "Exclusion criteria ; x",
        "Subjects with exclusion criteria", "Key inclusion and exclusion criteria", "Meets inclusion criteria",
        "WITHOUT exclusion criteria", "These Exclusion criteria:", "Inclusion criteria - adults", "Exclusion\tcriteria:\tnone",
        "Inclusión criteria:", "Exclusion criteria: ", "Exclusion", "Criteria for inclusion", "criteria for",
        "Inclusion ExclusionS:", "of the inclusion criteria", "Included: inclusion", "Clusion",
    ]

    @Test func agreesWithTheStringReading() {
        var headings = 0
        for line in Self.lines {
            let bytes = Array(line.utf8)
            let parsed = bytes.withUnsafeBufferPointer { CriteriaHeading.parse($0) }
            let expected = Self.reference(line)
            #expect(parsed?.kind == expected?.kind && parsed?.rest == expected?.rest, "\(line)")
            if parsed != nil { headings += 1 }
        }
        #expect(headings >= 30, "headings: \(headings)")
    }

    @Test func agreesOnTheFixturesCriteriaLines() throws {
        var lines = 0
        for block in try Fixtures.ctgovTextBlocks() {
            for line in TextNormalizer.paragraphs(block.text).split(separator: "\n") {
                let text = String(line)
                let parsed = Array(text.utf8).withUnsafeBufferPointer { CriteriaHeading.parse($0) }
                let expected = Self.reference(text)
                #expect(parsed?.kind == expected?.kind && parsed?.rest == expected?.rest, "\(block.file): \(text)")
                lines += 1
            }
        }
        #expect(lines >= 100, "lines: \(lines)")
    }
}
