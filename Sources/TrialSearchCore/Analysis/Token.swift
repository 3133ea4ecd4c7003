/// A term produced by analysis, with where it came from.
///
/// `term` points into the analyzer's scratch memory and is valid only during the callback that receives
/// the token: copy it to keep it.
public struct Token {
    /// The normalized term (folded, stemmed) as UTF-8 bytes.
    public var term: UnsafeBufferPointer<UInt8>
    /// The token's position within its field; tokens that share a position (a joined hyphenated form and
    /// its first part) have the same value; removed stop words leave gaps.
    public var position: Int32
    /// Byte offset in the analyzed text where the token starts.
    public var startOffset: Int32
    /// Byte offset in the analyzed text just after the token.
    public var endOffset: Int32

    public init(term: UnsafeBufferPointer<UInt8>, position: Int32, startOffset: Int32, endOffset: Int32) {
        self.term = term
        self.position = position
        self.startOffset = startOffset
        self.endOffset = endOffset
    }

    /// The term as a String (for tests and diagnostics; hot paths use `term`).
    public var text: String { String(decoding: term, as: UTF8.self) }
}
