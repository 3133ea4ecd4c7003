/// Decides, at commit, which record of each trial id the index keeps, and which docs to delete.
///
/// For one id, the candidates are the indexed live record e (if any) and the run's records r₁…rₙ.
/// The winner w among the run's records maximizes (authority, lastUpdated key, input sequence): a more
/// authoritative format wins, then a later update date (a missing date is older than any), then the
/// later record of the run. The index keeps e when e beats w on (authority, date) — e counts as the
/// earliest arrival, so a tie goes to w — or when w has e's content. Otherwise w replaces e.
/// Every run record is then counted once: the kept w as added or replaced, a record with the kept
/// content as unchanged, any other as older. The outcome depends only on the records and their input
/// order, never on which worker saw them first.
struct UpdateResolution {
    let existing: IndexReader?
    /// Docs to delete per existing segment (by ordinal), starting from the snapshot's deletes.
    private(set) var existingDeletes: [Int: DeletedDocs] = [:]
    /// Docs to delete per new segment (by name).
    private(set) var newDeletes: [String: DeletedDocs] = [:]
    /// Doc counts of new segments, learned from the candidates (for sizing their deletes).
    private var newDocCounts: [String: Int] = [:]

    init(existing: IndexReader?) { self.existing = existing }

    mutating func resolve(_ candidates: [Candidate], summary: inout IndexSummary) {
        for c in candidates where c.segment != nil {
            newDocCounts[c.segment ?? "", default: 0] = max(newDocCounts[c.segment ?? ""] ?? 0, Int(c.doc) + 1)
        }
        var groups: [String: [Int]] = [:]
        groups.reserveCapacity(candidates.count)
        for (i, c) in candidates.enumerated() { groups[c.id, default: []].append(i) }
        for (id, members) in groups {
            var w = members[0]
            for m in members.dropFirst() {
                let a = candidates[m], b = candidates[w]
                if (a.authority, a.dateKey, a.sequence) > (b.authority, b.dateKey, b.sequence) { w = m }
            }
            let winner = candidates[w]
            var keepExisting = false
            var finalHash = winner.hash
            var hadExisting = false
            if let trialID = TrialID(id), let existing, let (s, d) = existing.lookup(trialID) {
                hadExisting = true
                let dv = existing.segments[s].docValues
                let eKey = (UInt8(dv.authority(d)), dv.lastUpdatedKey(d))
                let eHash = dv.contentHash(d)
                if eKey > (winner.authority, winner.dateKey) || eHash == winner.hash {
                    keepExisting = true
                    finalHash = eHash
                } else {
                    deleteExisting(segment: s, doc: d)
                }
            }
            for m in members {
                let c = candidates[m]
                let kept = !keepExisting && m == w
                if let segment = c.segment, !kept { deleteNew(segment: segment, doc: c.doc) }
                if kept {
                    if hadExisting { summary.replaced += 1 } else { summary.added += 1 }
                } else if c.hash == finalHash {
                    summary.unchanged += 1
                } else {
                    summary.older += 1
                }
            }
        }
    }

    /// Deletes the live records of `ids` from the existing index.
    mutating func delete(_ ids: [TrialID], summary: inout IndexSummary) {
        for id in ids {
            if let existing, let (s, d) = existing.lookup(id), !(existingDeletes[s]?.contains(d) ?? false) {
                deleteExisting(segment: s, doc: d)
                summary.deleted += 1
            } else {
                summary.notFound.append(id)
            }
        }
    }

    private mutating func deleteExisting(segment s: Int, doc: DocID) {
        guard let existing else { return }
        if existingDeletes[s] == nil { existingDeletes[s] = DeletedDocs(existing.segments[s].liveDocs) }
        existingDeletes[s]?.insert(doc)
    }

    private mutating func deleteNew(segment: String, doc: DocID) {
        if newDeletes[segment] == nil { newDeletes[segment] = DeletedDocs(docCount: newDocCounts[segment] ?? 0) }
        newDeletes[segment]?.insert(doc)
    }
}
