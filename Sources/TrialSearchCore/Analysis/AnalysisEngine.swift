/// The analysis pipeline's state and its token filters: the tokenizer (`AnalysisEngine+Tokenizer`)
/// cuts folded terms into `scratch` and hands each to `emit`, which drops stop words, stems words and
/// calls the consumer.
///
/// A struct held by the `Analyzer` class, so that the hot loop mutates local state without the
/// exclusivity checks that a class's stored properties would cost. Its buffers are freed by the
/// `Analyzer`'s `deinit` through `deallocate()`.
struct AnalysisEngine {
    /// Longest term kept, in bytes; a longer word, URL or joined form is dropped (its position kept).
    static let maxTermBytes = 255
    /// Most parts of one hyphenated or slashed compound; a longer chain is cut into several compounds.
    static let maxParts = 32
    /// Bytes of `scratch`: enough for a compound of `maxParts` parts of `maxTermBytes` each, plus room
    /// for a multi-byte fold at the end and the padding `StemCache.hash` reads past a term.
    static let scratchCapacity = maxParts * (maxTermBytes + 1) + 64

    /// Options from the configuration, read in the hot loop.
    let foldsDiacritics: Bool
    let foldsGreekLetters: Bool
    let foldsSymbols: Bool
    let joinsCompounds: Bool
    let dropsAcronymPlurals: Bool
    let stopWords: StopWordList
    let stemmer: SnowballStemmer?
    /// The stems the other workers of a build computed (nil: none). Unowned: the `Analyzer` that owns
    /// the engine holds the table (`Analyzer.sharedStems`), and a strong reference was a retain and a
    /// release per word stemmed.
    unowned(unsafe) let sharedStems: SharedStems?
    /// When false every word is filtered afresh (tests compare both ways).
    let usesCache: Bool

    /// The folded bytes of the current compound's parts, back to back (so the joined form is a slice).
    let scratch: UnsafeMutablePointer<UInt8>
    /// The current compound's parts.
    let parts: UnsafeMutablePointer<Part>
    /// Lowercased non-ASCII letters from the Unicode-property fallback.
    let foldBuffer: UnsafeMutablePointer<UInt8>
    /// Stems when the cache is off.
    let stemBuffer: UnsafeMutablePointer<UInt8>
    /// For each byte: its lowercase form if it is an ASCII letter or digit, else 0 (the fast path's table).
    let wordBytes: UnsafeMutablePointer<UInt8>
    var cache: StemCache

    /// One part of a compound: where its folded bytes are in `scratch` and where it was in the text.
    struct Part {
        var scratchStart: Int32
        var scratchEnd: Int32
        var sourceStart: Int32
        var sourceEnd: Int32
        /// `PartFlags` bits.
        var flags: UInt8
    }

    /// What a part (or a whole compound) contains.
    enum PartFlags {
        static let letter: UInt8 = 1
        static let digit: UInt8 = 2
        /// Non-ASCII bytes in the folded form: not stop-filtered or stemmed.
        static let nonASCII: UInt8 = 4
        /// Longer than `maxTermBytes`: dropped.
        static let overflow: UInt8 = 8
        /// A decimal point, e.g. `2.5`.
        static let dot: UInt8 = 16
    }

    init(configuration: AnalyzerConfiguration, usesCache: Bool = true, sharedStems: SharedStems? = nil) {
        foldsDiacritics = configuration.foldsDiacritics
        foldsGreekLetters = configuration.foldsGreekLetters
        foldsSymbols = configuration.foldsSymbols
        joinsCompounds = configuration.joinsCompounds
        dropsAcronymPlurals = configuration.dropsAcronymPlurals
        stopWords = configuration.stopWords
        if let algorithm = configuration.stemmer {
            guard let stemmer = SnowballStemmer(algorithm: algorithm.libstemmerName) else {
                preconditionFailure("\(AnalysisError.stemmerUnavailable(algorithm: algorithm.libstemmerName))")
            }
            self.stemmer = stemmer
            self.sharedStems = sharedStems?.algorithm == algorithm.libstemmerName ? sharedStems : nil
        } else {
            stemmer = nil
            self.sharedStems = nil
        }
        self.usesCache = usesCache
        scratch = .allocate(capacity: Self.scratchCapacity)
        scratch.initialize(repeating: 0, count: Self.scratchCapacity)
        parts = .allocate(capacity: Self.maxParts)
        foldBuffer = .allocate(capacity: 64)
        stemBuffer = .allocate(capacity: 2 * Self.maxTermBytes)
        wordBytes = .allocate(capacity: 256)
        for byte in 0..<256 {
            let b = UInt8(byte)
            wordBytes[byte] = Self.isLetter(b) ? b | 0x20 : Self.isDigit(b) ? b : 0
        }
        cache = StemCache()
    }

    /// Frees the buffers; the engine must not be used afterwards.
    func deallocate() {
        scratch.deallocate()
        parts.deallocate()
        foldBuffer.deallocate()
        stemBuffer.deallocate()
        wordBytes.deallocate()
        cache.deallocate()
    }

    /// Hands one term to `body` after the stop-word and stemming filters.
    ///
    /// Words made of ASCII letters only are looked up in the stop list (unless `kind` is `.joined`) and
    /// stemmed, through the cache (a cached stem goes out with its `TermHash`); every other term
    /// (numbers, words with digits or non-ASCII letters, URLs, symbols) goes to `body` as it is. One
    /// call of `body` (the token is built on each branch), so that the consumer's closure, inlined here
    /// and in `analyzeText`'s fast path, stays small enough for the compiler to inline it.
    @inline(__always)
    mutating func emit<Sink: TokenSink>(_ term: UnsafePointer<UInt8>, _ length: Int, flags: UInt8, kind: Token.Kind,
                       position: Int32, start: Int, end: Int, _ body: inout Sink) {
        if length == 0 || flags & PartFlags.overflow != 0 { return }
        let token: Token
        if flags != PartFlags.letter || (kind != .word && kind != .joined) {
            token = Token(term: UnsafeBufferPointer(start: term, count: length), position: position,
                          startOffset: Int32(truncatingIfNeeded: start), endOffset: Int32(truncatingIfNeeded: end),
                          kind: kind)
        } else if usesCache && length <= StemCache.maxKeyLength {
            // A word of at most 16 letters (a compound's part or joined form) through the fast path's
            // look-up: its letters are lowercase, so `plainWordIndex`'s fold changes nothing, and `scratch`
            // holds 16 readable bytes past any term in it.
            let index = length <= 16
                ? plainWordIndex(term, length, first: UInt64(littleEndian: UnsafeRawPointer(term).loadUnaligned(as: UInt64.self)),
                                 source: term)
                : cachedIndex(term, length, hash: StemCache.hash(term, length), firstWord: StemCache.firstWord(term, length))
            guard let cached = cachedToken(index, term, length, kind: kind, position: position, start: start, end: end)
            else { return }
            token = cached
        } else {
            guard let stem = uncachedFilter(UnsafeBufferPointer(start: term, count: length), isJoined: kind == .joined)
            else { return }
            token = Token(term: stem, position: position, startOffset: Int32(truncatingIfNeeded: start),
                          endOffset: Int32(truncatingIfNeeded: end), kind: kind)
        }
        body.consume(token)
    }

    /// The token of the stem cached in slot `index` for the word `term` (with the stem's `TermHash`); for
    /// a stop word nil, unless `kind` is `.joined` (then the word itself).
    @inline(__always)
    func cachedToken(_ index: Int, _ term: UnsafePointer<UInt8>, _ length: Int, kind: Token.Kind,
                     position: Int32, start: Int, end: Int) -> Token? {
        if let stem = cache.stem(at: index) {
            let (hash, prefix) = cache.stemTermHash(at: index)
            return Token(term: stem, position: position, startOffset: Int32(truncatingIfNeeded: start),
                         endOffset: Int32(truncatingIfNeeded: end), kind: kind, termHash: hash, termPrefix: prefix)
        }
        if kind == .joined {
            return Token(term: UnsafeBufferPointer(start: term, count: length), position: position,
                         startOffset: Int32(truncatingIfNeeded: start), endOffset: Int32(truncatingIfNeeded: end),
                         kind: kind)
        }
        return nil
    }

    /// The stem-cache slot of the tokenizer's fast path's word: a plain word of `length` ASCII letters
    /// (at most 16) folded into `term`, whose first 8 bytes folded are `first` (bytes past the word
    /// included), from `source` (the text, or `term` itself, whose letters fold to themselves; `scratch`
    /// holds far more than 16 bytes), of which at least 16 bytes may be read; filtered and cached first
    /// when it is not there. `analyzeText` then makes the token with `cachedToken` and hands it to the
    /// sink itself, inline: a specialized `emitPlain` doing all of it was called rather than inlined, one
    /// call per token (the `build6` section of BENCHMARKS.md).
    ///
    /// The word is hashed for the stem cache from `first` (the tokenizer's folded block, a register) and
    /// for a word past 8 bytes its source's second word folded with one OR (`b | 0x20` lowercases an
    /// ASCII letter): loading `term`, which the tokenizer may have just stored one byte at a time, as a
    /// whole word cannot be served by store forwarding and stalls until the stores retire (about 3 % of
    /// a build's time).
    @inline(__always)
    mutating func plainWordIndex(_ term: UnsafePointer<UInt8>, _ length: Int, first: UInt64,
                                 source: UnsafePointer<UInt8>) -> Int {
        let lower: UInt64 = 0x2020_2020_2020_2020
        let raw = UnsafeRawPointer(source)
        // Two branches, each with its own look-up (`StemCache.find(short:)` / `find(long:)`), so that the
        // words of at most 8 bytes (eight in ten) compute no mask for a second word.
        let hash: UInt32
        let index: Int
        if length <= 8 {
            // The low `length` bytes (1...8): a shift rather than `StemCache.mask`'s test.
            let w0 = first & (UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- length &* 8))
            hash = StemCache.hash(words: w0, 0, length)
            index = cache.find(short: w0, hash: hash)
        } else {
            let secondMask = UInt64.max &>> UInt64(truncatingIfNeeded: 128 &- length &* 8)
            let w1 = (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) | lower) & secondMask
            hash = StemCache.hash(words: first, w1, length)
            index = cache.find(long: first, w1, secondMask, length, hash: hash)
        }
        return index >= 0 ? index : cacheFiltered(term, length, hash: hash)
    }

    /// `emit`, called rather than inlined: for the tokenizer's rarer paths (numbers, words with digits
    /// or past 16 bytes, `<`/`>`, non-ASCII own tokens), so that `analyzeText` stays small with the fast
    /// path of about nine tokens in ten (`plainWordIndex`) inlined into its loop.
    @inline(never)
    mutating func emitOutOfLine<Sink: TokenSink>(_ term: UnsafePointer<UInt8>, _ length: Int, flags: UInt8,
                                                 kind: Token.Kind, position: Int32, start: Int, end: Int,
                                                 _ body: inout Sink) {
        emit(term, length, flags: flags, kind: kind, position: position, start: start, end: end, &body)
    }

    /// The cache slot of a lowercase ASCII word (given its `StemCache.hash` and `StemCache.firstWord`),
    /// filtered and cached first when it is not there.
    @inline(__always)
    mutating func cachedIndex(_ word: UnsafePointer<UInt8>, _ length: Int, hash: UInt32, firstWord: UInt64) -> Int {
        let index = cache.find(word, length, hash: hash, firstWord: firstWord)
        return index >= 0 ? index : cacheFiltered(word, length, hash: hash)
    }

    /// Looks `word` up in the stop list and stems it, caches the result and returns its slot. With
    /// `sharedStems`, a stem another worker published is taken from there, and one computed here is
    /// published.
    @inline(never)
    mutating func cacheFiltered(_ word: UnsafePointer<UInt8>, _ length: Int, hash: UInt32) -> Int {
        let input = UnsafeBufferPointer(start: word, count: length)
        if stopWords.contains(bytes: input) {
            return cache.insert(word, length, hash: hash, stem: nil)
        } else if let stemmer, length > 2 {
            if let sharedStems {
                if let stem = sharedStems.stem(of: word, length, hash: hash) {
                    return cache.insert(word, length, hash: hash, stem: stem)
                }
                // libstemmer failing gives the word itself, as `withStem` does; that is not published.
                guard let stem = stemmer.stem(of: input) else { return cache.insert(word, length, hash: hash, stem: input) }
                sharedStems.publish(word, length, hash: hash, stem: stem)
                return cache.insert(word, length, hash: hash, stem: stem)
            }
            return stemmer.withStem(of: input) { cache.insert(word, length, hash: hash, stem: $0) }
        } else {
            return cache.insert(word, length, hash: hash, stem: input)
        }
    }

    /// The stop-word and stemming filters without the cache; the stem is copied to `stemBuffer`.
    private func uncachedFilter(_ word: UnsafeBufferPointer<UInt8>, isJoined: Bool) -> UnsafeBufferPointer<UInt8>? {
        if stopWords.contains(bytes: word) { return isJoined ? word : nil }
        guard let stemmer, word.count > 2 else { return word }
        return stemmer.withStem(of: word) { stem in
            let count = min(stem.count, 2 * Self.maxTermBytes)
            if let base = stem.baseAddress { stemBuffer.update(from: base, count: count) }
            return UnsafeBufferPointer(start: stemBuffer, count: count)
        }
    }
}
