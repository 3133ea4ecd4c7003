/// The flush's path into `PostingsWriter`: a doc given as its (field, termFreq) entries, field by field,
/// as an in-memory segment's doc stream holds them, rather than as a mask and a termFreq array
/// (`add(doc:mask:termFreqs:norms:positions:)`).
///
/// Each entry's termFreq, impacts, x and positions go straight into the block being filled: no
/// termFreqs array written then read back by mask, no position values decoded into a scratch array
/// then copied, and no call per doc (the steps inline into the flush's decoding loop). The doc being
/// added is an `EntryDoc` the caller holds (in registers, not in the writer's memory). The block is the
/// same as `add`'s: the same freqs in the same order, the same impacts, and x and the keyword x summed
/// in the same field order.
extension PostingsWriter {
    /// A doc being added entry by entry: its fields so far, its x and keyword x summed over them (the
    /// two lanes of `xy`), and the writer's factor pairs (`PostingsWriterBuffers.factorPairs`: per field
    /// and norm byte, the term maxima's factor and the block maxima's, one 8-byte load; copied, so that
    /// a loop reads them from a register). A writer without maxima has factors of 0: x and y stay 0,
    /// which leave `termMaximum` and `blockMaximum` as no table did (both start at 0, and `finishTerm`
    /// writes +∞ for a writer without them), so the per-entry path tests no optional. The lanes are
    /// summed as two `Float`s each would be (a product, then a sum), in the same field order.
    struct EntryDoc {
        var mask: UInt16 = 0
        var xy = SIMD2<Float>()
        let pairs: UnsafePointer<SIMD2<Float>>
        var x: Float { xy[0] }
        var y: Float { xy[1] }
    }

    /// An empty `EntryDoc` for this writer.
    var entryDoc: EntryDoc { EntryDoc(pairs: buffers.factorPairs) }

    /// Makes room for `n` more position values than the block being filled holds, so that the next
    /// entries of at most `n` values in all take `reservedPositionSlots` without a capacity test each
    /// (a flush's term: its positions stream has at least a byte per value).
    @inline(__always)
    mutating func reservePositions(_ n: Int) {
        if positionCount &+ n > buffers.positionsCapacity {
            buffers.reservePositions(positionCount &+ n, keeping: positionCount)
        }
    }

    /// The histogram of the block's position values' bit lengths (`countPositionLengths()`).
    var positionLengths: UnsafeMutablePointer<Int32> { buffers.positionLengths }

    /// `positionSlots` within room made by `reservePositions`, in `positions` (`reservedPositions`, read
    /// once after `reservePositions`, which alone moves the values). The caller counts each value's bit
    /// length in `positionLengths` when the writer `countsPositionLengths`.
    @inline(__always)
    mutating func reservedPositionSlots(_ n: Int, in positions: UnsafeMutablePointer<UInt32>) -> UnsafeMutablePointer<UInt32> {
        let target = positions + positionCount
        positionCount &+= n
        return target
    }

    /// Where the block's position values are, valid until the next `reservePositions` or `positionSlots`.
    var reservedPositions: UnsafeMutablePointer<UInt32> { buffers.positions }

    /// Room for the `n` position values of the next entry (its first position, then the gaps), counted
    /// as added: the caller writes them before the entry's `addEntry`.
    @inline(__always)
    mutating func positionSlots(_ n: Int) -> UnsafeMutablePointer<UInt32> {
        precondition(!countsPositionLengths, "position slots of a writer counting their lengths")
        unowned(unsafe) let b = buffers
        if positionCount &+ n > b.positionsCapacity {
            buffers.reservePositions(positionCount &+ n, keeping: positionCount)
        }
        let target = b.positions + positionCount
        positionCount &+= n
        return target
    }

    /// Adds field `field` to `doc` (fields ascending within a doc), where the term occurs `termFreq`
    /// (> 0) times; `norms` is the doc's norms row.
    @inline(__always)
    mutating func addEntry(field f: Int, termFreq tf: UInt32, norms: UnsafePointer<UInt8>, to doc: inout EntryDoc) {
        unowned(unsafe) let b = buffers
        doc.mask |= 1 &<< UInt16(truncatingIfNeeded: f)
        b.freqs[freqCount] = tf &- 1
        freqCount &+= 1
        fieldDocFreqs[f] &+= 1
        let norm = norms[f]
        blockImpacts.add(field: f, termFreq: tf, norm: norm)
        doc.xy += SIMD2(repeating: Float(tf)) * doc.pairs[f &* 256 &+ Int(norm)]
    }

    /// Ends `doc`, whose entries were added, as doc `id` of the current term (after its last doc), empties
    /// it, and encodes the block when it is full.
    @inline(__always)
    mutating func finishDoc(_ doc: inout EntryDoc, as id: DocID) {
        precondition(Int64(id) > lastDoc && doc.mask != 0, "doc \(id) after \(lastDoc), mask \(doc.mask)")
        finishCheckedDoc(&doc, as: id)
    }

    /// `finishDoc` of a doc the caller knows follows the term's last doc and has an entry (a flush's
    /// docs after the first of its table's term: their gaps are positive, and its last doc is checked).
    /// The maxima are raised by compares (x and y are sums of non-negative products, never NaN: the
    /// same values as `max`, without its blend).
    @inline(__always)
    mutating func finishCheckedDoc(_ doc: inout EntryDoc, as id: DocID) {
        unowned(unsafe) let b = buffers
        b.docs[count] = UInt32(bitPattern: id)
        b.masks[count] = doc.mask
        b.ys[count] = doc.y
        if doc.x > termMaximum { termMaximum = doc.x }
        if doc.y > blockMaximum { blockMaximum = doc.y }
        if doc.y > championFloor { offerChampion(x: doc.y, doc: UInt32(bitPattern: id), mask: doc.mask, freqsEnd: b.freqs + freqCount) }
        doc.mask = 0
        doc.xy = SIMD2()
        count &+= 1
        docFreq &+= 1
        lastDoc = Int64(id)
        if count == blockLimit { encodeBlock() }
    }
}
