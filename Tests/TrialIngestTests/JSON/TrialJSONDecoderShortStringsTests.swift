import Testing
@testable import TrialIngest
import TrialSearchCore

/// In a validated range, `TrialJSONDecoder.string()` makes a string that ends within the 16 bytes after
/// its quote from that block: every length around the block's end, ASCII and not, then the text the
/// block holds past the string (an escape, a control byte, a quote, non-ASCII text), read as the tape
/// reads it, one record at a time and in one range; a raw control byte inside is still refused.
@Suite struct TrialJSONDecoderShortStringsTests {
    /// Texts of 0 to 20 bytes: ASCII, and with "é" or "😀" at the start, middle and end.
    static func texts() -> [String] {
        var texts: [String] = []
        for n in 0...20 {
            let ascii = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            texts.append(ascii)
            for char in ["é", "😀"] where char.utf8.count <= n {
                for at in [0, (n - char.utf8.count) / 2, n - char.utf8.count] {
                    texts.append(String(ascii.prefix(at)) + char + String(ascii.prefix(n - at - char.utf8.count)))
                }
            }
        }
        return texts
    }

    /// The lines of `texts` as cities, countries, phases and titles, each followed in the line by the
    /// same kind of text (so the byte after a closing quote varies), and with escapes (`\n`, `\u`, a
    /// surrogate pair, `\"`) right after them: a first escape at every offset of the first block.
    static func lines(_ texts: [String]) -> [String] {
        texts.enumerated().map { n, text in
            let next = texts[(n + 1) % texts.count]
            return #"{"id":"NCT\#(n)","briefTitle":"\#(text)","acronym":"\#(text)\n\#(next)","officialTitle":"\#(text)\u00e9\ud83d\ude00\#(next)\t","phases":["\#(text)","\#(next)"],"#
                + #""locations":[{"city":"\#(text)","country":"\#(next)"}],"relatedIds":["\#(text)\"x"]}"#
        }
    }

    /// Each line decoded in one validated buffer (the range's path) against the tape.
    static func checkRange(_ lines: [String]) throws {
        let (buffer, starts, marks) = TrialJSONDecoderTests.validatedRange(lines)
        for (line, start) in zip(lines, starts) {
            var end = -1
            let decoded = buffer.withUnsafeBufferPointer { b in marks.withUnsafeBufferPointer { m in
                TrialJSONDecoder.decodeValue(in: b, at: start, maxDepth: 64, end: &end, nonASCII: m)
            } }
            let trial = try #require(decoded, "\(line)")
            #expect(try trial == TrialJSONDecoderTests.viaTape(line).get(), "\(line)")
            #expect(end == start + line.utf8.count)
            for s in [trial.briefTitle, trial.acronym, trial.officialTitle] + trial.phases + trial.locations.flatMap({ [$0.city, $0.country] }) {
                let copy = String(decoding: Array(s.utf8), as: UTF8.self)
                #expect(s.utf16.count == copy.utf16.count && s.count == copy.count && s.hashValue == copy.hashValue, "\(s)")
                #expect(s.utf8.count > 15 || unsafeBitCast(s, to: (UInt64, UInt64).self) == unsafeBitCast(copy, to: (UInt64, UInt64).self),
                        "\(s): the standard library's small string")
            }
        }
    }

    @Test func shortStringsReadAsTheTapeReadsThem() throws {
        let lines = Self.lines(Self.texts())
        try Self.checkRange(lines)
        try Self.checkRange(lines.reversed())
        for line in lines {
            #expect(try TrialJSONDecoderTests.fast(line) == TrialJSONDecoderTests.viaTape(line).get(), "\(line)")
        }
    }

    /// Dates in the writer's forms (read in place) and in every other form (read by `PartialDate(iso:)`),
    /// at the end of their buffer and before other text: as the tape reads them.
    @Test func datesReadAsTheTapeReadsThem() throws {
        let dates = ["2021-07-09", "2021-07", "2021", "2021-7", "2021-07-9", "2021-07-09T10", "2021-13-01", "2020-02-30",
                     "0000-00", "+999-01", "2021-0a", "2021-07-0x", "2021-07-", "", #"2021\u002d07"#, "20210709", "2021/07/09"]
        for date in dates {
            for line in [#"{"id":"NCT1","startDate":"\#(date)"}"#, #"{"id":"NCT1","lastUpdated":"\#(date)","acronym":"A"}"#] {
                let tape = try TrialJSONDecoderTests.viaTape(line).get()
                #expect(TrialJSONDecoderTests.fast(line) == tape, "\(line)")
                try Self.checkRange([line, line])
            }
        }
    }

    /// A raw control byte at every offset of a string of up to 17 bytes, in a validated range: refused
    /// (the fast path gives up), as without the range.
    @Test func aControlByteInsideTheBlockIsRefused() throws {
        for n in 1...17 {
            for at in 0..<n {
                var text = Array(String(repeating: "a", count: n).utf8)
                text[at] = 0x09
                let line = Array(#"{"id":"NCT1","acronym":""#.utf8) + text + Array(#"","briefTitle":"x"}"#.utf8)
                var buffer = line + [0x0A]
                buffer += Array(#"{"id":"NCT2","briefTitle":"padding padding padding"}"#.utf8) + [0x0A]
                var marks: [Int] = []
                #expect(buffer.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0, nonASCII: &marks) } == nil)
                marks.append(Int.max)
                var end = -1
                let decoded = buffer.withUnsafeBufferPointer { b in marks.withUnsafeBufferPointer { m in
                    TrialJSONDecoder.decodeValue(in: b, at: 0, maxDepth: 64, end: &end, nonASCII: m)
                } }
                #expect(decoded == nil && end == -1, "control byte at \(at) of \(n)")
            }
        }
    }
}
