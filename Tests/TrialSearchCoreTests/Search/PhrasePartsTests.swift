import Testing
@testable import TrialSearchCore

/// `PhraseParts` holds each part's offset, a position buffer of its own and a zero count, for every
/// phrase length, and `PhraseScorer.countOccurrences` reads them as the phrase's starts.
@Suite struct PhrasePartsTests {
    @Test(arguments: [2, 3, 5, 9])
    func partsHoldTheirOffsetsAndBuffers(parts: Int) {
        let offsets = (0..<parts).map { Int32($0 * 2) }
        let state = PhraseParts(offsets: offsets)
        #expect(state.count == parts)
        #expect((0..<parts).map { state.offsets[$0] } == offsets)
        #expect((0..<parts).allSatisfy { state.counts[$0] == 0 })
        let buffers = (0..<parts).map { state.positions[$0].takeUnretainedValue() }
        #expect(Set(buffers.map(ObjectIdentifier.init)).count == parts)
        // Part i at 10 + 2i and at 40 + 2i (and part 0 also at 25): two starts, 10 and 40.
        for i in 0..<parts {
            var positions: [Int32] = [10 + Int32(2 * i), 40 + Int32(2 * i)]
            if i == 0 { positions.insert(25, at: 1) }
            let base = buffers[i].reserve(positions.count)
            for (j, p) in positions.enumerated() { base[j] = p }
            state.counts[i] = positions.count
        }
        #expect(PhraseScorer.countOccurrences(parts, state.positions, state.counts, state.offsets) == 2)
        state.counts[parts - 1] = 1   // the last part at its first position only: one start left
        #expect(PhraseScorer.countOccurrences(parts, state.positions, state.counts, state.offsets) == 1)
    }
}
