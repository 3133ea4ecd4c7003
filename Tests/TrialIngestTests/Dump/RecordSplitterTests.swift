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

    /// A JSON splitter counts lines only when an error needs one, reading again from the source what
    /// its window has dropped: errors after thousands of good records (well past a window step, with
    /// LF, CRLF and lone CR line ends) still name the right line, from a file and from memory.
    @Test func errorsAfterManyGoodRecordsNameTheirLine() throws {
        let ends = ["\n", "\r\n", "\r"]
        var text = ""
        var line = 1
        var expected: [(record: Int, line: Int)] = []
        func add(_ record: String, _ k: Int) {
            text += record + ends[k % 3]
            line += 1
        }
        let filler = String(repeating: "x", count: 1_000)
        for k in 0..<2_500 { add(#"{"id":"NCT\#(k)","t":"\#(filler)"}"#, k) }
        expected.append((2_501, line))
        let big = #"{"id":"big","t":""# + String(repeating: "y", count: 5_000) + #""}"#
        add(big, 0)
        text += "\n"  // a blank line
        line += 1
        for k in 0..<500 { add(#"{"id":"NCU\#(k)","t":"\#(filler)"}"#, k) }
        expected.append((3_002, line))
        text += #"{"id":"cut","t":"abc"#
        let bytes = Array(text.utf8)
        #expect(bytes.count > 2 * ByteWindow.step)

        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        let path = folder + "/many.jsonl"
        try Fixtures.write(bytes, to: path)
        let sources: [ByteWindow.Source] = [.file(try InputFile(path: path)), .bytes(bytes)]
        for source in sources {
            var splitter = RecordSplitter(source, grammar: .json, location: IngestLocation(file: path),
                                          maxRecordBytes: 2_000)
            var good = 0
            var errors: [IngestError] = []
            while let next = splitter.next() {
                switch next {
                case .success(let record):
                    good += 1
                    #expect(record.line == nil)
                case .failure(let error): errors.append(error)
                }
            }
            #expect(good == 3_000)
            guard errors.count == 2, case .tooLarge(let tooLarge, _, big.utf8.count, 2_000) = errors[0],
                  case .malformedJSON(let cut, _, let message) = errors[1] else {
                Issue.record("\(errors)")
                continue
            }
            #expect(tooLarge.file == path && tooLarge.record == expected[0].record && tooLarge.line == expected[0].line)
            #expect(cut.file == path && cut.record == expected[1].record && cut.line == expected[1].line)
            #expect(message == "the input ends inside this record")
            #expect("\(errors[0])".hasPrefix("\(path): record 2501: line 2501: record is \(big.utf8.count) bytes"))
        }
    }
}
