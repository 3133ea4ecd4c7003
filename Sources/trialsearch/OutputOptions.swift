import ArgumentParser
import TrialSearchCore

/// How hits are printed, shared by `search` and `related`.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, json, trec
    }

    @Option(help: "Number of hits (per query in a batch).")
    var limit = 10

    @Flag(help: "JSON Lines: one object per hit (same as --format json).")
    var json = false

    @Option(help: ArgumentHelp("Output format: human, json (JSON Lines) or trec (qid Q0 id rank score tag).",
                               valueName: "format"))
    var format: Format?

    @Option(name: .customLong("run-tag"), help: "The run tag of --format trec lines.")
    var runTag = "trialsearch"

    @Flag(help: "Explain each hit's score as a tree of factors (idf, termFreq per field, field length, weight, k1, b).")
    var explain = false

    @Option(help: ArgumentHelp("Scoring: bm25f (default) or tfidf (classic TF-IDF cosine).", valueName: "name"))
    var similarity = "bm25f"

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
        if json, let format, format != .json { throw ValidationError("--json conflicts with --format \(format.rawValue)") }
        _ = try resolvedSimilarity()
    }

    var resolvedFormat: Format { json ? .json : format ?? .human }

    func resolvedSimilarity() throws -> Similarity {
        switch similarity.lowercased() {
        case "bm25f", "bm25": return .default
        case "tfidf", "tf-idf": return .tfidf(TFIDFParameters())
        default: throw ValidationError("unknown similarity '\(similarity)': use bm25f or tfidf")
        }
    }
}

/// The index folder option shared by every command that reads an index.
struct IndexOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The index folder (default: $TRIALSEARCH_INDEX, else ./Index).", valueName: "dir"))
    var index: String?
}
