import Testing
@testable import TrialSearchCore

/// `TermDictionary.seek` against `lookup` for every term of a segment and for absent neighbours.
@Suite struct TermDictionarySeekTests {
    /// Every term of `dictionary`, in order.
    static func terms(of dictionary: TermDictionary) -> [[UInt8]] {
        var terms: [[UInt8]] = []
        var e = dictionary.makeTermsEnum()
        while e.next() { terms.append(e.term) }
        return terms
    }

    /// A segment of 600 synthetic trials (`seed`) whose first title holds 200 terms sharing their first
    /// 8 bytes (blocks then start with equal keys) and whose second title is `words`.
    static func segmentWithSharedKeys(seed: UInt64, words: String, in dir: TemporaryDirectory) throws -> SegmentReader {
        var trials = SyntheticTrials.make(count: 600, seed: seed)
        trials[0].briefTitle = (0..<200).map { "hyperlip\($0)x" }.joined(separator: " ")
        trials[1].briefTitle = words
        return try SegmentRoundTripTests.buildSegment(trials, in: dir)
    }

    /// Absent neighbours of `term`: one byte more, one byte less, the last byte changed, a byte appended.
    static func neighbours(of term: [UInt8]) -> [[UInt8]] {
        var variants: [[UInt8]] = [term + [0x7A], Array(term.dropLast()), term + [0x00]]
        if let last = term.last, last < 0xFF { variants.append(Array(term.dropLast()) + [last + 1]) }
        if let last = term.last, last > 0 { variants.append(Array(term.dropLast()) + [last - 1]) }
        return variants
    }

    @Test func seekFindsWhatLookupFinds() throws {
        let dir = TemporaryDirectory("seek")
        defer { dir.remove() }
        var trials = SyntheticTrials.make(count: 600, seed: 5)
        // Terms sharing long prefixes, and prefixes of each other.
        trials[0].briefTitle = "ab abc abcd abcde abd abde b ba bab babb hyperlipidaemia hyperlipidemia hyperlipid"
        let segment = try SegmentRoundTripTests.buildSegment(trials, in: dir)
        let terms = Self.terms(of: segment.terms)
        #expect(terms.count > 400)
        var probes = 0
        for term in terms {
            let expected = try segment.terms.lookup(term)
            let found = try term.withUnsafeBytes { try segment.terms.seek($0) }
            #expect(found == expected, "\(String(decoding: term, as: UTF8.self))")
            for v in Self.neighbours(of: term) {
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

    /// `TermDictionary.Seeker.seek` (many look-ups through one view) gives `seek`'s and `lookup`'s answers, for
    /// every term and absent neighbours, on blocks with distinct keys and on blocks sharing an 8-byte key.
    @Test func seekerFindsWhatSeekFinds() throws {
        let dir = TemporaryDirectory("seeker")
        defer { dir.remove() }
        let dictionary = try Self.segmentWithSharedKeys(
            seed: 11, words: "ab abc abcd abcde abd abde b ba bab babb hyperlip hyperli hyperlipz hyperlipidaemia", in: dir).terms
        let terms = Self.terms(of: dictionary)
        #expect(terms.count > 600)
        var probes = 0, found = 0
        try dictionary.withSeeker { seeker in
            for term in terms {
                for v in [term] + Self.neighbours(of: term) {
                    let expected = try v.withUnsafeBytes { try dictionary.seek($0) }
                    #expect(expected == (try dictionary.lookup(v)))
                    let got = try v.withUnsafeBytes { try seeker.seek($0) }
                    #expect(got == expected, "\(String(decoding: v, as: UTF8.self))")
                    probes += 1
                    if got != nil { found += 1 }
                }
            }
            #expect(try seeker.seek(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        }
        #expect(found >= terms.count)
        #expect(probes > 3_000)
    }

    /// `block(containing:)` is the last block whose first term is ≤ the term, whether or not a block's
    /// 8-byte key equals the term's (the in-memory search alone, or the term comparisons among equal keys).
    @Test func blockContainingIsTheLastBlockStartingAtOrBelow() throws {
        let dir = TemporaryDirectory("seek-block")
        defer { dir.remove() }
        let dictionary = try Self.segmentWithSharedKeys(seed: 7, words: "hyperlip hyperli hyperlipz ab abc b", in: dir).terms
        #expect(dictionary.blockCount > 10)
        let firsts: [[UInt8]] = try (0..<dictionary.blockCount).map { b in
            let first = try #require(dictionary.firstTerm(ofBlock: b))
            return Array(first)
        }
        #expect(Set(firsts.filter { $0.starts(with: Array("hyperlip".utf8)) }).count > 2)
        var probes = 0
        for term in Self.terms(of: dictionary) {
            for v in [term] + Self.neighbours(of: term) where !v.isEmpty {
                let expected = firsts.lastIndex { $0.lexicographicallyPrecedes(v) || $0 == v }
                let found = try v.withUnsafeBytes { try dictionary.block(containing: $0) }
                if let expected {
                    #expect(found == expected, "\(String(decoding: v, as: UTF8.self))")
                } else if let found {
                    // Allowed: a first block above the term sharing its key (its scan finds nothing).
                    #expect(v.withUnsafeBytes { TermDictionary.key($0) }
                        == firsts[found].withUnsafeBytes { TermDictionary.key($0) })
                }
                probes += 1
            }
        }
        #expect(probes > 2_000)
    }

    /// On a real dictionary (the format-9 fixture's records): every term is found by `seek` and by a
    /// `Seeker` with `lookup`'s statistics, and terms absent from it (before the first, after the last,
    /// and between every two neighbours) are not.
    @Test func realDictionaryEveryTermAndTheGapsBetween() throws {
        let reader = try IndexReader.open(directory: IndexFixtures.path("format9-index"))
        let dictionary = try #require(reader.segments.first).terms
        let terms = Self.terms(of: dictionary)
        #expect(terms.count > 5_000)
        #expect(dictionary.blockCount > 100)
        var absent: [[UInt8]] = [[0x01], [0xFF, 0xFF]]
        if let first = terms.first, let last = first.last, last > 0 { absent.append(Array(first.dropLast()) + [last - 1]) }
        for (a, b) in zip(terms, terms.dropFirst()) {
            #expect(a.lexicographicallyPrecedes(b))
            // Just after `a`, and just before `b` where its last byte leaves room.
            for v in [a + [0x00], a + [0x7A]] + Self.neighbours(of: b) where a.lexicographicallyPrecedes(v) && v.lexicographicallyPrecedes(b) {
                absent.append(v)
            }
        }
        #expect(absent.count > terms.count)
        var found = 0
        try dictionary.withSeeker { seeker in
            for term in terms {
                let expected = try #require(try dictionary.lookup(term))
                #expect(try term.withUnsafeBytes { try dictionary.seek($0) } == expected)
                #expect(try term.withUnsafeBytes { try seeker.seek($0) } == expected, "\(String(decoding: term, as: UTF8.self))")
                found += 1
            }
            for v in absent {
                #expect(try dictionary.lookup(v) == nil)
                #expect(try v.withUnsafeBytes { try dictionary.seek($0) } == nil)
                #expect(try v.withUnsafeBytes { try seeker.seek($0) } == nil, "\(String(decoding: v, as: UTF8.self))")
            }
        }
        #expect(found == terms.count)
    }

    /// On the real dictionary, a `Seeker` answers the same whatever the order of its look-ups: every term
    /// and absent terms before, between and after them, in ascending, descending and interleaved order
    /// (neighbours in one block one after the other, and blocks far apart in turn).
    @Test func realDictionarySeekerInSeveralOrders() throws {
        let reader = try IndexReader.open(directory: IndexFixtures.path("format9-index"))
        let dictionary = try #require(reader.segments.first).terms
        let terms = Self.terms(of: dictionary)
        #expect(terms.count > 5_000)
        var probes: [[UInt8]] = [[0x01], [0xFF, 0xFF]]
        for (a, b) in zip(terms, terms.dropFirst()) {
            probes.append(a)
            if a + [0x00] != b { probes.append(a + [0x00]) }
        }
        if let last = terms.last { probes += [last, last + [0x00]] }
        let expected = try probes.map { try dictionary.lookup($0) }
        #expect(expected.compactMap { $0 }.count == terms.count)
        let ascending = Array(probes.indices)
        let half = probes.count / 2
        let interleaved = (0..<half).flatMap { [$0, $0 + half] } + (2 * half..<probes.count)
        let strided = (0..<7).flatMap { Array(stride(from: $0, to: probes.count, by: 7)) }
        for order in [ascending, ascending.reversed(), interleaved, strided] {
            #expect(order.count == probes.count)
            try dictionary.withSeeker { seeker in
                for k in order {
                    let got = try probes[k].withUnsafeBytes { try seeker.seek($0) }
                    #expect(got == expected[k], "\(String(decoding: probes[k], as: UTF8.self))")
                }
            }
        }
    }

    /// `skip(n, …)` ends where `n` vints read one by one end: vints of 1 to 9 bytes across the 8-byte
    /// words, up to the body's end (the last bytes read one vint at a time), and past it.
    @Test func skipEndsWhereTheVintsEnd() {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for k in 0..<60 {
            starts.append(bytes.count)
            let length = [1, 2, 1, 3, 1, 1, 9, 2, 4, 1, 5, 2][k % 12]
            bytes += Array(repeating: 0x80 | UInt8(k & 0x7F), count: length - 1) + [UInt8(k & 0x7F)]
        }
        starts.append(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let end = buffer.count
            for (s, start) in starts.enumerated() {
                for n in 1...20 {
                    var i = start
                    TermDictionary.skip(n, base, end, &i)
                    if s + n < starts.count {
                        #expect(i == starts[s + n], "\(n) vints from \(start)")
                    } else {
                        #expect(i > end, "\(n) vints from \(start), past the end")
                    }
                }
            }
        }
    }

    /// `skip(n)` over runs of one-byte vints (its shortcut when the next `n` ≤ 8 bytes all end a vint)
    /// and across a run's end into longer vints: the same ends as the vints read one by one.
    @Test func skipOverRunsOfOneByteVints() {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for k in 0..<120 {
            starts.append(bytes.count)
            // Runs of twelve one-byte vints, each followed by a vint of 2 or 3 bytes.
            let length = k % 13 == 12 ? 2 + k % 2 : 1
            bytes += Array(repeating: 0x80 | UInt8(k & 0x7F), count: length - 1) + [UInt8(k & 0x7F)]
        }
        starts.append(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            for (s, start) in starts.enumerated() {
                for n in 1...12 {
                    var i = start
                    TermDictionary.skip(n, base, buffer.count, &i)
                    if s + n < starts.count {
                        #expect(i == starts[s + n], "\(n) vints from \(start)")
                    } else {
                        #expect(i > buffer.count, "\(n) vints from \(start), past the end")
                    }
                }
            }
        }
    }
}
