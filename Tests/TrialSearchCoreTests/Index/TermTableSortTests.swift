import Testing
@testable import TrialSearchCore

/// `TermTable.sortedTermIDs()` (a radix sort on the terms' first 8 bytes, runs of equal words by their
/// whole bytes) gives exactly the bytes' order, which the term dictionary depends on.
struct TermTableSortTests {
    /// The terms of `table` in `ids` order, as byte arrays.
    private static func terms(_ table: TermTable, _ ids: [Int32]) -> [[UInt8]] {
        ids.map { Array(table.termBytes(Int($0))) }
    }

    /// Asserts that `ids` lists every term of `table` once, in strictly increasing byte order, and the
    /// same order as the comparison sort.
    private static func expectByteOrder(_ table: TermTable, _ ids: [Int32]) {
        #expect(ids.count == table.termCount)
        #expect(Set(ids).count == ids.count)
        let sorted = terms(table, ids)
        for k in sorted.indices.dropFirst() where !sorted[k - 1].lexicographicallyPrecedes(sorted[k]) {
            Issue.record("\(sorted[k - 1]) before \(sorted[k])")
            return
        }
        #expect(ids == table.sortedTermIDsByComparison())
    }

    private static func add(_ bytes: [UInt8], to table: inout TermTable) {
        bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress, !b.isEmpty { _ = table.slot(of: base, count: b.count) }
        }
    }

    /// The analyzed terms of the real records, their raw whitespace-separated words (XML markup,
    /// punctuation, UTF-8 of non-ASCII letters) and byte slices of 1–20 bytes at many offsets (so many
    /// terms share their first 8 bytes, and the table grows several times), plus hand-made edge cases:
    /// terms that begin others within and past 8 bytes, zero bytes (equal to the words' padding) and
    /// bytes ≥ 0x80.
    @Test func radixSortGivesTheBytesOrder() throws {
        var table = TermTable()
        defer { table.deallocate() }
        let analyzer = Analyzer()
        for name in AnalysisFixtures.recordNames {
            let bytes = try AnalysisFixtures.bytes(name)
            let text = String(decoding: bytes, as: UTF8.self)
            analyzer.analyze(text, field: .summary) { token in
                if token.term.count > 0, let base = token.term.baseAddress {
                    _ = table.slot(of: base, count: token.term.count)
                }
            }
            for word in bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A }) where word.count <= TermTable.maxTermLength {
                Self.add(Array(word), to: &table)
            }
            for start in stride(from: 0, to: bytes.count, by: 5) {
                for n in [1, 3, 7, 8, 9, 12, 16, 20] where start + n <= bytes.count {
                    Self.add(Array(bytes[start..<(start + n)]), to: &table)
                }
            }
        }
        let edges: [[UInt8]] = [
            [0x61], [0x61, 0x62], [0x61, 0x62, 0x00], [0x61, 0x62, 0x00, 0x00], [0x61, 0x62, 0x00, 0x01],
            Array("abcdefgh".utf8), Array("abcdefghi".utf8), Array("abcdefgh".utf8) + [0x00],
            Array("abcdefgh".utf8) + [0xFF], Array("abcdefgi".utf8), [0x00], [0xFF], [0xFF, 0xFF],
            Array("oestrogen".utf8), Array("œstrogen".utf8), Array("αβγδεζηθ".utf8), Array("αβγδεζηθι".utf8),
            Array(repeating: 0x7A, count: TermTable.maxTermLength), Array(repeating: 0x7A, count: 8),
        ]
        for edge in edges { Self.add(edge, to: &table) }
        try #require(table.termCount > 50_000)
        Self.expectByteOrder(table, table.sortedTermIDs())
    }

    /// A table of one term, of a few terms sharing one 8-byte word, and an empty one.
    @Test func smallTables() {
        var table = TermTable()
        defer { table.deallocate() }
        #expect(table.sortedTermIDs().isEmpty)
        Self.add(Array("clinicaltrials".utf8), to: &table)
        Self.expectByteOrder(table, table.sortedTermIDs())
        for term in ["clinicaltrial", "clinical", "clinica", "clinicaltrialsgov", "clinicalz"] {
            Self.add(Array(term.utf8), to: &table)
        }
        let sorted = Self.terms(table, table.sortedTermIDs()).map { String(decoding: $0, as: UTF8.self) }
        #expect(sorted == ["clinica", "clinical", "clinicaltrial", "clinicaltrials", "clinicaltrialsgov", "clinicalz"])
    }

    /// The smallest table (one slot, no text room: a flushed segment's) grows as terms arrive and holds
    /// the same terms in the same slots order as a default table given the same terms.
    @Test func smallestTableGrows() {
        var small = TermTable(slots: 1, textCapacity: 0)
        var large = TermTable()
        defer {
            small.deallocate()
            large.deallocate()
        }
        let words = (0..<3_000).map { Array("term\($0 * 7919 % 10_007)".utf8) } + [Array(repeating: 0x61, count: TermTable.maxTermLength)]
        for word in words + words {
            Self.add(word, to: &small)
            Self.add(word, to: &large)
        }
        #expect(small.termCount == Set(words).count && large.termCount == small.termCount)
        Self.expectByteOrder(small, small.sortedTermIDs())
        #expect(Self.terms(small, small.sortedTermIDs()) == Self.terms(large, large.sortedTermIDs()))
    }
}
