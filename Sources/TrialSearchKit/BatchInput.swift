#if canImport(Glibc)
import Glibc
#endif

/// The inputs of batch runs: topic files (`search --topics`) and id lists (`related --ids`).
public enum BatchInput {
    /// A topics file: one query per line, `qid<TAB>query text`; blank lines skipped.
    /// - Throws: `EngineError.badBatchFile` naming the line that has no tab or no text.
    public static func topics(path: String) throws -> [(qid: String, text: String)] {
        var topics: [(String, String)] = []
        for (n, line) in try lines(path).enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let tab = line.firstIndex(of: "\t") else {
                throw EngineError.badBatchFile(path: path, line: n + 1, expected: "qid<TAB>query text", found: String(line.prefix(60)))
            }
            let qid = String(line[..<tab]).trimmed
            let text = String(line[line.index(after: tab)...]).trimmed
            guard !qid.isEmpty, !text.isEmpty else {
                throw EngineError.badBatchFile(path: path, line: n + 1, expected: "a qid and a query text", found: String(line.prefix(60)))
            }
            topics.append((qid, text))
        }
        return topics
    }

    /// An id list: one trial id per line; blank lines and lines starting with `#` skipped.
    public static func ids(path: String) throws -> [String] {
        try lines(path).map(\.trimmed).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The file's lines (LF, CRLF or CR line ends).
    static func lines(_ path: String) throws -> [Substring] {
        try readFile(path).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The whole file as UTF-8 text (invalid bytes replaced).
    public static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else {
            throw EngineError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count {
                if ferror(file) != 0 { throw EngineError.unreadableFile(path: path, reason: "read error") }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Per-query latencies of a batch (`--timings FILE`): `qid<TAB>microseconds` lines.
public struct Timings {
    public private(set) var lines: [String] = []

    public init() {}

    /// Runs `body`, records its duration under `qid`, and returns its result.
    public mutating func measure<T>(_ qid: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        let micros = Double(seconds) * 1_000_000 + Double(attoseconds) / 1_000_000_000_000
        lines.append("\(qid)\t\((micros * 10).rounded() / 10)")
        return result
    }

    /// Writes the lines to `path`.
    public func write(to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw EngineError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        let text = lines.map { $0 + "\n" }.joined()
        let written = text.utf8.withContiguousStorageIfAvailable { fwrite($0.baseAddress, 1, $0.count, file) } ?? 0
        guard written == text.utf8.count else { throw EngineError.unreadableFile(path: path, reason: "write failed") }
    }
}

extension StringProtocol {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
