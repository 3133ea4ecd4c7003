import TrialSearchCore

/// An open index answering searches, related-trial requests and record look-ups: what `trialsearch
/// search`, `related` and `show` run.
///
/// A search goes through the stages of `RankingConfiguration`: parse (`QueryParser`, or free text in
/// long-query mode), rewrite (`WeightedQuery`; `LongQueryRewriter`; `MoreLikeThis`), retrieve
/// (`IndexSearcher`, pruned top-k) with the rescoring of long queries by the patient's profile
/// (`PatientPrior`). Each stage is a method here, so a caller (or a research harness) can run them
/// one at a time.
///
/// Not thread-safe (it owns an `Analyzer`): use one engine per thread; the index snapshot they open is
/// shared by the operating system's page cache.
public final class SearchEngine {
    public let directory: String
    public let reader: IndexReader
    /// Scores keyword queries (`RankingConfiguration.similarity`).
    public let searcher: IndexSearcher
    /// Scores long free-text queries (`RankingConfiguration.longQuerySimilarity`).
    public let longQuerySearcher: IndexSearcher
    /// Scores related-trials queries (`RankingConfiguration.relatedSimilarity`).
    public let relatedSearcher: IndexSearcher
    public let configuration: RankingConfiguration
    public let analyzer: Analyzer
    private let parser: QueryParser
    /// `LongQueryStopWords` as the analyzer makes them.
    private let longQueryStopTerms: Set<String>
    /// `LongQueryStopWords.units` as the analyzer makes them.
    private let longQueryUnitTerms: Set<String>
    /// Whether more-like-this weighs only fields that a source's leading parts hold
    /// (`StoredRecords.leadingFields`): decided once, not per related request (its `Set` look-ups, about
    /// 2,500 instructions a request).
    private let relatedReadsLeadingParts: Bool
    /// The terms related requests found in too many docs, remembered for the later requests on this
    /// snapshot (`CommonTermMemo`: their look-ups skipped, the same queries).
    private var relatedCommonTerms = CommonTermMemo()

    /// Opens the index in `directory` (a point-in-time snapshot) for ranking with `configuration`.
    /// - Throws: `IndexError` (no index, corrupt file, other analyzer), `RankingConfigurationError`.
    public convenience init(directory: String, configuration: RankingConfiguration = .default) throws {
        try self.init(reader: IndexReader.open(directory: directory), configuration: configuration)
    }

    /// An engine over an open snapshot, ranking with `configuration`.
    /// - Throws: `RankingConfigurationError` for a parameter out of range.
    public init(reader: IndexReader, configuration: RankingConfiguration = .default) throws {
        try configuration.validate()
        directory = reader.directory
        self.configuration = configuration
        self.reader = reader
        searcher = try IndexSearcher(reader: reader, similarity: configuration.similarity)
        longQuerySearcher = try IndexSearcher(reader: reader, similarity: configuration.longQuerySimilarity)
        relatedSearcher = try IndexSearcher(reader: reader, similarity: configuration.relatedSimilarity)
        analyzer = Analyzer()
        parser = QueryParser(analyzer: analyzer)
        longQueryStopTerms = LongQueryRewriter.stopTerms(analyzer: analyzer)
        longQueryUnitTerms = LongQueryRewriter.unitTerms(analyzer: analyzer)
        let weights = configuration.moreLikeThis.fieldWeights
        let leadingFields = StoredRecords.leadingFields
        relatedReadsLeadingParts = Field.allCases.allSatisfy { weights[$0] == 0 || leadingFields.contains($0) }
    }

    // MARK: Stages

    /// Stage 1 and 2: the query text read in `mode` and rewritten into what the searcher runs.
    /// - Throws: `QueryError` pointing at the problem of a malformed query.
    public func rewrite(_ text: String, mode: QueryMode = .automatic) throws -> RewrittenQuery {
        let resolved = mode.resolve(text, minimumWords: configuration.longQuery.minimumWords)
        switch resolved {
        case .syntax, .automatic:
            let query = try parser.parse(text)
            return RewrittenQuery(text: text, mode: .syntax, query: WeightedQuery(query),
                                  terms: Self.terms(of: query.clauses.lazy.map(\.match)), profile: nil, lookups: nil)
        case .text:
            let rewriter = LongQueryRewriter(parameters: configuration.longQuery, stopTerms: longQueryStopTerms,
                                             unitTerms: longQueryUnitTerms)
            var lookups = ResolvedTerms(reader: reader)
            // The note analyzed once; its affirmed text and first sentence only mark which of its terms
            // they state. The affirmed text is negated once: its prefix as long as the first sentence is
            // the sentence's (`Negation`).
            let affirmedText = configuration.longQuery.dropNegated ? Negation.affirmedText(text) : nil
            var others: [String] = []
            if let affirmedText { others.append(affirmedText) }
            let boostsFirstSentence = configuration.longQuery.firstSentenceBoost != 1
            if boostsFirstSentence {
                let length = LongQueryRewriter.firstSentence(of: text).utf8.count
                others.append(String(decoding: (affirmedText ?? text).utf8.prefix(length), as: UTF8.self))
            }
            let (natural, stated) = try parser.parseNaturalLanguage(text, marking: others)
            let affirmed = affirmedText == nil ? nil : stated[0]
            let firstSentence = boostsFirstSentence ? stated[stated.count - 1] : nil
            guard let query = try rewriter.rewrite(natural, lookups: &lookups, similarity: configuration.longQuerySimilarity,
                                                   affirmed: affirmed, firstSentence: firstSentence) else {
                throw QueryError.noSearchableTerms(query: text)
            }
            let profile = configuration.rescoring.usesPatientProfile ? PatientProfile(text: text) : nil
            return RewrittenQuery(text: text, mode: .text, query: query, terms: Self.terms(of: query.clauses.lazy.map(\.match)),
                                  profile: profile?.isEmpty == false ? profile : nil, lookups: lookups)
        }
    }

    /// The clauses' terms straight into a set: `Query.terms` and `WeightedQuery.terms` build a set and
    /// an array first (a keyword query's `Set(query.terms)` cost about 4,400 instructions more, BENCHMARKS.md,
    /// `kw18`).
    private static func terms<S: Sequence<QueryMatch>>(of matches: S) -> Set<String> {
        var terms = Set<String>(minimumCapacity: matches.underestimatedCount)
        for match in matches {
            if case let .term(term) = match { terms.insert(term) } else { terms.formUnion(match.terms) }
        }
        return terms
    }

    /// Stage 3 and 4: retrieval of the best `options.limit` trials, rescored by the query's patient
    /// profile when it has one.
    public func retrieve(_ rewritten: RewrittenQuery, options: SearchOptions) throws -> TopHits {
        let searcher = rewritten.mode == .text ? longQuerySearcher : searcher
        return try searcher.search(rewritten.query, options: retrievalOptions(rewritten, options), lookups: rewritten.lookups)
    }

    /// `options` for retrieving `rewritten`: with the rescoring by its patient profile when it has one,
    /// and, for a long query, one MaxScore outer window per segment (`SearchOptions.useLongQueryWindows`:
    /// a note's 40–60 clauses otherwise cut the replica into windows that each recompute and sort every
    /// clause's bound).
    func retrievalOptions(_ rewritten: RewrittenQuery, _ options: SearchOptions) -> SearchOptions {
        var options = options
        if let profile = rewritten.profile {
            options.patient = PatientPrior(profile: profile, parameters: configuration.rescoring)
        }
        if rewritten.mode == .text { options.useLongQueryWindows() }
        return options
    }

    // MARK: Operations

    /// Searches for `text`: parse, rewrite, retrieve.
    public func search(_ text: String, mode: QueryMode = .automatic, options: SearchOptions = SearchOptions()) throws -> SearchResult {
        let rewritten = try rewrite(text, mode: mode)
        let top = try retrieve(rewritten, options: options)
        return SearchResult(query: rewritten, hits: top.hits, scoredDocs: top.scoredDocs)
    }

    /// The trials most like the indexed trial `id`, excluding itself.
    ///
    /// The source is read as far as the leading parts of its stored block hold it
    /// (`IndexReader.leadingTrial`: from format 10 the block inflated up to the end of the source's own
    /// criteria, the last leading part; in format 9 all the leading parts, about 40 % of the block) when
    /// more-like-this weighs no other field: the result's `source` is then not the whole record
    /// (`sourceIsWhole`; `wholeSource(of:)`).
    /// - Throws: `EngineError.unknownTrial` when the index does not hold `id`.
    public func related(to id: TrialID, options: SearchOptions = SearchOptions()) throws -> RelatedResult {
        let leading = relatedReadsLeadingParts
        guard let source = try leading ? reader.leadingTrial(id) : reader.trial(id) else {
            throw EngineError.unknownTrial(id: id, directory: directory)
        }
        var result = try related(to: source, options: options)
        result.sourceIsWhole = !leading
        return result
    }

    /// The whole stored record of `result`'s source (what duplicate evidence compares): its `source` when
    /// that is whole, else read again.
    public func wholeSource(of result: RelatedResult) throws -> Trial {
        guard !result.sourceIsWhole else { return result.source }
        guard let whole = try reader.trial(result.source.id) else {
            throw EngineError.unknownTrial(id: result.source.id, directory: directory)
        }
        return whole
    }

    /// The trials most like `source` (indexed or not), excluding any trial with its id.
    public func related(to source: Trial, options: SearchOptions = SearchOptions()) throws -> RelatedResult {
        let mlt = MoreLikeThis(parameters: configuration.moreLikeThis)
        var lookups = ResolvedTerms(reader: reader)
        guard let query = try mlt.query(for: source, analyzer: analyzer, lookups: &lookups,
                                        similarity: configuration.relatedSimilarity, explain: options.explain,
                                        memo: &relatedCommonTerms) else {
            return RelatedResult(source: source, query: WeightedQuery(clauses: []), hits: [], scoredDocs: 0)
        }
        var options = options
        options.excluding = source.id
        options.useMoreLikeThisWindows()
        let top = try relatedSearcher.search(query, options: options, lookups: lookups)
        return RelatedResult(source: source, query: query, hits: top.hits, scoredDocs: top.scoredDocs)
    }

    /// The stored record of the live trial `id`, or nil.
    public func trial(_ id: TrialID) throws -> Trial? { try reader.trial(id) }

    /// The stored record of a hit.
    public func trial(for hit: Hit) throws -> Trial { try searcher.trial(hit) }

    /// A snippet of `trial` with `terms` marked.
    public func snippet(_ trial: Trial, terms: Set<String>) -> Snippet? {
        Snippet.make(trial: trial, terms: terms, analyzer: analyzer)
    }

    /// `source` prepared for `duplicate(_:_:)` with each of many records (a related request's hits).
    public func duplicateReference(_ source: Trial) -> DuplicateRegistration.Reference {
        DuplicateRegistration.Reference(source, analyzer: analyzer)
    }

    /// Evidence that `reference`'s record and `other` are one trial registered twice.
    public func duplicate(_ reference: DuplicateRegistration.Reference, _ other: Trial) -> DuplicateRegistration? {
        reference.compare(other, analyzer: analyzer)
    }
}

/// A query after parsing and rewriting.
public struct RewrittenQuery: Sendable {
    public var text: String
    /// How the text was read (never `.automatic`).
    public var mode: QueryMode
    public var query: WeightedQuery
    /// The analyzed terms, for snippets.
    public var terms: Set<String>
    /// The patient a long query describes, when it says.
    public var profile: PatientProfile?
    /// The terms the rewriting stage looked up, for the searcher.
    public var lookups: ResolvedTerms?
}

/// The hits of a search, with the query as the engine understood it.
public struct SearchResult: Sendable {
    public var query: RewrittenQuery
    public var hits: [Hit]
    public var scoredDocs: Int
}

/// The trials like a source record.
public struct RelatedResult: Sendable {
    /// The source record as the query read it: whole, or for an indexed source only its fields
    /// `StoredRecords.leadingFields` (`sourceIsWhole` false; `SearchEngine.wholeSource(of:)`).
    public var source: Trial
    /// The source's selected terms with their boosts.
    public var query: WeightedQuery
    public var hits: [Hit]
    public var scoredDocs: Int
    /// Whether `source` is the whole record.
    public var sourceIsWhole = true
}

/// Failures of the engine's operations that are not query syntax or index damage.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// The index holds no live trial with this id.
    case unknownTrial(id: TrialID, directory: String)
    /// A batch file (topics, ids) or an output file could not be read or written.
    case unreadableFile(path: String, reason: String)
    /// A line of a batch file is not in the expected form.
    case badBatchFile(path: String, line: Int, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unknownTrial(id, directory):
            return "no trial \(id) in the index \(directory)"
        case let .unreadableFile(path, reason):
            return "\(path): \(reason)"
        case let .badBatchFile(path, line, expected, found):
            return "\(path):\(line): expected \(expected), found \"\(found)\""
        }
    }
}
