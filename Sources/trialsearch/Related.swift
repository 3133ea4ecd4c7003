import ArgumentParser
import TrialSearchCore
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch related ID`, `related --file PATH`, `related --ids FILE`.
    struct Related: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the trials most like a trial.",
            discussion: """
                More-like-this: the source record's (an indexed trial's, or
                --file's) most characteristic terms are searched, each boosted by
                its score / the best score. A term's source frequency is counted
                over the title, conditions, keywords, MeSH terms and eligibility
                criteria (weight 1) and intervention names (0.5); terms in fewer
                than 2 trials or in more than a fifth of them are dropped; the
                rest are ranked by frequency · (1 + ln(N / (docFreq + 1))) and
                the best 33 kept, less those in more than 12 % of the trials
                that score below half the best; they are searched with BM25F
                (k1 = 8) over the text fields. The source trial itself is never
                returned.

                A hit that is likely the same trial registered twice (under two
                ids or in two registries) is marked "possible duplicate
                registration" with the evidence: an id one record lists among the
                other's secondary ids, or near-identical title and summary
                (Jaccard similarity of word 3-shingles ≥ 0.8).

                --ids FILE runs a batch, one trial id per line; the qid of each
                ranking is the source id. --timings FILE writes
                "qid<TAB>microseconds" per source, measured around reading the
                source record, selecting its terms, searching and collecting (not
                printing).

                EXIT STATUS
                0 hits printed (a batch: every source ran); 1 no trial like the
                source; 4 the --file record or the --ids file could not be read;
                5 the index is missing or damaged; 6 no such trial in the index;
                64 bad command-line usage.
                """)

        @Argument(help: "The id of an indexed trial (e.g. NCT05308342).")
        var id: String?

        @Option(help: ArgumentHelp(
            "A record that need not be in the index, in any format trialsearch reads (registry XML or JSON, an ICTRP export, a trial-page text dump, plain text); its first record.",
            valueName: "path"))
        var file: String?

        @Option(help: ArgumentHelp("A batch: one trial id per line.", valueName: "file"))
        var ids: String?

        @Option(help: ArgumentHelp("With --ids: write \"qid<TAB>microseconds\" per source to this file.", valueName: "file"))
        var timings: String?

        @OptionGroup var indexOptions: IndexOptions
        @OptionGroup var filters: FilterOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            let given = [id != nil, file != nil, ids != nil].filter { $0 }.count
            if given == 0 { throw ValidationError("give a trial id, --file PATH or --ids FILE") }
            if given > 1 { throw ValidationError("give only one of a trial id, --file PATH and --ids FILE") }
            if timings != nil && ids == nil { throw ValidationError("--timings needs --ids") }
            if let id, TrialID(id) == nil { throw ValidationError("empty trial id") }
        }

        func run() throws {
            let engine = try Session.openEngine(indexOptions, similarity: output.resolvedSimilarity())
            let printer = ResultPrinter(engine: engine, format: Session.format(output))
            let options = SearchOptions(limit: output.limit, filter: try filters.filter(), explain: output.explain)
            if let file {
                let source = try Session.run { try RecordFile.read(file) }
                let result = try Session.run { try engine.related(to: source, options: options) }
                Session.emit(try printer.text(qid: nil, hits: result.hits, terms: result.query.terms.asSet, source: result.source))
                if result.hits.isEmpty { throw ExitCode(ExitStatus.noMatch.rawValue) }
                return
            }
            if let id, let trialID = TrialID(id) {
                let result = try Session.run { try engine.related(to: trialID, options: options) }
                let source = try Session.run { try printedSource(result, engine: engine, printer: printer) }
                Session.emit(try printer.text(qid: nil, hits: result.hits, terms: result.query.terms.asSet, source: source))
                if result.hits.isEmpty { throw ExitCode(ExitStatus.noMatch.rawValue) }
                return
            }
            guard let ids else { return }
            let sources = try Session.run { try BatchInput.ids(path: ids) }
            var clock = Timings()
            for source in sources {
                guard let trialID = TrialID(source) else { continue }
                let result = try Session.run { try clock.measure(source) { try engine.related(to: trialID, options: options) } }
                let whole = try Session.run { try printedSource(result, engine: engine, printer: printer) }
                Session.emit(try printer.text(qid: source, hits: result.hits, terms: result.query.terms.asSet, source: whole))
            }
            if let timings { try Session.run { try clock.write(to: timings) } }
        }

        /// The source record the printer compares the hits with (duplicate evidence): the whole record, read
        /// again when the query read only part of it; none for TREC lines, which print no evidence.
        private func printedSource(_ result: RelatedResult, engine: SearchEngine, printer: ResultPrinter) throws -> Trial? {
            if case .trec = printer.format { return nil }
            return try engine.wholeSource(of: result)
        }
    }
}

extension Array where Element == String {
    var asSet: Set<String> { Set(self) }
}
