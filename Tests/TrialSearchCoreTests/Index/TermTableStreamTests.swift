import Testing
@testable import TrialSearchCore

/// The doc and positions streams a `TermTable` writes (`TermTable.add` through its `TokenBatch`es: the
/// inline entry writes and the `ByteBlockPool`'s slices) hold exactly the vints of the documented format,
/// whatever the doc gaps (1 to 4 bytes of code), the termFreqs (1, below and past 128) and the slices'
/// ends the entries meet.
struct TermTableStreamTests {
    /// One occurrence: (doc, field, term index, position).
    private typealias Occurrence = (doc: Int32, field: UInt8, term: Int, position: Int32)

    private static func vint(_ value: UInt32, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// A deterministic pseudo-random sequence (xorshift).
    private struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    @Test func streamsHoldTheFormatsVInts() {
        let terms: [[UInt8]] = (0..<40).map { k in Array("t\(k)".utf8) + (k % 3 == 0 ? Array("-longer-than-eight".utf8) : []) }
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        // Docs with gaps of 1 to 3,000,000 (codes of 1 to 4 bytes); per doc 1-3 fields, per field a run of
        // tokens in which some terms repeat 1-300 times (termFreqs past 128).
        var occurrences: [Occurrence] = []
        var doc: Int32 = 0
        for _ in 0..<600 {
            let gaps = [1, 1, 2, 3, 5, 130, 600, 70_000, 3_000_000]
            doc += Int32(gaps[random.next(gaps.count)])
            var field = UInt8(random.next(4))
            for _ in 0..<(1 + random.next(3)) {
                var position: Int32 = 0
                for _ in 0..<(1 + random.next(6)) {
                    let term = random.next(terms.count)
                    let repeats = random.next(10) == 0 ? 100 + random.next(200) : 1 + random.next(3)
                    for _ in 0..<repeats {
                        occurrences.append((doc, field, term, position))
                        position += Int32(1 + random.next(200))
                    }
                }
                field += 1 + UInt8(random.next(3))
                if field >= 16 { break }
            }
        }

        // The expected streams, per term.
        var docStreams = [[UInt8]](repeating: [], count: terms.count)
        var positionStreams = [[UInt8]](repeating: [], count: terms.count)
        var k = 0
        var lastWrittenDoc = [Int32](repeating: -1, count: terms.count)
        while k < occurrences.count {
            // The entries of one (doc, field): each term's positions in order.
            var end = k
            while end < occurrences.count && occurrences[end].doc == occurrences[k].doc
                && occurrences[end].field == occurrences[k].field { end += 1 }
            var byTerm: [Int: [Int32]] = [:]
            for o in occurrences[k..<end] { byTerm[o.term, default: []].append(o.position) }
            for (term, positions) in byTerm {
                let o = occurrences[k]
                let freq = UInt32(positions.count)
                let code = UInt32(o.doc - lastWrittenDoc[term]) << 5 | UInt32(o.field) << 1 | (freq == 1 ? 1 : 0)
                Self.vint(code, into: &docStreams[term])
                if freq != 1 { Self.vint(freq, into: &docStreams[term]) }
                lastWrittenDoc[term] = o.doc
                var last: Int32 = 0
                for p in positions {
                    Self.vint(UInt32(p - last), into: &positionStreams[term])
                    last = p
                }
            }
            k = end
        }

        // The table fed a field at a time, in batches, as `SegmentBuilder.add` does.
        var table = TermTable(slots: 4, textCapacity: 8)
        defer { table.deallocate() }
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: TokenBatch.byteCapacity)
        let entries = UnsafeMutablePointer<TokenBatch.Entry>.allocate(capacity: TokenBatch.capacity)
        defer {
            bytes.deallocate()
            entries.deallocate()
        }
        var batch = TokenBatch(bytes: bytes, entries: entries)
        k = 0
        while k < occurrences.count {
            let (doc, field) = (occurrences[k].doc, occurrences[k].field)
            while k < occurrences.count && occurrences[k].doc == doc && occurrences[k].field == field {
                let o = occurrences[k]
                terms[o.term].withUnsafeBufferPointer { term in
                    batch.append(Token(term: term, position: o.position, startOffset: 0, endOffset: 0, kind: .word),
                                 table: table)
                }
                if batch.isFull {
                    table.add(batch, doc: doc, field: field)
                    batch.removeAll()
                }
                k += 1
            }
            table.add(batch, doc: doc, field: field)
            batch.removeAll()
        }
        table.finishPending()

        #expect(table.termCount == Set(occurrences.map(\.term)).count)
        // In so small a table some terms sit past their home slot: their tokens took `TermTable.add`'s
        // out-of-line probe (`probeFurther`), the others the inline compare of the home slot.
        var awayFromHome = 0
        for t in 0...table.tableMask where table.terms[t].textLength != 0 && Int(table.terms[t].hash) & table.tableMask != t {
            awayFromHome += 1
        }
        #expect(awayFromHome > 0 && awayFromHome < table.termCount, "\(awayFromHome) of \(table.termCount) terms past their home slot")
        for (term, text) in terms.enumerated() where !docStreams[term].isEmpty {
            let slot = text.withUnsafeBufferPointer { table.slot(of: $0.baseAddress!, count: $0.count) }
            let state = table.terms[slot]
            var docs = SliceReader(pool: table.pool, start: state.docStart, upto: state.docUpto)
            var read: [UInt8] = []
            while !docs.atEnd { read.append(docs.readByte()) }
            #expect(read == docStreams[term], "doc stream of term \(term)")
            var positions = SliceReader(pool: table.pool, start: state.positionsStart, upto: state.positionsUpto)
            read = []
            while !positions.atEnd { read.append(positions.readByte()) }
            #expect(read == positionStreams[term], "positions stream of term \(term)")
        }
    }
}
