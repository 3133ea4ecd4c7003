import Testing
@testable import TrialIngest

/// The splitter always terminates and always moves forward, whatever it is given: every prefix of a
/// real JSON array and ICTRP export, and garbage.
@Suite struct RecordSplitterTests {
    private func split(_ bytes: [UInt8], _ grammar: RecordSplitter.Grammar, maxRecordBytes: Int = 1 << 20)
        -> [Result<SplitRecord, IngestError>] {
        var splitter = RecordSplitter(.bytes(bytes), grammar: grammar, location: IngestLocation(file: "x"),
                                      maxRecordBytes: maxRecordBytes)
        var results: [Result<SplitRecord, IngestError>] = []
        while let next = splitter.next() {
            results.append(next)
            if results.count > bytes.count + 2 {
                Issue.record("no progress")
                break
            }
        }
        return results
    }

    @Test func everyPrefixOfAJSONArrayTerminates() throws {
        let bytes = try Fixtures.bytes("ctgov-json/ctg-studies.json")
        var complete = 0
        for length in stride(from: 0, through: bytes.count, by: 97) {
            let results = split(Array(bytes.prefix(length)), .json)
            #expect(results.count <= 4)
            complete = max(complete, results.filter { if case .success = $0 { return true } else { return false } }.count)
        }
        #expect(split(bytes, .json).count == 3)
        #expect(complete == 3)
    }

    @Test func everyPrefixOfAnICTRPExportTerminates() throws {
        let bytes = try Fixtures.bytes(ICTRPExportTests.part)
        for length in stride(from: 0, through: bytes.count, by: 211) {
            #expect(split(Array(bytes.prefix(length)), .ictrp).count <= 8)
        }
        let all = split(bytes, .ictrp)
        #expect(all.count == 8)
        // Records start at their <Trial> line; the file's lines count CR, LF and CRLF as XML does.
        if case .success(let first) = all[0] {
            #expect(first.line == 2)
            #expect(first.index == 1)
            #expect(first.bytes.starts(with: Array("<Trial>".utf8)))
        }
    }

    @Test func garbageTerminates() {
        for text in ["]]]]", ",,,,", "}}}}", "{{{{", "[[[[", "\"\"\"", "[1,2,,3]", "[,]", "1 2 3", "<Trial><Trial>", "</Trial>"] {
            for grammar in [RecordSplitter.Grammar.json, .ictrp] {
                _ = split(Array(text.utf8), grammar)
            }
        }
    }

    @Test func oversizedJSONRecordIsSkipped() throws {
        let bytes = Array("[{\"a\": \"\(String(repeating: "x", count: 500))\"}, {\"b\": 1}]".utf8)
        let results = split(bytes, .json, maxRecordBytes: 100)
        #expect(results.count == 2)
        guard case .failure(.tooLarge(let location, _, _, 100)) = results[0], case .success(let second) = results[1] else {
            Issue.record("\(results)")
            return
        }
        #expect(location.record == 1)
        #expect(second.index == 2)
        #expect(second.bytes == Array("{\"b\": 1}".utf8))
    }

    /// A file is read through a window of `ByteWindow.step` bytes: records whose strings are all escapes
    /// (`\"` pairs) put a backslash on the last byte of a window at one of the two offsets, and a
    /// quote that does not end the string on the first byte of the next; every record is still cut
    /// out whole and in order.
    @Test func escapesAcrossWindowBoundariesOfAFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let pairs = ByteWindow.step / 2 + 10
        for shift in 0..<2 {
            var lines = String(repeating: " ", count: shift)
            lines += #"{"id":"NCT1","briefTitle":"a"}"# + "\n"
            lines += #"{"id":"NCT2","briefTitle":""# + String(repeating: #"\""#, count: pairs) + #""}"# + "\n"
            lines += #"{"id":"NCT3","briefTitle":"[{\\"}"# + "\n"
            let path = folder + "/escapes\(shift).jsonl"
            try Fixtures.write(Array(lines.utf8), to: path)
            let (trials, errors, _) = try readAll([path])
            #expect(errors.isEmpty, "\(errors)")
            #expect(trials.map(\.id.rawValue) == ["NCT1", "NCT2", "NCT3"])
            #expect(trials.count == 3 && trials[1].briefTitle == String(repeating: "\"", count: pairs))
            #expect(trials.count == 3 && trials[2].briefTitle == "[{\\")
        }
    }
}
