import Testing
@testable import TrialSearchCore

/// `SourceTermCounts` against a `[String: Double]` and a sort of (frequency, first occurrence) pairs.
@Suite struct SourceTermCountsTests {
    /// 700 distinct terms (past the first table's and arena's room), many of more than 8 bytes that share
    /// their first 8 (`hyperlip…`), each added a few times with the given weights.
    static func counted(weights: [Double]) -> (counts: SourceTermCounts, reference: [String: Double], order: [String]) {
        var counts = SourceTermCounts()
        var reference: [String: Double] = [:]
        var order: [String] = []
        for round in 0..<3 {
            for n in 0..<700 where (n + round) % (round + 1) == 0 {
                let term = n % 3 == 0 ? "hyperlip\(n)" : n % 3 == 1 ? "t\(n)" : "statin\(n % 50)x\(n)"
                let weight = weights[(n + round) % weights.count]
                var bytes = Array(term.utf8)
                bytes.withUnsafeMutableBufferPointer { buffer in
                    counts.add(Token(term: UnsafeBufferPointer(buffer), position: 0, startOffset: 0, endOffset: 0), weight: weight)
                }
                if reference[term] == nil { order.append(term) }
                reference[term, default: 0] += weight
            }
        }
        return (counts, reference, order)
    }

    @Test(arguments: [[1.0, 0.5], [1.0], [0.3, 1.0, 0.7]])
    func countsAndCandidatesMatchTheReference(weights: [Double]) {
        let (counts, reference, order) = Self.counted(weights: weights)
        #expect(counts.entries.map(counts.term) == order)
        for e in counts.entries { #expect(e.frequency == reference[counts.term(e)], "\(counts.term(e))") }
        for minimum in [0, 1.5] {
            // By decreasing frequency, ties in order of first occurrence (packed keys with halves,
            // pairs with other weights: the same order).
            let expected = order.indices.filter { reference[order[$0]] ?? 0 >= minimum }.sorted {
                let a = reference[order[$0]] ?? 0, b = reference[order[$1]] ?? 0
                return a != b ? a > b : $0 < $1
            }
            #expect(counts.candidates(minimumFrequency: minimum).map(Int.init) == expected)
        }
    }
}
