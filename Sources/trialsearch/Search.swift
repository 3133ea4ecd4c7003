import ArgumentParser
import TrialSearchCore
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch search QUERY` (also `trialsearch QUERY`), or a batch with `--topics FILE`.
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the index: ranked trials for a query.",
            discussion: """
                QUERY LANGUAGE (quote the query so the shell keeps it whole)
                  word          optional, ranked: more and rarer words rank higher
                  "a phrase"    the words next to each other, in this order
                  +word +"…"    required: every hit has it
                  -word -"…"    excluded: no hit has it
                  field:word    only in that field (also field:"a phrase",
                                +field:…, -field:…); the fields: title condition
                                keyword mesh intervention summary description
                                eligibility outcome sponsor location id
                Words are analyzed like the index: case, accents, plurals and word
                endings do not matter, and COVID-19 also matches "COVID 19". There
                are no AND/OR/NOT operators: AND and OR are stop words, NOT is the
                word "not".

                LONG QUERIES
                Text of 12 words or more (a patient's case notes, an abstract) is
                read as free text: no syntax; each distinct term once, without
                numbers, units, single letters, narrative words ("patient",
                "presented") and what the text negates ("denies fever"), the 60
                rarest kept, weighted up when the index uses it to name conditions
                and when the first sentence states it, scored over the text fields
                with a high k1; the patient's age and sex ("a 45-year-old man")
                re-weigh trials by their eligibility. --mode syntax or --mode text
                forces one reading.

                RANKING
                BM25F over all fields, conditions, titles and MeSH terms weighing
                most, or classic TF-IDF cosine (--similarity tfidf). Equal scores
                are ordered by trial id. --explain shows each score as a tree of
                factors.

                BATCHES
                --topics FILE reads one "qid<TAB>query text" per line and prints a
                ranking per qid (--format trec: "qid Q0 id rank score tag").
                --timings FILE writes "qid<TAB>microseconds" per query, measured
                around parsing, searching and collecting (not printing).

                EXIT STATUS
                0 hits printed (a batch: every query ran); 1 nothing matched;
                2 malformed query (the error points at it); 4 the topics file
                could not be read; 5 the index is missing, damaged or built by
                another analyzer; 64 bad command-line usage.
                """)

        @Argument(parsing: .allUnrecognized, help: "The query (see QUERY LANGUAGE).")
        var query: [String] = []

        @Option(help: ArgumentHelp("A batch of queries: one \"qid<TAB>query text\" per line.", valueName: "file"))
        var topics: String?

        @Option(help: ArgumentHelp("Query reading: auto (long text as free text), syntax, text.", valueName: "mode"))
        var mode: String = QueryMode.automatic.rawValue

        @Option(help: ArgumentHelp("With --topics: write \"qid<TAB>microseconds\" per query to this file.",
                                   valueName: "file"))
        var timings: String?

        @OptionGroup var indexOptions: IndexOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if topics == nil && query.isEmpty { throw ValidationError("give a query, or --topics FILE") }
            if topics != nil && !query.isEmpty { throw ValidationError("give either a query or --topics FILE, not both") }
            if timings != nil && topics == nil { throw ValidationError("--timings needs --topics") }
            if QueryMode(rawValue: mode.lowercased()) == nil { throw ValidationError("unknown --mode '\(mode)': use auto, syntax or text") }
            if let unknown = query.first(where: { $0.hasPrefix("--") }) {
                throw ValidationError("unknown option '\(unknown)' (quote a query that starts with --)")
            }
        }

        func run() throws {
            let engine = try Session.openEngine(indexOptions, similarity: output.resolvedSimilarity())
            let printer = ResultPrinter(engine: engine, format: Session.format(output))
            let options = SearchOptions(limit: output.limit, filter: try filters.filter(), explain: output.explain)
            let queryMode = QueryMode(rawValue: mode.lowercased()) ?? .automatic
            guard let topics else {
                let text = query.joined(separator: " ")
                let result = try Session.run { try engine.search(text, mode: queryMode, options: options) }
                Session.emit(try printer.text(qid: nil, hits: result.hits, terms: result.query.terms))
                if result.hits.isEmpty { throw ExitCode(ExitStatus.noMatch.rawValue) }
                return
            }
            let batch = try Session.run { try BatchInput.topics(path: topics) }
            var clock = Timings()
            for (qid, text) in batch {
                let result = try Session.run {
                    try clock.measure(qid) { try engine.search(text, mode: queryMode, options: options) }
                }
                Session.emit(try printer.text(qid: qid, hits: result.hits, terms: result.query.terms))
            }
            if let timings { try Session.run { try clock.write(to: timings) } }
        }
    }
}
