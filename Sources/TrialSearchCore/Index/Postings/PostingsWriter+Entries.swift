/// The flush's path into `PostingsWriter`: a doc given as its (field, termFreq) entries, field by field,
/// as an in-memory segment's doc stream holds them, rather than as a mask and a termFreq array
/// (`add(doc:mask:termFreqs:norms:positions:)`).
///
/// Each entry's termFreq, impacts, x and positions go straight into the block being filled: no
/// termFreqs array written then read back by mask, no position values decoded into a scratch array
/// then copied, and no call per doc (the three steps inline into the flush's decoding loop). The
/// block is the same as `add`'s: the same freqs in the same order, the same impacts, and x and the
/// keyword x summed in the same field order.
extension PostingsWriter {
    /// Room for the `n` position values of the next entry (its first position, then the gaps), counted
    /// as added: the caller writes them before the entry's `addEntry`.
    @inline(__always)
    mutating func positionSlots(_ n: Int) -> UnsafeMutablePointer<UInt32> {
        unowned(unsafe) let b = buffers
        if positionCount &+ n > b.positionsCapacity {
            buffers.reservePositions(positionCount &+ n, keeping: positionCount)
        }
        let target = b.positions + positionCount
        positionCount &+= n
        return target
    }

    /// Adds field `field` of the doc being added (fields ascending within a doc), where the term occurs
    /// `termFreq` (> 0) times; `norms` is the doc's norms row.
    @inline(__always)
    mutating func addEntry(field f: Int, termFreq tf: UInt32, norms: UnsafePointer<UInt8>) {
        unowned(unsafe) let b = buffers
        entryMask |= 1 &<< UInt16(truncatingIfNeeded: f)
        b.freqs[freqCount] = tf &- 1
        freqCount &+= 1
        termFreqSum &+= Int(tf)
        fieldDocFreqs[f] &+= 1
        let norm = norms[f]
        blockImpacts.add(field: f, termFreq: tf, norm: norm)
        if let factorTable { entryX += Float(tf) * factorTable[f &* 256 &+ Int(norm)] }
        if let blockFactorTable { entryY += Float(tf) * blockFactorTable[f &* 256 &+ Int(norm)] }
    }

    /// Ends the doc whose entries were added as doc `doc` of the current term (after its last doc), and
    /// encodes the block when it is full.
    @inline(__always)
    mutating func finishDoc(_ doc: DocID) {
        precondition(Int64(doc) > lastDoc && entryMask != 0, "doc \(doc) after \(lastDoc), mask \(entryMask)")
        unowned(unsafe) let b = buffers
        b.docs[count] = UInt32(bitPattern: doc)
        b.masks[count] = entryMask
        if factorTable != nil { termMaximum = max(termMaximum, entryX) }
        blockMaximum = max(blockMaximum, entryY)
        entryMask = 0
        entryX = 0
        entryY = 0
        count &+= 1
        docFreq &+= 1
        lastDoc = Int64(doc)
        if count == blockLimit { encodeBlock() }
    }
}
