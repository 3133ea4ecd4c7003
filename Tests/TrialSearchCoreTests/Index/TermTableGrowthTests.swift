import Testing
@testable import TrialSearchCore

/// A `TermTable` grown from its default 2 MB slot table (a huge-page mapping, taken zeroed without a
/// `memset`) to 8 MB through two doublings keeps every term: each one is found again at the slot it
/// was given, with its bytes, and nothing else is taken for a term.
struct TermTableGrowthTests {
    @Test func termsSurviveGrowthPastTheFirstMapping() {
        var table = TermTable()
        defer { table.deallocate() }
        let initialSlots = table.tableMask + 1
        #expect(initialSlots * 64 >= HugePages.size, "the first table is a mapping")
        // Terms of 1 to 24 bytes (the 8- and 16-byte compare paths), more than twice the first table's load.
        let count = initialSlots + initialSlots / 4
        func term(_ k: Int) -> [UInt8] {
            let base = Array("w\(k)".utf8)
            return k % 3 == 0 ? base + Array("-and-more-bytes".utf8) : base
        }
        for k in 0..<count {
            let bytes = term(k)
            _ = bytes.withUnsafeBufferPointer { table.slot(of: $0.baseAddress!, count: $0.count) }
        }
        #expect(table.termCount == count)
        #expect(table.tableMask + 1 >= 4 * initialSlots, "the table doubled twice")
        var lost = 0
        for k in 0..<count {
            let bytes = term(k)
            let slot = bytes.withUnsafeBufferPointer { table.slot(of: $0.baseAddress!, count: $0.count) }
            if Array(table.termBytes(slot)) != bytes { lost += 1 }
        }
        #expect(lost == 0)
        #expect(table.termCount == count, "looking the terms up again added none")
        var occupied = 0
        for t in 0...table.tableMask where table.terms[t].textLength != 0 { occupied += 1 }
        #expect(occupied == count, "every other slot is still empty (zero)")
    }
}
