/// A cursor's term's champion list (`ChampionList`, format 12), read without moving the cursor.
extension PostingsCursor {
    /// Whether the term stores a champion list (a format-12 term of more than
    /// `IndexFormat.championMinimumDocs` docs).
    var hasChampions: Bool { ChampionList.isPresent(docFreq: info.docFreq, version: version) }

    /// Calls `body(doc, mask, termFreqs)` for each of the term's champions, in doc order (`termFreqs[f]`
    /// the doc's termFreq in field f of `mask`); false on a damaged list (see `ChampionList.forEach`),
    /// and for a term without one (`hasChampions`).
    /// - Complexity: O(bytes of the list): about 65 bytes.
    func forEachChampion(_ body: (DocID, UInt16, UnsafePointer<UInt32>) -> Void) -> Bool {
        guard hasChampions, !isCorrupt else { return false }
        return ChampionList.forEach(base: base, start: termEnd, end: extentEnd, expected: IndexFormat.championCount,
                                    docCount: Int(docLimit), body)
    }
}
