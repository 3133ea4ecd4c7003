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
    /// A doc being added entry by entry: its fields so far, its x and keyword x summed over them, and
    /// the writer's factor tables (copied, so that a loop reads them from registers).
    struct EntryDoc {
        var mask: UInt16 = 0
        var x: Float = 0
        var y: Float = 0
        let factorTable: UnsafePointer<Float>?
        let blockFactorTable: UnsafePointer<Float>?
    }

    /// An empty `EntryDoc` for this writer.
    var entryDoc: EntryDoc { EntryDoc(factorTable: factorTable, blockFactorTable: blockFactorTable) }

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

    /// Adds field `field` to `doc` (fields ascending within a doc), where the term occurs `termFreq`
    /// (> 0) times; `norms` is the doc's norms row.
    @inline(__always)
    mutating func addEntry(field f: Int, termFreq tf: UInt32, norms: UnsafePointer<UInt8>, to doc: inout EntryDoc) {
        unowned(unsafe) let b = buffers
        doc.mask |= 1 &<< UInt16(truncatingIfNeeded: f)
        b.freqs[freqCount] = tf &- 1
        freqCount &+= 1
        termFreqSum &+= Int(tf)
        fieldDocFreqs[f] &+= 1
        let norm = norms[f]
        blockImpacts.add(field: f, termFreq: tf, norm: norm)
        let slot = f &* 256 &+ Int(norm)
        let weight = Float(tf)
        if let factorTable = doc.factorTable { doc.x += weight * factorTable[slot] }
        if let blockFactorTable = doc.blockFactorTable { doc.y += weight * blockFactorTable[slot] }
    }

    /// Ends `doc`, whose entries were added, as doc `id` of the current term (after its last doc), empties
    /// it, and encodes the block when it is full.
    @inline(__always)
    mutating func finishDoc(_ doc: inout EntryDoc, as id: DocID) {
        precondition(Int64(id) > lastDoc && doc.mask != 0, "doc \(id) after \(lastDoc), mask \(doc.mask)")
        unowned(unsafe) let b = buffers
        b.docs[count] = UInt32(bitPattern: id)
        b.masks[count] = doc.mask
        b.ys[count] = doc.y
        if doc.factorTable != nil { termMaximum = max(termMaximum, doc.x) }
        blockMaximum = max(blockMaximum, doc.y)
        if doc.y > championFloor { offerChampion(x: doc.y, doc: UInt32(bitPattern: id), mask: doc.mask, freqsEnd: b.freqs + freqCount) }
        doc.mask = 0
        doc.x = 0
        doc.y = 0
        count &+= 1
        docFreq &+= 1
        lastDoc = Int64(id)
        if count == blockLimit { encodeBlock() }
    }
}
