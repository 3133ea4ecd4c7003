/// A postings cursor's positions: read per doc and field from the positions file, resuming where the
/// last read stopped in the block (see `PostingsCursor`).
extension PostingsCursor {
    /// Replaces `positions` with the positions of the term in `field` of the current doc (empty when the
    /// term is not in that field). The position values before it are summed from the last doc summed,
    /// not over the whole block.
    /// - Complexity: O(values between the previous read's and this one / 56) when docs are visited in
    ///   order (a select over the block's unary codes), else from the block's start; plus O(termFreq)
    ///   and O(docs since the last read).
    public mutating func positions(in field: Field, into positions: inout [Int32]) {
        positions.removeAll(keepingCapacity: true)
        guard let (start, count) = positionsOf(field), var reader = positionsReader(at: start, count: count) else { return }
        var position: Int32 = 0
        positions.reserveCapacity(count)
        for _ in 0..<count {
            position &+= Int32(truncatingIfNeeded: reader.next())
            positions.append(position)
        }
        if reader.failed { positions.removeAll(); return markPositionsCorrupt() }
        positionsResume = start + count
        positionsReader = reader
    }

    /// `positions(in:into:)` into `buffer` (from its start): returns how many positions it holds (0
    /// when the term is not in `field`, or the positions do not decode, then `positionsAreCorrupt`).
    /// - Complexity: as `positions(in:into:)`, without the array's per-value bookkeeping.
    mutating func positions(in field: Field, into buffer: PositionBuffer) -> Int {
        guard let (start, count) = positionsOf(field), var reader = positionsReader(at: start, count: count) else { return 0 }
        let out = buffer.reserve(count)
        var position: Int32 = 0
        for j in 0..<count {
            position &+= Int32(truncatingIfNeeded: reader.next())
            out[j] = position
        }
        if reader.failed {
            markPositionsCorrupt()
            return 0
        }
        positionsResume = start + count
        positionsReader = reader
        return count
    }

    /// Where the current doc's positions in `field` start among the block's values, and how many there
    /// are; nil when the term is not in that field (or the block is corrupt).
    @inline(__always)
    mutating func positionsOf(_ field: Field) -> (start: Int, count: Int)? {
        guard doc >= 0, doc != Self.noMoreDocs else { return nil }
        if !freqsUnpacked { unpackFreqs() }
        guard !isCorrupt else { return nil }
        let mask = buffers.masks[index]
        let bit = UInt16(1) << UInt16(field.rawValue)
        guard mask & bit != 0 else { return nil }
        // Values to skip: docs before this one, then this doc's fields before `field`.
        sumPositions(through: index)
        var skipCount = Int(buffers.positionsBefore[index])
        let first = Int(buffers.freqStart[index])
        // The fields below `field`: a look-up in the masks' field counts (`nonzeroBitCount` is a
        // software popcount on the baseline x86-64 target, about 20 instructions).
        let fieldsBefore = Int(buffers.fieldCounts[Int(truncatingIfNeeded: mask & (bit &- 1))])
        for k in 0..<fieldsBefore { skipCount += Int(buffers.freqs[first + k]) + 1 }
        return (skipCount, Int(buffers.freqs[first + fieldsBefore]) + 1)
    }

    /// Makes `positionsBefore[i - 1]` and `positionsBefore[i]` hold the position values before the
    /// block's doc `i - 1` and doc `i` (whose masks are decoded), summing from the last entry summed
    /// (`positionsSummed`); opens a reader at the block's first value on the block's first call. Needs
    /// the block's termFreqs unpacked. The docs are read in increasing order, each right after its sum
    /// (`positionsOf` reads entry `index`), so the
    /// entries of the docs passed over are not written: the termFreqs up to doc `i - 1` are summed in
    /// one flat loop (a value is its termFreq minus one: the count of termFreqs is added once), where a
    /// loop per doc cost about 16 instructions a doc more (the phrase queries among the keyword queries;
    /// BENCHMARKS.md, `kw14`).
    /// - Complexity: O(termFreqs of the docs newly summed).
    @inline(__always)
    mutating func sumPositions(through i: Int) {
        if !positionsDecoded { startPositions() }
        guard i > positionsSummed else { return }
        let before = buffers.positionsBefore, freqStart = buffers.freqStart, freqs = buffers.freqs
        let from = Int(freqStart[positionsSummed]), middle = Int(freqStart[i - 1]), to = Int(freqStart[i])
        var sum = before[positionsSummed] &+ UInt32(truncatingIfNeeded: middle &- from)
        for k in from..<middle { sum &+= freqs[k] }
        before[i - 1] = sum
        sum &+= UInt32(truncatingIfNeeded: to &- middle)
        for k in middle..<to { sum &+= freqs[k] }
        before[i] = sum
        positionsSummed = i
    }

    /// Starts the block's position sums (none summed yet) and opens a reader at its first value.
    mutating func startPositions() {
        buffers.positionsBefore[0] = 0
        positionsSummed = 0
        positionsDecoded = true
        positionsResume = 0
        positionsReader = openPositions()
    }

    /// A reader at the current block's `PositionsBlock`.
    func openPositions() -> PositionsBlockReader {
        let blockStart = blockCount == 1 ? 0 : skipPositionsStart(block)
        return PositionsBlockReader(base: positionsBase, start: info.positionsOffset + blockStart,
                                    end: info.positionsOffset + info.positionsLength)
    }

    /// A reader at value `skipCount` of the block with at least `count` values left (each takes a bit),
    /// from the last read's end when it is not past it, else from the block's start; nil (and the
    /// positions marked corrupt) when the block does not decode that far.
    @inline(__always)
    mutating func positionsReader(at skipCount: Int, count: Int) -> PositionsBlockReader? {
        var reader: PositionsBlockReader
        if skipCount >= positionsResume, let resumed = positionsReader {
            reader = resumed
            reader.skip(skipCount - positionsResume)
        } else {
            reader = openPositions()
            reader.skip(skipCount)
        }
        // A termFreq larger than the bits left is corrupt (and would otherwise reserve memory for
        // billions of positions).
        guard !reader.failed, count <= reader.remainingBound else {
            markPositionsCorrupt()
            return nil
        }
        return reader
    }

    mutating func markPositionsCorrupt() {
        isCorrupt = true
        positionsAreCorrupt = true
        positionsReader = nil
    }
}
