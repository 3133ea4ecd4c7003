import Testing
import TrialSearchCore
@testable import TrialSearchKit

/// The analyzed terms a rewritten query keeps for the snippets (`RewrittenQuery.terms`): every term of
/// every clause (a phrase's parts, an alternative's, an excluded clause's), each once, for keyword
/// queries and patient notes alike, on the shipped corpus.
@Suite struct RewrittenTermsTests {
    @Test func aKeywordQueryKeepsEveryTermOfItsClauses() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let text = "+ovarian \"premature insufficiency\" -title:canine COVID-19 ovarian amenorrhea"
        let rewritten = try engine.rewrite(text, mode: .syntax)
        let parsed = try QueryParser(analyzer: engine.analyzer).parse(text)
        #expect(rewritten.terms == Set(parsed.terms))
        // A phrase's parts, an excluded clause's term and a repeated word's one term are all there.
        #expect(rewritten.terms.count == parsed.terms.count)
        #expect(rewritten.terms.count >= 6, "\(rewritten.terms.sorted())")
    }

    @Test func aNoteKeepsTheTermsOfItsClauses() throws {
        let index = try #require(ShippedCorpusIndex.shared)
        let engine = try index.engine()
        let rewritten = try engine.rewrite(LongQueryAndRelatedTests.note, mode: .text)
        #expect(rewritten.terms == Set(rewritten.query.terms))
        #expect(!rewritten.terms.isEmpty)
    }
}
