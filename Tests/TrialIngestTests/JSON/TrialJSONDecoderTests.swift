import Testing
@testable import TrialIngest
import TrialSearchCore

/// The fast path for `convert`'s lines reads every fixture record as the tape does, and gives up on
/// every line outside the writer's form, leaving it to the tape (same `Trial` or the tape's error).
@Suite struct TrialJSONDecoderTests {
    /// `lines` as one buffer of JSON Lines validated as a range is before it is decoded: the bytes, each
    /// line's start, and the offsets of the non-ASCII bytes the validation marked (ending in `Int.max`).
    static func validatedRange(_ lines: [String]) -> (buffer: [UInt8], starts: [Int], marks: [Int]) {
        var buffer: [UInt8] = []
        var starts: [Int] = []
        for line in lines {
            starts.append(buffer.count)
            buffer += Array(line.utf8) + [0x0A]
        }
        var marks: [Int] = []
        #expect(buffer.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &marks) } == nil)
        marks.append(Int.max)
        return (buffer, starts, marks)
    }

    /// What the general path (tape + `TrialJSONReader`) makes of `line`.
    static func viaTape(_ line: String) -> Result<Trial, IngestError> {
        let at = IngestLocation(file: "line")
        let parsed = Array(line.utf8).withUnsafeBytes { raw in
            catchingJSON { () throws(JSONTape.Failure) in try JSONTape(parsing: raw, maxDepth: 64) }
        }
        switch parsed {
        case .failure(let failure):
            return .failure(IngestError(failure, at: at))
        case .success(let tape):
            return catching { () throws(IngestError) in try TrialJSONReader.read(tape.root, at: at) }
        }
    }

    static func fast(_ line: String, maxDepth: Int = 64) -> Trial? {
        Array(line.utf8).withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: maxDepth) }
    }

    /// `line` with white space around every structural character outside strings.
    static func spaced(_ line: String) -> String {
        var out: [UInt8] = []
        var inString = false
        var escape = false
        for byte in line.utf8 {
            if inString {
                out.append(byte)
                if escape {
                    escape = false
                } else if byte == UInt8(ascii: "\\") {
                    escape = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = true }
            let structural = "{}[]:,".utf8.contains(byte)
            if structural { out.append(contentsOf: " \t".utf8) }
            out.append(byte)
            if structural { out.append(contentsOf: "\r\n ".utf8) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func everyFixtureReadsAsTheTapeReadsIt() throws {
        let (trials, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        #expect(trials.count == 30)
        var escaped = 0
        for trial in trials {
            let line = trial.jsonString
            if line.contains("\\") { escaped += 1 }
            guard let decoded = TrialJSONDecoderTests.fast(line) else {
                Issue.record("\(trial.id): the fast path gave up on the writer's own line")
                continue
            }
            #expect(decoded == trial, "\(trial.id)")
            #expect(try decoded == TrialJSONDecoderTests.viaTape(line).get(), "\(trial.id)")
            // Spaces between tokens, as other tools print JSON, change nothing.
            let spaced = TrialJSONDecoderTests.spaced(line)
            #expect(TrialJSONDecoderTests.fast(spaced) == trial, "\(trial.id) with spaces")
        }
        #expect(escaped > 10, "the fixtures should exercise escaped text")
    }

    /// Lines outside the writer's form: the fast path gives up, and `TrialJSONReader.read` (which tries
    /// it first) gives exactly the tape's outcome.
    @Test func givesUpOutsideTheWritersForm() {
        let lines = [
            #"{"registry":"X","id":"NCT1"}"#,  // id not first
            #"{"id":"NCT1","title":"Free text","text":"Body"}"#,  // generic record
            #"{"id":"NCT1","briefTitle":null}"#,
            #"{"id":"NCT1","briefTitle":"A","briefTitle":"B"}"#,  // repeated key
            #"{"id":"NCT1","brief\u0054itle":"A"}"#,  // escaped key
            #"{"id":"NCT1","protocolSection":{}}"#,
            #"{"id":"NCT1","enrollment":12.5}"#,
            #"{"id":"NCT1","enrollment":99999999999999999999}"#,
            #"{"id":"NCT1","enrollment":012}"#,
            #"{"id":"NCT1","phases":["Phase 1",2]}"#,
            #"{"id":"NCT1","interventions":["Drug"]}"#,
            #"{"id":"NCT1","source":{"file":"a.xml","format":"mystery"}}"#,
            #"{"id":"NCT1","source":{"file":"a.xml"}}"#,
            #"{"id":"NCT1","eligibility":{"healthyVolunteers":1}}"#,
            #"{"id":"NCT1","briefTitle":"bad \x escape"}"#,
            "{\"id\":\"NCT1\",\"briefTitle\":\"tab\tinside\"}",
            #"{"id":"NCT1"} trailing"#,
            #"{"id":"NCT1","briefTitle":"unterminated}"#,
            #"{"id":" "}"#,
        ]
        for line in lines {
            #expect(TrialJSONDecoderTests.fast(line) == nil, "\(line)")
            let tape = TrialJSONDecoderTests.viaTape(line)
            let reader = Array(line.utf8).withUnsafeBytes { raw in
                catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "line")) }
            }
            #expect("\(reader)" == "\(tape)", "\(line)")
        }
        // Invalid UTF-8 and a depth limit below the writer's nesting also go to the tape.
        var bad = Array(#"{"id":"NCT1","briefTitle":"x"}"#.utf8)
        bad[27] = 0xFF
        #expect(bad.withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64) } == nil)
        #expect(TrialJSONDecoderTests.fast(#"{"id":"NCT1"}"#, maxDepth: 3) == nil)
    }

    @Test func valuesDecodeAsTheTapeDecodesThem() throws {
        let line = #"{"id":"NCT9","briefTitle":"caf\u00e9 \ud83d\ude00 \ud800 \"q\" a\/b","enrollment":-0,"#
            + #""eligibility":{"minimumAgeYears":0.5,"maximumAgeYears":1e2,"healthyVolunteers":true},"#
            + #""startDate":"2020-02-30","completionDate":"2021-07","firstPosted":"+999-01","lastUpdated":"2021-07-09"}"#
        let fast = try #require(TrialJSONDecoderTests.fast(line))
        #expect(try fast == TrialJSONDecoderTests.viaTape(line).get())
        #expect(fast.briefTitle == "café 😀 \u{FFFD} \"q\" a/b")
        #expect(fast.eligibility.minimumAgeYears == 0.5 && fast.eligibility.maximumAgeYears == 100)
        #expect(fast.startDate == nil && fast.completionDate == PartialDate(year: 2021, month: 7))
        #expect(fast.lastUpdated == PartialDate(year: 2021, month: 7, day: 9))
    }

    /// Lists of every length around the array's growths (room for 4, then 16, 64, 256): strings, locations
    /// and eligibility lines read back whole and in order, as the tape reads them.
    @Test func listsAcrossTheArrayGrowthsDecode() throws {
        for n in [0, 1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 257] {
            var trial = Trial(id: try #require(TrialID("NCT00000042")))
            trial.briefTitle = "lists of \(n)"
            trial.conditions = (0..<n).map { "condition \($0)" }
            trial.locations = (0..<n).map { Location(facility: "site \($0)", city: "city \($0 % 7)", country: "Norway") }
            trial.eligibility.inclusion = (0..<n).map { "inclusion line \($0) with some words" }
            let line = trial.jsonString
            let decoded = try #require(TrialJSONDecoderTests.fast(line), "\(n)")
            #expect(decoded == trial, "\(n)")
            #expect(try decoded == TrialJSONDecoderTests.viaTape(line).get(), "\(n)")
            #expect(decoded.locations.last?.facility == (n > 0 ? "site \(n - 1)" : nil))
        }
    }

    /// A raw control character (refused by JSON inside a string) at every offset of strings of up to 56
    /// bytes, past the words and 16-byte blocks the string scan crosses at once: the fast decoder
    /// refuses the line; the same line with the character escaped reads.
    @Test func rawControlCharactersAtEveryOffsetAreRefused() throws {
        for length in 0...56 {
            for offset in 0...length {
                for control in ["\u{01}", "\t", "\u{1F}"] {
                    let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + ($0 * 5) % 26))) })
                    let cut = plain.index(plain.startIndex, offsetBy: offset)
                    let raw = #"{"id":"NCT9","briefTitle":""# + plain[..<cut] + control + plain[cut...] + #""}"#
                    #expect(TrialJSONDecoderTests.fast(raw) == nil, "\(length) \(offset)")
                    let escaped = #"{"id":"NCT9","briefTitle":""# + plain[..<cut] + "\\t" + plain[cut...] + #""}"#
                    #expect(TrialJSONDecoderTests.fast(escaped)?.briefTitle == plain[..<cut] + "\t" + plain[cut...],
                            "\(length) \(offset)")
                }
            }
        }
    }

    /// Escapes at every offset of the 8-byte words that unescaping copies, alone, adjacent and at the
    /// end, in text of every length up to 40 bytes: the decoded text is the text written.
    @Test func escapesAtEveryOffsetDecode() throws {
        let escapes: [(text: String, json: String)] = [("\n", "\\n"), ("\"", "\\\""), ("\\", "\\\\"), ("\t", "\\t"),
                                                       ("é", "\\u00e9"), ("😀", "\\ud83d\\ude00"), ("/", "\\/")]
        for length in 0...40 {
            for offset in 0...length {
                for (k, escape) in escapes.enumerated() {
                    let plain = (0..<length).map { Character(UnicodeScalar(UInt8(97 + ($0 * 7 + k) % 26))) }
                    let before = String(plain[..<offset]), after = String(plain[offset...])
                    let second = escapes[(k + offset) % escapes.count]
                    let text = before + escape.text + second.text + after + escape.text
                    let json = before + escape.json + second.json + after + escape.json
                    let line = #"{"id":"NCT9","briefTitle":""# + json + #""}"#
                    let fast = try #require(TrialJSONDecoderTests.fast(line), "\(line)")
                    #expect(fast.briefTitle == text, "\(line)")
                }
            }
        }
    }

    /// `decodeValue` reads a record where it begins in a larger buffer (a JSON Lines range), without
    /// knowing where it ends: every fixture record, after other bytes and followed by the next line,
    /// white space, a second record or nothing, gives `decode`'s `Trial` and ends just past its `}`.
    /// A record cut short, one with invalid UTF-8 or outside the writer's form gives nil and leaves
    /// `end` alone.
    @Test func aRecordInsideARangeReadsAsItsCut() throws {
        let (trials, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        let before = Array(" \n{\"id\":\"NCT0\"}\n".utf8)
        for trial in trials {
            let line = Array(trial.jsonString.utf8)
            for after in ["", "\n", "\n{\"id\":\"NCT7\"}\n", "  \r\n", "}]\"", "\n" + trial.jsonString] {
                let buffer = before + line + Array(after.utf8)
                var end = -1
                let decoded = buffer.withUnsafeBufferPointer {
                    TrialJSONDecoder.decodeValue(in: $0, at: before.count, maxDepth: 64, end: &end)
                }
                #expect(decoded == trial, "\(trial.id) then \(after.debugDescription)")
                #expect(end == before.count + line.count, "\(trial.id)")
            }
            let short = before + line.dropLast()
            var end = -1
            #expect(short.withUnsafeBufferPointer {
                TrialJSONDecoder.decodeValue(in: $0, at: before.count, maxDepth: 64, end: &end)
            } == nil)
            #expect(end == -1)
        }
        var bad = Array(#"{"id":"NCT1","briefTitle":"x"}"#.utf8) + [0x0A]
        bad[27] = 0xFF
        let refused: [([UInt8], Int)] = [(bad, 64), (Array(#"{"id":"NCT1"}"#.utf8), 3),
                                         (Array(#"{"registry":"X","id":"NCT1"}"#.utf8), 64), (Array(#" {"id":"NCT1"}"#.utf8), 64)]
        for (bytes, depth) in refused {
            var end = -1
            #expect(bytes.withUnsafeBufferPointer { TrialJSONDecoder.decodeValue(in: $0, at: 0, maxDepth: depth, end: &end) } == nil)
            #expect(end == -1)
        }
    }

    /// A range validated as UTF-8 before the cut (`RecordDecoder.decodeRange`) gives `decodeValue` the
    /// offsets of its non-ASCII characters: its strings are made without a second validation, flagged
    /// ASCII exactly when they are. Records with non-ASCII text at a string's start, middle and end,
    /// in lists and nested objects, escaped (`\u00e9`, a surrogate pair, a lone surrogate, which is
    /// U+FFFD) and not, and ASCII strings after them, read as the tape reads them; every string counts
    /// its UTF-16 units as a validated copy of its bytes does (one wrongly flagged ASCII counts bytes).
    @Test func aValidatedRangeMakesItsStringsAsTheTapeDoes() throws {
        let lines = [
            #"{"id":"NCT1","briefTitle":"Étude naïve","officialTitle":"plain","conditions":["中文","x","😀y"]}"#,
            #"{"id":"NCT2","briefTitle":"ascii","briefSummary":"a\nb\u00e9c","detailedDescription":"\ud83d\ude00 and \ud800 lone"}"#,
            #"{"id":"NCT3","keywords":["ünï","plain","end ≥"],"locations":[{"facility":"Hôpital","city":"Zürich","country":"Switzerland"}]}"#,
            #"{"id":"NCT4","briefTitle":"all ascii here","eligibility":{"criteria":"Inclusion:\n- âge ≥ 18\n- ok","sex":"All"}}"#,
            #"{"id":"NCT5","briefTitle":"é","officialTitle":"\u0041\u00c9","acronym":"A"}"#,
        ]
        let (fixtures, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        let all = lines + fixtures.map(\.jsonString)
        var buffer: [UInt8] = []
        var starts: [Int] = []
        for line in all {
            starts.append(buffer.count)
            buffer += Array(line.utf8) + [0x0A]
        }
        var marks: [Int] = []
        #expect(buffer.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &marks) } == nil)
        #expect(marks.count >= 20)
        marks.append(Int.max)
        func checkCounts(_ s: String, _ what: String) {
            let copy = String(decoding: Array(s.utf8), as: UTF8.self)
            // `utf16.count` takes the ASCII flag's shortcut (a byte count); `count` does not.
            #expect(s.utf16.count == copy.utf16.count && s.count == copy.count, "\(what): \(s)")
        }
        for (line, start) in zip(all, starts) {
            var end = -1
            let decoded = buffer.withUnsafeBufferPointer { b in marks.withUnsafeBufferPointer { m in
                TrialJSONDecoder.decodeValue(in: b, at: start, maxDepth: 64, end: &end, nonASCII: m)
            } }
            let trial = try #require(decoded, "\(line)")
            #expect(try trial == TrialJSONDecoderTests.viaTape(line).get(), "\(line)")
            #expect(end == start + line.utf8.count)
            for field in Field.allCases { trial.forEachValue(of: field) { checkCounts($0, "\(trial.id) \(field)") } }
            checkCounts(trial.eligibility.criteria, "\(trial.id) criteria")
        }
    }

    /// Escaped strings are decoded into a scratch buffer kept from record to record: long text whose
    /// escapes fall on both sides of the buffer's first sizes (4 KB and up), and a short one after them,
    /// decode through one buffer as the tape decodes them, in any order.
    @Test func escapedTextThroughOneScratchBufferDecodes() throws {
        let scratch = JSONScratch()
        var lines: [String] = []
        for length in [0, 15, 16, 17, 4_000, 4_095, 4_096, 4_100, 8_200, 20_000] {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + ($0 * 11) % 26))) })
            lines.append(#"{"id":"NCT9","briefTitle":"\n"# + plain + #"\t\u00e9 \"end\""}"#)
            lines.append(#"{"id":"NCT9","briefTitle":""# + plain + #"\\","briefSummary":"x\ud83d\ude00"# + plain + #"\/"}"#)
        }
        for line in lines + lines.reversed() {
            let fast = try #require(Array(line.utf8).withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64, scratch: scratch) })
            #expect(try fast == TrialJSONDecoderTests.viaTape(line).get(), "\(line.utf8.count) bytes")
        }
        #expect(scratch.capacity >= 20_000)
        scratch.trim(to: 1_000)
        #expect(scratch.capacity == 0 && scratch.base == nil)
    }

    /// The fields whose last value is kept (`JSONRepeatedValues`) read through one scratch, record after
    /// record, as the tape reads them: values equal to the last one (ASCII and not, small strings, which
    /// are not kept, and longer ones, 16 bytes and up), values differing in their last byte or length,
    /// empty values, values past `JSONRepeatedValues.maxLength`, escaped values, and the fixture records,
    /// in both orders, in a validated range and one record at a time; a repeated value is the kept `String`.
    @Test func repeatedValuesThroughOneScratchDecodeAsTheTapeDoes() throws {
        let long = String(repeating: "Long Site Name ", count: 5)  // 75 bytes
        let values = ["ClinicalTrials.gov", "ClinicalTrials.gov", "ClinicalTrials.gox", "ClinicalTrials.go", "", "",
                      "Zürich", "Zürich", "Zürichs", "United States", "United States", long, long,
                      #"Escaped \u00e9 value here"#, #"Escaped \u00e9 value here"#, "A", "A",
                      "Zürich Universität", "Zürich Universität", "Zürich Universitäts", "sixteen bytes ok", "sixteen bytes ok",
                      "Principal Investigator", "Principal Investigator"]
        var lines: [String] = []
        for (n, v) in values.enumerated() {
            lines.append(#"{"id":"NCT\#(n)","registry":"\#(v)","overallStatus":"\#(v)","phases":["\#(v)","\#(v)"],"#
                + #""design":{"masking":"\#(v)","allocation":"\#(v)"},"eligibility":{"sex":"\#(v)","minimumAge":"\#(v)"},"#
                + #""locations":[{"facility":"F","city":"\#(v)","state":"\#(v)","country":"\#(v)"},{"city":"\#(v)"}],"#
                + #""countries":["\#(v)"],"officials":[{"name":"N","role":"\#(v)"}],"armGroups":[{"label":"L","type":"\#(v)"}],"#
                + #""primaryOutcomes":[{"measure":"M","timeFrame":"\#(v)"}],"interventions":[{"type":"\#(v)","name":"I"}],"#
                + #""studyType":"\#(v)","source":{"file":"\#(v)","entry":"e","format":"ctgov-xml"}}"#)
        }
        let (fixtures, errors, _) = try readAll(TrialJSONRoundTripTests.fixtures, workers: 2)
        #expect(errors.isEmpty, "\(errors)")
        let all = lines + fixtures.map(\.jsonString)
        for order in [all, all.reversed()] {
            // One record at a time.
            let scratch = JSONScratch()
            for line in order {
                let fast = try #require(Array(line.utf8).withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64, scratch: scratch) },
                                        "\(line)")
                #expect(try fast == TrialJSONDecoderTests.viaTape(line).get(), "\(line)")
            }
            // A validated range.
            let (buffer, starts, marks) = TrialJSONDecoderTests.validatedRange(order)
            let rangeScratch = JSONScratch()
            for (line, start) in zip(order, starts) {
                var end = -1
                let decoded = buffer.withUnsafeBufferPointer { b in marks.withUnsafeBufferPointer { m in
                    TrialJSONDecoder.decodeValue(in: b, at: start, maxDepth: 64, end: &end, scratch: rangeScratch, nonASCII: m)
                } }
                let trial = try #require(decoded, "\(line)")
                #expect(try trial == TrialJSONDecoderTests.viaTape(line).get(), "\(line)")
                // A wrongly flagged ASCII string counts its bytes as UTF-16 units.
                for s in [trial.registry, trial.source.file] + trial.locations.map(\.city) {
                    let copy = String(decoding: Array(s.utf8), as: UTF8.self)
                    #expect(s.utf16.count == copy.utf16.count && s.count == copy.count, "\(s)")
                }
            }
        }
        // A value equal to the last is the kept string: the same storage.
        let scratch = JSONScratch()
        let twice = [lines[0], lines[1]].map { line in
            Array(line.utf8).withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64, scratch: scratch) }
        }
        let first = try #require(twice[0]), second = try #require(twice[1])
        #expect(first.registry.utf8.withContiguousStorageIfAvailable { $0.baseAddress }
            == second.registry.utf8.withContiguousStorageIfAvailable { $0.baseAddress })
    }
}
