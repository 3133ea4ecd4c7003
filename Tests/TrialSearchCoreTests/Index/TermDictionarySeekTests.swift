import Testing
@testable import TrialSearchCore

/// `TermDictionary.seek` against `lookup` for every term of a segment and for absent neighbours.
@Suite struct TermDictionarySeekTests {
    @Test func seekFindsWhatLookupFinds() throws {
        let dir = TemporaryDirectory("seek")
        defer { dir.remove() }
        var trials = SyntheticTrials.make(count: 600, seed: 5)
        // Terms sharing long prefixes, and prefixes of each other.
        trials[0].briefTitle = "ab abc abcd abcde abd abde b ba bab babb hyperlipidaemia hyperlipidemia hyperlipid"
        let segment = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        var terms: [[UInt8]] = []
        var e = segment.terms.makeTermsEnum()
        while e.next() { terms.append(e.term) }
        #expect(terms.count > 400)
        var probes = 0
        for term in terms {
            let expected = try segment.terms.lookup(term)
            let found = try term.withUnsafeBytes { try segment.terms.seek($0) }
            #expect(found == expected, "\(String(decoding: term, as: UTF8.self))")
            // Absent neighbours: one byte more, one byte less, the last byte changed, a byte appended.
            var variants: [[UInt8]] = [term + [0x7A], Array(term.dropLast()), term + [0x00]]
            if let last = term.last, last < 0xFF { variants.append(Array(term.dropLast()) + [last + 1]) }
            if let last = term.last, last > 0 { variants.append(Array(term.dropLast()) + [last - 1]) }
            for v in variants {
                let a = try segment.terms.lookup(v)
                let b = try v.withUnsafeBytes { try segment.terms.seek($0) }
                #expect(a == b, "variant \(String(decoding: v, as: UTF8.self))")
                probes += 1
            }
        }
        #expect(try segment.terms.seek("") == nil)
        #expect(try segment.terms.seek("\u{FFFF}zzz") == nil)
        #expect(probes > 1_000)
    }
}
