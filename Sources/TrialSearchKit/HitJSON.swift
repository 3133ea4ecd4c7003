import TrialSearchCore

/// The JSON Lines form of a hit (`--json`): one compact object per hit, keys in this order:
///
///     qid (in batches) rank id score title status phase conditions registry url
///     possibleDuplicate{evidence[…] sharedId textSimilarity} (related trials, when there is evidence)
///     explanation{value description combination details[…]} (with --explain)
///
/// `rank`, `id`, `score`, `title`, `status`, `phase`, `conditions` and `registry` are always present
/// (`status`, `phase` and `registry` may be ""); `phase` is the record's phases joined by "/"
/// ("Phase 1/Phase 2"); `conditions` an array; `url` the registry's page (ClinicalTrials.gov's for NCT
/// ids, else the WHO ICTRP trial page), absent when the id's registry is unknown. `score` and the
/// explanation's values are the `Float`s the engine computed, written in their shortest form. Each
/// explanation node has its `value`, `description`, how it combines its `details` (`sum`, `product`,
/// `max`, or `formula`: the description says), and `details` when it has children.
/// Example: `{"rank":1,"id":"NCT01742533","score":14.21,"title":"…","status":"Unknown status",
/// "phase":"Phase 1/Phase 2","conditions":["Premature Ovarian Failure"],"registry":"ClinicalTrials.gov",
/// "url":"https://clinicaltrials.gov/study/NCT01742533"}`
public enum HitJSON {
    public static func line(_ display: HitDisplay, qid: String? = nil) -> String {
        var out = JSONWriter(capacity: 512)
        out.beginObject()
        if let qid {
            out.key("qid")
            out.string(qid)
        }
        out.key("rank")
        out.integer(display.rank)
        out.key("id")
        out.string(display.trial.id.rawValue)
        out.key("score")
        out.number(shortest(display.hit.score))
        out.key("title")
        out.string(display.trial.displayTitle)
        out.key("status")
        out.string(display.trial.overallStatus)
        out.key("phase")
        out.string(display.phase)
        out.key("conditions")
        out.beginArray()
        for condition in display.trial.conditions { out.string(condition) }
        out.endArray()
        out.key("registry")
        out.string(display.trial.registry)
        if let url = display.url {
            out.key("url")
            out.string(url)
        }
        if let duplicate = display.duplicate {
            out.key("possibleDuplicate")
            out.beginObject()
            out.field("evidence", duplicate.evidence.map(\.description))
            for evidence in duplicate.evidence {
                switch evidence {
                case let .sharedID(id):
                    out.field("sharedId", id)
                case let .nearIdenticalText(similarity):
                    out.key("textSimilarity")
                    out.number((similarity * 10_000).rounded() / 10_000)
                }
            }
            out.endObject()
        }
        if let explanation = display.hit.explanation {
            out.key("explanation")
            write(explanation, to: &out)
        }
        out.endObject()
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func write(_ e: Explanation, to out: inout JSONWriter) {
        out.beginObject()
        out.key("value")
        out.number(e.value.isFinite ? shortest(e.value) : 0)
        out.field("description", e.description)
        out.field("combination", e.combination.rawValue)
        if !e.details.isEmpty {
            out.key("details")
            out.beginArray()
            for child in e.details { write(child, to: &out) }
            out.endArray()
        }
        out.endObject()
    }

    /// The `Double` whose shortest decimal form is the `Float`'s (`4.3238444`, not `4.323844432830811`).
    static func shortest(_ value: Float) -> Double {
        Double(String(value)) ?? Double(value)
    }
}
