import Testing
@testable import TrialIngest

@Suite struct JSONTapeTests {
    private func parse(_ text: String, maxDepth: Int = 64) throws(JSONTape.Failure) -> JSONTape {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            catchingJSON { () throws(JSONTape.Failure) in try JSONTape(parsing: raw, maxDepth: maxDepth) }
        }.get()
    }

    @Test func valuesAndNavigation() throws {
        let tape = try parse(#"{"a": [1, -2.5e3, true, false, null, "x\"y\\z\u00e9\ud83d\ude00\n"], "b": {"c": {}}, "d": []}"#)
        let root = tape.root
        let a = try #require(root["a"])
        #expect(a.elements.count == 6)
        #expect(a.elements[0].int == 1)
        #expect(a.elements[1].double == -2500)
        #expect(a.elements[1].int == nil)
        #expect(a.elements[2].bool == true)
        #expect(a.elements[3].bool == false)
        #expect(a.elements[4].kind == .null)
        #expect(a.elements[5].string == "x\"y\\zé😀\n")
        #expect(root["b", "c"]?.kind == .object)
        #expect(root["b", "c"]?.members.isEmpty == true)
        #expect(root["d"]?.elements.isEmpty == true)
        #expect(root["missing"] == nil)
        #expect(root.members.map(\.key) == ["a", "b", "d"])
    }

    @Test(arguments: [
        ("", "expected a value"), ("{", "unterminated object"), ("[1,]", "expected a value"),
        ("{\"a\" 1}", "expected \":\""), ("{\"a\":1,}", "expected a string key"), ("[1 2]", "expected \",\""),
        ("\"abc", "unterminated string"), ("\"a\u{01}\"", "control character"), ("\"\\q\"", "invalid escape"),
        ("\"\\u12G4\"", "invalid \\u escape"), ("01", "unexpected"), ("-", "invalid number"), ("1.", "invalid number"),
        ("tru", "invalid literal"), ("{} {}", "unexpected"), ("[1]]", "unexpected"),
        // Repeated keys, raw or escaped, in small objects (pairwise) and large ones (hashed).
        (#"{"a": 1, "b": {"a": 2}, "a": 3}"#, "duplicate key \"a\" in an object (first at byte 1)"),
        (#"{"a": 1, "\u0061": 2}"#, "duplicate key"),
        ("{" + (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + ", \"k7\": 0}", "duplicate key \"k7\""),
    ])
    func rejects(_ text: String, _ message: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(message), "\(text): \(error.message)")
        }
    }

    @Test func depthLimit() throws {
        _ = try parse(String(repeating: "[", count: 10) + String(repeating: "]", count: 10), maxDepth: 10)
        do {
            _ = try parse(String(repeating: "[", count: 11) + String(repeating: "]", count: 11), maxDepth: 10)
            Issue.record("accepted 11 levels")
        } catch {
            #expect(error.depthLimit == 10)
        }
        // Deep input far past the limit fails fast instead of overflowing a stack.
        #expect(throws: JSONTape.Failure.self) { try parse(String(repeating: "[", count: 1_000_000), maxDepth: 64) }
    }

    @Test func notUTF8() {
        let bytes: [UInt8] = Array("{\"a\": \"Saint-".utf8) + [0xC9] + Array("tienne\"}".utf8)
        let result = bytes.withUnsafeBytes { raw in
            catchingJSON { () throws(JSONTape.Failure) in try JSONTape(parsing: raw, maxDepth: 64) }
        }
        guard case .failure(let failure) = result else {
            Issue.record("accepted Latin-1")
            return
        }
        #expect(failure.notUTF8)
        #expect(failure.offset == 13)
    }
}
