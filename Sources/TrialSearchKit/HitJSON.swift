import TrialSearchCore

/// The JSON Lines form of a hit (`--json`): one object per hit, keys in this order (absent values
/// omitted):
///
///     qid (in batches) rank id score title status phase conditions registry url
///     possibleDuplicate{evidence[…]} (related trials) explanation{value description combination details[…]}
///
/// `phase` is the record's phases joined by "/" ("Phase 1/Phase 2"); `conditions` an array;
/// `url` the registry's page (ClinicalTrials.gov for NCT ids, else the WHO ICTRP trial page);
/// `explanation` (with `--explain`) is the score's tree, each node with its `value`, `description`, how
/// it combines its children (`sum`, `product`, `max`, `formula`) and `details`.
/// Example: `{"rank":1,"id":"NCT01742533","score":14.21,"title":"…","status":"Unknown status",
/// "phase":"Phase 1/Phase 2","conditions":["Premature Ovarian Failure"],"registry":"ClinicalTrials.gov",
/// "url":"https://clinicaltrials.gov/study/NCT01742533"}`
public enum HitJSON {
    public static func line(_ display: HitDisplay, qid: String? = nil) -> String {
        var out = JSONText()
        out.begin()
        if let qid { out.field("qid", qid) }
        out.key("rank")
        out.raw(String(display.rank))
        out.field("id", display.trial.id.rawValue)
        out.key("score")
        out.raw(String(display.hit.score))
        out.field("title", display.trial.displayTitle)
        out.field("status", display.trial.overallStatus)
        out.field("phase", display.phase)
        out.key("conditions")
        out.array(display.trial.conditions)
        out.field("registry", display.trial.registry)
        if let url = display.url { out.field("url", url) }
        if let duplicate = display.duplicate {
            out.key("possibleDuplicate")
            out.begin()
            out.key("evidence")
            out.array(duplicate.evidence.map(\.description))
            for evidence in duplicate.evidence {
                switch evidence {
                case let .sharedID(id): out.field("sharedId", id)
                case let .nearIdenticalText(similarity):
                    out.key("textSimilarity")
                    out.raw(Explanation.format(Float(similarity)))
                }
            }
            out.end()
        }
        if let explanation = display.hit.explanation {
            out.key("explanation")
            write(explanation, to: &out)
        }
        out.end()
        return out.text
    }

    static func write(_ e: Explanation, to out: inout JSONText) {
        out.begin()
        out.key("value")
        out.raw(e.value.isFinite ? String(e.value) : "0")
        out.field("description", e.description)
        out.field("combination", e.combination.rawValue)
        if !e.details.isEmpty {
            out.key("details")
            out.text += "["
            for (i, child) in e.details.enumerated() {
                if i > 0 { out.text += "," }
                out.needsComma = false
                write(child, to: &out)
            }
            out.text += "]"
            out.needsComma = true
        }
        out.end()
    }
}

/// A minimal compact JSON builder for hit lines (keys in the caller's order, strings escaped per
/// RFC 8259).
struct JSONText {
    var text = ""
    var needsComma = false

    mutating func begin() {
        if needsComma { text += "," }
        text += "{"
        needsComma = false
    }

    mutating func end() {
        text += "}"
        needsComma = true
    }

    mutating func key(_ name: String) {
        if needsComma { text += "," }
        text += "\"\(name)\":"
        needsComma = false
    }

    mutating func raw(_ value: String) {
        text += value
        needsComma = true
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func array(_ values: [String]) {
        text += "["
        for (i, v) in values.enumerated() {
            if i > 0 { text += "," }
            needsComma = false
            string(v)
        }
        text += "]"
        needsComma = true
    }
}
