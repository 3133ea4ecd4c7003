import Testing
@testable import TrialSearchCore

/// `PostingsBuffers` cuts its seven arrays from one block that released buffer sets give back to a pool:
/// the arrays of a set never overlap, and a set whose block comes from the pool is as good as a new one,
/// also past the pool's capacity.
@Suite struct PostingsBuffersTests {
    @Test func arraysDoNotOverlapAndPooledBlocksAreReused() {
        let n = IndexFormat.maxBlockDocs
        let entries = 1 << BitPacking.bitsRequired(UInt32(n - 1))
        for round in 0..<3 {
            var sets: [PostingsBuffers] = []
            for k in 0..<(PostingsBuffers.StoragePool.capacity + 20) {
                let b = PostingsBuffers()
                let tag = UInt32(round * 100_000 + k * 8)
                // Each array filled to its capacity with its own value, then all read back.
                b.docs.update(repeating: tag, count: n)
                b.masks.update(repeating: UInt16(truncatingIfNeeded: tag + 1), count: n)
                b.freqStart.update(repeating: tag + 2, count: n + 1)
                b.positionsBefore.update(repeating: tag + 3, count: n + 1)
                b.freqs.update(repeating: tag + 4, count: n * IndexFormat.fieldCount)
                b.dictionaryFields.update(repeating: tag + 5, count: entries)
                b.dictionaryMasks.update(repeating: UInt16(truncatingIfNeeded: tag + 6), count: entries)
                sets.append(b)
            }
            for (k, b) in sets.enumerated() {
                let tag = UInt32(round * 100_000 + k * 8)
                #expect((0..<n).allSatisfy { b.docs[$0] == tag && b.masks[$0] == UInt16(truncatingIfNeeded: tag + 1) })
                #expect((0...n).allSatisfy { b.freqStart[$0] == tag + 2 && b.positionsBefore[$0] == tag + 3 })
                #expect((0..<(n * IndexFormat.fieldCount)).allSatisfy { b.freqs[$0] == tag + 4 })
                #expect((0..<entries).allSatisfy { b.dictionaryFields[$0] == tag + 5 })
                #expect((0..<entries).allSatisfy { b.dictionaryMasks[$0] == UInt16(truncatingIfNeeded: tag + 6) })
            }
        }
    }
}
