/// Recognizes the headings that open the inclusion and exclusion parts of eligibility criteria.
///
/// A heading is a line whose first words (after a list marker or an outline number such as "A." or
/// "II.", and Markdown emphasis) are, case-insensitively:
/// - up to three qualifier words ("Key", "Recipient", "Prevention Study", "The", …; not negations or
///   verbs such as "no", "are", "must", "meet", and not the other kind: "Inclusion/Exclusion
///   Criteria" and "Inclusion and exclusion criteria" are not headings),
/// - then "inclusion criteria" or "exclusion criteria" (also "criterion", the misspelling
///   "critieria", "criteria for inclusion/exclusion", or "inclusion"/"exclusion(s)" directly followed
///   by ":" or ending the line),
/// - then optionally a short qualifier and a colon ("Inclusion Criteria for Cohort A:").
/// What follows the colon on the same line ("Inclusion criteria: aged 18 to 65"), or more than three
/// words that follow the phrase without a colon, is the first criterion.
enum CriteriaHeading {
    enum Kind: Sendable { case inclusion, exclusion }

    /// Whether `line` (trimmed) is a heading. Cheap for ordinary lines: a heading has "clusion" within
    /// its first 56 bytes.
    static func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        parse(line) != nil
    }

    /// The heading's kind and the byte offset where the rest of the line (the first criterion, if
    /// any) starts, or nil when `line` is not a heading.
    ///
    /// The words are byte ranges of `line` (at most 12, on the stack), compared in place with the
    /// lowercase phrases: no `String` per word.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> (kind: Kind, rest: Int)? {
        guard containsClusion(line) else { return nil }
        return withUnsafeTemporaryAllocation(of: Word.self, capacity: 12) { storage in
            parse(line, words: storage)
        }
    }

    /// A word of the line: letters only, `line[start..<end]`.
    private struct Word {
        var start: Int
        var end: Int
    }

    private static func parse(_ line: UnsafeBufferPointer<UInt8>,
                              words storage: UnsafeMutableBufferPointer<Word>) -> (kind: Kind, rest: Int)? {
        let count = line.count
        var i = ListMarker.length(in: line)
        i = skipOutlineNumber(line, from: i)
        // The first words: letters only, with their byte ranges.
        var wordCount = 0
        var j = i
        while j < count, wordCount < 12 {
            while j < count, !isLetter(line[j]) { j += 1 }
            let start = j
            while j < count, isLetter(line[j]) { j += 1 }
            if start < j {
                storage[wordCount] = Word(start: start, end: j)
                wordCount += 1
            }
        }
        let words = UnsafeBufferPointer(rebasing: storage[0..<wordCount])
        for k in 0..<min(wordCount, 4) {
            let word = words[k]
            var kind: Kind? = nil
            var phraseEnd = 0
            if let found = self.kind(line, word), k + 1 < wordCount, isCriteria(line, words[k + 1]) {
                kind = found
                phraseEnd = words[k + 1].end
            } else if equals(line, word, "criteria"), k + 2 < wordCount, equals(line, words[k + 1], "for"),
                      let found = self.kind(line, words[k + 2]) {
                kind = found
                phraseEnd = words[k + 2].end
            } else if let found = self.kind(line, lowercased(line[word.end - 1]) == UInt8(ascii: "s")
                                                ? Word(start: word.start, end: word.end - 1) : word),
                      nextNonSpace(line, from: word.end) == UInt8(ascii: ":") || wordCount == k + 1 {
                kind = found
                phraseEnd = word.end
            }
            guard let kind else { continue }
            // The words before must be qualifiers, and the line must not name both kinds.
            for before in words[0..<k] {
                if isBlocked(line, before) || self.kind(line, before) != nil { return nil }
            }
            if let punctuation = firstNonSpace(line, from: i), punctuation == UInt8(ascii: "/") { return nil }
            return (kind, rest(line, after: phraseEnd, words: words))
        }
        return nil
    }

    /// Whether the word, lowercased, is `literal` (lowercase ASCII).
    @inline(__always)
    private static func equals(_ line: UnsafeBufferPointer<UInt8>, _ word: Word, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard word.end - word.start == length else { return false }
        let bytes = literal.utf8Start
        for n in 0..<length where lowercased(line[word.start + n]) != bytes[n] { return false }
        return true
    }

    private static func kind(_ line: UnsafeBufferPointer<UInt8>, _ word: Word) -> Kind? {
        equals(line, word, "inclusion") ? .inclusion : equals(line, word, "exclusion") ? .exclusion : nil
    }

    private static func isCriteria(_ line: UnsafeBufferPointer<UInt8>, _ word: Word) -> Bool {
        equals(line, word, "criteria") || equals(line, word, "criterion") || equals(line, word, "critieria")
    }

    /// Words that make "… inclusion criteria" a sentence rather than a heading.
    private static let blockedWords: [String] = [
        "no", "not", "are", "is", "be", "must", "meet", "meets", "met", "all", "will", "see", "any", "and", "or",
        "if", "with", "without", "as", "per", "by", "these", "those", "of", "to", "in",
    ]

    /// `blockedWords`, each packed into a word (its bytes from the lowest; all are at most 8 letters).
    private static let blocked: [UInt64] = blockedWords.map { word in
        var packed: UInt64 = 0
        for (n, byte) in word.utf8.enumerated() { packed |= UInt64(byte) << (8 * n) }
        return packed
    }

    private static func isBlocked(_ line: UnsafeBufferPointer<UInt8>, _ word: Word) -> Bool {
        let length = word.end - word.start
        guard length <= 8 else { return false }
        var packed: UInt64 = 0
        for n in 0..<length { packed |= UInt64(lowercased(line[word.start + n])) << (8 * n) }
        return blocked.contains(packed)
    }

    /// Where the first criterion on the heading's line starts: after a colon that closes the heading
    /// within its next six words; else after the phrase when more than three words follow it; else the
    /// end of the line.
    private static func rest(_ line: UnsafeBufferPointer<UInt8>, after phraseEnd: Int,
                             words: UnsafeBufferPointer<Word>) -> Int {
        let count = line.count
        var j = phraseEnd
        var wordsSeen = 0
        var inWord = false
        while j < count {
            let byte = line[j]
            if byte == UInt8(ascii: ":") {
                j += 1
                while j < count, isSpace(line[j]) || line[j] == UInt8(ascii: "*") { j += 1 }
                return j
            }
            if isLetter(byte) || isDigit(byte) {
                if !inWord { wordsSeen += 1 }
                inWord = true
            } else {
                inWord = false
            }
            if wordsSeen > 6 { break }
            j += 1
        }
        var following = 0
        for word in words where word.start >= phraseEnd { following += 1 }
        if following > 3 {
            var start = phraseEnd
            while start < count, !isLetter(line[start]) && !isDigit(line[start]) { start += 1 }
            return start
        }
        return count
    }

    /// Skips "A. ", "II) ", "(b) " outline numbers that `ListMarker` does not accept.
    private static func skipOutlineNumber(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        let count = line.count
        while j < count, line[j] == UInt8(ascii: "*") || line[j] == UInt8(ascii: "#") || isSpace(line[j]) { j += 1 }
        var k = j
        while k < count, k - j < 4, isLetter(line[k]) || isDigit(line[k]) { k += 1 }
        if k > j, k < count, line[k] == UInt8(ascii: ".") || line[k] == UInt8(ascii: ")"),
           k + 1 < count, isSpace(line[k + 1]) {
            // One letter or digit, a Roman numeral (i, v, x) or a number; compared in place.
            var roman = true
            var number = true
            for n in j..<k {
                let byte = lowercased(line[n])
                if byte != UInt8(ascii: "i"), byte != UInt8(ascii: "v"), byte != UInt8(ascii: "x") { roman = false }
                if !isDigit(byte) { number = false }
            }
            if k - j == 1 || roman || number {
                return k + 2
            }
        }
        return j
    }

    private static func nextNonSpace(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8? {
        var j = start
        while j < line.count, isSpace(line[j]) { j += 1 }
        return j < line.count ? line[j] : nil
    }

    /// The first byte that is neither a letter nor white space (to spot "Inclusion/Exclusion").
    private static func firstNonSpace(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8? {
        var j = start
        while j < line.count, isLetter(line[j]) || isSpace(line[j]) { j += 1 }
        return j < line.count ? line[j] : nil
    }

    /// Whether "clusion" (any case) starts within the first 56 bytes: a cheap filter that most lines
    /// fail. Sixteen start positions at a time: the blocks at offsets 0 to 3, each with `| 0x20`, are
    /// compared with "c", "l", "u" and "s" (`x | 0x20` is one of those letters only for the letter in
    /// either case), so a lane is set only where "clus" starts, which ordinary text hardly has; only
    /// there is "ion" compared. Positions whose blocks would read past the line are tested one by one.
    /// (Eight-byte "c" marks with a 4-byte compare at each cost about 184 instructions a line; "c"
    /// followed by "l" in 16-byte blocks let too many lines through: "clinical", "include", "cycle".)
    static func containsClusion(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = line.count
        let limit = min(count, 56 + 7)
        guard limit >= 9, let base = line.baseAddress else { return false }
        let clus: UInt32 = 0x7375_6C63  // "clus" little-endian
        /// Whether "clusion" starts at `i` (`i + 7 <= limit`).
        @inline(__always) func matches(at i: Int) -> Bool {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self) | 0x2020_2020
            return word == clus && lowercased(line[i + 4]) == UInt8(ascii: "i")
                && lowercased(line[i + 5]) == UInt8(ascii: "o") && lowercased(line[i + 6]) == UInt8(ascii: "n")
        }
        let last = limit - 7  // the last start position
        let caseBit = SIMD16<UInt8>(repeating: 0x20)
        let c = SIMD16<UInt8>(repeating: UInt8(ascii: "c"))
        let l = SIMD16<UInt8>(repeating: UInt8(ascii: "l"))
        let u = SIMD16<UInt8>(repeating: UInt8(ascii: "u"))
        let s = SIMD16<UInt8>(repeating: UInt8(ascii: "s"))
        let raw = UnsafeRawPointer(base)
        var i = 0
        // The four loads read bytes [i, i + 19).
        while i <= last, i &+ 19 <= count {
            let starts = (raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) | caseBit) .== c
            let second = (raw.loadUnaligned(fromByteOffset: i &+ 1, as: SIMD16<UInt8>.self) | caseBit) .== l
            let third = (raw.loadUnaligned(fromByteOffset: i &+ 2, as: SIMD16<UInt8>.self) | caseBit) .== u
            let fourth = (raw.loadUnaligned(fromByteOffset: i &+ 3, as: SIMD16<UInt8>.self) | caseBit) .== s
            let found = starts .& second .& third .& fourth
            if ByteBlock.any(found) {
                for lane in 0..<16 where found[lane] {
                    let at = i &+ lane
                    if at > last { return false }
                    if matches(at: at) { return true }
                }
            }
            i &+= 16
        }
        while i <= last {
            if matches(at: i) { return true }
            i += 1
        }
        return false
    }
}
