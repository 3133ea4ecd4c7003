/// A term clause's part in `ChampionSeed`: its best docs in a segment with their scores, before the
/// search walks any of its postings.
extension TermScorer {
    /// The term's champions (format 12: `ChampionList`), each scored from its stored posting and the
    /// doc's norms row as `score()` scores it; a term of at most `IndexFormat.championMinimumDocs` docs
    /// walked instead (a copy sharing the scorer's buffers: see `restartedForUseBeforeThis`) and its
    /// `championCount` best docs kept (ties to the smaller doc). A term of a segment without lists
    /// (format ≤ 11) adds none. False for a negative weight (a partial sum would not bound a score).
    func appendChampions(in segment: SegmentReader, clause: Int, to candidates: inout [ChampionSeed.Candidate]) throws -> Bool {
        guard scoreWeight >= 0 else { return false }
        let slot = Int32(truncatingIfNeeded: clause)
        if cursor.hasChampions {
            let ok = cursor.forEachChampion { doc, mask, termFreqs in
                guard !restricted || mask & fields != 0 else { return }
                candidates.append(ChampionSeed.Candidate(doc: doc, clause: slot,
                                                         score: score(doc: doc, mask: mask) { f, _ in termFreqs[f] }))
            }
            guard ok else {
                throw segment.postingsFile.corrupt("the champion list of a term of \(cursor.info.docFreq) docs at offset "
                    + "\(cursor.info.postingsOffset) does not decode (its count, docs below \(segment.docCount), masks, termFreqs or length)")
            }
            return true
        }
        guard cursor.info.docFreq <= IndexFormat.championMinimumDocs, var walk = restartedForUseBeforeThis(in: segment) else {
            return true
        }
        let first = candidates.count
        var d = walk.nextDoc()
        while d != PostingsCursor.noMoreDocs {
            if walk.matches() { candidates.append(ChampionSeed.Candidate(doc: d, clause: slot, score: walk.score())) }
            d = walk.nextDoc()
        }
        if candidates.count - first > IndexFormat.championCount {
            // The best `championCount` by score, ties to the smaller doc (the walk's docs ascend).
            var walked = Array(candidates[first...])
            walked.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
            candidates.removeSubrange(first...)
            candidates.append(contentsOf: walked.prefix(IndexFormat.championCount))
        }
        return true
    }
}
