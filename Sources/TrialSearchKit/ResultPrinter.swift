import TrialSearchCore

/// How results are printed.
public enum OutputFormat: Sendable, Equatable {
    /// For people; matched words in bold when `bold` (standard output is a terminal).
    case human(bold: Bool)
    /// JSON Lines (`HitJSON`).
    case json
    /// TREC run lines with this tag.
    case trec(tag: String)
}

/// Turns hits into output lines: loads each hit's stored record (not for TREC lines), makes its snippet
/// and, for related trials, checks it against the source for a duplicate registration.
public struct ResultPrinter {
    public let engine: SearchEngine
    public let format: OutputFormat

    public init(engine: SearchEngine, format: OutputFormat) {
        self.engine = engine
        self.format = format
    }

    /// The output for one ranking: `lines`, each followed by a line break, as one string (TREC lines
    /// written straight into it: `TRECFormat.lines`).
    public func text(qid: String?, hits: [Hit], terms: Set<String>, source: Trial? = nil) throws -> String {
        if case let .trec(tag) = format { return TRECFormat.lines(qid: qid ?? "1", hits: hits, tag: tag) }
        var text = ""
        for line in try lines(qid: qid, hits: hits, terms: terms, source: source) {
            text.append(line)
            text.append("\n")
        }
        return text
    }

    /// The lines for one ranking. `qid` names the query in a batch; `terms` are the analyzed query
    /// terms to mark in snippets; `source` is the record of a related-trials request.
    public func lines(qid: String?, hits: [Hit], terms: Set<String>, source: Trial? = nil) throws -> [String] {
        if case let .trec(tag) = format {
            return hits.enumerated().map { TRECFormat.line(qid: qid ?? "1", hit: $1, rank: $0 + 1, tag: tag) }
        }
        var lines: [String] = []
        if case .human = format, let qid { lines.append("[\(qid)]") }
        if hits.isEmpty, case .human = format {
            lines.append(source.map { "No trials like \($0.id) found." } ?? "No trials matched.")
            return lines
        }
        // The source's shingles once for all its hits.
        let reference = source.map { engine.duplicateReference($0) }
        for (i, hit) in hits.enumerated() {
            let trial = try engine.trial(for: hit)
            var display = HitDisplay(rank: i + 1, hit: hit, trial: trial)
            if let reference { display.duplicate = engine.duplicate(reference, trial) }
            switch format {
            case let .human(bold):
                display.snippet = engine.snippet(trial, terms: terms)
                lines.append(HumanFormat.format(display, bold: bold))
            case .json:
                lines.append(HitJSON.line(display, qid: qid))
            case .trec:
                break
            }
        }
        return lines
    }
}
