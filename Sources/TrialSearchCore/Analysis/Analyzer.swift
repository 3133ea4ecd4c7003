/// Turns text into the terms that the index stores and queries look up.
///
/// PROVISIONAL: a placeholder that lowercases ASCII and splits on anything that is not a letter or a
/// digit. The analysis work replaces the internals (clinical tokenizer, folding, stop words, Snowball
/// stemming) and keeps this public surface.
///
/// An analyzer is not thread-safe (it owns scratch buffers and a stemmer): use one per thread.
public final class Analyzer {
    public let configuration: AnalyzerConfiguration
    private var scratch: [UInt8] = []

    public init(configuration: AnalyzerConfiguration = .default) {
        self.configuration = configuration
        scratch.reserveCapacity(256)
    }

    /// Analyzes `text` for `field`, calling `body` for each token in order.
    ///
    /// Positions start at `firstPosition`; the return value is the position after the last token plus
    /// a gap, so that the values of a multi-valued field can be analyzed one after another without
    /// phrases matching across them.
    /// - Complexity: O(n) in the UTF-8 length of `text`.
    @discardableResult
    public func analyze(_ text: String, field: Field, firstPosition: Int32 = 0,
                        _ body: (Token) -> Void) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            analyze(bytes: bytes, field: field, firstPosition: firstPosition, body)
        }
    }

    /// Analyzes UTF-8 `bytes`; see `analyze(_:field:firstPosition:_:)`.
    @discardableResult
    public func analyze(bytes: UnsafeBufferPointer<UInt8>, field: Field, firstPosition: Int32 = 0,
                        _ body: (Token) -> Void) -> Int32 {
        var position = firstPosition
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n, !Self.isWordByte(bytes[i]) { i += 1 }
            let start = i
            while i < n, Self.isWordByte(bytes[i]) { i += 1 }
            guard i > start else { break }
            scratch.removeAll(keepingCapacity: true)
            for j in start..<i {
                let b = bytes[j]
                scratch.append(b >= 65 && b <= 90 ? b + 32 : b)
            }
            scratch.withUnsafeBufferPointer { term in
                body(Token(term: term, position: position, startOffset: Int32(start), endOffset: Int32(i)))
            }
            position += 1
        }
        return position + Self.valueGap
    }

    /// Positions left between two values of one field, so that phrases do not match across them.
    public static let valueGap: Int32 = 100

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128
    }
}
