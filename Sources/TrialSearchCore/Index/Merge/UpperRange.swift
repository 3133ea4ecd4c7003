import Synchronization

/// The scratch outputs of the thread that writes the upper range of a split write's terms (a merge's,
/// `SegmentMerger`, or a joined flush's, `SegmentBuilder.writeFiles`): unnamed files beside the
/// segment's postings and positions (`IndexOutput(scratchAt:)`), which the caller appends to the real
/// outputs once the lower range is written. Used by that thread only until it has left its
/// `MergedTerms` in `result`, then by the caller, once the thread is joined.
final class UpperRange: @unchecked Sendable {
    let postings: IndexOutput
    let positions: IndexOutput
    let result = Mutex<MergedTerms?>(nil)

    /// Opens the two scratch outputs, named after the segment's files plus `SegmentName.scratchSuffix`
    /// until they are unlinked.
    init(postingsPath: String, positionsPath: String) throws {
        postings = try IndexOutput(scratchAt: postingsPath + SegmentName.scratchSuffix)
        positions = try IndexOutput(scratchAt: positionsPath + SegmentName.scratchSuffix)
    }

    /// Once the thread is joined and the lower range written: appends the scratch outputs' bytes to
    /// the segment's postings and positions and adds the range's terms to `dictionary`, their offsets
    /// shifted by where the bytes landed. `what` names the write for the precondition message.
    func append(to postingsOut: IndexOutput, _ positionsOut: IndexOutput, dictionary: inout TermDictionaryWriter,
                of what: @autoclosure () -> String) throws {
        guard let terms = result.withLock({ $0.take() }) else {
            preconditionFailure("the upper range of \(what()) left no result")
        }
        let postingsShift = postingsOut.position, positionsShift = positionsOut.position
        try postings.append(to: postingsOut)
        try positions.append(to: positionsOut)
        try terms.forEach { term, info in
            var info = info
            info.postingsOffset += postingsShift
            info.positionsOffset += positionsShift
            try dictionary.add(term, info)
        }
    }
}
