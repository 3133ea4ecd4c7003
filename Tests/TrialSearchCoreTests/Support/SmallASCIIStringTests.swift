import Testing
@testable import TrialSearchCore

/// `SmallASCIIString` builds the same strings the standard library does, for the ids it accepts
/// (8–15 ASCII bytes), and declines every other length and non-ASCII bytes.
@Suite struct SmallASCIIStringTests {
    /// This runtime's small strings are laid out as assumed (otherwise every id takes the slow path and
    /// the tests below would not exercise the fast one).
    @Test func layoutHoldsOnThisPlatform() {
        #expect(SmallASCIIString.layoutHolds)
    }

    @Test(arguments: Array(0...22))
    func buildsTheStandardStringOrDeclines(length: Int) throws {
        let ascii = Array("NCT0123456789-ABCDEFGHIJKLMNOP".utf8.prefix(length))
        var withUmlaut = ascii
        if length > 0 { withUmlaut[length / 2] = 0xC3 }   // a lead byte alone: not ASCII, not valid UTF-8
        for bytes in [ascii, withUmlaut] {
            let made = bytes.withUnsafeBytes { SmallASCIIString.make($0) }
            let expected = String(decoding: bytes, as: UTF8.self)
            if (8...15).contains(length) && bytes.allSatisfy({ $0 < 0x80 }) {
                let string = try #require(made)
                #expect(string == expected)
                #expect(Array(string.utf8) == bytes)
                #expect(string.hashValue == expected.hashValue)
                #expect(string + "!" == expected + "!")
                #expect(string.count == length)
            } else {
                #expect(made == nil, "\(bytes)")
            }
        }
    }

    /// Strings made from bytes that change afterwards, kept, copied and dropped, stay what they were
    /// made of: the string owns its two words (`make` takes it from a temporary).
    @Test func madeStringsOutliveTheirBytes() throws {
        var bytes = Array("NCT00000000".utf8)
        var kept: [String] = []
        for k in 0..<200 {
            bytes[10] = UInt8(ascii: "0") + UInt8(k % 10)
            bytes[9] = UInt8(ascii: "0") + UInt8(k / 10 % 10)
            let made = try #require(bytes.withUnsafeBytes { SmallASCIIString.make($0) })
            kept.append(made)
            kept.append(made + "")
        }
        bytes = Array(repeating: 0, count: bytes.count)
        for k in 0..<200 {
            let expected = "NCT000000" + String(k / 10 % 10) + String(k % 10)
            #expect(kept[2 * k] == expected)
            #expect(kept[2 * k + 1] == expected)
        }
    }

    /// The ids a segment stores come back through `DocValues.trialID` as the standard library's strings,
    /// whichever path built them.
    @Test func trialIDsMatchTheStandardDecoding() {
        for id in ["NCT00000102", "ISRCTN12345678", "KCT0001234", "DRKS00012345", "NCT0000", "ChiCTR2000029308",
                   "Ä-Studie-Nr-7", "EUCTR2004-000446-20-DE", "12345678"] {
            let bytes = Array(id.utf8)
            let made = bytes.withUnsafeBytes { DocValues.trialID($0) }
            #expect(made.rawValue == id)
            #expect(made == TrialID(storedRawValue: id))
        }
    }
}
