/// Turns text into the terms that the index stores and queries look up.
///
/// The pipeline, for every field but `id`: clinical tokenizer on UTF-8 bytes (words, numbers, hyphenated
/// and slashed compounds with their joined form, URLs, e-mail addresses, symbol words, CJK unigrams; see
/// `AnalysisEngine+Tokenizer.swift`) → case and diacritic folding, Greek letters to names
/// (`FoldingTable`) → stop words dropped with a position gap (`StopWordList.englishClinical`) → Snowball
/// English (Porter2) stemming through the system's libstemmer (`SnowballStemmer`), each distinct word
/// filtered once thanks to a per-analyzer `StemCache` (and stemmed once per build when the workers'
/// analyzers share a `SharedStems`). The `id` field is analyzed as identifiers (see
/// `AnalysisEngine+Identifiers.swift`). Queries go through the same analyzer, so a query term is found
/// exactly when the document text produced it.
///
/// `configuration.fingerprint` is stored in the index; an index whose fingerprint differs is refused
/// (`IndexError.analyzerMismatch`).
///
/// An analyzer is not thread-safe (it owns scratch buffers, the cache and a C stemmer): use one per
/// thread. It frees them in `deinit`.
public final class Analyzer {
    public let configuration: AnalyzerConfiguration
    /// Unchecked: an analyzer is used by one thread at a time and `engine`'s accesses never overlap, and
    /// the runtime's dynamic exclusivity check cost about 0.3 % of a build's instructions (one
    /// `swift_beginAccess` per analyzed value).
    @exclusivity(unchecked) private var engine: AnalysisEngine
    /// The table `engine` shares stems through (it holds it unowned).
    private let sharedStems: SharedStems?

    public convenience init(configuration: AnalyzerConfiguration = .default) {
        self.init(configuration: configuration, usesStemCache: true)
    }

    /// `usesStemCache: false` filters every word afresh (tests check that the cache changes nothing).
    /// `sharedStems`: stems shared with the analyzers of other threads (used when it is for the
    /// configuration's stemmer; the terms are the same with or without it).
    init(configuration: AnalyzerConfiguration, usesStemCache: Bool, sharedStems: SharedStems? = nil) {
        self.configuration = configuration
        self.sharedStems = sharedStems
        engine = AnalysisEngine(configuration: configuration, usesCache: usesStemCache, sharedStems: sharedStems)
    }

    /// An analyzer that takes the stems other analyzers (of other threads) published in `sharedStems`,
    /// and publishes its own there: a build's workers stem each distinct word once between them.
    public convenience init(configuration: AnalyzerConfiguration, sharedStems: SharedStems?) {
        self.init(configuration: configuration, usesStemCache: true, sharedStems: sharedStems)
    }

    /// An analyzer that filters every word afresh, without the stem cache (benchmarks measure the cache's
    /// effect with it; tests check that the cache changes nothing).
    public static func withoutStemCache(configuration: AnalyzerConfiguration = .default) -> Analyzer {
        Analyzer(configuration: configuration, usesStemCache: false)
    }

    deinit {
        engine.deallocate()
    }

    /// Analyzes `text` for `field`, calling `body` for each token in order.
    ///
    /// Positions start at `firstPosition`; the return value is the position after the last token plus
    /// a gap, so that the values of a multi-valued field can be analyzed one after another without
    /// phrases matching across them. Tokens come in position order; a joined form comes right after the
    /// first part it shares its position with.
    /// - Complexity: O(n) in the UTF-8 length of `text`.
    @discardableResult
    public func analyze(_ text: String, field: Field, firstPosition: Int32 = 0,
                        _ body: (Token) -> Void) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            analyze(bytes: bytes, field: field, firstPosition: firstPosition, body)
        }
    }

    /// Analyzes UTF-8 `bytes`; see `analyze(_:field:firstPosition:_:)`. Offsets are byte offsets into
    /// `bytes`.
    @discardableResult
    public func analyze(bytes: UnsafeBufferPointer<UInt8>, field: Field, firstPosition: Int32 = 0,
                        _ body: (Token) -> Void) -> Int32 {
        withoutActuallyEscaping(body) { body in
            var sink = ClosureSink(body: body)
            return analyze(bytes: bytes, field: field, firstPosition: firstPosition, into: &sink)
        }
    }

    /// `analyze(_:field:firstPosition:_:)` handing the tokens to `sink`, whose `consume` the tokenizer's
    /// emit paths are specialized for and inline (the indexer's per-token path).
    @discardableResult
    func analyze<Sink: TokenSink>(_ text: String, field: Field, firstPosition: Int32 = 0, into sink: inout Sink) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            analyze(bytes: bytes, field: field, firstPosition: firstPosition, into: &sink)
        }
    }

    /// `analyze(bytes:field:firstPosition:_:)` handing the tokens to `sink`.
    @discardableResult
    func analyze<Sink: TokenSink>(bytes: UnsafeBufferPointer<UInt8>, field: Field, firstPosition: Int32 = 0,
                                  into sink: inout Sink) -> Int32 {
        let next = field == .id
            ? engine.analyzeIdentifiers(bytes, firstPosition: firstPosition) { sink.consume($0) }
            : engine.analyzeText(bytes, firstPosition: firstPosition, &sink)
        return next + Self.valueGap
    }

    /// Positions left between two values of one field, so that phrases do not match across them: a
    /// phrase whose last term is at most `valueGap` positions after its first (stop words count) never
    /// does. 16, not more: each value after a field's first codes its first position as a gap from the
    /// previous value's last, and with exp-Golomb coded positions a gap of 100 cost about 4 bits more
    /// (10,614-trial index `.pos` 8.13 MB with 100, 7.41 MB with 16; analyzer version 2).
    public static let valueGap: Int32 = 16

    /// The tokens of `text` in `field`, copied out (for query parsing, tests and diagnostics).
    public func tokens(_ text: String, field: Field = .summary, firstPosition: Int32 = 0) -> [AnalyzedToken] {
        var tokens: [AnalyzedToken] = []
        analyze(text, field: field, firstPosition: firstPosition) { tokens.append(AnalyzedToken($0)) }
        return tokens
    }

    /// The terms of `text` in `field`, in order (the `term` of each of `tokens(_:field:)`).
    public func terms(_ text: String, field: Field = .summary) -> [String] {
        tokens(text, field: field).map(\.term)
    }

    /// The stem of one lowercase word, as the analyzer would index it (stop words are stemmed too;
    /// without a stemmer the word itself).
    public func stem(_ word: String) -> String {
        guard let stemmer = engine.stemmer, word.utf8.count > 2 else { return word }
        return stemmer.stem(word)
    }

    /// Whether the analyzer drops `word` (lowercase) as a stop word in text fields.
    public func isStopWord(_ word: String) -> Bool {
        configuration.stopWords.contains(word)
    }

    /// Distinct words in the stem cache and how often it was emptied (for benchmarks).
    public var stemCacheStatistics: (words: Int, resets: Int) {
        (engine.cache.count, engine.cache.resets)
    }
}
