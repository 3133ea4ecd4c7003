import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

@Suite struct RegistryDateTests {
    @Test(arguments: [
        ("August 7, 2020", "2020-08-07"), ("August 2020", "2020-08"), ("2020-08-07", "2020-08-07"),
        ("2020-08", "2020-08"), ("17 February 2020", "2020-02-17"), ("20200217", "2020-02-17"),
        ("Aug 7 2020", "2020-08-07"), ("Sept 1, 2019", "2019-09-01"), ("30/08/2007", "2007-08-30"),
        ("08/30/2007", "2007-08-30"), ("2019/11/20", "2019-11-20"), ("202002", "2020-02"),
        ("  October 2, 1991 ", "1991-10-02"), ("SEPTEMBER 2020", "2020-09"), ("sept 2020", "2020-09"),
        ("dec 31 1999", "1999-12-31"),
    ])
    func parses(_ text: String, _ iso: String) {
        #expect(RegistryDate.parse(text)?.description == iso)
    }

    @Test(arguments: ["", "N/A", "February 30, 2020", "2020-13-01", "Spring 2020", "2020", "12345", "tomorrow",
                      // Words that only begin like a month (FuzzDate: the prefix was enough).
                      "Junk 2020", "Decade 2020", "Marching 7, 2020", "Augusta 2020", "Septe 2020", "Janu 5 2020"])
    func rejects(_ text: String) {
        #expect(RegistryDate.parse(text) == nil)
    }

    /// The inputs FuzzDate found where the parse disagreed with its documented grammar
    /// (`Tests/Fixtures/fuzz/date/crash-*`): none is a date.
    @Test func fuzzFindingsAreNotDates() throws {
        let folder = Fixtures.path("fuzz/date")
        let crashes = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("crash-") }
        #expect(!crashes.isEmpty)
        for name in crashes {
            let bytes = try Fixtures.bytes("fuzz/date/" + name)
            let date = bytes.withUnsafeBufferPointer { RegistryDate.parse($0) }
            #expect(date == nil, "\(name): \(String(decoding: bytes, as: UTF8.self)) gave \(String(describing: date))")
        }
    }
}

@Suite struct AgeLimitTests {
    static let ages: [(String, Double)] = [
        ("18 Years", 18), ("6 Months", 0.5), ("18Y", 18), ("18", 18), ("65 years old", 65), ("2 Weeks", 14 / 365.25),
        ("10 Days", 10 / 365.25), ("1 Year", 1), ("1.5 Years", 1.5), ("30 Minutes", 30 / 525_960.0), ("12 Hours", 12 / 8766.0),
        // Every unit spelling, in any case.
        ("18 YRS", 18), ("18 yr", 18), ("18 a", 18), ("18 y", 18), ("3 mos", 0.25), ("3 MO", 0.25), ("3 m", 0.25),
        ("3 Month", 0.25), ("2 wk", 14 / 365.25), ("2 WKS", 14 / 365.25), ("2 w", 14 / 365.25),
        ("2 Week", 14 / 365.25), ("1 d", 1 / 365.25), ("1 Day", 1 / 365.25), ("12 h", 12 / 8766.0),
        ("12 hr", 12 / 8766.0), ("12 Hrs", 12 / 8766.0), ("12 hour", 12 / 8766.0), ("30 min", 30 / 525_960.0),
        ("30 MINS", 30 / 525_960.0), ("30 minute", 30 / 525_960.0),
    ]

    @Test func years() throws {
        for (text, years) in AgeLimitTests.ages {
            let value = try #require(AgeLimit.years(text), "\(text)")
            #expect(abs(value - years) < 1e-9, "\(text)")
        }
    }

    /// The reading on the `String` (`Substring.UTF8View` steps) that `years` replaced, kept as the reference.
    static func referenceYears(_ text: String) -> Double? {
        var utf8 = text.utf8[...]
        while let first = utf8.first, !isDigit(first) {
            guard isSpace(first) else { return nil }
            utf8 = utf8.dropFirst()
        }
        let integer = utf8.prefix { isDigit($0) }
        guard !integer.isEmpty, integer.count <= 4 else { return nil }
        var value = Double(integer.reduce(0) { $0 * 10 + Int($1 - 48) })
        utf8 = utf8.dropFirst(integer.count)
        if let dot = utf8.first, dot == UInt8(ascii: "."), utf8.count > 1, isDigit(utf8[utf8.index(after: utf8.startIndex)]) {
            utf8 = utf8.dropFirst()
            let fraction = utf8.prefix { isDigit($0) }.prefix(6)
            var scale = 0.1
            for digit in fraction {
                value += Double(digit - 48) * scale
                scale /= 10
            }
            utf8 = utf8.drop { isDigit($0) }
        }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        var letters: [UInt8] = []
        for byte in utf8 {
            guard isLetter(byte) else { break }
            guard letters.count < 8 else { return nil }
            letters.append(lowercased(byte))
        }
        switch String(decoding: letters, as: UTF8.self) {
        case "", "y", "yr", "yrs", "year", "years", "a": return value
        case "m", "mo", "mos", "month", "months": return value / 12
        case "w", "wk", "wks", "week", "weeks": return value * 7 / 365.25
        case "d", "day", "days": return value / 365.25
        case "h", "hr", "hrs", "hour", "hours": return value / (365.25 * 24)
        case "min", "mins", "minute", "minutes": return value / (365.25 * 24 * 60)
        default: return nil
        }
    }

    /// `years` on the bytes gives the reference's answer, bit for bit, on texts put together from numbers
    /// (1-6 digits, decimals of 0-9 digits, a dot without digits), white space, units in any case and other
    /// bytes.
    @Test func bytesReadAsTheReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["", " ", "  ", "\t", "1", "18", "0065", "12345", "999999", ".", ".5", ".25", ".123456789", "..",
                      "Years", "years", "YRS", "y", "a", "Months", "mo", "Weeks", "wk", "Days", "d", "Hours", "h", "min",
                      "Minutes", "old", "≥", "-", "N/A", "x", "yearsold", "\u{00A0}", "é"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...5, using: &generator))
                .map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            let expected = Self.referenceYears(text)
            let actual = AgeLimit.years(text)
            #expect(actual?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }

    @Test(arguments: ["N/A", "no limit", "None", "-", "??", "", "≥18", "adult", "18 yearsold", "18 yearsyears",
                      "18 centuries", "18 minutess", "18 ye", "18 mon"])
    func noLimit(_ text: String) {
        #expect(AgeLimit.years(text) == nil)
        #expect(AgeLimit.published(text) == "")
    }
}

@Suite struct VocabularyTests {
    /// The values read without the general reading (the legacy XML's words) give the general reading's
    /// answers, and their neighbours (other case, codes) still take it.
    @Test func legacyWordsReadAsTheGeneralReading() {
        for word in ["Completed", "Recruiting", "Unknown status", "Active, not recruiting", "Withdrawn", "X"] {
            #expect(Vocabulary.status(word) == word)
        }
        #expect(Vocabulary.status("Not Recruiting") == "Not recruiting")
        #expect(Vocabulary.status("COMPLETED") == "Completed")
        #expect(Vocabulary.status("CoMPLETED") == "CoMPLETED")
        #expect(Vocabulary.status("ACTIVE_NOT_RECRUITING") == "Active, not recruiting")
        #expect(Vocabulary.status("NEW_CODE") == "New code")
        #expect(Vocabulary.status("") == "")
        for (text, word) in [("All", "All"), ("Female", "Female"), ("Male", "Male"), ("ALL", "All"), ("both", "All"),
                             ("f", "Female"), ("MALE", "Male"), ("Other", "Other")] {
            #expect(Vocabulary.sex(text) == word, "\(text)")
        }
        #expect(Vocabulary.studyType("Interventional") == "Interventional")
        #expect(Vocabulary.studyType("Interventional", patientRegistry: true) == "Interventional")
        #expect(Vocabulary.studyType("Observational") == "Observational")
        #expect(Vocabulary.studyType("Observational", patientRegistry: true) == "Observational [Patient Registry]")
        #expect(Vocabulary.studyType("INTERVENTIONAL") == "Interventional")
        #expect(Vocabulary.studyType("Observational Study") == "Observational")
        for (text, answer) in [("No", false), ("Yes", true), ("Accepts Healthy Volunteers", true), ("no", false),
                               ("YES", true), ("accepts healthy volunteers", true), ("False", false)] {
            #expect(Vocabulary.yesNo(text) == answer, "\(text)")
        }
        #expect(Vocabulary.yesNo("Maybe") == nil)
    }

    @Test func statuses() {
        #expect(Vocabulary.status("RECRUITING") == "Recruiting")
        #expect(Vocabulary.status("UNKNOWN") == "Unknown status")
        #expect(Vocabulary.status("ACTIVE_NOT_RECRUITING") == "Active, not recruiting")
        #expect(Vocabulary.status("NOT_YET_RECRUITING") == "Not yet recruiting")
        #expect(Vocabulary.status("ENROLLING_BY_INVITATION") == "Enrolling by invitation")
        #expect(Vocabulary.status("Not Recruiting") == "Not recruiting")
        #expect(Vocabulary.status("Completed") == "Completed")
        #expect(Vocabulary.status("Pending (Not yet recruiting)") == "Pending (Not yet recruiting)")
    }

    @Test func phases() {
        #expect(Vocabulary.phases("PHASE2") == ["Phase 2"])
        #expect(Vocabulary.phases("NA") == ["N/A"])
        #expect(Vocabulary.phases("N/A") == ["N/A"])
        #expect(Vocabulary.phases("EARLY_PHASE1") == ["Early Phase 1"])
        #expect(Vocabulary.phases("Early Phase 1") == ["Early Phase 1"])
        #expect(Vocabulary.phases("Phase 1/Phase 2") == ["Phase 1", "Phase 2"])
        #expect(Vocabulary.phases("PHASE12") == ["Phase 1", "Phase 2"])
        #expect(Vocabulary.phases("PHASE2, PHASE3") == ["Phase 2", "Phase 3"])
        #expect(Vocabulary.phases("1-2") == ["Phase 1", "Phase 2"])
        #expect(Vocabulary.phases("4") == ["Phase 4"])
        #expect(Vocabulary.phases("0") == ["Early Phase 1"])
        #expect(Vocabulary.phases("Retrospective study") == ["Retrospective study"])
        #expect(Vocabulary.phases("") == [])
        // The common values' fast answers are the general reading's; other spellings take that reading.
        for value in ["Phase 1", "Phase 2", "Phase 3", "Phase 4", "Phase 1/Phase 2", "Phase 2/Phase 3",
                      "Early Phase 1", "N/A", "NA", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "EARLY_PHASE1"] {
            #expect(Vocabulary.phases(value) == Vocabulary.parsedPhases(value), "\(value)")
        }
        #expect(Vocabulary.phases("phase 2") == ["Phase 2"])
        #expect(Vocabulary.phases(" Phase 1 / Phase 2 ") == ["Phase 1", "Phase 2"])
    }

    @Test func sexStudyTypeAndCodes() {
        #expect(Vocabulary.sex("Both") == "All")
        #expect(Vocabulary.sex("ALL") == "All")
        #expect(Vocabulary.sex("FEMALE") == "Female")
        #expect(Vocabulary.sex("Male") == "Male")
        #expect(Vocabulary.studyType("INTERVENTIONAL") == "Interventional")
        #expect(Vocabulary.studyType("EXPANDED_ACCESS") == "Expanded Access")
        #expect(Vocabulary.studyType("Observational study") == "Observational")
        #expect(Vocabulary.studyType("OBSERVATIONAL", patientRegistry: true) == "Observational [Patient Registry]")
        #expect(Vocabulary.studyType("N/A") == "")
        #expect(Vocabulary.titleWords("DRUG") == "Drug")
        #expect(Vocabulary.titleWords("DIETARY_SUPPLEMENT") == "Dietary Supplement")
        #expect(Vocabulary.titleWords("Procedure") == "Procedure")
        #expect(Vocabulary.design("PARALLEL") == "Parallel Assignment")
        #expect(Vocabulary.design("NON_RANDOMIZED") == "Non-Randomized")
        #expect(Vocabulary.masking("NONE", whoMasked: []) == "None (Open Label)")
        #expect(Vocabulary.masking("TRIPLE", whoMasked: ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR"])
                == "Triple (Participant, Care Provider, Investigator)")
    }
}

@Suite struct UTF8ValidationTests {
    @Test func findsTheFirstInvalidByte() {
        func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) } }
        #expect(check(Array("plain ASCII text that is longer than eight bytes".utf8)) == nil)
        #expect(check(Array("≥90% naïve 中文 😀".utf8)) == nil)
        #expect(check(Array("Saint-".utf8) + [0xC9] + Array("tienne".utf8)) == 6)  // Latin-1 É
        #expect(check([0xC0, 0x80]) == 0)  // overlong
        #expect(check([0xED, 0xA0, 0x80]) == 0)  // surrogate
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
        #expect(check(Array("abc".utf8) + [0xE2, 0x89]) == 3)  // truncated
    }

    /// The offsets of the non-ASCII characters' first bytes, in order, past the ASCII runs the check
    /// skips a word or 32 bytes at a time.
    @Test func listsTheNonASCIICharacters() {
        func marks(_ text: String) -> (Int?, [Int]) {
            var offsets: [Int] = []
            let bad = Array(text.utf8).withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &offsets) }
            return (bad, offsets)
        }
        #expect(marks("plain ASCII text that is longer than thirty-two bytes").1 == [])
        let text = "≥90% naïve 中文 😀" + String(repeating: "x", count: 40) + "é"
        let expected = text.unicodeScalars.indices.filter { !text.unicodeScalars[$0].isASCII }
            .map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
        #expect(expected.count == 6)
        let (bad, offsets) = marks(text)
        #expect(bad == nil)
        #expect(offsets == expected)
    }

    /// One non-ASCII character, or one invalid byte, at every offset of a 200-byte ASCII text (across the
    /// 64-, 32- and 8-byte blocks the ASCII runs are skipped by): found at that offset.
    @Test func findsACharacterAtEveryOffsetOfTheBlocks() {
        let ascii = Array(String(repeating: "abcdefghij", count: 20).utf8)
        for at in 0..<ascii.count {
            var offsets: [Int] = []
            var text = ascii
            text.replaceSubrange(at..<(at + 1), with: Array("é".utf8))
            #expect(text.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &offsets) } == nil)
            #expect(offsets == [at], "é at \(at)")
            for bad: UInt8 in [0x80, 0xC0, 0xFF] {
                var broken = ascii
                broken[at] = bad
                offsets = []
                #expect(broken.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &offsets) } == at, "\(bad) at \(at)")
                #expect(offsets.isEmpty)
            }
        }
    }

    /// `string(validated:isASCII:)` makes the `String` `String(decoding:as:)` makes, word for word: texts
    /// of 0 to 20 bytes (the small strings of at most 15 built from their bytes, the longer ones by the
    /// standard library), ASCII and with 2-, 3- and 4-byte characters at every position, read at the very
    /// end of their buffer (no byte past it is read: the copy ends there), with either ASCII answer for
    /// the small ones (their flag comes from the bytes).
    @Test func validatedStringsAreTheDecodedOnes() {
        var texts: [String] = []
        for n in 0...20 {
            let ascii = String((0..<n).map { Character(UnicodeScalar(UInt8(65 + ($0 * 7) % 58))) })
            texts.append(ascii)
            for char in ["é", "≥", "😀"] where char.utf8.count <= n {
                for at in 0...(n - char.utf8.count) {
                    let prefix = String(ascii.prefix(at))
                    texts.append(prefix + char + String(ascii.dropFirst(at + char.utf8.count).prefix(n - at - char.utf8.count)))
                }
            }
        }
        #expect(texts.count > 300)
        for text in texts {
            let bytes = Array(text.utf8)
            let reference = String(decoding: bytes, as: UTF8.self)
            for flag in bytes.count <= 15 ? [false, true] : [bytes.allSatisfy { $0 < 0x80 }] {
                // Allocated at its exact size: a load past the text would read outside the allocation.
                let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
                defer { p.deallocate() }
                p.initialize(from: bytes, count: bytes.count)
                let made = UTF8Validation.string(validated: UnsafeBufferPointer(start: p, count: bytes.count), isASCII: flag)
                #expect(made == reference && made.utf8.elementsEqual(bytes), "\(text)")
                #expect(made.utf16.count == reference.utf16.count && made.count == reference.count, "\(text)")
                #expect(made.hashValue == reference.hashValue, "\(text)")
                if bytes.count <= 15 {
                    let (a, b) = unsafeBitCast(made, to: (UInt64, UInt64).self)
                    let (c, d) = unsafeBitCast(reference, to: (UInt64, UInt64).self)
                    #expect(a == c && b == d, "\(text): \(String(b, radix: 16)) against \(String(d, radix: 16))")
                    // From a 16-byte block whose bytes past the text are anything (a quote, non-ASCII, 0xFF).
                    for fill: UInt8 in [0x22, 0xC3, 0xFF] {
                        var block = SIMD16<UInt8>(repeating: fill)
                        for (k, byte) in bytes.enumerated() { block[k] = byte }
                        let fromBlock = UTF8Validation.smallString(block: block, count: bytes.count)
                        let (e, f) = unsafeBitCast(fromBlock, to: (UInt64, UInt64).self)
                        #expect(e == c && f == d, "\(text) in a block of \(fill)")
                    }
                }
            }
        }
    }
}
