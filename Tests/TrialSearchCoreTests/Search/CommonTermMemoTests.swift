import Testing
@testable import TrialSearchCore

/// `CommonTermMemo`: terms found by their bytes (short ones by their first 8 bytes and length, longer
/// ones compared whole), each remembered once, and no more than `capacity`.
@Suite struct CommonTermMemoTests {
    private static func docFreq(_ memo: CommonTermMemo, _ term: String) -> Int? {
        var bytes = Array(term.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let (hash, prefix) = TermHash.of(UnsafePointer(buffer.baseAddress!), buffer.count)
            return memo.docFreq(of: UnsafeRawBufferPointer(buffer), hash: hash, prefix: prefix)
        }
    }

    private static func remember(_ memo: inout CommonTermMemo, _ term: String, _ docFreq: Int) {
        var bytes = Array(term.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            let (hash, prefix) = TermHash.of(UnsafePointer(buffer.baseAddress!), buffer.count)
            memo.remember(UnsafeRawBufferPointer(buffer), hash: hash, prefix: prefix, docFreq: docFreq)
        }
    }

    @Test func termsAreFoundByTheirBytes() {
        var memo = CommonTermMemo()
        #expect(Self.docFreq(memo, "patient") == nil && memo.count == 0)
        let terms = ["a", "ag", "age", "requir", "patient", "particip", "inclusion", "eligibilityx", "contraindicatedagent"]
        for (i, term) in terms.enumerated() { Self.remember(&memo, term, 1000 + i) }
        for (i, term) in terms.enumerated() { #expect(Self.docFreq(memo, term) == 1000 + i, "\(term)") }
        // Same first 8 bytes, other lengths or endings; shorter prefixes; never remembered.
        for other in ["particip2", "inclusiox", "eligibilityy", "contraindicatedagenz", "patien", "pat", "b", ""] {
            #expect(Self.docFreq(memo, other) == nil, "\(other)")
        }
        // A term remembered again keeps its first bound and its one entry.
        Self.remember(&memo, "patient", 7)
        #expect(Self.docFreq(memo, "patient") == 1004 && memo.count == terms.count)
        #expect(memo.remembered.map(\.term) == terms)
    }

    @Test func atMostCapacityTermsAreRemembered() {
        var memo = CommonTermMemo()
        for i in 0..<(CommonTermMemo.capacity + 10) { Self.remember(&memo, "term\(i)", i) }
        #expect(memo.count == CommonTermMemo.capacity)
        #expect(Self.docFreq(memo, "term0") == 0 && Self.docFreq(memo, "term\(CommonTermMemo.capacity - 1)") == CommonTermMemo.capacity - 1)
        #expect(Self.docFreq(memo, "term\(CommonTermMemo.capacity)") == nil)
    }
}
