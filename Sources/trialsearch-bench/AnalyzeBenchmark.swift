import Foundation
import TrialSearchCore

/// `trialsearch-bench analyze [--repeat N] [--no-cache] [--checksum] [--field NAME] PATH...`: analysis throughput.
///
/// Reads the files (folders recursively); `.xml` files are reduced to their text nodes (tags dropped,
/// entities decoded) before timing, so that the figure is analysis alone. Each document is analyzed with
/// one `Analyzer.analyze(bytes:)` call, as the indexer does per field value. Prints MB/s and tokens/s of
/// the fastest of N passes (the first pass warms the stem cache, as a long indexing run does) and of the
/// first pass; `--checksum` adds a checksum of all tokens (to check that an optimization changes no
/// output).
///
/// `trialsearch-bench tokens [--field NAME] TEXT`: prints the tokens of TEXT, one per line.
enum AnalyzeBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        var repeats = 5
        var usesCache = true
        var printsChecksum = false
        var field = Field.description
        var paths: [String] = []
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--repeat":
                guard let value = iterator.next().flatMap({ Int($0) }), value > 0 else { return usage() }
                repeats = value
            case "--no-cache":
                usesCache = false
            case "--checksum":
                printsChecksum = true
            case "--field":
                guard let value = iterator.next().flatMap({ Field(name: $0) }) else { return usage() }
                field = value
            default:
                paths.append(argument)
            }
        }
        guard !paths.isEmpty else { return usage() }
        let documents = loadDocuments(paths)
        let bytes = documents.reduce(0) { $0 + $1.count }
        print("analyze: \(documents.count) documents, \(bytes) bytes of text, field \(field), "
              + "stem cache \(usesCache ? "on" : "off")")
        let analyzer = usesCache ? Analyzer() : Analyzer.withoutStemCache()
        let clock = ContinuousClock()
        var times: [Duration] = []
        var tokens = 0
        for _ in 0..<repeats {
            tokens = 0
            let start = clock.now
            for document in documents {
                document.withUnsafeBufferPointer { buffer in
                    _ = analyzer.analyze(bytes: buffer, field: field) { _ in tokens &+= 1 }
                }
            }
            times.append(clock.now - start)
        }
        let best = times.min() ?? .zero
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        func line(_ label: String, _ d: Duration) -> String {
            let s = seconds(d)
            return String(format: "%@: %.3f s, %.1f MB/s, %.2f M tokens/s", label, s,
                          Double(bytes) / s / 1e6, Double(tokens) / s / 1e6)
        }
        // A checksum of every token of the last pass (term, position, offsets, kind), so that an
        // optimization can be checked to change no output.
        var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
        for document in documents where printsChecksum {
            document.withUnsafeBufferPointer { buffer in
                _ = analyzer.analyze(bytes: buffer, field: field) { token in
                    for byte in token.term { checksum = (checksum ^ UInt64(byte)) &* 0x100_0000_01b3 }
                    for value in [token.position, token.startOffset, token.endOffset, Int32(token.kind.rawValue)] {
                        checksum = (checksum ^ UInt64(UInt32(bitPattern: value))) &* 0x100_0000_01b3
                    }
                }
            }
        }
        if printsChecksum { print("token checksum: \(String(checksum, radix: 16))") }
        print("tokens per pass: \(tokens); stem cache: \(analyzer.stemCacheStatistics.words) words, "
              + "\(analyzer.stemCacheStatistics.resets) resets")
        print(line("first pass", times[0]))
        print(line("best of \(repeats)", best))
        return 0
    }

    static func printTokens(_ arguments: [String]) -> Int32 {
        var field = Field.description
        var words: [String] = []
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--field", let value = iterator.next().flatMap({ Field(name: $0) }) {
                field = value
            } else {
                words.append(argument)
            }
        }
        let text = words.joined(separator: " ")
        let utf8 = Array(text.utf8)
        for token in Analyzer().tokens(text, field: field) {
            let source = String(decoding: utf8[Int(token.startOffset)..<Int(token.endOffset)], as: UTF8.self)
            print("\(token.position)\t\(token.term)\t\(token.kind)\t\(token.startOffset)..<\(token.endOffset)\t\(source)")
        }
        return 0
    }

    private static func usage() -> Int32 {
        print("usage: trialsearch-bench analyze [--repeat N] [--no-cache] [--checksum] [--field NAME] PATH...")
        return 2
    }

    /// The documents under `paths`: each file's bytes, `.xml` files reduced to their text.
    static func loadDocuments(_ paths: [String]) -> [[UInt8]] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                print("analyze: no such file: \(path)")
                continue
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                while let relative = enumerator?.nextObject() as? String {
                    if relative.hasSuffix(".xml") || relative.hasSuffix(".txt") { files.append(path + "/" + relative) }
                }
            } else {
                files.append(path)
            }
        }
        files.sort()
        return files.compactMap { file in
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            let bytes = [UInt8](data)
            return file.hasSuffix(".xml") ? XMLText.extract(bytes) : bytes
        }
    }
}

/// The text nodes of an XML document, concatenated with newlines, entities decoded, runs of white
/// space collapsed to one (for benchmarks;
/// the real XML reader is TrialIngest's).
enum XMLText {
    static func extract(_ xml: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(xml.count)
        var i = 0
        let n = xml.count
        while i < n {
            let b = xml[i]
            if b == UInt8(ascii: "<") {
                while i < n && xml[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
                if out.last != 10 { out.append(10) }
            } else if b == UInt8(ascii: "&") {
                var j = i + 1
                while j < n && j - i < 10 && xml[j] != UInt8(ascii: ";") { j += 1 }
                let entity = String(decoding: xml[(i + 1)..<min(j, n)], as: UTF8.self)
                switch entity {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    if entity.hasPrefix("#x"), let value = UInt32(entity.dropFirst(2), radix: 16),
                       let scalar = Unicode.Scalar(value) {
                        if value != 13 { out.append(contentsOf: Array(String(Character(scalar)).utf8)) }
                    } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()),
                              let scalar = Unicode.Scalar(value) {
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    }
                }
                i = j + 1
            } else if b == 32 || b == 9 || b == 10 || b == 13 {
                // Collapse white space, as the ingestion layer does (no indentation in Trial text).
                if let last = out.last, last != 32 && last != 10 { out.append(b == 32 || b == 9 ? 32 : 10) }
                i += 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }
}
