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
        positions.deallocate()
        positionsScratch.deallocate()
    }
}
