/// A named list of words that analysis drops (leaving a position gap), stored in the index by name and
/// hash so that an index built with another list is refused.
///
/// `englishClinical` is Lucene's default English stop set (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, 33
/// words, the set Lucene's `StandardAnalyzer` used for years) with two words put back, `no` and `not`:
/// in eligibility criteria and case notes negation carries the meaning ("no prior chemotherapy",
/// "not pregnant", "HER2 not amplified"), so the index keeps them for phrase queries and for scoring
/// that looks at negation; being frequent, they weigh little in BM25 anyway. The list is kept small on
/// purpose: clinical words that look like function words are never stopped (`positive`, `negative`,
/// `without`, `all` (as in ALL, acute lymphoblastic leukaemia), `other`, `may`), because in this domain
/// they name results, diseases or criteria. Query-side pruning of common words in long patient notes is
/// the ranking layer's job, driven by document frequencies, not by this list.
///
/// Known cost: the acronyms AS (ankylosing spondylitis), IT (intrathecal) and OR (odds ratio) fold to
/// the stop words `as`, `it`, `or` and are dropped.
public struct StopWordList: Sendable, Hashable {
    /// The list's name, part of the analyzer fingerprint.
    public let name: String
    /// The words, lowercase ASCII, sorted.
    public let words: [String]
    /// Each word of at most 7 bytes as one `packed` key (its bytes and its length in one word), for
    /// `contains(bytes:)`: one integer comparison per word instead of a `String` comparison (which cost
    /// about 250 instructions per look-up, one per stem-cache miss).
    private let packedWords: [UInt64]
    /// The longer words' bytes (none in `englishClinical`).
    private let longWords: [[UInt8]]

    public init(name: String, words: [String]) {
        self.name = name
        self.words = words.sorted()
        var packed: [UInt64] = []
        var long: [[UInt8]] = []
        for word in self.words {
            let bytes = Array(word.utf8)
            if let key = bytes.withUnsafeBufferPointer({ Self.packed($0) }) { packed.append(key) } else { long.append(bytes) }
        }
        packedWords = packed
        longWords = long
    }

    /// Lists are equal when their names and words are (the look-up keys derive from the words).
    public static func == (lhs: StopWordList, rhs: StopWordList) -> Bool {
        lhs.name == rhs.name && lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(words)
    }

    /// `bytes` (at most 7) little-endian in the low bytes of a word, their count in the top byte; nil for
    /// longer words. Two byte strings are equal exactly when their keys are.
    @inline(__always)
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard bytes.count <= 7 else { return nil }
        var key = UInt64(bytes.count) << 56
        for i in 0..<bytes.count { key |= UInt64(bytes[i]) << UInt64(8 * i) }
        return key
    }

    /// Lucene's English stop words without `no` and `not` (31 words); see the type's documentation.
    public static let englishClinical = StopWordList(name: "english-clinical", words: [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
        "was", "will", "with",
    ])

    /// No stop words.
    public static let none = StopWordList(name: "none", words: [])

    /// `name-count#hash`, e.g. `english-clinical-31#1a2b3c4d`: changes whenever a word changes.
    public var fingerprint: String {
        var hash = StableHash()
        for word in words { hash.combine(word) }
        return "\(name)-\(words.count)#\(hash.hex8)"
    }

    /// Whether `word` is on the list.
    public func contains(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { contains(bytes: $0) }
    }

    /// Whether the lowercase UTF-8 `bytes` are on the list.
    /// - Complexity: O(words) byte comparisons; called once per distinct word thanks to the stem cache.
    func contains(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let key = Self.packed(bytes) {
            for word in packedWords where word == key { return true }
            return false
        }
        for word in longWords where word.count == bytes.count {
            if word.elementsEqual(bytes) { return true }
        }
        return false
    }
}
