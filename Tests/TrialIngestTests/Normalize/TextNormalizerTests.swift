import Testing
@testable import TrialIngest

@Suite struct TextNormalizerTests {
    /// A ClinicalTrials.gov XML text block as libxml2 hands it over (2022 dump: `&#xD;` before each
    /// line end, 6–8 spaces of indentation, wrapped lines, list items).
    static let textblock = "\n        Inclusion Criteria:\r\n\r\n          -  Male or non-pregnant female patients\r\n\r\n          -  Diagnosed with pneumonia requiring 21%<FIO2≤100% to maintain saturation by pulse\r\n             oximetry (SpO2) ≥90%\r\n\r\n        Exclusion Criteria:\r\n\r\n          -  Pregnancy\r\n      "

    @Test func dedentsJoinsWrappedLinesAndKeepsParagraphs() {
        let text = TextNormalizer.paragraphs(TextNormalizerTests.textblock)
        #expect(text == "Inclusion Criteria:\n\n- Male or non-pregnant female patients\n\n- Diagnosed with pneumonia requiring 21%<FIO2≤100% to maintain saturation by pulse oximetry (SpO2) ≥90%\n\nExclusion Criteria:\n\n- Pregnancy")
    }

    @Test func listItemsAndHeadingsStartTheirOwnLine() {
        let text = TextNormalizer.paragraphs("Inclusion Criteria:\n* Type 2 diabetes\n* FBS=120-160mg/dl\nwrapped on\n  two lines\nExclusion Criteria:\n1. Pregnancy\n2) Lactation")
        #expect(text == "Inclusion Criteria:\n* Type 2 diabetes\n* FBS=120-160mg/dl wrapped on two lines\nExclusion Criteria:\n1. Pregnancy\n2) Lactation")
    }

    @Test func loneCarriageReturnsEndLinesToo() {
        #expect(TextNormalizer.paragraphs("first line\rsecond line\r\rnext paragraph") == "first line second line\n\nnext paragraph")
    }

    @Test func markdownCharacterReferences() {
        // As in API v2 studies (NCT06605508: "participants&#39; sexual health"), "&#8805;" (≥), "&lt;".
        #expect(TextNormalizer.line("participants&#39; sexual health &#8805; 100 &lt; 37", .markdown)
                == "participants' sexual health ≥ 100 < 37")
        // A backslash makes the reference literal text; <br> is not a tag in Markdown text.
        #expect(TextNormalizer.line("\\&amp; and <br> and (typically &amp;lt;1 cm)", .markdown) == "&amp; and <br> and (typically &lt;1 cm)")
        // Not decoded without the option (ClinicalTrials.gov XML keeps its double escapes).
        #expect(TextNormalizer.line("tobacco &amp; alcohol") == "tobacco &amp; alcohol")
    }

    @Test func markdownEscapes() {
        #expect(TextNormalizer.paragraphs("HbA1C\\<8% and \\[AJCC\\] \\* not \\a", .markdownEscapes) == "HbA1C<8% and [AJCC] * not \\a")
        #expect(TextNormalizer.line("a \\> b", .markdownEscapes) == "a > b")
        #expect(TextNormalizer.line("a \\> b") == "a \\> b")
    }

    @Test func htmlNoiseOfTheICTRPExport() {
        // "\n<br>" is one line end; a <br> inside a line is another; "&#32;" a space.
        let raw = "<br>        Inclusion Criteria:\n<br>\n<br>          -  Healthy adults\n<br>\n<br>mission.<br>1. Index test:SARS-Cov-2&#32;nucleic&#32;acid &amp; more"
        #expect(TextNormalizer.paragraphs(raw, .htmlNoise) == "Inclusion Criteria:\n\n- Healthy adults\n\nmission.\n1. Index test:SARS-Cov-2 nucleic acid & more")
    }

    @Test func lineCollapsesWhiteSpaceAndTrimsPadding() {
        #expect(TextNormalizer.line("  Novel Coronavirus Pneumonia  (COVID-19)\r\n      ") == "Novel Coronavirus Pneumonia (COVID-19)")
        #expect(TextNormalizer.line("plain") == "plain")
        #expect(TextNormalizer.line("   ") == "")
        #expect(TextNormalizer.paragraphs("") == "")
    }

    @Test func neverSplitsMultiByteCharacters() {
        let text = "  ≥90% — naïve 中文 ✓  \n  ×10⁶  "
        #expect(TextNormalizer.paragraphs(text) == "≥90% — naïve 中文 ✓ ×10⁶")
    }
}

@Suite struct CriteriaSplitterTests {
    @Test func headingsOfEveryCommonShape() {
        let cases: [(String, [String], [String])] = [
            ("Inclusion Criteria:\n\n- a\n\n- b\n\nExclusion Criteria:\n\n- c", ["a", "b"], ["c"]),
            ("Key inclusion criteria\n1. a\n2. b\nKey exclusion criteria\n1. c", ["a", "b"], ["c"]),
            ("INCLUSION CRITERIA:\n- a\nEXCLUSION CRITERIA:\n- c", ["a"], ["c"]),
            ("-  INCLUSION CRITERIA:\n\nPatients over 18.", ["Patients over 18."], []),
            ("Inclusion criteria: aged 18 to 65;\n2. consent\n\nExclusion criteria: 1. pregnancy;", ["aged 18 to 65;", "consent"], ["pregnancy;"]),
            ("A. INCLUSION CRITERIA\n\n1. a\n\nB. EXCLUSION CRITERIA\n\n1. c", ["a"], ["c"]),
            ("Recipient Inclusion Criteria:\n* a\nRecipient Exclusion Criteria:\n* c", ["a"], ["c"]),
            ("Criteria for inclusion:\n• a\nCriteria for exclusion:\n• c", ["a"], ["c"]),
            ("Inclusion:\n- a\nExclusions:\n- c", ["a"], ["c"]),
            ("Inclusion Criteria:\n\n* • Male patients between 19-70 years old", ["Male patients between 19-70 years old"], []),
            ("Exclusion Criteria:\n\n- - 1) Significant comorbid illness", [], ["Significant comorbid illness"]),
        ]
        for (text, inclusion, exclusion) in cases {
            let split = CriteriaSplitter.split(text)
            #expect(split.inclusion == inclusion, "\(text)")
            #expect(split.exclusion == exclusion, "\(text)")
        }
    }

    @Test func textWithoutHeadingsGoesInNeitherList() {
        for text in ["DISEASE CHARACTERISTICS: Histologically proven small cell lung cancer",
                     "1. Positive COVID-19 PCR AND\n\n2. Inpatient OR outpatient management",
                     "Inclusion/Exclusion Criteria:\n- a", "Inclusion and exclusion criteria:\n- a",
                     "There are no exclusion criteria.", "Must meet all inclusion criteria of the parent study", ""] {
            let split = CriteriaSplitter.split(text)
            #expect(split.inclusion.isEmpty && split.exclusion.isEmpty, "\(text)")
        }
    }

    @Test func criteriaAreKeptWhole() {
        // A wrapped criterion (joined by the normalizer) stays one criterion, inner punctuation included.
        let text = TextNormalizer.paragraphs("Inclusion Criteria:\n  -  Diagnosed with pneumonia requiring 21%<FIO2≤100%; to maintain\n     saturation - by pulse oximetry\n  -  b")
        #expect(CriteriaSplitter.split(text).inclusion == ["Diagnosed with pneumonia requiring 21%<FIO2≤100%; to maintain saturation - by pulse oximetry", "b"])
    }
}

/// `TextNormalizer.paragraphs` and `line` read and copy eight bytes at a time; these tests hold them to the
/// byte-at-a-time definition (`reference`) on the text blocks of the fixture records and on random
/// texts dense in what the word-at-a-time path must stop at (spaces, control characters, line ends,
/// backslashes, multi-byte characters, list markers), with and without Markdown escapes.
@Suite struct TextNormalizerWordAtATimeTests {
    /// The normalization byte by byte (the implementation before the word-at-a-time path).
    static func reference(_ text: [UInt8], unescape: Bool) -> String {
        var out: [UInt8] = []
        var i = 0
        var paragraphBreak = false
        let count = text.count
        while i < count {
            var end = i
            while end < count, text[end] != 0x0A, text[end] != 0x0D { end += 1 }
            let next = end + 1 < count && text[end] == 0x0D && text[end + 1] == 0x0A ? end + 2 : end + 1
            var start = i
            while start < end, isSpace(text[start]) { start += 1 }
            var stop = end
            while stop > start, isSpace(text[stop - 1]) { stop -= 1 }
            i = next
            if start == stop {
                if !out.isEmpty { paragraphBreak = true }
                continue
            }
            let line = Array(text[start..<stop])
            if !out.isEmpty {
                let isItem = line.withUnsafeBufferPointer { ListMarker.length(in: $0) > 0 || CriteriaHeading.matches($0) }
                out += paragraphBreak ? [0x0A, 0x0A] : isItem ? [0x0A] : [0x20]
            }
            paragraphBreak = false
            var previousSpace = false
            var j = 0
            while j < line.count {
                let byte = line[j]
                if isSpace(byte) {
                    if !previousSpace { out.append(0x20) }
                    previousSpace = true
                    j += 1
                    continue
                }
                previousSpace = false
                if unescape, byte == UInt8(ascii: "\\"), j + 1 < line.count, isMarkdownEscapable(line[j + 1]) {
                    out.append(line[j + 1])
                    j += 2
                    continue
                }
                out.append(byte)
                j += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `TextNormalizer.line` byte by byte.
    static func referenceLine(_ text: [UInt8], unescape: Bool) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        var i = 0
        while i < text.count {
            let byte = text[i]
            if byte <= 0x20 {
                pendingSpace = !out.isEmpty
                i += 1
                continue
            }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            if unescape, byte == UInt8(ascii: "\\"), i + 1 < text.count, isMarkdownEscapable(text[i + 1]) {
                out.append(text[i + 1])
                i += 2
                continue
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func normalizedLine(_ text: [UInt8], unescape: Bool) -> String {
        text.withUnsafeBufferPointer { TextNormalizer.line($0, unescape ? .markdownEscapes : []) }
    }

    static func normalized(_ text: [UInt8], unescape: Bool) -> String {
        text.withUnsafeBufferPointer { TextNormalizer.paragraphs($0, unescape ? .markdownEscapes : []) }
    }

    @Test func fixtureTextBlocksNormalizeAsByteByByte() throws {
        var blocks = 0
        for block in try Fixtures.ctgovTextBlocks() {
            let bytes = Array(block.text.utf8)
            for unescape in [false, true] {
                #expect(Self.normalized(bytes, unescape: unescape) == Self.reference(bytes, unescape: unescape), "\(block.file)")
                #expect(Self.normalizedLine(bytes, unescape: unescape) == Self.referenceLine(bytes, unescape: unescape), "\(block.file)")
            }
            blocks += 1
        }
        #expect(blocks >= 20, "text blocks in the fixtures: \(blocks)")
    }

    @Test func randomTextsNormalizeAsByteByByte() {
        let pieces: [[UInt8]] = [
            Array("word".utf8), Array("Inclusion".utf8), Array("criteria:".utf8), Array("Exclusion Criteria:".utf8),
            [0x20], [0x20, 0x20, 0x20], [0x09], [0x0A], [0x0D], [0x0D, 0x0A], [0x01], [0x7F], [0x5C], [0x5C, 0x2A],
            [0x5C, 0x61], Array("- ".utf8), Array("1. ".utf8), Array("(a) ".utf8), Array("é".utf8), Array("≥90%".utf8),
            Array("abcdefghijklmnopq".utf8), Array("12345678".utf8),
            // Indentation of registry text blocks (crossed a word at a time), a control character in it.
            Array(repeating: 0x20, count: 8), Array(repeating: 0x20, count: 11), [0x20, 0x0B, 0x20],
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<3_000 {
            var text: [UInt8] = []
            for _ in 0..<(next() % 60) { text += pieces[next() % pieces.count] }
            for unescape in [false, true] {
                #expect(Self.normalized(text, unescape: unescape) == Self.reference(text, unescape: unescape),
                        "\(text.map { String($0, radix: 16) })")
                #expect(Self.normalizedLine(text, unescape: unescape) == Self.referenceLine(text, unescape: unescape),
                        "line: \(text.map { String($0, radix: 16) })")
            }
        }
    }

    /// The paragraph and one-line copies' 16-byte blocks: a long line of single-spaced words with one byte
    /// the blocks must stop at (a control character, a line end, a second space, a backslash, a space after
    /// a control character) or must copy (DEL, non-ASCII), at every offset across three blocks, after 0-3
    /// bytes of indentation.
    @Test func blockCopyStopsWhereTheWordsWould() {
        let line = Array("Patients aged 18 years or older with histologically confirmed disease xy".utf8)
        let insertions: [[UInt8]] = [[0x09], [0x20], [0x20, 0x20], [0x5C, 0x2A], [0x5C], [0x01, 0x20], [0x7F],
                                     Array("é".utf8), [0x0B, 0x0B], [0x0A], [0x20, 0x0D, 0x0A, 0x20]]
        var checked = 0
        for indent in 0..<4 {
            for offset in 0...50 {
                for insertion in insertions {
                    var text = Array(repeating: UInt8(0x20), count: indent) + line
                    text.insert(contentsOf: insertion, at: indent + offset)
                    text += Array("\n  next line of text, long enough for a block or two\n".utf8)
                    for unescape in [false, true] {
                        #expect(Self.normalized(text, unescape: unescape) == Self.reference(text, unescape: unescape),
                                "\(text.map { String($0, radix: 16) })")
                        #expect(Self.normalizedLine(text, unescape: unescape) == Self.referenceLine(text, unescape: unescape),
                                "line: \(text.map { String($0, radix: 16) })")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 4 * 51 * 11 * 2)
    }

    /// One-line values of up to 40 bytes (the short values' whole copy takes up to 32): a plain value,
    /// then the same with one byte or pair the copy must not take as it is (white space at either end, a
    /// second space, a tab, a line end, a control character, a backslash) or may (DEL, a single space,
    /// non-ASCII) at every position, with and without Markdown escapes.
    @Test func shortValuesCopiedWholeOnlyWhenNormal() {
        let insertions: [[UInt8]] = [[0x20], [0x20, 0x20], [0x09], [0x0A], [0x0D, 0x0A], [0x01], [0x1F], [0x7F],
                                     [0x5C], [0x5C, 0x2A], [0x5C, 0x61], Array("é".utf8), [0x20, 0x0B]]
        var checked = 0
        for length in 0...40 {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            for unescape in [false, true] {
                #expect(Self.normalizedLine(plain, unescape: unescape) == Self.referenceLine(plain, unescape: unescape))
            }
            for at in 0...length {
                for insertion in insertions {
                    var text = plain
                    text.insert(contentsOf: insertion, at: at)
                    for unescape in [false, true] {
                        #expect(Self.normalizedLine(text, unescape: unescape) == Self.referenceLine(text, unescape: unescape),
                                "line: \(text.map { String($0, radix: 16) })")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == (1...41).reduce(0, +) * 13 * 2)
    }

    /// The paragraph copy's last block of a line (its last 1 to 16 bytes, read past the line's end):
    /// lines of every length up to 40 with a byte the block must not copy as it is (a second space, a
    /// tab, a control character, a backslash) or may (a single space, DEL, non-ASCII) at every offset,
    /// ending the text, before a line end, before trailing white space and a second line, and with a
    /// space before the tail (after a collapsed run).
    @Test func lineTailsCopiedAsOneBlockOnlyWhenPlain() {
        let insertions: [[UInt8]] = [[], [0x20], [0x20, 0x20], [0x09], [0x01], [0x5C, 0x2A], [0x5C], [0x7F],
                                     Array("é".utf8), [0x20, 0x20, 0x20, 0x61]]
        let endings: [[UInt8]] = [[], [0x0A], [0x20, 0x20, 0x0D, 0x0A, 0x20, 0x78, 0x79], Array("\n\n  - next item".utf8),
                                  Array(repeating: 0x20, count: 20)]
        var checked = 0
        for length in 1...40 {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            for at in 0..<length {
                for insertion in insertions {
                    for ending in endings {
                        var text = Array("  ".utf8) + plain
                        text.insert(contentsOf: insertion, at: 2 + at)
                        text += ending
                        for unescape in [false, true] {
                            #expect(Self.normalized(text, unescape: unescape) == Self.reference(text, unescape: unescape),
                                    "\(text.map { String($0, radix: 16) })")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == (1...40).reduce(0, +) * 10 * 5 * 2)
    }

    /// The word tests the paragraph copy stops at, against their byte-by-byte definitions: every byte
    /// value in every lane, beside neighbours drawn from the bytes near the tests' edges.
    @Test func wordTestsMatchTheirByteDefinitions() {
        let edges: [UInt8] = [0x00, 0x09, 0x1F, 0x20, 0x21, 0x5C, 0x61, 0x7F, 0x80, 0xA0, 0xFF]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var checked = 0
        for lane in 0..<8 {
            for value in 0...255 {
                for _ in 0..<4 {
                    var bytes = (0..<8).map { _ in edges[next() % edges.count] }
                    bytes[lane] = UInt8(value)
                    let word = bytes.withUnsafeBufferPointer { ByteWord.load($0.baseAddress! ) }
                    let below = ByteWord.belowSpaceExactly(word)
                    for i in 0..<8 {
                        #expect((below >> UInt64(8 * i + 7)) & 1 == (bytes[i] < 0x21 ? 1 : 0), "\(bytes) byte \(i)")
                    }
                    for afterSpace in [false, true] {
                        for backslash in [false, true] {
                            // The run: bytes copied as they are, up to a control character, a space after
                            // a space or control character, or (with `backslash`) a backslash.
                            var run = 0
                            var previousBelow = afterSpace
                            while run < 8 {
                                let b = bytes[run]
                                if b < 0x20 || (b == 0x20 && previousBelow) || (backslash && b == 0x5C) { break }
                                previousBelow = b < 0x21
                                run += 1
                            }
                            #expect(ByteWord.plainOrSingleSpaceCount(word, afterSpace: afterSpace, backslash: backslash) == run,
                                    "\(bytes) afterSpace \(afterSpace) backslash \(backslash)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 8 * 256 * 4 * 4)
    }
}
