/// Decoded state of the current block of a cursor, in manually managed memory (one owner, freed in
/// `deinit`), so that a `PostingsCursor` stays a small struct.
final class PostingsBuffers {
    let docs: UnsafeMutablePointer<UInt32>
    let masks: UnsafeMutablePointer<UInt16>
    /// Index in `freqs` of each doc's first (field) termFreq; entry `n` is the total.
    let freqStart: UnsafeMutablePointer<UInt32>
    /// Position values before each doc of the block (prefix sums of the docs' total termFreq).
    let positionsBefore: UnsafeMutablePointer<UInt32>
    let freqs: UnsafeMutablePointer<UInt32>
    /// The block's field-mask dictionary (`MaskDictionary` entries: a doc's mask and the number of its
    /// termFreqs in one look-up).
    let dictionary: UnsafeMutablePointer<UInt32>

    init() {
        let n = IndexFormat.maxBlockDocs
        docs = .allocate(capacity: n)
        masks = .allocate(capacity: n)
        freqStart = .allocate(capacity: n + 1)
        positionsBefore = .allocate(capacity: n + 1)
        freqs = .allocate(capacity: n * IndexFormat.fieldCount)
        // Every index a block's dictionary-index width can express (≥ n), so that indices past a damaged
        // block's dictionary read its `MaskDictionary.damaged` entries (`PostingsCursor.readFreqHeader`).
        let entries = 1 << BitPacking.bitsRequired(UInt32(n - 1))
        dictionary = .allocate(capacity: entries)
    }

    deinit {
        docs.deallocate()
        masks.deallocate()
        freqStart.deallocate()
        positionsBefore.deallocate()
        freqs.deallocate()
        dictionary.deallocate()
    }
}
