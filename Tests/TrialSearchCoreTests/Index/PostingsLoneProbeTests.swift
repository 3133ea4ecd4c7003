import Testing
@testable import TrialSearchCore

/// `PostingsCursor.advanceAlone(to:)` (`ThresholdSeed`'s completion probes: a block's doc ids unpacked
/// only up to about the target) against the postings written: the same doc, mask and termFreqs as
/// `advance(to:)` gives, for increasing targets from a fresh cursor, on flush blocks of 128 and merged
/// blocks of 255, docs spread evenly, bunched at a block's start or end (where the estimate of the
/// target's place misses and the rest of the ids is unpacked), several targets in one block, targets
/// between docs and past the last; a found target's mask and first termFreq index decoded with its group
/// of 8 docs only, the docs before it summed (`decodeLoneDoc`).
@Suite struct PostingsLoneProbeTests {
    typealias Posting = PostingsDecodingTests.Posting

    /// `count` postings whose docs come in groups of `blockDocs`, each group's docs `gap` apart and
    /// bunched at the start (`atStart`) or the end of a span of 100,000 doc ids.
    static func bunched(count: Int, blockDocs: Int, gap: Int, atStart: Bool, rng: inout SeededRandom) -> [Posting] {
        (0..<count).map { i in
            let group = i / blockDocs, k = i % blockDocs
            let offset = atStart ? k * gap : 100_000 - (blockDocs - k) * gap
            let f = Int(rng.next() % UInt64(IndexFormat.fieldCount))
            var freqs = [UInt32](repeating: 0, count: IndexFormat.fieldCount)
            freqs[f] = UInt32(rng.next() % 40) + 1
            return Posting(doc: group * 100_000 + offset, mask: 1 << UInt16(f), freqs: freqs)
        }
    }

    @Test func loneProbesReadWhatAdvanceReads() throws {
        let dir = TemporaryDirectory("lone-probes")
        defer { dir.remove() }
        let all: UInt16 = (1 << UInt16(IndexFormat.fieldCount)) - 1
        var rng = SeededRandom(seed: 22)
        let varied: (Int, inout SeededRandom) -> UInt16 = { i, rng in
            i % 4 == 0 ? all : UInt16(truncatingIfNeeded: rng.next() % UInt64(all)) + 1
        }
        var probes = 0, groupChecks = 0
        for blockDocs in [IndexFormat.blockSize, IndexFormat.maxBlockDocs] {
            let terms = [
                PostingsDecodingTests.postings(count: 1, first: 3, rng: &rng, maskOf: varied),
                PostingsDecodingTests.postings(count: 100, first: 0, rng: &rng, maskOf: varied),
                PostingsDecodingTests.postings(count: 2000, first: 1, rng: &rng, maskOf: varied),
                PostingsDecodingTests.postings(count: 1500, first: 0, rng: &rng) { _, _ in 0b10 },
                Self.bunched(count: 5 * blockDocs + 3, blockDocs: blockDocs, gap: 3, atStart: true, rng: &rng),
                Self.bunched(count: 5 * blockDocs + 3, blockDocs: blockDocs, gap: 5, atStart: false, rng: &rng),
            ]
            let written = try PostingsDecodingTests.write(terms, blockDocs: blockDocs, in: dir, name: "b\(blockDocs)")
            for (t, postings) in terms.enumerated() {
                let lastDoc = postings[postings.count - 1].doc
                for round in 0..<60 {
                    // Increasing targets: docs of the postings, ids between them, and (sometimes) one past the last.
                    var targets: [Int] = []
                    let count = 1 + Int(rng.next() % 12)
                    for _ in 0..<count {
                        let p = postings[Int(rng.next() % UInt64(postings.count))].doc
                        targets.append(rng.next() % 3 == 0 ? max(0, p - 1 - Int(rng.next() % 4)) : p)
                    }
                    if round % 10 == 0 { targets.append(lastDoc + 1 + Int(rng.next() % 50)) }
                    targets.sort()
                    var lone = written.cursor(t)
                    var reference = written.cursor(t)
                    var onlyFound = true
                    for target in targets {
                        let label = "blocks of \(blockDocs), term \(t), round \(round), target \(target)"
                        let d = lone.advanceAlone(to: DocID(target))
                        let e = reference.advance(to: DocID(target))
                        #expect(d == e, "\(label)")
                        #expect(!lone.isCorrupt, "\(label)")
                        if d == PostingsCursor.noMoreDocs { break }
                        probes += 1
                        if Int(d) == target && lone.maskCount > 1 && lone.freqWidth > 0 {
                            // A found target's doc is decoded (`decodeLoneDoc`), with its group of 8 only
                            // while every earlier probe found its target (this test also reads the docs
                            // it lands on otherwise, through the search's chunks of `maskChunk`).
                            #expect(lone.masksDecoded > lone.index, "\(label): decoded")
                            if onlyFound {
                                groupChecks += 1
                                #expect(lone.masksDecoded <= (lone.index & ~7) + 8, "\(label): decoded past the group")
                            }
                        }
                        if Int(d) != target { onlyFound = false }
                        #expect(lone.fieldMask == reference.fieldMask, "\(label): fieldMask")
                        let (mask, start) = lone.maskAndFreqStart()
                        let (expectedMask, expectedStart) = reference.maskAndFreqStart()
                        #expect(mask == expectedMask, "\(label): mask")
                        #expect(start == expectedStart, "\(label): first termFreq")
                        var k = start
                        for f in 0..<IndexFormat.fieldCount where mask & (1 << UInt16(f)) != 0 {
                            let posting = postings.first { $0.doc == Int(d) }
                            #expect(lone.termFreq(at: k) == posting?.freqs[f], "\(label): termFreq of field \(f)")
                            k += 1
                        }
                    }
                }
            }
        }
        #expect(probes > 1000)
        #expect(groupChecks > 100)
    }
}
