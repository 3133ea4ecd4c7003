/// The block being encoded, in manually managed memory (one owner, freed in `deinit`): no array
/// uniqueness checks in the per-posting path.
final class PostingsWriterBuffers {
    let docs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.maxBlockDocs)
    let masks = UnsafeMutablePointer<UInt16>.allocate(capacity: IndexFormat.maxBlockDocs)
    let dictionary = UnsafeMutablePointer<UInt16>.allocate(capacity: IndexFormat.maxBlockDocs)
    let freqs = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.maxBlockDocs * IndexFormat.fieldCount)
    let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.maxBlockDocs)
    /// Each doc's keyword x (a flush's docs: `PostingsWriter.championsDeferred`).
    let ys = UnsafeMutablePointer<Float>.allocate(capacity: IndexFormat.maxBlockDocs)
    /// Per field mask, its index in the block's mask dictionary plus one, or 0 (`encodeBlock`; all 0
    /// between blocks). A block has at most `maxBlockDocs` (255) masks, so an index + 1 fits a byte;
    /// a mask is below 2^fieldCount (`append` counts each of its fields in a `FieldCounts`, which traps
    /// on a field past `fieldCount`).
    let maskSlots: UnsafeMutablePointer<UInt8> = {
        let slots = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << IndexFormat.fieldCount)
        slots.initialize(repeating: 0, count: 1 << IndexFormat.fieldCount)
        return slots
    }()
    /// Per field f and norm byte n, at f · 256 + n: the term maxima's factor and the block maxima's
    /// (`TermMaximumFactors.factorTable`), 0 for a writer without them (`fillFactorPairs`): the flush's
    /// x and keyword x of an entry in one load (`PostingsWriter.EntryDoc`).
    let factorPairs: UnsafeMutablePointer<SIMD2<Float>> = {
        let pairs = UnsafeMutablePointer<SIMD2<Float>>.allocate(capacity: IndexFormat.fieldCount * 256)
        pairs.initialize(repeating: SIMD2(), count: IndexFormat.fieldCount * 256)
        return pairs
    }()

    /// Sets `factorPairs` from the two factor tables (nil: factors of 0).
    func fillFactorPairs(_ factors: UnsafePointer<Float>?, _ blockFactors: UnsafePointer<Float>?) {
        for i in 0..<(IndexFormat.fieldCount * 256) {
            factorPairs[i] = SIMD2(factors?[i] ?? 0, blockFactors?[i] ?? 0)
        }
    }

    /// The bit lengths' histogram of the block's position values (`histogram[b]`: the values of b bits,
    /// b ≤ 32; 33 is a guard of 0), counted as a flush decodes them
    /// (`PostingsWriter.countsPositionLengths`) for `PositionsBlock.encode`'s k; all 0 between blocks.
    let positionLengths: UnsafeMutablePointer<Int32> = {
        let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: 34)
        lengths.initialize(repeating: 0, count: 34)
        return lengths
    }()
    /// Position values of the block, grown as needed (`reservePositions`).
    private(set) var positions = UnsafeMutablePointer<UInt32>.allocate(capacity: 1 << 12)
    private(set) var positionsCapacity = 1 << 12
    /// `PositionsBlock.encode`'s scratch for a block of up to `positionsCapacity` values.
    private(set) var positionsScratch = UnsafeMutablePointer<UInt32>.allocate(
        capacity: PositionsBlock.scratchWords(count: 1 << 12))

    /// Makes room for `count` position values, keeping those already there. Called only when
    /// `positionsCapacity` is short (a method call on the object retains it for the call).
    @inline(never)
    func reservePositions(_ count: Int, keeping used: Int) {
        guard count > positionsCapacity else { return }
        var capacity = positionsCapacity * 2
        while capacity < count { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        bigger.update(from: positions, count: used)
        positions.deallocate()
        positions = bigger
        positionsCapacity = capacity
        positionsScratch.deallocate()
        positionsScratch = .allocate(capacity: PositionsBlock.scratchWords(count: capacity))
    }

    deinit {
        docs.deallocate()
        masks.deallocate()
        dictionary.deallocate()
        freqs.deallocate()
        scratch.deallocate()
        ys.deallocate()
        maskSlots.deallocate()
        factorPairs.deallocate()
        positionLengths.deallocate()
        positions.deallocate()
        positionsScratch.deallocate()
    }
}
