import CSnowball

/// A Snowball stemmer from the system's libstemmer (the Snowball project's own C code), for one
/// language: the English one is the Porter2 algorithm.
///
/// Wraps `sb_stemmer_new`, `sb_stemmer_stem`, `sb_stemmer_length` and `sb_stemmer_delete`. The C stemmer
/// keeps its result in its own buffer and is not thread-safe, so each `Analyzer` (one per thread) owns
/// one; this class is its only owner and frees it in `deinit`. The stem is lent to a closure and never
/// escapes it.
final class SnowballStemmer {
    /// The Snowball algorithm name, as `sb_stemmer_new` takes it (`english`).
    let algorithm: String
    private let handle: OpaquePointer

    /// Creates a stemmer for `algorithm` over UTF-8, or nil when libstemmer does not know the algorithm
    /// (or is out of memory).
    init?(algorithm: String) {
        guard let handle = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.algorithm = algorithm
        self.handle = handle
    }

    deinit {
        sb_stemmer_delete(handle)
    }

    /// Calls `body` with the stem of `word` (lowercase UTF-8). The stem is valid only inside `body`.
    /// If libstemmer fails (out of memory) the word itself is passed.
    func withStem<R>(of word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let base = word.baseAddress, word.count > 0,
              let stem = sb_stemmer_stem(handle, base, Int32(word.count)) else { return body(word) }
        let count = Int(sb_stemmer_length(handle))
        return body(UnsafeBufferPointer(start: stem, count: count))
    }

    /// The stem of `word` (lowercase UTF-8, not empty), valid until the next call; nil if libstemmer
    /// fails (out of memory).
    func stem(of word: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let base = word.baseAddress, word.count > 0, let stem = sb_stemmer_stem(handle, base, Int32(word.count)) else {
            return nil
        }
        return UnsafeBufferPointer(start: stem, count: Int(sb_stemmer_length(handle)))
    }

    /// The stem of `word` (lowercase) as a String.
    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes in withStem(of: bytes) { String(decoding: $0, as: UTF8.self) } }
    }

    /// A hash of the stems of a fixed list of words chosen to exercise every step of Porter2, so that
    /// the fingerprint of an index changes when the system's libstemmer starts stemming differently
    /// (libstemmer has no version number of its own).
    static func behaviourHash(algorithm: String) -> String? {
        guard let stemmer = SnowballStemmer(algorithm: algorithm) else { return nil }
        var hash = StableHash()
        for word in probeWords { hash.combine(stemmer.stem(word)) }
        return hash.hex8
    }

    private static let probeWords = [
        "caresses", "ponies", "ties", "cats", "feed", "agreed", "plastered", "motoring", "sing", "conflated",
        "troubled", "sized", "hopping", "filing", "happy", "sky", "relational", "conditional", "rational",
        "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli", "vileli",
        "analogousli", "vietnamization", "predication", "operator", "feudalism", "decisiveness",
        "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate", "formative",
        "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance",
        "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement",
        "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti",
        "homologous", "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "generous",
        "arsenal", "commune", "skis", "dying", "news", "inning", "succeed", "patients", "mesenchymal",
        "ovarian", "insufficiency", "randomized", "eligibility", "'s", "y'all", "yes", "quietly",
    ]
}
