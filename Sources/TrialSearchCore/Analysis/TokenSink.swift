/// Where the analyzer hands its tokens, one at a time, in order.
///
/// The tokenizer's emit paths are generic over the sink rather than taking a closure, so that the
/// indexer's sink (`SegmentBuilder`'s, which queues each token in a `TokenBatch`) is specialized and
/// inlined into them: a closure passed down through `analyzeText` was called out of line, about 30
/// instructions a token (build4's callgrind: 117.5 M over 3,000 JSON Lines).
protocol TokenSink {
    /// Takes one token; its `term` is valid only during the call.
    mutating func consume(_ token: Token)
}

/// A sink that calls a closure (the public `Analyzer.analyze` API).
struct ClosureSink: TokenSink {
    let body: (Token) -> Void

    @inline(__always)
    mutating func consume(_ token: Token) { body(token) }
}
