#if canImport(Glibc)
import Glibc
#endif
import TrialSearchCore

/// `trialsearch stats`: what an index holds, as text or as one JSON object.
public struct StatsReport: Sendable {
    public let directory: String
    public let statistics: IndexStatistics

    /// Reads the statistics of the index in `directory` (any analyzer: stats do not analyze text).
    public init(directory: String) throws {
        self.directory = directory
        statistics = try IndexStatistics(reader: IndexReader.open(directory: directory, analyzer: nil))
    }

    /// Human-readable lines.
    public var text: String {
        let s = statistics
        var lines: [String] = []
        lines.append("index: \(directory)")
        lines.append("trials: \(s.trials)" + (s.docs > s.trials ? " (\(s.docs - s.trials) deleted docs awaiting merge)" : ""))
        lines.append("registries: " + s.registries.map { "\($0.name) \($0.trials)" }.joined(separator: ", "))
        lines.append("terms: \(s.terms)")
        lines.append("segments: \(s.segments)")
        lines.append("size: \(Self.megabytes(s.bytes)) (" + s.bytesByKind.map { "\($0.kind) \(Self.megabytes($0.bytes))" }.joined(separator: ", ") + ")")
        lines.append("analyzer: \(s.analyzerFingerprint)")
        lines.append("last commit: \(Self.isoTime(s.commitTime)) (generation \(s.generation))")
        return lines.joined(separator: "\n")
    }

    /// One JSON object: `trials`, `docs`, `registries` (name → trials), `terms`, `segments`, `bytes`,
    /// `bytesByKind` (file kind → bytes), `analyzer`, `lastCommit` (ISO 8601 UTC), `generation`.
    public var json: String {
        let s = statistics
        var fields: [String] = []
        fields.append("\"trials\":\(s.trials)")
        fields.append("\"docs\":\(s.docs)")
        fields.append("\"registries\":{" + s.registries.map { "\(Self.quote($0.name)):\($0.trials)" }.joined(separator: ",") + "}")
        fields.append("\"terms\":\(s.terms)")
        fields.append("\"segments\":\(s.segments)")
        fields.append("\"bytes\":\(s.bytes)")
        fields.append("\"bytesByKind\":{" + s.bytesByKind.map { "\(Self.quote($0.kind)):\($0.bytes)" }.joined(separator: ",") + "}")
        fields.append("\"analyzer\":\(Self.quote(s.analyzerFingerprint))")
        fields.append("\"lastCommit\":\(Self.quote(Self.isoTime(s.commitTime)))")
        fields.append("\"generation\":\(s.generation)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1_000_000
        return mb >= 10 ? "\(Int(mb.rounded())) MB" : "\(Double(Int(mb * 10)) / 10) MB"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    static func isoTime(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
