/// A run of decoded docs of one postings block (`PostingsCursor.run(through:)`): doc `i` of the block,
/// for `i` in `start..<end`, is `docs[i]`, holds the term in the fields of `masks[i]` with the termFreqs
/// `freqs[freqStarts[i]...]` minus one (as stored), one per field of the mask in field order. The
/// pointers are the cursor's decode buffers: valid until the cursor moves.
public struct PostingsRun {
    public let docs: UnsafePointer<UInt32>
    public let masks: UnsafePointer<UInt16>
    public let freqStarts: UnsafePointer<UInt32>
    public let freqs: UnsafePointer<UInt32>
    public let start: Int
    public let end: Int

    init(docs: UnsafeMutablePointer<UInt32>, masks: UnsafeMutablePointer<UInt16>, freqStarts: UnsafeMutablePointer<UInt32>,
         freqs: UnsafeMutablePointer<UInt32>, start: Int, end: Int) {
        self.docs = UnsafePointer(docs)
        self.masks = UnsafePointer(masks)
        self.freqStarts = UnsafePointer(freqStarts)
        self.freqs = UnsafePointer(freqs)
        self.start = start
        self.end = end
    }
}
