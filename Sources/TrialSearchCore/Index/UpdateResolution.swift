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
        // Doc counts of the new segments; a run's candidates come in runs of the same segment name.
        var lastSegment: String?
        var lastCount = 0
        for c in candidates {
            guard let segment = c.segment else { continue }
            if segment != lastSegment {
                if let lastSegment { newDocCounts[lastSegment] = max(newDocCounts[lastSegment] ?? 0, lastCount) }
                lastSegment = segment
                lastCount = newDocCounts[segment] ?? 0
            }
            lastCount = max(lastCount, Int(c.doc) + 1)
        }
        if let lastSegment { newDocCounts[lastSegment] = max(newDocCounts[lastSegment] ?? 0, lastCount) }
        // The candidates of each id, as a chain through `previous` from the id's last candidate
        // (`isLast`): one table entry per id, no array per id.
        var lastOfID: [String: Int32] = [:]
        lastOfID.reserveCapacity(candidates.count)
        var previous = [Int32](repeating: -1, count: candidates.count)
        var isLast = [Bool](repeating: true, count: candidates.count)
        for (i, c) in candidates.enumerated() {
            if let p = lastOfID.updateValue(Int32(i), forKey: c.id) {
                previous[i] = p
                isLast[Int(p)] = false
            }
        }
        var members: [Int] = []
        for last in candidates.indices where isLast[last] {
            members.removeAll(keepingCapacity: true)
            var m = last
            while m >= 0 {
                members.append(m)
                m = Int(previous[m])
            }
            resolveGroup(candidates, members: members, summary: &summary)
        }
    }

    /// Resolves the candidates `members` (indices into `candidates`) of one id.
    private mutating func resolveGroup(_ candidates: [Candidate], members: [Int], summary: inout IndexSummary) {
        let id = candidates[members[0]].id
        var w = members[0]
        for m in members.dropFirst() {
            let a = candidates[m], b = candidates[w]
            if (a.authority, a.dateKey, a.sequence) > (b.authority, b.dateKey, b.sequence) { w = m }
        }
        let winner = candidates[w]
        var keepExisting = false
        var finalHash = winner.hash
        var hadExisting = false
        if let existing, let trialID = TrialID(id), let (s, d) = existing.lookup(trialID) {
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
