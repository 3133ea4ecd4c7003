/// A term produced by analysis, with where it came from.
///
/// `term` points into the analyzer's scratch memory and is valid only during the callback that receives
/// the token: copy it to keep it.
public struct Token {
    /// What kind of text a token stands for. Lets the index skip derived forms when it counts a field's
    /// length, and lets the query parser tell a hyphenated word's joined form from its parts.
    public enum Kind: UInt8, Sendable, Hashable {
        /// A word (letters, or letters and digits such as `her2`): folded, stop-word filtered and stemmed.
        case word
        /// A number, digits only, with its decimal points (`18`, `2.5`, `1000` from `1,000`).
        case number
        /// The parts of a hyphenated or slashed word joined (`covid19` from `COVID-19`), at the position of
        /// its first part. Not a word of the text of its own: a field's length should not count it.
        case joined
        /// An identifier of the `id` field, whole and lowercased (`nct05308342`, `sz-pof-2019-4`). When it
        /// has separators its parts follow it as words and numbers, the first at the same position.
        case identifier
        /// A URL (`https://…`, `www.…`), whole and lowercased.
        case url
        /// An e-mail address, whole and lowercased.
        case email
        /// A word for a symbol: `gte` (≥), `lte` (≤), `gt` (>), `lt` (<), `c` (℃), a circled digit.
        case symbol
        /// One CJK ideograph, hiragana or katakana character.
        case ideograph
    }

    /// The normalized term (folded, stemmed) as UTF-8 bytes.
    public var term: UnsafeBufferPointer<UInt8>
    /// The token's position within its field; tokens that share a position (a joined hyphenated form and
    /// its first part) have the same value; removed stop words leave gaps.
    public var position: Int32
    /// Byte offset in the analyzed text where the token starts.
    public var startOffset: Int32
    /// Byte offset in the analyzed text just after the token.
    public var endOffset: Int32
    /// What the token stands for.
    public var kind: Kind
    /// Whether `termHash` and `termPrefix` hold the term's `TermHash` (the analyzer had it at hand: a
    /// stem from its cache), so that the indexer need not hash the term again.
    var hasTermHash: Bool
    /// `TermHash.of(term).hash` when `hasTermHash`, else 0.
    var termHash: UInt32
    /// `TermHash.of(term).prefix` (the term's first 8 bytes, zero-padded) when `hasTermHash`, else 0.
    var termPrefix: UInt64

    public init(term: UnsafeBufferPointer<UInt8>, position: Int32, startOffset: Int32, endOffset: Int32,
                kind: Kind = .word) {
        self.term = term
        self.position = position
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.kind = kind
        hasTermHash = false
        termHash = 0
        termPrefix = 0
    }

    /// A token whose term's `TermHash` is known.
    @inline(__always)
    init(term: UnsafeBufferPointer<UInt8>, position: Int32, startOffset: Int32, endOffset: Int32, kind: Kind,
         termHash: UInt32, termPrefix: UInt64) {
        self.term = term
        self.position = position
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.kind = kind
        hasTermHash = true
        self.termHash = termHash
        self.termPrefix = termPrefix
    }

    /// The term as a String (for tests and diagnostics; hot paths use `term`).
    public var text: String { String(decoding: term, as: UTF8.self) }

    /// Whether the token is a form derived from the tokens at its own and following positions (a
    /// `joined` form) rather than a word of the text: it should not count towards a field's length.
    public var isDerived: Bool { kind == .joined }
}

/// A token copied out of the analyzer: the owned form of `Token`, for query parsing and tests.
public struct AnalyzedToken: Sendable, Hashable, CustomStringConvertible {
    public var term: String
    public var position: Int32
    public var startOffset: Int32
    public var endOffset: Int32
    public var kind: Token.Kind

    public init(term: String, position: Int32, startOffset: Int32, endOffset: Int32, kind: Token.Kind) {
        self.term = term
        self.position = position
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.kind = kind
    }

    public init(_ token: Token) {
        self.init(term: token.text, position: token.position, startOffset: token.startOffset,
                  endOffset: token.endOffset, kind: token.kind)
    }

    /// `term@position`, with the kind when it is not a word: `covid19@0(joined)`.
    public var description: String {
        kind == .word ? "\(term)@\(position)" : "\(term)@\(position)(\(kind))"
    }
}
