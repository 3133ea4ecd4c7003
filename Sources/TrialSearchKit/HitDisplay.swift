import TrialSearchCore

/// What is shown of one hit: its rank, score and the stored record's display fields, and for related
/// trials the evidence of a duplicate registration.
public struct HitDisplay: Sendable {
    public var rank: Int
    public var hit: Hit
    public var trial: Trial
    public var snippet: Snippet?
    public var duplicate: DuplicateRegistration?

    public init(rank: Int, hit: Hit, trial: Trial, snippet: Snippet? = nil, duplicate: DuplicateRegistration? = nil) {
        self.rank = rank
        self.hit = hit
        self.trial = trial
        self.snippet = snippet
        self.duplicate = duplicate
    }

    /// "Phase 1/Phase 2", or "" when the record gives none.
    public var phase: String { trial.phases.joined(separator: "/") }

    /// The registry's public page: ClinicalTrials.gov's for NCT ids, else the ICTRP trial page for ids
    /// the WHO portal knows (every other registry's), nil when the id has no known registry.
    public var url: String? { Self.url(for: trial) }

    public static func url(for trial: Trial) -> String? {
        let id = trial.id.rawValue
        if id.hasPrefix("NCT") { return "https://clinicaltrials.gov/study/\(id)" }
        let registry = trial.id.impliedRegistry ?? (trial.registry.isEmpty ? nil : trial.registry)
        guard registry != nil else { return nil }
        let escaped = id.unicodeScalars.map { s -> String in
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "." ? String(s)
                : String(s.value, radix: 16).uppercased().withPercent
        }.joined()
        return "https://trialsearch.who.int/Trial2.aspx?TrialID=\(escaped)"
    }
}

extension String {
    fileprivate var withPercent: String { count == 1 ? "%0" + self : "%" + self }
}

/// Prints hits for people: one block per hit (rank, id, score, status, phase; title; conditions; a
/// snippet with the matched words in bold when `bold` is set, i.e. on a terminal), then the explanation
/// tree when there is one.
public enum HumanFormat {
    public static let boldOn = "\u{1B}[1m"
    public static let boldOff = "\u{1B}[0m"

    public static func format(_ display: HitDisplay, bold: Bool) -> String {
        let t = display.trial
        var head = "\(display.rank). \(t.id)  \(Explanation.format(display.hit.score))"
        let status = [t.overallStatus, display.phase].filter { !$0.isEmpty }.joined(separator: " · ")
        if !status.isEmpty { head += "  \(status)" }
        var lines = [bold ? boldOn + head + boldOff : head]
        lines.append("   " + t.displayTitle.replacingLineBreaks())
        if !t.conditions.isEmpty { lines.append("   Conditions: " + t.conditions.joined(separator: "; ").replacingLineBreaks()) }
        if let snippet = display.snippet {
            lines.append("   " + (bold ? snippet.rendered(open: boldOn, close: boldOff) : snippet.plainText))
        }
        if let duplicate = display.duplicate {
            lines.append("   possible duplicate registration: " + duplicate.evidence.map(\.description).joined(separator: "; "))
        }
        if let explanation = display.hit.explanation {
            lines.append(explanation.render(indent: 2))
        }
        return lines.joined(separator: "\n")
    }
}

/// Prints TREC run lines: `qid Q0 id rank score tag`.
public enum TRECFormat {
    public static func line(qid: String, hit: Hit, rank: Int, tag: String) -> String {
        "\(qid) Q0 \(hit.id) \(rank) \(hit.score) \(tag)"
    }

    /// A ranking's lines (`line`, ranks from 1), each followed by a line break, in one string.
    ///
    /// The pieces are written straight into it, with no string per line: a batch run at top 1,000 made
    /// and freed a thousand line strings (and their interpolation buffers) a query, whose chunks glibc
    /// left in its fast bins and then merged (`malloc_consolidate`) at the next query's first large
    /// allocation, the deep collector's buffer: about 31 K instructions charged to each query's timed
    /// search (BENCHMARKS.md, `kw19`).
    public static func lines(qid: String, hits: [Hit], tag: String) -> String {
        var text = ""
        text.reserveCapacity(hits.count * (qid.utf8.count + tag.utf8.count + 40))
        for (i, hit) in hits.enumerated() {
            text.append(qid)
            text.append(" Q0 ")
            text.append(hit.id.rawValue)
            text.append(" ")
            text.append(String(i + 1))
            text.append(" ")
            hit.score.write(to: &text)
            text.append(" ")
            text.append(tag)
            text.append("\n")
        }
        return text
    }
}

extension String {
    /// Line breaks and tabs as spaces, runs of spaces as one.
    func replacingLineBreaks() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var lastSpace = false
        for c in self {
            let space = c == "\n" || c == "\r\n" || c == "\r" || c == "\t" || c == " "
            if space {
                if !lastSpace { out.append(" ") }
            } else {
                out.append(c)
            }
            lastSpace = space
        }
        return out
    }
}
