import Testing
@testable import TrialSearchCore

/// `TokenBatch` keeps a term of at most 8 bytes as its entry's prefix only (no copy to its bytes), and
/// `TermTable.add` takes a new such term's bytes from the prefix (`probeFurther`): every term, short and
/// long, hashed by the batch or coming with its `TermHash` (the stem cache's path), is stored with its
/// own bytes, whether it was found in its home slot, past it, or added.
struct TokenBatchTests {
    @Test func shortTermsComeFromTheirPrefix() {
        // Terms of 1 to 16 bytes (the two sides of 8), some with zero-free bytes of every value class.
        let terms: [[UInt8]] = (0..<300).map { k in
            let base = Array("t\(k)".utf8)
            switch k % 4 {
            case 0: return base
            case 1: return base + Array("abcdefgh".utf8).prefix(max(0, 8 - base.count))
            case 2: return base + Array("-longer".utf8)
            default: return Array("é\(k)µ".utf8)
            }
        }
        // A table of 4 slots: it grows under the batches, and terms sit in and past their home slot.
        var table = TermTable(slots: 4, textCapacity: 8)
        defer { table.deallocate() }
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: TokenBatch.byteCapacity)
        let entries = UnsafeMutablePointer<TokenBatch.Entry>.allocate(capacity: TokenBatch.capacity)
        defer {
            bytes.deallocate()
            entries.deallocate()
        }
        var batch = TokenBatch(bytes: bytes, entries: entries)
        var position: Int32 = 0
        for round in 0..<3 {
            for (k, term) in terms.enumerated() {
                term.withUnsafeBufferPointer { t in
                    // Odd terms as the stem cache hands them: with their `TermHash`.
                    let token = k % 2 == 1
                        ? Token(term: t, position: position, startOffset: 0, endOffset: 0, kind: .word,
                                termHash: TermHash.of(t.baseAddress!, t.count).hash,
                                termPrefix: TermHash.of(t.baseAddress!, t.count).prefix)
                        : Token(term: t, position: position, startOffset: 0, endOffset: 0, kind: .word)
                    batch.append(token, table: table)
                }
                position += 1
                if batch.isFull {
                    table.add(batch, doc: Int32(round), field: 0)
                    batch.removeAll()
                }
            }
            table.add(batch, doc: Int32(round), field: 0)
            batch.removeAll()
        }
        table.finishPending()
        #expect(table.termCount == terms.count)
        var stored: [[UInt8]] = []
        for t in 0...table.tableMask where table.terms[t].textLength != 0 { stored.append(Array(table.termBytes(t))) }
        #expect(Set(stored) == Set(terms), "each term stored with its own bytes")
        #expect(stored.count == terms.count)
        for term in terms {
            let slot = term.withUnsafeBufferPointer { table.slot(of: $0.baseAddress!, count: $0.count) }
            #expect(Array(table.termBytes(slot)) == term)
        }
        #expect(table.termCount == terms.count, "looking the terms up again added none")
    }
}
